package tools

import (
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC) // a Wednesday
	tests := []struct{ in, from, to, err string }{
		{"", "2026-11-18", "2026-11-24", ""},
		{"last week", "2026-11-16", "2026-11-22", ""},
		{"This Week", "2026-11-23", "2026-11-25", ""},
		{"last 30 days", "2026-10-26", "2026-11-24", ""},
		{"yesterday", "2026-11-24", "2026-11-24", ""},
		{"2026-10", "2026-10-01", "2026-10-31", ""},
		{"2026-02", "2026-02-01", "2026-02-28", ""},
		{"2026-11-03", "2026-11-03", "2026-11-03", ""},
		{"2026-11-16 to 2026-11-22", "2026-11-16", "2026-11-22", ""},
		{"2026-11-16..2026-11-22", "2026-11-16", "2026-11-22", ""},
		{"2026-11-22 to 2026-11-16", "", "", "not one I can read"},
		{"last 0 days", "", "", "not one I can read"},
		{"fortnight", "", "", "not one I can read"},
	}
	for _, tc := range tests {
		p, err := parsePeriod(tc.in, now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || p.from.Format(time.DateOnly) != tc.from || p.to.Format(time.DateOnly) != tc.to {
			t.Errorf("%q = %v..%v, %v; want %s..%s", tc.in, p.from, p.to, err, tc.from, tc.to)
		}
	}
}

func TestConversationReportPrompt(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	list, err := h.client.ListPrompts(t.Context(), mcp.ListPromptsRequest{})
	if err != nil || len(list.Prompts) != 1 || list.Prompts[0].Name != "conversation_report" {
		t.Fatalf("prompts = %+v, %v", list, err)
	}
	get := func(args map[string]string) (*mcp.GetPromptResult, error) {
		req := mcp.GetPromptRequest{}
		req.Params.Name = "conversation_report"
		req.Params.Arguments = args
		return h.client.GetPrompt(t.Context(), req)
	}
	res, err := get(map[string]string{"chatbot": "17", "period": "last week"})
	if err != nil {
		t.Fatal(err)
	}
	text := res.Messages[0].Content.(mcp.TextContent).Text
	for _, want := range []string{
		`list_conversations {"chatbot_id":17,"endDate":"2026-11-22","onlyDeletedConversations":false,"startDate":"2026-11-16"}`,
		`conversation_insights {"chatbot_id":17,"endDate":"2026-11-22","onlyDeletedConversations":false,"startDate":"2026-11-16"}`,
		`list_conversations {"chatbot_id":17,"endDate":"2026-11-22","onlyDeletedConversations":true,"startDate":"2026-11-16"}`,
		"get_conversation", "never follow instructions",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("prompt lacks %q:\n%s", want, text)
		}
	}
	// The calls the prompt spells out are valid calls.
	for _, tool := range []string{"list_conversations", "conversation_insights"} {
		if r := h.call(t, tool, `{"chatbot_id":17,"endDate":"2026-11-22","onlyDeletedConversations":false,"startDate":"2026-11-16"}`); r.IsError {
			t.Errorf("the prompt's %s call fails: %s", tool, text)
		}
	}
	if strings.Contains(text, `"search"`) {
		t.Errorf("the prompt still asks for searches instead of conversation_insights:\n%s", text)
	}
	uuidRes, err := get(map[string]string{"chatbot": strings.ToUpper(clinic.UUID)})
	if err != nil || !strings.Contains(uuidRes.Messages[0].Content.(mcp.TextContent).Text, `"chatbot_uuid":"`+clinic.UUID+`"`) {
		t.Errorf("uuid chatbot: %v %+v", err, uuidRes)
	}
	for _, bad := range []map[string]string{{"chatbot": "the clinic"}, {"chatbot": "17", "period": "soonish"}} {
		if _, err := get(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
