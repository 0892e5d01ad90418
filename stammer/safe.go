package stammer

import (
	"strconv"
	"strings"

	"github.com/stammer-mcp/stammer-mcp/inert"
	"github.com/stammer-mcp/stammer-mcp/redact"
)

// The fields of a conversation other than message text are shown to the
// model as they are (in headers, listing rows, by-platform totals and
// structured content), so the client makes them safe once, as they leave
// it: a field with a fixed form is checked against it, any other is cleaned
// like an error message. Message text stays as the API sent it; the tools
// clean and quote it where they show it, cut to their budget.

// knownPlatforms maps each documented source platform, lower-cased, to
// itself as the API spells it.
var knownPlatforms = func() map[string]string {
	m := make(map[string]string, len(SourcePlatforms))
	for _, p := range SourcePlatforms {
		m[strings.ToLower(p)] = p
	}
	return m
}()

// fieldCleaner makes the fields of decoded conversations safe to show. It
// remembers the platforms it has seen, which repeat in every conversation.
type fieldCleaner struct {
	platforms map[string]string
	// red removes the token from message text. Redacting results is not
	// enough for text: insights split it into words and phrases, and a
	// piece of the token is not the token.
	red *redact.Redactor
}

// conversations cleans every conversation of cs in place.
func (f *fieldCleaner) conversations(cs []Conversation) {
	for i := range cs {
		f.conversation(&cs[i])
	}
}

// conversation makes c's fields safe: a uuid that does not parse is
// dropped (it could not be used to open the conversation anyway), a
// platform that is not a documented value is shown as unknown with its
// text quoted, and a user key is cleaned and cut.
func (f *fieldCleaner) conversation(c *Conversation) {
	if c.UUID != "" && !IsUUID(c.UUID) {
		c.UUID = ""
	}
	if c.ChatbotUUID != "" && !IsUUID(c.ChatbotUUID) {
		c.ChatbotUUID = ""
	}
	if c.Platform != "" {
		c.Platform = f.platform(c.Platform)
	}
	if c.UserKey != "" {
		c.UserKey = inert.Field(c.UserKey)
	}
	for i := range c.Messages {
		c.Messages[i].Text = f.red.Redact(c.Messages[i].Text)
	}
}

// platform returns p if it is a documented platform, else
// `unknown "<p cleaned>"`.
func (f *fieldCleaner) platform(p string) string {
	if known, ok := knownPlatforms[p]; ok && known == p {
		return p
	}
	if out, ok := f.platforms[p]; ok {
		return out
	}
	out := "unknown " + strconv.Quote(inert.Field(p))
	if known, ok := knownPlatforms[strings.ToLower(strings.TrimSpace(p))]; ok {
		out = known
	}
	if f.platforms == nil {
		f.platforms = map[string]string{}
	}
	f.platforms[p] = out
	return out
}
