package stammer

import (
	"testing"
	"time"
)

// TestFieldUse checks the names doctor --shape reports for a key.
func TestFieldUse(t *testing.T) {
	tests := []struct {
		key     string
		message bool
		want    string
	}{
		{"conversation_number", false, "Number"},
		{"conversationNumber", false, "Number"},
		{"conversation_id", false, ""},
		{"id", false, "ID"},
		{"chatbot_id", false, "ChatbotID or ChatbotUUID"},
		{"Chatbot", false, "ChatbotID or ChatbotUUID"},
		{"is_active", false, "State"},
		{"lead", false, ""},
		{"query", true, "user text"},
		{"content", true, "text"},
		{"query", false, ""},
		{"chat_history", false, ""},
		{"sender", true, ""},
	}
	for _, tt := range tests {
		if got := FieldUse(tt.key, tt.message); got != tt.want {
			t.Errorf("FieldUse(%q, %v) = %q, want %q", tt.key, tt.message, got, tt.want)
		}
	}
}

// TestEveryConversationSpellingDecodes walks the table: every spelling of
// every field, sent alone with a value of the field's type, fills that
// field. A spelling the readers do not handle fails here.
func TestEveryConversationSpellingDecodes(t *testing.T) {
	const u = "05b5e310-4a22-4a53-b440-1922ca9815cf"
	values := map[int]string{
		fID: `17`, fNumber: `17`, fChatbotID: `17`,
		fUUID: `"` + u + `"`, fChatbotUUID: `"` + u + `"`,
		fUserKey: `"k"`, fPlatform: `"whatsapp"`, fState: `true`,
		fCreated: `"2026-11-01T09:30:00Z"`, fUpdated: `"2026-11-01T09:30:00Z"`,
		fMessages: `[{"query": "q"}]`,
	}
	at := time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)
	for field, row := range conversationFields {
		for _, key := range row.keys {
			c := decodeOne(t, `{"`+key+`": `+values[field]+`}`)
			var ok bool
			switch field {
			case fID:
				ok = c.ID == 17
			case fNumber:
				ok = c.Number == 17
			case fChatbotID:
				ok = c.ChatbotID == 17
			case fUUID:
				ok = c.UUID == u
			case fChatbotUUID:
				ok = c.ChatbotUUID == u
			case fUserKey:
				ok = c.UserKey == "k"
			case fPlatform:
				ok = c.Platform == "whatsapp"
			case fState:
				ok = c.State != StateUnknown
			case fCreated:
				ok = c.CreatedAt == ins(at)
			case fUpdated:
				ok = c.UpdatedAt == ins(at)
			case fMessages:
				ok = len(c.Messages) == 1 && c.Messages[0].Text == "q"
			}
			if !ok {
				t.Errorf("%s (%s) did not fill %s: %+v", key, values[field], row.name, c)
			}
		}
	}
}

// TestEveryMessageSpellingDecodes does the same for message members.
func TestEveryMessageSpellingDecodes(t *testing.T) {
	for field, row := range messageFields {
		for _, key := range row.keys {
			var obj string
			switch field {
			case mUser, mBot, mContent:
				obj = `{"` + key + `": "hi"}`
			case mRole:
				obj = `{"` + key + `": "bot", "content": "hi"}`
			case mTime:
				obj = `{"` + key + `": 1793525400, "content": "hi"}`
			}
			c := decodeOne(t, `{"messages": [`+obj+`]}`)
			if len(c.Messages) != 1 || c.Messages[0].Text != "hi" {
				t.Fatalf("%s: got %+v", obj, c.Messages)
			}
			m := c.Messages[0]
			var ok bool
			switch field {
			case mUser:
				ok = m.Role == RoleUser
			case mBot:
				ok = m.Role == RoleAssistant
			case mContent:
				ok = m.Role == RoleOther
			case mRole:
				ok = m.Role == RoleAssistant
			case mTime:
				ok = m.At == ins(time.Unix(1793525400, 0))
			}
			if !ok {
				t.Errorf("%s did not fill %s: %+v", obj, row.name, m)
			}
		}
	}
}
