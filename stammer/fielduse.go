package stammer

import (
	"strings"

	"github.com/stammer-mcp/stammer-mcp/jsonlex"
)

// FieldUse says what the decoder reads a member of a conversation
// (message false) or of a message (message true) as: the Conversation
// field(s) or message part it fills, e.g. "Number" or "ID or UUID" (an
// "id" holding a uuid is the uuid); "" when the key is ignored. It reads
// the decoder's own tables, so that doctor --shape, which reports with it
// which fields of a real answer were used, cannot disagree with them.
func FieldUse(key string, message bool) string {
	table, idx := conversationFields[:], conversationIndex()
	if message {
		table, idx = messageFields[:], messageIndex()
	}
	var names []string
	for _, u := range idx[string(normKey(nil, []byte(key)))] {
		names = append(names, table[u.field].name)
	}
	return strings.Join(names, " or ")
}

// ReadsTime reports whether the decoder reads s, the text of a JSON string
// or number, as a time, for doctor --shape to say which of the time
// layouts it saw are used.
func ReadsTime(s string) bool {
	_, ok := toTime(scalar{jsonlex.String, []byte(s)})
	return ok
}
