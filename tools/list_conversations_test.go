package tools

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/stammer-mcp/stammer-mcp/schema"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// clinic is the fixture chatbot most tests read.
var clinic = stammertest.Chatbots()[0]

func TestToolsListGolden(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	res, err := h.client.ListTools(t.Context(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// The snapshot is the server's own wire form (what a client receives),
	// not a client's re-encoding of it.
	srv, err := NewServer("stammer-mcp", "test", Deps{Client: nil})
	if err != nil {
		t.Fatal(err)
	}
	var wire []json.RawMessage
	for _, name := range slices.Sorted(maps.Keys(srv.ListTools())) {
		b, err := json.Marshal(srv.ListTools()[name].Tool)
		if err != nil {
			t.Fatal(err)
		}
		wire = append(wire, b)
	}
	got, err := json.MarshalIndent(wire, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "tools_list.golden.json", append(got, '\n'))
	if len(wire) != len(res.Tools) {
		t.Errorf("the client sees %d tools, the server has %d", len(res.Tools), len(wire))
	}

	// What strict clients check, asserted directly as well as by the snapshot.
	for _, tool := range res.Tools {
		raw, _ := json.Marshal(tool)
		var wire struct {
			InputSchema  json.RawMessage `json:"inputSchema"`
			OutputSchema json.RawMessage `json:"outputSchema"`
			Annotations  mcp.ToolAnnotation
		}
		if err := json.Unmarshal(raw, &wire); err != nil {
			t.Fatal(err)
		}
		if err := schema.Check(wire.InputSchema); err != nil {
			t.Errorf("%s input schema: %v", tool.Name, err)
		}
		if err := schema.Check(wire.OutputSchema); err != nil {
			t.Errorf("%s output schema: %v", tool.Name, err)
		}
		a := tool.Annotations
		if a.Title == "" || a.ReadOnlyHint == nil || !*a.ReadOnlyHint || a.IdempotentHint == nil || !*a.IdempotentHint ||
			a.OpenWorldHint == nil || !*a.OpenWorldHint || a.DestructiveHint == nil || *a.DestructiveHint {
			t.Errorf("%s annotations = %+v, want title, read-only, idempotent, open-world, not destructive", tool.Name, a)
		}
	}
}

func TestListConversationsInputSchema(t *testing.T) {
	raw, err := schema.For[ListConversationsParams]()
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Required   []string                  `json:"required"`
		Properties map[string]map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Required, []string{"onlyDeletedConversations"}) {
		t.Errorf("required = %v", s.Required)
	}
	want := map[string]map[string]any{
		"chatbot_id":               {"type": "integer", "minimum": 1.0},
		"conversation_number":      {"type": "integer", "minimum": 1.0},
		"chatbot_uuid":             {"type": "string", "format": "uuid"},
		"startDate":                {"type": "string", "format": "date", "pattern": `^\d{4}-\d{2}-\d{2}$`},
		"endDate":                  {"type": "string", "format": "date", "pattern": `^\d{4}-\d{2}-\d{2}$`},
		"onlyDeletedConversations": {"type": "boolean"},
		"sourcePlatform":           {"type": "string", "enum": []any{"none", "whatsapp", "facebook", "instagram", "dashboard", "embeded", "shared", "personalized", "API", "AUDIO", "masterchat"}},
		"search":                   {"type": "string", "maxLength": 200.0},
		"limit":                    {"type": "integer", "minimum": 1.0, "maximum": 100.0},
		"offset":                   {"type": "integer", "minimum": 0.0},
		"max_tokens":               {"type": "integer", "minimum": 1500.0},
		"chart":                    {"type": "boolean"},
	}
	if len(s.Properties) != len(want) {
		t.Errorf("properties = %v, want exactly %d", s.Properties, len(want))
	}
	for name, kv := range want {
		for k, v := range kv {
			got, _ := json.Marshal(s.Properties[name][k])
			w, _ := json.Marshal(v)
			if string(got) != string(w) {
				t.Errorf("%s.%s = %s, want %s", name, k, got, w)
			}
		}
	}
}

func TestListConversationsRejectsInvalidCallsWithoutARequest(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	tests := []struct {
		name, args string
		want       []string // every one must appear in the error text
	}{
		{"missing onlyDeletedConversations", `{"chatbot_id":17}`, []string{"onlyDeletedConversations is required", "send false"}},
		{"no arguments at all", ``, []string{"onlyDeletedConversations is required"}},
		{"both chatbot id and uuid", `{"chatbot_id":17,"chatbot_uuid":"12345678-1234-5678-1234-567812345678","onlyDeletedConversations":false}`, []string{"chatbot_id", "chatbot_uuid", "only one"}},
		{"malformed uuid", `{"chatbot_uuid":"1234-not-a-uuid","onlyDeletedConversations":false}`, []string{"chatbot_uuid", "1234-not-a-uuid"}},
		{"bad start date", `{"startDate":"2026/11/01","onlyDeletedConversations":false}`, []string{"startDate", "YYYY-MM-DD"}},
		{"impossible end date", `{"endDate":"2026-02-30","onlyDeletedConversations":false}`, []string{"endDate", "YYYY-MM-DD"}},
		{"start after end", `{"startDate":"2026-11-20","endDate":"2026-11-01","onlyDeletedConversations":false}`, []string{"startDate", "later than", "endDate"}},
		{"unknown platform", `{"sourcePlatform":"telegram","onlyDeletedConversations":false}`, []string{`sourcePlatform "telegram"`, "whatsapp", "embeded", "masterchat"}},
		{"unknown parameter", `{"chatbot":17,"onlyDeletedConversations":false}`, []string{`unknown parameter "chatbot"`, "chatbot_id"}},
		{"negative id", `{"chatbot_id":-3,"onlyDeletedConversations":false}`, []string{"chatbot_id", "positive"}},
		{"text for id", `{"chatbot_id":"clinic","onlyDeletedConversations":false}`, []string{"chatbot_id must be a whole number"}},
		{"non-boolean flag", `{"onlyDeletedConversations":"no"}`, []string{"onlyDeletedConversations must be true or false"}},
		{"arguments not an object", `[17]`, []string{"arguments must be a JSON object"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.fake.ResetRequests()
			res := h.call(t, "list_conversations", tc.args)
			if !res.IsError {
				t.Fatalf("isError = false for %s; result: %s", tc.args, text(res))
			}
			msg := text(res)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if n := len(h.fake.Requests()); n != 0 {
				t.Errorf("an invalid call made %d upstream request(s)", n)
			}
		})
	}
}

func TestListConversationsForwardsExactlyTheDocumentedQuery(t *testing.T) {
	tests := []struct {
		name, lang, args string
		wantPath         string
		wantQuery        url.Values
	}{
		{"minimal", "", `{"onlyDeletedConversations":false}`, "/en/chatbot/api/v1/conversations/",
			url.Values{"onlyDeletedConversations": {"false"}}},
		{"every parameter", "", fmt.Sprintf(`{"chatbot_uuid":%q,"startDate":"2026-11-01","endDate":"2026-11-24","sourcePlatform":"whatsapp","onlyDeletedConversations":true,"conversation_number":4100}`, clinic.UUID),
			"/en/chatbot/api/v1/conversations/",
			url.Values{"chatbot_uuid": {clinic.UUID}, "startDate": {"2026-11-01"}, "endDate": {"2026-11-24"}, "sourcePlatform": {"whatsapp"}, "onlyDeletedConversations": {"true"}, "conversation_number": {"4100"}}},
		{"numeric strings and platform case forgiven", "", `{"chatbot_id":"17","sourcePlatform":"WhatsApp","onlyDeletedConversations":"false"}`, "/en/chatbot/api/v1/conversations/",
			url.Values{"chatbot_id": {"17"}, "sourcePlatform": {"whatsapp"}, "onlyDeletedConversations": {"false"}}},
		{"api upper-cased", "", `{"chatbot_id":17,"sourcePlatform":"api","onlyDeletedConversations":false}`, "/en/chatbot/api/v1/conversations/",
			url.Values{"chatbot_id": {"17"}, "sourcePlatform": {"API"}, "onlyDeletedConversations": {"false"}}},
		{"white-label language prefix", "pt", `{"chatbot_id":17,"onlyDeletedConversations":false}`, "/pt/chatbot/api/v1/conversations/",
			url.Values{"chatbot_id": {"17"}, "onlyDeletedConversations": {"false"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, harnessOptions{lang: tc.lang})
			res := h.call(t, "list_conversations", tc.args)
			if res.IsError {
				t.Fatalf("unexpected tool error: %s", text(res))
			}
			reqs := h.fake.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d upstream requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodGet || r.Path != tc.wantPath {
				t.Errorf("request %s %s, want GET %s", r.Method, r.Path, tc.wantPath)
			}
			if r.Query.Encode() != tc.wantQuery.Encode() {
				t.Errorf("query %s, want %s", r.Query.Encode(), tc.wantQuery.Encode())
			}
			for k, want := range map[string]string{
				"Authorization": "Token " + stammertest.DefaultToken,
				"Accept":        "application/json",
				"Content-Type":  "application/json",
				"User-Agent":    "stammer-mcp/test",
			} {
				if got := r.Header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestListConversationsUpstreamFaultsBecomeToolErrors(t *testing.T) {
	// No cache: every call must reach the fake to meet its fault. A 1 s
	// deadline leaves the call after each fault room on a loaded -race run.
	h := newHarness(t, harnessOptions{timeout: time.Second, cacheTTL: -1})
	args := `{"chatbot_id":17,"onlyDeletedConversations":false}`
	tests := []struct {
		name  string
		fault stammertest.Fault
		want  []string
	}{
		{"401 invalid token", stammertest.Fault{Status: 401, Body: `{"detail":"Invalid token."}`}, []string{"401", "Invalid token.", "refused by 127.0.0.1", "STAMMER_API_TOKEN"}},
		{"403", stammertest.Fault{Status: 403, Body: `{"detail":"You do not have permission to perform this action."}`}, []string{"403", "You do not have permission"}},
		{"404", stammertest.Fault{Status: 404, Body: `{"message":"Chatbot not found."}`}, []string{"404", "Chatbot not found.", "chatbot_id"}},
		{"429", stammertest.Fault{Status: 429, Body: `{"detail":"Request was throttled."}`, Header: http.Header{"Retry-After": {"30"}}}, []string{"429", "throttled", "Wait"}},
		{"500 HTML page", stammertest.Fault{Status: 500, Body: "<!DOCTYPE html><html><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1>" + strings.Repeat("<p>trace</p>", 500) + "</body></html>"}, []string{"500"}},
		{"truncated JSON", stammertest.Fault{Status: 200, Body: `{"message":"ok","data":[{"id":1,"conversation_number":4001,"messages":[{"query":"hel`}, []string{"could not be read"}},
		{"timeout", stammertest.Fault{Delay: 3 * time.Second}, []string{"did not answer within 1s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.fake.SetFault(tc.fault)
			res := h.call(t, "list_conversations", args)
			h.fake.ClearFault()
			msg := text(res)
			if !res.IsError {
				t.Fatalf("isError = false; text: %s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "<html") || strings.Contains(msg, "<p>") || len(msg) > 1200 {
				t.Errorf("error dumps the page or is too long (%d bytes): %s", len(msg), msg)
			}
			if strings.Contains(msg, stammertest.DefaultToken) || strings.Contains(h.logs.String(), stammertest.DefaultToken) {
				t.Error("the token leaked into the error or the logs")
			}
			// The server keeps serving.
			if next := h.call(t, "list_conversations", args); next.IsError {
				t.Errorf("the call after the fault failed: %s", text(next))
			}
		})
	}
}

func TestListConversationsWithoutTokenSaysHowToSetIt(t *testing.T) {
	h := newHarness(t, harnessOptions{token: "-"})
	for _, args := range []string{`{"onlyDeletedConversations":false}`, `{"chatbot_id":"x"}`} {
		res := h.call(t, "list_conversations", args)
		if !res.IsError || !strings.Contains(text(res), "STAMMER_API_TOKEN") || !strings.Contains(text(res), `"env" block`) {
			t.Errorf("args %s: got isError=%v %q, want a tool error naming STAMMER_API_TOKEN and the env block", args, res.IsError, text(res))
		}
	}
	if n := len(h.fake.Requests()); n != 0 {
		t.Errorf("%d upstream requests without a token", n)
	}
}

func TestListConversationsSummaryGolden(t *testing.T) {
	tests := []struct {
		name, args string
		demo       bool
	}{
		{"clinic_november", `{"chatbot_id":17,"startDate":"2026-11-01","endDate":"2026-11-24","onlyDeletedConversations":false}`, false},
		{"clinic_deleted", `{"chatbot_id":17,"onlyDeletedConversations":true}`, false},
		{"one_conversation", `{"chatbot_id":17,"conversation_number":4001,"onlyDeletedConversations":false}`, false},
		{"empty", `{"chatbot_id":17,"startDate":"2020-01-01","endDate":"2020-01-31","sourcePlatform":"AUDIO","onlyDeletedConversations":false}`, false},
		{"demo_all", `{"onlyDeletedConversations":false}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, harnessOptions{demo: tc.demo})
			res := h.call(t, "list_conversations", tc.args)
			if res.IsError {
				t.Fatalf("tool error: %s", text(res))
			}
			golden(t, "list_conversations_"+tc.name+".txt", []byte(text(res)))
			sc, _ := json.MarshalIndent(res.StructuredContent, "", "  ")
			golden(t, "list_conversations_"+tc.name+".json", append(sc, '\n'))
			if tc.demo != strings.HasPrefix(text(res), "DEMO DATA") {
				t.Errorf("demo=%v but text starts %q", tc.demo, clip(text(res), 40))
			}
		})
	}
}

// TestListConversationsCountsMatchTheFixtures checks the totals against an
// independent count over the fake's fixture set.
func TestListConversationsCountsMatchTheFixtures(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	start, _ := time.Parse(time.DateOnly, "2026-10-01")
	end, _ := time.Parse(time.DateOnly, "2026-10-31")
	var want []stammertest.Conversation
	for _, c := range stammertest.Fixtures() {
		day := c.CreatedAt.UTC().Truncate(24 * time.Hour)
		if c.ChatbotID == clinic.ID && !c.Deleted && !day.Before(start) && !day.After(end) {
			want = append(want, c)
		}
	}
	if len(want) <= defaultLimit {
		t.Fatalf("fixture set too small for this test: %d conversations", len(want))
	}
	res := h.call(t, "list_conversations", `{"chatbot_id":17,"startDate":"2026-10-01","endDate":"2026-10-31","onlyDeletedConversations":false}`)
	if res.IsError {
		t.Fatal(text(res))
	}
	got := structured(t, res)
	if got.Total != len(want) || got.Live != len(want) || got.Deleted != 0 {
		t.Errorf("total/live/deleted = %d/%d/%d, want %d/%d/0", got.Total, got.Live, got.Deleted, len(want), len(want))
	}
	perPlatform := map[string]int{}
	for _, c := range want {
		perPlatform[c.Platform]++
	}
	sum := 0
	for _, p := range got.ByPlatform {
		if p.Count != perPlatform[p.Platform] {
			t.Errorf("platform %s: %d, want %d", p.Platform, p.Count, perPlatform[p.Platform])
		}
		sum += p.Count
	}
	if sum != len(want) || len(got.ByPlatform) != len(perPlatform) {
		t.Errorf("platform counts cover %d conversations in %d platforms, want %d in %d", sum, len(got.ByPlatform), len(want), len(perPlatform))
	}
	if len(got.Conversations) != defaultLimit || got.Remaining != len(want)-defaultLimit {
		t.Errorf("listed %d, not listed %d; want %d and %d", len(got.Conversations), got.Remaining, defaultLimit, len(want)-defaultLimit)
	}
	for i := 1; i < len(got.Conversations); i++ {
		if got.Conversations[i-1].StartedAt < got.Conversations[i].StartedAt {
			t.Errorf("listing not newest first at %d: %s before %s", i, got.Conversations[i-1].StartedAt, got.Conversations[i].StartedAt)
		}
	}
	if !strings.Contains(text(res), fmt.Sprintf("More: %d not listed", len(want)-defaultLimit)) {
		t.Errorf("text does not say how many were left out:\n%s", text(res))
	}
}

// TestListConversationsEveryResponseShapeGivesTheSameSummary runs one query
// against every response shape and message style the fake can speak.
func TestListConversationsEveryResponseShapeGivesTheSameSummary(t *testing.T) {
	args := `{"chatbot_id":17,"startDate":"2026-11-01","endDate":"2026-11-24","onlyDeletedConversations":false}`
	base := structured(t, newHarness(t, harnessOptions{}).call(t, "list_conversations", args))
	shapes := map[string]stammertest.Shape{"envelope": stammertest.ShapeEnvelope, "array": stammertest.ShapeArray,
		"results": stammertest.ShapeResults, "conversations": stammertest.ShapeConversations, "data.results": stammertest.ShapeDataResults}
	styles := map[string]stammertest.Style{"turns": stammertest.StyleTurns, "roles": stammertest.StyleRoles, "alt": stammertest.StyleAlt}
	for sn, sh := range shapes {
		for stn, st := range styles {
			t.Run(sn+"/"+stn, func(t *testing.T) {
				h := newHarness(t, harnessOptions{}, stammertest.WithShape(sh), stammertest.WithStyle(st))
				res := h.call(t, "list_conversations", args)
				if res.IsError {
					t.Fatal(text(res))
				}
				got := structured(t, res)
				got.APICount, base.APICount = nil, nil
				for i := range got.Conversations {
					// The alt style sends no uuid; the rest must agree.
					got.Conversations[i].UUID = ""
				}
				b := base
				b.Conversations = slices.Clone(base.Conversations)
				for i := range b.Conversations {
					b.Conversations[i].UUID = ""
				}
				gj, _ := json.Marshal(got)
				bj, _ := json.Marshal(b)
				if string(gj) != string(bj) {
					t.Errorf("summary differs from the envelope/turns one:\n got %s\nwant %s", gj, bj)
				}
			})
		}
	}
}

func TestListConversationsLogsOneLinePerCallWithoutTheToken(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.call(t, "list_conversations", `{"chatbot_id":17,"onlyDeletedConversations":false}`)
	h.call(t, "list_conversations", `{"chatbot_id":17}`)
	var lines []string
	for _, l := range strings.Split(h.logs.String(), "\n") {
		if strings.Contains(l, `msg="tool call"`) {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d tool-call log lines, want 2:\n%s", len(lines), h.logs.String())
	}
	for i, want := range []string{"status=ok", "status=error"} {
		if !strings.Contains(lines[i], want) || !strings.Contains(lines[i], "duration=") || !strings.Contains(lines[i], "tool=list_conversations") {
			t.Errorf("log line %d = %s, want tool, duration and %s", i, lines[i], want)
		}
	}
	if !strings.Contains(lines[0], "count=") {
		t.Errorf("ok line has no count: %s", lines[0])
	}
	if strings.Contains(h.logs.String(), stammertest.DefaultToken) {
		t.Error("token in logs")
	}
}

func TestMoreGoldenResults(t *testing.T) {
	tests := []struct{ name, tool, args string }{
		{"list_conversations_search", "list_conversations", `{"chatbot_id":17,"search":"implante","onlyDeletedConversations":false}`},
		{"list_conversations_cut", "list_conversations", `{"chatbot_id":17,"limit":100,"max_tokens":1500,"onlyDeletedConversations":false}`},
		{"get_conversation_short", "get_conversation", `{"chatbot_id":17,"conversation_number":4812}`},
		{"get_conversation_cut", "get_conversation", `{"chatbot_id":17,"conversation_number":4700,"max_tokens":1500}`},
		{"get_conversation_long_message", "get_conversation", `{"chatbot_id":17,"conversation_number":4700}`},
	}
	h := newHarness(t, harnessOptions{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := h.call(t, tc.tool, tc.args)
			if res.IsError {
				t.Fatal(text(res))
			}
			golden(t, tc.name+".txt", []byte(text(res)))
		})
	}
}
