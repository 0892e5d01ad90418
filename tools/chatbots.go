package tools

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/stammer-mcp/stammer-mcp/inert"
	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// Chatbots: who is who. Nothing in Stammer's public API lists an agency's
// chatbots or names them, so the chatbots are the ones seen in
// conversations, and an operator may name them in a file. Every tool
// enumerates chatbots through chatbotsIn, the one place a per-user access
// policy has to filter.

// ChatbotName is the operator's name for one chatbot.
type ChatbotName struct {
	// ID is the chatbot's integer id.
	ID int64
	// UUID is its uuid, when the operator gave it.
	UUID string
	// Aliases are short names people use for it ("clinic").
	Aliases []string
	// Name is its display name ("Dental clinic Rivera").
	Name string
}

// ChatbotNames are the operator's names, by chatbot id
// (STAMMER_CHATBOTS_FILE). A nil map names nothing.
type ChatbotNames map[int64]ChatbotName

// name is the display name of chatbot id ("" when unnamed): the quoted
// name, or else the aliases.
func (n ChatbotNames) name(id int64) string {
	c, ok := n[id]
	if !ok {
		return ""
	}
	if c.Name != "" {
		return c.Name
	}
	return strings.Join(c.Aliases, ", ")
}

// byUUID finds a chatbot's id from its uuid (0 when not named).
func (n ChatbotNames) byUUID(uuid string) int64 {
	for id, c := range n {
		if c.UUID != "" && strings.EqualFold(c.UUID, uuid) {
			return id
		}
	}
	return 0
}

// label is how a chatbot is written in text: `17 "Dental clinic Rivera"`,
// or just the id. Names come from the operator, but are quoted and cleaned
// like any text so a name cannot pass for our own words.
func (n ChatbotNames) label(id int64) string {
	s := strconv.FormatInt(id, 10)
	if name := n.name(id); name != "" {
		s += " " + strconv.Quote(inert.Clean(name, 60))
	}
	return s
}

// maxNameRunes caps an operator's chatbot name or alias as it is loaded:
// names are pasted from anywhere, and every output shows them.
const maxNameRunes = 120

// LoadChatbotNames reads STAMMER_CHATBOTS_FILE: one chatbot a line, its
// integer id first, then optionally its uuid, short aliases, and a display
// name in double quotes, e.g.
//
//	17 05b5e310-4a22-4a53-b440-1922ca9815cf clinic "Dental clinic Rivera"
//
// Blank lines and lines starting with # are ignored.
func LoadChatbotNames(path string) (ChatbotNames, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := ChatbotNames{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		c, err := parseChatbotLine(text)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		if _, dup := out[c.ID]; dup {
			return nil, fmt.Errorf("%s line %d: chatbot %d is named twice", path, line, c.ID)
		}
		out[c.ID] = c
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s names no chatbot; write lines like: 17 clinic \"Dental clinic Rivera\"", path)
	}
	return out, nil
}

// parseChatbotLine reads one line of the chatbots file.
func parseChatbotLine(text string) (ChatbotName, error) {
	var c ChatbotName
	if i := strings.IndexByte(text, '"'); i >= 0 {
		name, err := strconv.Unquote(strings.TrimSpace(text[i:]))
		if err != nil {
			return c, fmt.Errorf("the name %s is not one double-quoted string", text[i:])
		}
		// Cleaned here, once: the name reaches structured content and
		// breakdown rows as it is, not only the quoted labels.
		c.Name, text = inert.Clean(name, maxNameRunes), text[:i]
	}
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return c, fmt.Errorf("no chatbot id; write lines like: 17 clinic \"Dental clinic Rivera\"")
	}
	id, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil || id <= 0 {
		return c, fmt.Errorf("%q is not a chatbot id (a positive integer); write lines like: 17 clinic \"Dental clinic Rivera\"", fields[0])
	}
	c.ID = id
	for _, f := range fields[1:] {
		if stammer.IsUUID(f) && c.UUID == "" {
			c.UUID = strings.ToLower(f)
			continue
		}
		if a := inert.Clean(f, maxNameRunes); a != "" {
			c.Aliases = append(c.Aliases, a)
		}
	}
	if c.Name == "" && len(c.Aliases) == 0 {
		return c, fmt.Errorf("chatbot %d has no name or alias", id)
	}
	return c, nil
}

// chatbotStat is one chatbot seen in a set of conversations.
type chatbotStat struct {
	id            int64
	uuid          string
	conversations int
	last          stammer.Instant // latest start or update
}

// chatbotsIn enumerates the chatbots of cs[i], i in idx, most
// conversations first. It is the one place where tools learn which
// chatbots exist.
func chatbotsIn(cs []stammer.Conversation, idx []int) []chatbotStat {
	by := map[int64]*chatbotStat{}
	var order []*chatbotStat
	for _, i := range idx {
		c := &cs[i]
		s := by[c.ChatbotID]
		if s == nil {
			s = &chatbotStat{id: c.ChatbotID}
			by[c.ChatbotID] = s
			order = append(order, s)
		}
		s.conversations++
		if s.uuid == "" {
			s.uuid = c.ChatbotUUID
		}
		s.last = max(s.last, c.CreatedAt, c.UpdatedAt)
	}
	out := make([]chatbotStat, len(order))
	for i, s := range order {
		out[i] = *s
	}
	slices.SortFunc(out, func(a, b chatbotStat) int {
		return cmp.Or(cmp.Compare(b.conversations, a.conversations), cmp.Compare(a.id, b.id))
	})
	return out
}

// ChatbotCount is one chatbot's share of the matching conversations.
type ChatbotCount struct {
	ChatbotID int64   `json:"chatbot_id" jsonschema:"required" jsonschema_description:"The chatbot (0 when the API sent none)."`
	Name      string  `json:"name,omitempty" jsonschema_description:"The operator's name for it (STAMMER_CHATBOTS_FILE)."`
	Count     int     `json:"count" jsonschema:"required" jsonschema_description:"Its matching conversations."`
	Share     float64 `json:"share" jsonschema:"required" jsonschema_description:"Percent of all matching conversations, one decimal."`
}

// chatbotCounts is the by-chatbot breakdown of a total, most first.
func chatbotCounts(stats []chatbotStat, total int, names ChatbotNames) []ChatbotCount {
	out := make([]ChatbotCount, len(stats))
	for i, s := range stats {
		out[i] = ChatbotCount{ChatbotID: s.id, Name: names.name(s.id), Count: s.conversations, Share: share(s.conversations, total)}
	}
	return out
}
