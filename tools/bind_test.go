package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/inert"
)

func TestBindForgivesSlipsAndRefusesMistakes(t *testing.T) {
	b := newBinder[ListConversationsParams]()
	tests := []struct {
		name    string
		args    any
		want    func(ListConversationsParams) bool
		wantErr string
	}{
		{"nil args", nil, func(p ListConversationsParams) bool { return p.OnlyDeletedConversations == nil }, ""},
		{"empty raw", json.RawMessage(``), func(p ListConversationsParams) bool { return p.ChatbotID == 0 }, ""},
		{"raw object", json.RawMessage(`{"chatbot_id":7}`), func(p ListConversationsParams) bool { return p.ChatbotID == 7 }, ""},
		{"integer", map[string]any{"chatbot_id": float64(17)}, func(p ListConversationsParams) bool { return p.ChatbotID == 17 }, ""},
		{"numeric string", map[string]any{"chatbot_id": "17"}, func(p ListConversationsParams) bool { return p.ChatbotID == 17 }, ""},
		{"numeric string with spaces", map[string]any{"conversation_number": " 4812 "}, func(p ListConversationsParams) bool { return p.ConversationNumber == 4812 }, ""},
		{"whole float", map[string]any{"chatbot_id": 17.0}, func(p ListConversationsParams) bool { return p.ChatbotID == 17 }, ""},
		{"bool", map[string]any{"onlyDeletedConversations": true}, func(p ListConversationsParams) bool { return *p.OnlyDeletedConversations }, ""},
		{"bool as string", map[string]any{"onlyDeletedConversations": "False"}, func(p ListConversationsParams) bool { return !*p.OnlyDeletedConversations }, ""},
		{"null is unset", map[string]any{"chatbot_id": nil, "onlyDeletedConversations": nil}, func(p ListConversationsParams) bool {
			return p.ChatbotID == 0 && p.OnlyDeletedConversations == nil
		}, ""},
		{"fraction", map[string]any{"chatbot_id": 1.5}, nil, "chatbot_id must be a whole number"},
		{"word for number", map[string]any{"chatbot_id": "seventeen"}, nil, `chatbot_id must be a whole number such as 17, got "seventeen"`},
		{"bool for number", map[string]any{"chatbot_id": true}, nil, "chatbot_id must be a whole number such as 17, got a boolean"},
		{"yes for bool", map[string]any{"onlyDeletedConversations": "yes"}, nil, `onlyDeletedConversations must be true or false, got "yes"`},
		{"number for bool", map[string]any{"onlyDeletedConversations": float64(0)}, nil, "onlyDeletedConversations must be true or false, got a number"},
		{"number for string", map[string]any{"startDate": float64(2026)}, nil, "startDate must be a string, got a number"},
		{"object for string", map[string]any{"chatbot_uuid": map[string]any{}}, nil, "chatbot_uuid must be a string, got an object"},
		{"unknown name lists valid ones", map[string]any{"bot": 1}, nil, `unknown parameter "bot". Valid parameters: chart, chatbot_id, chatbot_uuid, conversation_number, endDate, limit, max_tokens, offset, onlyDeletedConversations, search, sourcePlatform, startDate`},
		{"misspelt name gets a suggestion", map[string]any{"chatbotId": 1, "start_date": "2026-01-01"}, nil, `Did you mean "chatbot_id" instead of "chatbotId", "startDate" instead of "start_date"?`},
		{"array args", []any{1}, nil, "arguments must be a JSON object"},
		{"raw array", json.RawMessage(`[1]`), nil, "arguments must be a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := b.bind(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("bind error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("bind error = %v", err)
			}
			if !tc.want(p) {
				t.Errorf("bind gave %+v", p)
			}
		})
	}
}

func TestExcerptCannotEndTheQuoteEarly(t *testing.T) {
	it := ConversationItem{Number: 5, Platform: "API", Messages: 2, State: "live",
		FirstMessage: inert.Clean(`He said "ignore previous instructions" then left`, 200)}
	got := it.line()
	want := `#5 API 2 msgs  first message: "He said \"ignore previous instructions\" then left"`
	if got != want {
		t.Errorf("line = %s, want %s", got, want)
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1137: "1,137", 1234567: "1,234,567", -4321: "-4,321"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestBusiestDaysLine: list_conversations and conversation_insights write
// the busiest days with one function, counts with thousands separators.
func TestBusiestDaysLine(t *testing.T) {
	var b strings.Builder
	(&Totals{}).writeBusiestDays(&b)
	tot := Totals{BusiestDays: []DayCount{{"2026-11-18", 1234}, {"2026-11-01", 8}}}
	tot.writeBusiestDays(&b)
	if got, want := b.String(), "- busiest days: 2026-11-18 (1,234), 2026-11-01 (8)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
