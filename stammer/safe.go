package stammer

import (
	"slices"
	"strconv"

	"github.com/stammer-mcp/stammer-mcp/inert"
	"github.com/stammer-mcp/stammer-mcp/redact"
)

// The fields of a conversation other than message text are shown to the
// model as they are (in headers, listing rows, by-platform totals and
// structured content), so the client makes them safe once, as they leave
// it: a field with a fixed form is checked against it, any other is cleaned
// like an error message. Message text stays as the API sent it; the tools
// clean and quote it where they show it, cut to their budget.

// cleanFields makes c's fields safe: a uuid that does not parse is
// dropped (it could not be used to open the conversation anyway), a
// platform that is not a documented value is shown as unknown with its
// text quoted, and a user key is cleaned and cut. The token is removed
// from message text with red: redacting results is not enough for text,
// since insights split it into words and phrases, and a piece of the token
// is not the token.
func cleanFields(c *Conversation, red *redact.Redactor) {
	if c.UUID != "" && !IsUUID(c.UUID) {
		c.UUID = ""
	}
	if c.ChatbotUUID != "" && !IsUUID(c.ChatbotUUID) {
		c.ChatbotUUID = ""
	}
	if c.Platform != "" {
		c.Platform = platform(c.Platform)
	}
	if c.UserKey != "" {
		c.UserKey = inert.Field(c.UserKey)
	}
	for i := range c.Messages {
		c.Messages[i].Text = red.Redact(c.Messages[i].Text)
	}
}

// platform returns p in the documented spelling (NormalizePlatform), else
// `unknown "<p cleaned>"`.
func platform(p string) string {
	if slices.Contains(SourcePlatforms, p) { // as the API spells it, the usual case
		return p
	}
	if known, ok := NormalizePlatform(p); ok {
		return known
	}
	return "unknown " + strconv.Quote(inert.Field(p))
}
