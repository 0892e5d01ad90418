package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// leaked reports whether s holds the canary token, or any 10 characters of
// it, in any letter case: a cut message must not show part of it either.
func leaked(s string) bool {
	low, tok := strings.ToLower(s), strings.ToLower(canary)
	for i := 0; i+10 <= len(tok); i++ {
		if strings.Contains(low, tok[i:i+10]) {
			return true
		}
	}
	return false
}

// TestTokenNeverLeaks has the API echo the token back (as a server that
// quotes the Authorization header it received would) with every status, in
// exact, upper and lower case, in "error", "detail" and "message" fields, as
// plain text, cut to length by the message cap, and inside conversations.
// Through the real binary with LOG_LEVEL=debug: no tool result (text or
// structured), no resource and no log line holds it, and the logger's last
// line of defence is never needed.
func TestTokenNeverLeaks(t *testing.T) {
	statuses := []int{200, 201, 202, 400, 401, 403, 404, 405, 409, 410, 422, 429, 500, 501, 502, 503, 504}
	cases := map[string]func(string) string{
		"exact": func(s string) string { return s },
		"upper": strings.ToUpper,
		"lower": strings.ToLower,
	}
	bodies := []string{
		`{"error": "Invalid token Token TOK"}`,
		`{"detail": "Invalid token Token TOK."}`,
		`{"message": "Invalid token", "data": "Token TOK"}`,
		`{"errors": {"authorization": ["Token TOK is not valid"]}}`,
		`Invalid token Token TOK`,
		`{"error": "` + strings.Repeat("x ", 143) + `Token TOK"}`,
		`{"data": [{"id": 1, "uuid": "0b9e6c1e-5a4e-4c3e-9f1e-2d3c4b5a6978", "conversation_number": 5, "user_key": "TOK",
		  "source_platform": "TOK", "messages": [{"query": "my token is Token TOK", "answer": "noted: TOK"}]}]}`,
	}
	// One session per status and case, so that none runs long enough to
	// meet the session's own time limit on a loaded machine.
	for _, status := range statuses {
		for name, form := range cases {
			t.Run(fmt.Sprintf("%d/%s", status, name), func(t *testing.T) {
				t.Parallel()
				leakSession(t, status, name, form, bodies)
			})
		}
	}
}

// leakSession runs every tool and the resource through one binary with the
// API echoing the token (spelt by form) in each of bodies with status.
func leakSession(t *testing.T, status int, name string, form func(string) string, bodies []string) {
	srv := stammertest.NewServer(t, stammertest.WithToken(canary))
	s := startSession(t, []string{"STAMMER_BASE_URL=" + srv.URL, "STAMMER_API_TOKEN=" + canary, "LOG_LEVEL=debug",
		"STAMMER_TIMEOUT=5s", "STAMMER_MAX_RETRIES=1"}) // a retry logs the error once more; one is enough
	initialize(s)
	calls := []struct {
		tool string
		args map[string]any
	}{
		{"list_conversations", map[string]any{"chatbot_id": 1, "onlyDeletedConversations": false}},
		{"get_conversation", map[string]any{"uuid": "0b9e6c1e-5a4e-4c3e-9f1e-2d3c4b5a6978"}},
		{"conversation_insights", map[string]any{"onlyDeletedConversations": false}},
	}
	for _, body := range bodies {
		srv.SetFault(stammertest.Fault{Status: status, Body: strings.ReplaceAll(body, "TOK", form(canary))})
		for _, c := range calls {
			_, text, structured := s.callTool(c.tool, c.args)
			if leaked(text) || leaked(structured) {
				t.Errorf("%s token, body %.40q: %s leaks it:\n%s\n%s", name, body, c.tool, text, structured)
			}
		}
		msg := s.request("resources/read", map[string]any{"uri": "stammer://chatbots/1/conversations/5"})
		if b := fmt.Sprint(msg); leaked(b) {
			t.Errorf("%s token, body %.40q: the transcript resource leaks it: %s", name, body, b)
		}
	}
	s.close()
	logs := s.stderr.String()
	if leaked(logs) || strings.Contains(logs, "[REDACTED]") {
		t.Errorf("stderr carries the token (or needed the logger's redactor):\n%s", logs)
	}
	if !strings.Contains(logs, "stammer api request") {
		t.Errorf("the debug log has no request lines")
	}
}

// TestTokenFragmentsNeverLeak: insights split message text into words and
// phrases, so a token the API echoed inside conversations would reach the
// top words in pieces ("stt", "qxwvtzrk…") that no redaction of the whole
// token finds. Through the real binary: no 8 characters of the token, in
// any case, appear in any tool's result.
func TestTokenFragmentsNeverLeak(t *testing.T) {
	const tok = "stt_QxWvTzRkPmNbLcJdHfGsKaYe-UiOoBqEwRtYuIpAsDfGh"
	var rows []string
	for n := 1; n <= 40; n++ {
		spelt := tok
		if n%2 == 0 {
			spelt = strings.ToUpper(tok)
		}
		rows = append(rows, fmt.Sprintf(`{"id": %d, "conversation_number": %d, "chatbot_id": 17, "created_at": "2026-11-20T10:00:00Z",
			"source_platform": "whatsapp", "messages": [{"query": "why does the api say my key is %s ?", "answer": "Your key %s is invalid"}]}`, n, n, spelt, spelt))
	}
	body := `{"data": [` + strings.Join(rows, ",") + `]}`
	srv := stammertest.NewServer(t, stammertest.WithToken(tok))
	s := startSession(t, []string{"STAMMER_BASE_URL=" + srv.URL, "STAMMER_API_TOKEN=" + tok})
	initialize(s)
	low := strings.ToLower(tok)
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"conversation_insights", map[string]any{"onlyDeletedConversations": false}},
		{"conversation_insights", map[string]any{"chatbot_id": 17, "onlyDeletedConversations": false, "search": "key"}},
		{"list_conversations", map[string]any{"onlyDeletedConversations": false, "search": "key"}},
		{"list_chatbots", map[string]any{}},
	} {
		srv.SetFault(stammertest.Fault{Status: 200, Body: body})
		msg := s.request("tools/call", map[string]any{"name": c.tool, "arguments": c.args})
		b, err := json.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		out := strings.ToLower(string(b))
		for i := 0; i+8 <= len(low); i++ {
			if strings.Contains(out, low[i:i+8]) {
				t.Errorf("%s %v: the result holds %q, a piece of the token:\n%.2000s", c.tool, c.args, low[i:i+8], b)
				break
			}
		}
	}
	s.close()
}
