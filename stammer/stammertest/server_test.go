package stammertest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

const listPath = "/en/chatbot/api/v1/conversations/"

// reply is one HTTP exchange's outcome.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// call sends method url with the given Authorization header ("" = none).
func call(t *testing.T, method, u, auth string) reply {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, u, err)
	}
	return reply{res.StatusCode, res.Header, body}
}

// list GETs the list endpoint with the default token and query q.
func list(t *testing.T, srv *stammertest.Server, q url.Values) reply {
	t.Helper()
	return call(t, http.MethodGet, srv.URL+listPath+"?"+q.Encode(), "Token "+stammertest.DefaultToken)
}

// jsonField decodes body as an object and returns field key as a string.
func jsonField(t *testing.T, body []byte, key string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, body)
	}
	s, ok := m[key].(string)
	if !ok {
		t.Fatalf("body has no string %q: %s", key, body)
	}
	return s
}

// wireConv is StyleTurns as the test reads it, independently of the client.
type wireConv struct {
	ID          int64     `json:"id"`
	UUID        string    `json:"uuid"`
	Number      int64     `json:"conversation_number"`
	ChatbotID   int64     `json:"chatbot_id"`
	ChatbotUUID string    `json:"chatbot_uuid"`
	UserKey     string    `json:"user_key"`
	Platform    string    `json:"source_platform"`
	IsActive    bool      `json:"is_active"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Messages    []struct {
		Query     string    `json:"query"`
		Answer    *string   `json:"answer"`
		CreatedAt time.Time `json:"created_at"`
	} `json:"messages"`
}

// decodeList decodes a default-shape, default-style list body.
func decodeList(t *testing.T, r reply) []wireConv {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	var env struct {
		Message string     `json:"message"`
		Data    []wireConv `json:"data"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil {
		t.Fatalf("decoding list: %v", err)
	}
	if env.Message == "" || env.Data == nil {
		t.Fatalf("envelope lacks message or data: %.300s", r.body)
	}
	return env.Data
}

func TestAuth(t *testing.T) {
	srv := stammertest.NewServer(t)
	u := srv.URL + listPath + "?onlyDeletedConversations=false"
	tests := []struct {
		name   string
		auth   string
		status int
		detail string
	}{
		{"missing", "", 401, "Authentication credentials were not provided."},
		{"other scheme", "Bearer " + stammertest.DefaultToken, 401, "Authentication credentials were not provided."},
		{"wrong token", "Token stt_wrong", 401, "Invalid token."},
		{"keyword in lower case", "token " + stammertest.DefaultToken, 401, "Invalid token."},
		{"keyword only", "Token", 401, "Invalid token header. No credentials provided."},
		{"two spaces", "Token  " + stammertest.DefaultToken, 401, "Invalid token header. Token string should not contain spaces."},
		{"right", "Token " + stammertest.DefaultToken, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, http.MethodGet, u, tt.auth)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status != 401 {
				return
			}
			if got := jsonField(t, r.body, "detail"); got != tt.detail {
				t.Errorf("detail %q, want %q", got, tt.detail)
			}
			if got := r.header.Get("WWW-Authenticate"); got != "Token" {
				t.Errorf("WWW-Authenticate %q, want Token", got)
			}
		})
	}
}

func TestWithToken(t *testing.T) {
	srv := stammertest.NewServer(t, stammertest.WithToken("custom-token"))
	u := srv.URL + listPath + "?onlyDeletedConversations=false"
	if r := call(t, http.MethodGet, u, "Token "+stammertest.DefaultToken); r.status != 401 {
		t.Errorf("DefaultToken: status %d, want 401", r.status)
	}
	if r := call(t, http.MethodGet, u, "Token custom-token"); r.status != 200 {
		t.Errorf("custom token: status %d, want 200: %s", r.status, r.body)
	}
}

func TestValidation(t *testing.T) {
	srv := stammertest.NewServer(t)
	tests := []struct {
		name  string
		query string // raw, onlyDeletedConversations=false added unless raw
		param string // must appear in the message
		raw   bool
	}{
		{"both chatbot ids", "chatbot_id=17&chatbot_uuid=" + stammertest.ClinicBotUUID, "chatbot_uuid", false},
		{"chatbot_id word", "chatbot_id=abc", "chatbot_id", false},
		{"chatbot_id zero", "chatbot_id=0", "chatbot_id", false},
		{"chatbot_id negative", "chatbot_id=-17", "chatbot_id", false},
		{"chatbot_id decimal", "chatbot_id=17.0", "chatbot_id", false},
		{"chatbot_id plus sign", "chatbot_id=%2B17", "chatbot_id", false},
		{"chatbot_id overflow", "chatbot_id=99999999999999999999", "chatbot_id", false},
		{"chatbot_uuid short", "chatbot_uuid=1234", "chatbot_uuid", false},
		{"chatbot_uuid no hyphens", "chatbot_uuid=05b5e3104a224a53b4401922ca9815cf", "chatbot_uuid", false},
		{"chatbot_uuid braces", "chatbot_uuid={05b5e310-4a22-4a53-b440-1922ca9815cf}", "chatbot_uuid", false},
		{"chatbot_uuid not hex", "chatbot_uuid=05b5e310-4a22-4a53-b440-1922ca9815cg", "chatbot_uuid", false},
		{"startDate month 13", "startDate=2026-13-01", "startDate", false},
		{"startDate Feb 30", "startDate=2026-02-30", "startDate", false},
		{"startDate slashes", "startDate=01/09/2026", "startDate", false},
		{"startDate no padding", "startDate=2026-9-1", "startDate", false},
		{"startDate with time", "startDate=2026-09-01T00:00:00Z", "startDate", false},
		{"endDate bad", "endDate=tomorrow", "endDate", false},
		{"start after end", "startDate=2026-10-02&endDate=2026-10-01", "startDate", false},
		{"onlyDeleted missing", "chatbot_id=17", "onlyDeletedConversations", true},
		{"onlyDeleted empty", "onlyDeletedConversations=", "onlyDeletedConversations", true},
		{"onlyDeleted maybe", "onlyDeletedConversations=maybe", "onlyDeletedConversations", true},
		{"onlyDeleted 2", "onlyDeletedConversations=2", "onlyDeletedConversations", true},
		{"onlyDeleted last value wins, like Django", "onlyDeletedConversations=true&onlyDeletedConversations=nope", "onlyDeletedConversations", true},
		{"sourcePlatform capitalised", "sourcePlatform=WhatsApp", "sourcePlatform", false},
		{"sourcePlatform spelt right", "sourcePlatform=embedded", "sourcePlatform", false},
		{"sourcePlatform lower api", "sourcePlatform=api", "sourcePlatform", false},
		{"sourcePlatform unknown", "sourcePlatform=telegram", "sourcePlatform", false},
		{"conversation_number word", "conversation_number=last", "conversation_number", false},
		{"conversation_number zero", "conversation_number=0", "conversation_number", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.query
			if !tt.raw {
				q += "&onlyDeletedConversations=false"
			}
			r := call(t, http.MethodGet, srv.URL+listPath+"?"+q, "Token "+stammertest.DefaultToken)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %.200s", r.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if msg := jsonField(t, r.body, "message"); !strings.Contains(msg, tt.param) {
				t.Errorf("message %q does not name %s", msg, tt.param)
			}
		})
	}
}

func TestAcceptedValues(t *testing.T) {
	srv := stammertest.NewServer(t)
	var ok []string
	for _, b := range []string{"true", "false", "True", "False", "1", "0"} {
		ok = append(ok, "onlyDeletedConversations="+b)
	}
	for _, p := range stammertest.Platforms {
		ok = append(ok, "onlyDeletedConversations=false&sourcePlatform="+url.QueryEscape(p))
	}
	ok = append(ok,
		"onlyDeletedConversations=false&unknown_param=1&page=2",                                   // ignored, like Django
		"onlyDeletedConversations=false&chatbot_uuid="+strings.ToUpper(stammertest.RealtyBotUUID), // uuid case
		"onlyDeletedConversations=false&startDate=2026-10-01&endDate=2026-10-01",                  // same day
		"onlyDeletedConversations=false&chatbot_id=&chatbot_uuid="+stammertest.ClinicBotUUID,      // empty = absent
	)
	for _, q := range ok {
		if r := call(t, http.MethodGet, srv.URL+listPath+"?"+q, "Token "+stammertest.DefaultToken); r.status != 200 {
			t.Errorf("%s: status %d, want 200: %.200s", q, r.status, r.body)
		}
	}
}

func TestUnknownChatbot(t *testing.T) {
	srv := stammertest.NewServer(t)
	for _, q := range []string{"chatbot_id=999", "chatbot_uuid=00000000-0000-4000-8000-000000000000"} {
		r := list(t, srv, mustQuery(t, q+"&onlyDeletedConversations=false"))
		if r.status != 404 {
			t.Errorf("%s: status %d, want 404", q, r.status)
			continue
		}
		if msg := jsonField(t, r.body, "message"); msg != "Chatbot not found." {
			t.Errorf("%s: message %q", q, msg)
		}
	}
	// A known chatbot without conversations is an empty 200, not a 404.
	got := decodeList(t, list(t, srv, url.Values{"chatbot_id": {"250"}, "onlyDeletedConversations": {"false"}}))
	if len(got) != 0 {
		t.Errorf("QuietBot: %d conversations, want 0", len(got))
	}
}

func mustQuery(t *testing.T, s string) url.Values {
	t.Helper()
	q, err := url.ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestPaths(t *testing.T) {
	srv := stammertest.NewServer(t)
	tok := "Token " + stammertest.DefaultToken
	c := stammertest.Fixtures()[0]
	tests := []struct {
		path   string
		status int
		html   bool
	}{
		{"/en/chatbot/api/v1/conversations/", 200, false},
		{"/pt/chatbot/api/v1/conversations/", 200, false},
		{"/es/chatbot/api/v1/conversations/", 200, false},
		{"/en/chatbot/api/v1/conversation/" + c.UUID + "/", 200, false},
		{"/english/chatbot/api/v1/conversations/", 404, true},
		{"/chatbot/api/v1/conversations/", 404, true},
		{"/EN/chatbot/api/v1/conversations/", 404, true},
		{"/en/chatbot/api/v1/conversations", 404, true},
		{"/en/chatbot/api/v2/conversations/", 404, true},
		{"/en/chatbot/api/v1/conversation/" + strings.ToUpper(c.UUID) + "/", 404, true},
		{"/en/chatbot/api/v1/conversation/4812/", 404, true},
		{"/", 404, true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := call(t, http.MethodGet, srv.URL+tt.path+"?onlyDeletedConversations=false", tok)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d", r.status, tt.status)
			}
			ct := r.header.Get("Content-Type")
			if tt.html {
				if ct != "text/html; charset=utf-8" || !strings.HasPrefix(string(r.body), "<!DOCTYPE html>") || !strings.Contains(string(r.body), "<title>Page not found</title>") {
					t.Errorf("want Django-like HTML 404, got %q: %.100s", ct, r.body)
				}
				// URL resolution comes before authentication, as in Django.
				if r2 := call(t, http.MethodGet, srv.URL+tt.path, ""); r2.status != 404 {
					t.Errorf("without token: status %d, want 404", r2.status)
				}
			} else if ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
		})
	}
}

func TestMethods(t *testing.T) {
	srv := stammertest.NewServer(t)
	u := srv.URL + listPath + "?onlyDeletedConversations=false"
	tok := "Token " + stammertest.DefaultToken
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		r := call(t, m, u, tok)
		if r.status != 405 {
			t.Errorf("%s: status %d, want 405", m, r.status)
			continue
		}
		if d := jsonField(t, r.body, "detail"); d != `Method "`+m+`" not allowed.` {
			t.Errorf("%s: detail %q", m, d)
		}
	}
	// DRF authenticates before checking the method.
	if r := call(t, http.MethodPost, u, ""); r.status != 401 {
		t.Errorf("POST without token: status %d, want 401", r.status)
	}
	r := call(t, http.MethodHead, u, tok)
	if r.status != 200 || len(r.body) != 0 {
		t.Errorf("HEAD: status %d, %d body bytes; want 200 and none", r.status, len(r.body))
	}
}

// want is the test's own reading of the documented filters over Fixtures().
func want(allOnNotDeleted bool, keep func(c stammertest.Conversation) bool, onlyDeleted bool) []int64 {
	var ids []int64
	fx := stammertest.Fixtures()
	slices.SortFunc(fx, func(a, b stammertest.Conversation) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	for _, c := range fx {
		if onlyDeleted && !c.Deleted || !onlyDeleted && c.Deleted && !allOnNotDeleted {
			continue
		}
		if keep(c) {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func ids(cs []wireConv) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestFilters(t *testing.T) {
	srv := stammertest.NewServer(t)
	all := stammertest.NewServer(t, stammertest.WithAllOnNotDeleted())
	day := func(c stammertest.Conversation) string { return c.CreatedAt.UTC().Format(time.DateOnly) }
	some := stammertest.Fixtures()[123]
	tests := []struct {
		name    string
		query   string
		all     bool
		deleted bool
		keep    func(c stammertest.Conversation) bool
		wantN   int // exact count when > 0
	}{
		{"live only", "", false, false, func(stammertest.Conversation) bool { return true }, 0},
		{"deleted only", "", false, true, func(stammertest.Conversation) bool { return true }, 0},
		{"all under WithAllOnNotDeleted", "", true, false, func(stammertest.Conversation) bool { return true }, len(stammertest.Fixtures())},
		{"deleted under WithAllOnNotDeleted", "", true, true, func(stammertest.Conversation) bool { return true }, 0},
		{"chatbot_id", "chatbot_id=17", false, false, func(c stammertest.Conversation) bool { return c.ChatbotID == 17 }, 0},
		{"chatbot_uuid", "chatbot_uuid=" + stammertest.RealtyBotUUID, false, false, func(c stammertest.Conversation) bool { return c.ChatbotID == 23 }, 0},
		{"startDate", "startDate=2026-11-01", false, false, func(c stammertest.Conversation) bool { return day(c) >= "2026-11-01" }, 0},
		{"endDate", "endDate=2026-09-15", false, false, func(c stammertest.Conversation) bool { return day(c) <= "2026-09-15" }, 0},
		{"one day, inclusive", "startDate=" + day(some) + "&endDate=" + day(some), true, false, func(c stammertest.Conversation) bool { return day(c) == day(some) }, 0},
		{"platform", "sourcePlatform=instagram", false, false, func(c stammertest.Conversation) bool { return c.Platform == "instagram" }, 0},
		{"platform API", "sourcePlatform=API&chatbot_id=101", false, false, func(c stammertest.Conversation) bool { return c.Platform == "API" && c.ChatbotID == 101 }, 0},
		{"conversation_number", "conversation_number=4812&chatbot_id=17", false, false, func(c stammertest.Conversation) bool { return c.Number == 4812 && c.ChatbotID == 17 }, 1},
		{"everything", "chatbot_id=17&startDate=2026-10-01&endDate=2026-10-31&sourcePlatform=whatsapp", false, false,
			func(c stammertest.Conversation) bool {
				return c.ChatbotID == 17 && day(c) >= "2026-10-01" && day(c) <= "2026-10-31" && c.Platform == "whatsapp"
			}, 0},
		{"nothing matches", "chatbot_id=17&startDate=2027-01-01", false, false, func(stammertest.Conversation) bool { return false }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := srv
			if tt.all {
				s = all
			}
			q := mustQuery(t, tt.query)
			q.Set("onlyDeletedConversations", fmt.Sprint(tt.deleted))
			got := ids(decodeList(t, list(t, s, q)))
			exp := want(tt.all, tt.keep, tt.deleted)
			if !slices.Equal(got, exp) {
				t.Fatalf("got %d ids, want %d\n got %v\nwant %v", len(got), len(exp), head(got), head(exp))
			}
			if tt.wantN > 0 && len(got) != tt.wantN {
				t.Errorf("got %d conversations, want %d", len(got), tt.wantN)
			}
			if tt.name != "nothing matches" && len(got) == 0 {
				t.Errorf("empty result: the filter is not exercised")
			}
		})
	}
}

func head(x []int64) []int64 { return x[:min(len(x), 8)] }

func TestOrderNewestFirst(t *testing.T) {
	srv := stammertest.NewServer(t, stammertest.WithAllOnNotDeleted())
	got := decodeList(t, list(t, srv, url.Values{"onlyDeletedConversations": {"false"}}))
	if len(got) != len(stammertest.Fixtures()) {
		t.Fatalf("%d conversations, want all %d", len(got), len(stammertest.Fixtures()))
	}
	for i := 1; i < len(got); i++ {
		if got[i].CreatedAt.After(got[i-1].CreatedAt) {
			t.Fatalf("conversation %d (%v) is newer than %d (%v)", i, got[i].CreatedAt, i-1, got[i-1].CreatedAt)
		}
	}
}

func TestShapesAndStyles(t *testing.T) {
	srv := stammertest.NewServer(t)
	q := url.Values{"chatbot_id": {"42"}, "onlyDeletedConversations": {"false"}, "startDate": {"2026-10-01"}, "endDate": {"2026-10-20"}}
	var expect []stammertest.Conversation
	for _, c := range stammertest.Fixtures() {
		if c.ChatbotID == 42 && !c.Deleted && c.CreatedAt.Format(time.DateOnly) >= "2026-10-01" && c.CreatedAt.Format(time.DateOnly) <= "2026-10-20" {
			expect = append(expect, c)
		}
	}
	slices.Reverse(expect) // newest first
	if len(expect) < 3 {
		t.Fatalf("only %d fixtures in the window; choose another", len(expect))
	}
	topKeys := map[stammertest.Shape][]string{
		stammertest.ShapeEnvelope:      {"data", "message"},
		stammertest.ShapeArray:         nil,
		stammertest.ShapeResults:       {"count", "next", "previous", "results"},
		stammertest.ShapeConversations: {"conversations", "count"},
		stammertest.ShapeDataResults:   {"data", "message"},
	}
	for _, sh := range stammertest.Shapes() {
		for _, st := range stammertest.Styles() {
			t.Run(sh.String()+"/"+st.String(), func(t *testing.T) {
				srv.SetShape(sh)
				srv.SetStyle(st)
				r := list(t, srv, q)
				if r.status != 200 {
					t.Fatalf("status %d", r.status)
				}
				if !json.Valid(r.body) {
					t.Fatalf("invalid JSON")
				}
				if enc := stammertest.Encode(expect, sh, st); string(enc) != string(r.body) {
					t.Errorf("body differs from Encode of the expected conversations")
				}
				var top any
				if err := json.Unmarshal(r.body, &top); err != nil {
					t.Fatal(err)
				}
				var items []any
				switch v := top.(type) {
				case []any:
					if sh != stammertest.ShapeArray {
						t.Fatalf("got an array for %v", sh)
					}
					items = v
				case map[string]any:
					keys := slices.Sorted(mapKeys(v))
					if !slices.Equal(keys, topKeys[sh]) {
						t.Fatalf("top-level keys %v, want %v", keys, topKeys[sh])
					}
					switch sh {
					case stammertest.ShapeEnvelope:
						items, _ = v["data"].([]any)
					case stammertest.ShapeResults:
						items, _ = v["results"].([]any)
						if v["next"] != nil || v["previous"] != nil || v["count"] != float64(len(expect)) {
							t.Errorf("count/next/previous = %v/%v/%v", v["count"], v["next"], v["previous"])
						}
					case stammertest.ShapeConversations:
						items, _ = v["conversations"].([]any)
						if v["count"] != float64(len(expect)) {
							t.Errorf("count %v, want %d", v["count"], len(expect))
						}
					case stammertest.ShapeDataResults:
						d, _ := v["data"].(map[string]any)
						items, _ = d["results"].([]any)
						if d["count"] != float64(len(expect)) {
							t.Errorf("data.count %v, want %d", d["count"], len(expect))
						}
					}
				default:
					t.Fatalf("top level is %T", top)
				}
				if len(items) != len(expect) {
					t.Fatalf("%d items, want %d", len(items), len(expect))
				}
				for i, it := range items {
					checkStyle(t, st, it.(map[string]any), expect[i])
				}
			})
		}
	}
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// checkStyle checks one encoded conversation against its fixture.
func checkStyle(t *testing.T, st stammertest.Style, m map[string]any, c stammertest.Conversation) {
	t.Helper()
	answered := 0
	for _, tr := range c.Turns {
		if tr.Answer != "" {
			answered++
		}
	}
	switch st {
	case stammertest.StyleTurns, stammertest.StyleRoles:
		if m["conversation_number"] != float64(c.Number) || m["chatbot_id"] != float64(c.ChatbotID) ||
			m["source_platform"] != c.Platform || m["is_active"] != !c.Deleted || m["user_key"] != c.UserKey ||
			m["created_at"] != c.CreatedAt.Format(time.RFC3339) || m["uuid"] != c.UUID {
			t.Fatalf("conversation fields differ from fixture %d: %v", c.ID, m)
		}
		msgs := m["messages"].([]any)
		if st == stammertest.StyleTurns {
			if len(msgs) != len(c.Turns) {
				t.Fatalf("%d messages, want %d turns", len(msgs), len(c.Turns))
			}
			for i, x := range msgs {
				mm := x.(map[string]any)
				wantAnswer := any(c.Turns[i].Answer)
				if c.Turns[i].Answer == "" {
					wantAnswer = nil
				}
				if mm["query"] != c.Turns[i].Query || mm["answer"] != wantAnswer || mm["created_at"] != c.Turns[i].At.Format(time.RFC3339) {
					t.Fatalf("turn %d differs: %v", i, mm)
				}
			}
			return
		}
		if len(msgs) != len(c.Turns)+answered {
			t.Fatalf("%d messages, want %d", len(msgs), len(c.Turns)+answered)
		}
		for _, x := range msgs {
			mm := x.(map[string]any)
			if r := mm["role"]; r != "user" && r != "assistant" {
				t.Fatalf("role %v", r)
			}
			if _, ok := mm["content"].(string); !ok {
				t.Fatalf("content missing: %v", mm)
			}
			if _, err := time.Parse(time.RFC3339, mm["timestamp"].(string)); err != nil {
				t.Fatalf("timestamp: %v", err)
			}
		}
	case stammertest.StyleAlt:
		if m["conversation_number"] != fmt.Sprint(c.Number) || m["chatbot"] != float64(c.ChatbotID) ||
			m["source_platform"] != c.Platform || m["deleted"] != c.Deleted || m["user_key"] != c.UserKey ||
			m["created_at"] != float64(c.CreatedAt.Unix()) || m["updated_at"] != float64(c.UpdatedAt.Unix()) {
			t.Fatalf("alt fields differ from fixture %d: %v", c.ID, m)
		}
		for _, k := range []string{"is_active", "chatbot_id"} {
			if _, ok := m[k]; ok {
				t.Fatalf("alt style has %q", k)
			}
		}
		msgs := m["messages"].([]any)
		if len(msgs) != len(c.Turns) {
			t.Fatalf("%d messages, want %d turns", len(msgs), len(c.Turns))
		}
		first := msgs[0].(map[string]any)
		if first["query"] != c.Turns[0].Query || first["created_at"] != float64(c.Turns[0].At.Unix()) {
			t.Fatalf("first turn %v", first)
		}
	}
}

func TestRetrieve(t *testing.T) {
	srv := stammertest.NewServer(t)
	var deleted stammertest.Conversation
	for _, c := range stammertest.Fixtures() {
		if c.Deleted {
			deleted = c
			break
		}
	}
	tok := "Token " + stammertest.DefaultToken
	r := call(t, http.MethodGet, srv.URL+"/pt/chatbot/api/v1/conversation/"+deleted.UUID+"/", tok)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var one struct {
		Message string   `json:"message"`
		Data    wireConv `json:"data"`
	}
	if err := json.Unmarshal(r.body, &one); err != nil {
		t.Fatal(err)
	}
	if one.Message != "Conversation retrieved successfully." || one.Data.UUID != deleted.UUID || one.Data.IsActive || len(one.Data.Messages) != len(deleted.Turns) {
		t.Errorf("got %+v", one)
	}

	srv.SetStyle(stammertest.StyleAlt)
	r = call(t, http.MethodGet, srv.URL+"/en/chatbot/api/v1/conversation/"+deleted.UUID+"/", tok)
	var alt struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(r.body, &alt); err != nil || alt.Data["conversation_number"] != fmt.Sprint(deleted.Number) {
		t.Errorf("alt style not honoured: %v %.200s", err, r.body)
	}

	r = call(t, http.MethodGet, srv.URL+"/en/chatbot/api/v1/conversation/00000000-0000-4000-8000-000000000000/", tok)
	if r.status != 404 || jsonField(t, r.body, "detail") != "Not found." {
		t.Errorf("unknown uuid: %d %s", r.status, r.body)
	}
	if r := call(t, http.MethodGet, srv.URL+"/en/chatbot/api/v1/conversation/"+deleted.UUID+"/", ""); r.status != 401 {
		t.Errorf("retrieve without token: %d", r.status)
	}
}

func TestFaultStatusBodyAndTimes(t *testing.T) {
	srv := stammertest.NewServer(t)
	q := url.Values{"onlyDeletedConversations": {"false"}}

	srv.SetFault(stammertest.Fault{Status: 503, Body: "<html><body>Service Unavailable</body></html>"})
	r := list(t, srv, q)
	if r.status != 503 || string(r.body) != "<html><body>Service Unavailable</body></html>" || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HTML fault: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	// Until cleared.
	if r := list(t, srv, q); r.status != 503 {
		t.Errorf("fault with Times 0 cleared itself: %d", r.status)
	}
	srv.ClearFault()
	if r := list(t, srv, q); r.status != 200 {
		t.Errorf("after ClearFault: %d", r.status)
	}

	srv.SetFault(stammertest.Fault{Status: 429, Body: ` {"detail":"Request was throttled."}`, Header: http.Header{"Retry-After": {"2"}}, Times: 2})
	for i := range 2 {
		r := list(t, srv, q)
		if r.status != 429 || r.header.Get("Retry-After") != "2" || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("request %d: %d Retry-After=%q Content-Type=%q", i, r.status, r.header.Get("Retry-After"), r.header.Get("Content-Type"))
		}
	}
	if r := list(t, srv, q); r.status != 200 {
		t.Errorf("after Times ran out: %d", r.status)
	}

	// Status 0: normal answer, extra headers.
	srv.SetFault(stammertest.Fault{Header: http.Header{"X-Upstream": {"slow"}}, Times: 1})
	r = list(t, srv, q)
	if r.status != 200 || r.header.Get("X-Upstream") != "slow" || !json.Valid(r.body) {
		t.Errorf("status-0 fault: %d %q", r.status, r.header.Get("X-Upstream"))
	}

	// A redirect, and an explicit content type.
	srv.SetFault(stammertest.Fault{Status: 302, Header: http.Header{"Location": {"https://example.com/login/"}}, Body: "moved", ContentType: "text/plain", Times: 1})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+listPath, nil)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 302 || res.Header.Get("Location") != "https://example.com/login/" || res.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("redirect fault: %d %v", res.StatusCode, res.Header)
	}

	if n := len(srv.Requests()); n != 8 {
		t.Errorf("%d requests recorded, want 8 (faulted ones included)", n)
	}
}

func TestFaultTruncatedBody(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetFault(stammertest.Fault{Status: 200, Body: `{"message":"Conversations retrieved successfully.","data":[{"id":1`, Header: http.Header{"Content-Length": {"5000"}}})
	res, err := http.Get(srv.URL + listPath)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if _, err := io.ReadAll(res.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading a truncated body: err = %v, want unexpected EOF", err)
	}
}

func TestFaultDelay(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetFault(stammertest.Fault{Delay: 150 * time.Millisecond, Times: 1})
	start := time.Now()
	r := list(t, srv, url.Values{"onlyDeletedConversations": {"false"}})
	if el := time.Since(start); el < 150*time.Millisecond || r.status != 200 {
		t.Errorf("Delay with Status 0: %d after %v; want 200 after >= 150ms", r.status, el)
	}
}

func TestFaultDelayCancelledByClient(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetFault(stammertest.Fault{Status: 500, Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+listPath, nil)
	start := time.Now()
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v", el)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests recorded, want 1", n)
	}

	// In process: the handler returns early and writes nothing.
	ctx2, cancel2 := context.WithCancel(context.Background())
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(ctx2, http.MethodGet, listPath, nil))
	}()
	time.Sleep(20 * time.Millisecond)
	cancel2()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("handler did not return after cancellation")
	}
	if rec.Body.Len() != 0 || len(rec.Header()) != 0 {
		t.Errorf("handler wrote after cancellation: %v %q", rec.Header(), rec.Body)
	}
}

func TestCloseEndsDelays(t *testing.T) {
	srv := stammertest.New()
	srv.SetFault(stammertest.Fault{Delay: time.Minute})
	errc := make(chan error, 1)
	go func() {
		res, err := http.Get(srv.URL + listPath)
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()
	for len(srv.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	srv.Close()
	srv.Close() // idempotent
	select {
	case err := <-errc:
		if err == nil {
			t.Errorf("request completed normally after Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("pending request still blocked 5s after Close")
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("Close took %v", el)
	}
}

func TestRequestsRecorded(t *testing.T) {
	srv := stammertest.NewServer(t)
	call(t, http.MethodGet, srv.URL+"/nowhere/", "")                                                                        // 404 HTML
	call(t, http.MethodGet, srv.URL+listPath+"?chatbot_id=17", "Token nope")                                                // 401
	call(t, http.MethodGet, srv.URL+listPath+"?chatbot_id=x", "Token "+stammertest.DefaultToken)                            // 400
	call(t, http.MethodGet, srv.URL+"/pt"+listPath[3:]+"?onlyDeletedConversations=True", "Token "+stammertest.DefaultToken) // 200
	reqs := srv.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	last := reqs[3]
	if last.Method != "GET" || last.Path != "/pt/chatbot/api/v1/conversations/" || last.Query.Get("onlyDeletedConversations") != "True" ||
		last.Header.Get("Authorization") != "Token "+stammertest.DefaultToken || last.At.IsZero() || last.At.Before(reqs[0].At) {
		t.Errorf("last request recorded as %+v", last)
	}
	if reqs[1].Header.Get("Authorization") != "Token nope" {
		t.Errorf("rejected request's header not recorded: %v", reqs[1].Header)
	}
	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
}

func TestConcurrentRequests(t *testing.T) {
	srv := stammertest.NewServer(t)
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			// One day per request keeps bodies small: this test is about
			// recording under concurrency, not encoding speed.
			u := fmt.Sprintf("%s%s?onlyDeletedConversations=false&chatbot_id=%d&startDate=2026-10-%02d&endDate=2026-10-%02d&probe=%d",
				srv.URL, listPath, []int{17, 23, 42, 101}[i%4], 1+i%28, 1+i%28, i)
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			req.Header.Set("Authorization", "Token "+stammertest.DefaultToken)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil || res.StatusCode != 200 || !json.Valid(body) {
				errs <- fmt.Errorf("probe %d: %d %v", i, res.StatusCode, err)
			}
		})
	}
	// Change the server's settings while requests are in flight.
	for i := range 20 {
		srv.SetShape(stammertest.Shapes()[i%5])
		srv.SetStyle(stammertest.Styles()[i%3])
		if i%2 == 0 {
			srv.SetFault(stammertest.Fault{Header: http.Header{"X-I": {fmt.Sprint(i)}}})
		} else {
			srv.ClearFault()
		}
		_ = srv.Requests()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var probes []string
	for _, r := range srv.Requests() {
		probes = append(probes, r.Query.Get("probe"))
	}
	if len(probes) != n {
		t.Fatalf("%d requests recorded, want %d", len(probes), n)
	}
	slices.Sort(probes)
	probes = slices.Compact(probes)
	if len(probes) != n {
		t.Errorf("%d distinct probes recorded, want %d", len(probes), n)
	}
}

// fakeTB records cleanups, standing in for *testing.T.
type fakeTB struct{ cleanups []func() }

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func TestNewServerRegistersClose(t *testing.T) {
	var tb fakeTB
	srv := stammertest.NewServer(&tb)
	if len(tb.cleanups) != 1 {
		t.Fatalf("%d cleanups registered, want 1", len(tb.cleanups))
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || strings.HasSuffix(srv.URL, "/") {
		t.Errorf("URL %q", srv.URL)
	}
	tb.cleanups[0]()
	c := &http.Client{Timeout: 2 * time.Second}
	if res, err := c.Get(srv.URL + listPath); err == nil {
		res.Body.Close()
		t.Errorf("server still answers after cleanup")
	}
}

func TestWithFixturesAndOptions(t *testing.T) {
	bot := stammertest.Chatbot{ID: 900, UUID: "11111111-2222-4333-8444-555555555555", Name: "Load test"}
	cs := stammertest.Generate(stammertest.GenerateOptions{Seed: 3, N: 120, Chatbots: []stammertest.Chatbot{bot}})
	srv := stammertest.NewServer(t, stammertest.WithFixtures(cs), stammertest.WithShape(stammertest.ShapeArray), stammertest.WithStyle(stammertest.StyleRoles))
	r := list(t, srv, url.Values{"chatbot_uuid": {bot.UUID}, "onlyDeletedConversations": {"false"}})
	var got []map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatalf("WithShape(ShapeArray) not honoured: %v", err)
	}
	live := 0
	for _, c := range cs {
		if !c.Deleted {
			live++
		}
	}
	if len(got) != live {
		t.Errorf("%d conversations, want %d", len(got), live)
	}
	if msgs, _ := got[0]["messages"].([]any); len(msgs) == 0 || msgs[0].(map[string]any)["role"] != "user" {
		t.Errorf("WithStyle(StyleRoles) not honoured: %v", got[0]["messages"])
	}
	// The default fixtures are gone; their chatbots are still known.
	if got := list(t, srv, url.Values{"chatbot_id": {"17"}, "onlyDeletedConversations": {"false"}}); string(got.body) != "[]" {
		t.Errorf("chatbot 17 under WithFixtures: %d %.100s", got.status, got.body)
	}
	empty := stammertest.NewServer(t, stammertest.WithFixtures(nil))
	if got := decodeList(t, list(t, empty, url.Values{"onlyDeletedConversations": {"true"}})); len(got) != 0 {
		t.Errorf("WithFixtures(nil): %d conversations", len(got))
	}
}
