package stammer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// secretToken is distinctive so that any leak into an error or a log line
// is found by a substring search.
const secretToken = "stt_SECRET_do_not_leak_0123456789abcdef"

func newClient(t *testing.T, srv *stammertest.Server, mod func(*stammer.Config)) *stammer.Client {
	t.Helper()
	cfg := stammer.Config{BaseURL: srv.URL, Token: stammertest.DefaultToken, Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := stammer.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// noLeak fails if err's message contains the token.
func noLeak(t *testing.T, err error, token string) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), token) {
		t.Errorf("error leaks the token: %q", err)
	}
}

func TestNew(t *testing.T) {
	c, err := stammer.New(stammer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if c.HasToken() {
		t.Error("zero Config has a token")
	}
	if got := c.Host(); got != "app.stammer.ai" {
		t.Errorf("Host() = %q", got)
	}
	if got := c.ConversationsURL(); got != "https://app.stammer.ai/en/chatbot/api/v1/conversations/" {
		t.Errorf("ConversationsURL() = %q", got)
	}

	c, err = stammer.New(stammer.Config{BaseURL: "https://app.agency.example/pt/chatbot/api/v1/conversations/", Token: " tok "})
	if err != nil {
		t.Fatal(err)
	}
	if !c.HasToken() || c.Host() != "app.agency.example" || c.ConversationsURL() != "https://app.agency.example/pt/chatbot/api/v1/conversations/" {
		t.Errorf("white-label client: token %v host %q url %q", c.HasToken(), c.Host(), c.ConversationsURL())
	}

	for _, bad := range []stammer.Config{
		{BaseURL: "http://app.stammer.ai"},
		{BaseURL: "https://app.stammer.ai/dashboard"},
		{Token: "abc def" + secretToken},
		{Token: secretToken + "\n\x00"},
		{Token: "\"" + secretToken + "\""},
	} {
		_, err := stammer.New(bad)
		if err == nil {
			t.Errorf("New(%+v) succeeded", bad)
			continue
		}
		noLeak(t, err, secretToken)
	}
}

func TestNoTokenSendsNothing(t *testing.T) {
	srv := stammertest.NewServer(t)
	c := newClient(t, srv, func(cfg *stammer.Config) { cfg.Token = "  " })
	if c.HasToken() {
		t.Fatal("blank token counted as a token")
	}
	if _, err := c.ListConversations(context.Background(), stammer.Query{}); !errors.Is(err, stammer.ErrNoToken) {
		t.Errorf("ListConversations err = %v, want ErrNoToken", err)
	}
	if _, err := c.GetConversation(context.Background(), "05b5e310-4a22-4a53-b440-1922ca9815cf"); !errors.Is(err, stammer.ErrNoToken) {
		t.Errorf("GetConversation err = %v, want ErrNoToken", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent without a token", n)
	}
}

func TestInvalidQuerySendsNothing(t *testing.T) {
	srv := stammertest.NewServer(t)
	c := newClient(t, srv, nil)
	for _, q := range []stammer.Query{
		{ChatbotID: 17, ChatbotUUID: stammertest.ClinicBotUUID},
		{StartDate: "2026-02-30"},
		{StartDate: "2026-11-05", EndDate: "2026-11-01"},
		{SourcePlatform: "WhatsApp"},
		{ChatbotUUID: "nope"},
		{ConversationNumber: -1},
	} {
		_, err := c.ListConversations(context.Background(), q)
		var qe *stammer.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("%+v: err = %v, want *QueryError", q, err)
		}
	}
	_, err := c.GetConversation(context.Background(), "4812")
	var qe *stammer.QueryError
	if !errors.As(err, &qe) || qe.Param != "conversation_uuid" {
		t.Errorf("GetConversation(\"4812\") err = %v, want *QueryError for conversation_uuid", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid queries", n)
	}
}

func TestRequestIsExactlyAsDocumented(t *testing.T) {
	srv := stammertest.NewServer(t)
	tests := []struct {
		name      string
		ua        string
		q         stammer.Query
		wantQuery string
	}{
		{"zero", "", stammer.Query{}, "onlyDeletedConversations=false"},
		{"all filters", "stammer-mcp/1.2.3", stammer.Query{
			ChatbotID: stammertest.ClinicBotID, StartDate: "2026-09-01", EndDate: "2026-11-24",
			SourcePlatform: "whatsapp", OnlyDeletedConversations: true, ConversationNumber: 3,
		}, "chatbot_id=17&conversation_number=3&endDate=2026-11-24&onlyDeletedConversations=true&sourcePlatform=whatsapp&startDate=2026-09-01"},
		{"uuid", "", stammer.Query{ChatbotUUID: stammertest.RealtyBotUUID}, "chatbot_uuid=" + stammertest.RealtyBotUUID + "&onlyDeletedConversations=false"},
		{"odd platform spelling", "", stammer.Query{SourcePlatform: "API"}, "onlyDeletedConversations=false&sourcePlatform=API"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			c := newClient(t, srv, func(cfg *stammer.Config) { cfg.UserAgent = tt.ua })
			if _, err := c.ListConversations(context.Background(), tt.q); err != nil {
				t.Fatalf("ListConversations: %v", err)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodGet {
				t.Errorf("method %s", r.Method)
			}
			if r.Path != "/en/chatbot/api/v1/conversations/" {
				t.Errorf("path %q", r.Path)
			}
			if got := r.Query.Encode(); got != tt.wantQuery {
				t.Errorf("query %q, want %q", got, tt.wantQuery)
			}
			wantUA := tt.ua
			if wantUA == "" {
				wantUA = "stammer-mcp/dev"
			}
			for h, want := range map[string]string{
				"Authorization": "Token " + stammertest.DefaultToken,
				"Accept":        "application/json",
				"Content-Type":  "application/json",
				"User-Agent":    wantUA,
			} {
				if got := r.Header.Values(h); len(got) != 1 || got[0] != want {
					t.Errorf("header %s = %q, want %q", h, got, want)
				}
			}
		})
	}
}

func TestPastedTokenHeaderIsCleaned(t *testing.T) {
	srv := stammertest.NewServer(t)
	c := newClient(t, srv, func(cfg *stammer.Config) { cfg.Token = "Token " + stammertest.DefaultToken + "\n" })
	if _, err := c.ListConversations(context.Background(), stammer.Query{}); err != nil {
		t.Fatalf("ListConversations: %v", err)
	}
	if got := srv.Requests()[0].Header.Get("Authorization"); got != "Token "+stammertest.DefaultToken {
		t.Errorf("Authorization = %q", got)
	}
}

func TestWhiteLabelLanguagePrefix(t *testing.T) {
	srv := stammertest.NewServer(t)
	for _, base := range []string{srv.URL + "/pt", srv.URL + "/pt/", srv.URL + "/pt/chatbot/api/v1/conversations/"} {
		srv.ResetRequests()
		c := newClient(t, srv, func(cfg *stammer.Config) { cfg.BaseURL = base })
		res, err := c.ListConversations(context.Background(), stammer.Query{ChatbotID: stammertest.RealtyBotID})
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if len(res.Conversations) == 0 {
			t.Errorf("%s: no conversations", base)
		}
		if got := srv.Requests()[0].Path; got != "/pt/chatbot/api/v1/conversations/" {
			t.Errorf("%s: path %q, want the /pt/ prefix", base, got)
		}
	}
}

// expected is what the client must make of a fixture conversation.
type expected struct {
	ID, Number, ChatbotID int64
	UUID, ChatbotUUID     string
	UserKey, Platform     string
	State                 stammer.State
	CreatedAt, UpdatedAt  time.Time
	Messages              []string // "role: text"
}

func expectFixture(c stammertest.Conversation) expected {
	e := expected{
		ID: c.ID, Number: c.Number, ChatbotID: c.ChatbotID, UUID: c.UUID, ChatbotUUID: c.ChatbotUUID,
		UserKey: c.UserKey, Platform: c.Platform, State: stammer.StateLive,
		CreatedAt: c.CreatedAt.UTC().Truncate(time.Second), UpdatedAt: c.UpdatedAt.UTC().Truncate(time.Second),
	}
	if c.Deleted {
		e.State = stammer.StateDeleted
	}
	for _, turn := range c.Turns {
		if strings.TrimSpace(turn.Query) != "" {
			e.Messages = append(e.Messages, "user: "+strings.ToValidUTF8(turn.Query, "\uFFFD"))
		}
		if strings.TrimSpace(turn.Answer) != "" {
			e.Messages = append(e.Messages, "assistant: "+strings.ToValidUTF8(turn.Answer, "\uFFFD"))
		}
	}
	return e
}

func gotConversation(c stammer.Conversation) expected {
	e := expected{
		ID: c.ID, Number: c.Number, ChatbotID: c.ChatbotID, UUID: c.UUID, ChatbotUUID: c.ChatbotUUID,
		UserKey: c.UserKey, Platform: c.Platform, State: c.State,
		CreatedAt: c.CreatedAt.Time().Truncate(time.Second), UpdatedAt: c.UpdatedAt.Time().Truncate(time.Second),
	}
	for _, m := range c.Messages {
		e.Messages = append(e.Messages, m.Role.String()+": "+m.Text)
	}
	return e
}

func compareConversations(t *testing.T, got []stammer.Conversation, want []stammertest.Conversation) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d conversations, want %d", len(got), len(want))
	}
	byID := map[int64]stammertest.Conversation{}
	for _, c := range want {
		byID[c.ID] = c
	}
	bad := 0
	for _, g := range got {
		w, ok := byID[g.ID]
		if !ok {
			t.Errorf("unexpected conversation id %d", g.ID)
			continue
		}
		ge, we := gotConversation(g), expectFixture(w)
		if !equalExpected(ge, we) {
			bad++
			if bad <= 3 {
				t.Errorf("conversation %d:\n got  %+v\n want %+v", g.ID, ge, we)
			}
		}
	}
	if bad > 3 {
		t.Errorf("... and %d more mismatches", bad-3)
	}
}

func equalExpected(a, b expected) bool {
	return a.ID == b.ID && a.Number == b.Number && a.ChatbotID == b.ChatbotID && a.UUID == b.UUID &&
		a.ChatbotUUID == b.ChatbotUUID && a.UserKey == b.UserKey && a.Platform == b.Platform &&
		a.State == b.State && a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt) &&
		slices.Equal(a.Messages, b.Messages)
}

// TestEveryShapeAndStyleDecodesAlike lists all conversations (live and
// deleted) in every envelope and every field style, and checks each
// decodes to the fixture: numbers, ids, platforms, states, times, and every
// message's role and text.
func TestEveryShapeAndStyleDecodesAlike(t *testing.T) {
	fixtures := stammertest.Fixtures()
	srv := stammertest.NewServer(t, stammertest.WithAllOnNotDeleted())
	c := newClient(t, srv, nil)
	for _, sh := range stammertest.Shapes() {
		for _, st := range stammertest.Styles() {
			t.Run(sh.String()+"/"+st.String(), func(t *testing.T) {
				srv.SetShape(sh)
				srv.SetStyle(st)
				res, err := c.ListConversations(context.Background(), stammer.Query{})
				if err != nil {
					t.Fatalf("ListConversations: %v", err)
				}
				if res.Shape != sh.String() {
					t.Errorf("Shape = %q, want %q", res.Shape, sh.String())
				}
				if res.Skipped != 0 {
					t.Errorf("Skipped = %d", res.Skipped)
				}
				if res.Bytes <= 0 {
					t.Errorf("Bytes = %d", res.Bytes)
				}
				if (sh == stammertest.ShapeResults || sh == stammertest.ShapeConversations || sh == stammertest.ShapeDataResults) && res.Count != len(fixtures) {
					t.Errorf("Count = %d, want %d", res.Count, len(fixtures))
				}
				compareConversations(t, res.Conversations, fixtures)
			})
		}
	}
}

func TestFiltersReachTheServer(t *testing.T) {
	srv := stammertest.NewServer(t)
	c := newClient(t, srv, nil)
	var want []stammertest.Conversation
	for _, f := range stammertest.Fixtures() {
		if f.ChatbotID == stammertest.ClinicBotID && f.Deleted {
			want = append(want, f)
		}
	}
	res, err := c.ListConversations(context.Background(), stammer.Query{ChatbotUUID: stammertest.ClinicBotUUID, OnlyDeletedConversations: true})
	if err != nil {
		t.Fatal(err)
	}
	compareConversations(t, res.Conversations, want)

	res, err = c.ListConversations(context.Background(), stammer.Query{ChatbotID: stammertest.QuietBotID})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Conversations) != 0 {
		t.Errorf("quiet chatbot has %d conversations", len(res.Conversations))
	}
}

func TestGetConversation(t *testing.T) {
	fixtures := stammertest.Fixtures()
	want := fixtures[len(fixtures)/2]
	for _, st := range stammertest.Styles() {
		t.Run(st.String(), func(t *testing.T) {
			srv := stammertest.NewServer(t, stammertest.WithStyle(st), stammertest.WithAllOnNotDeleted())
			c := newClient(t, srv, func(cfg *stammer.Config) { cfg.BaseURL = srv.URL + "/pt" })
			got, err := c.GetConversation(context.Background(), strings.ToUpper(want.UUID))
			if err != nil {
				t.Fatalf("GetConversation: %v", err)
			}
			if ge, we := gotConversation(*got), expectFixture(want); !equalExpected(ge, we) {
				t.Errorf("got  %+v\nwant %+v", ge, we)
			}
			// Django's <uuid:> converter wants lower case.
			if p := srv.Requests()[0].Path; p != "/pt/chatbot/api/v1/conversation/"+want.UUID+"/" {
				t.Errorf("path %q", p)
			}
		})
	}

	srv := stammertest.NewServer(t)
	c := newClient(t, srv, nil)
	_, err := c.GetConversation(context.Background(), "00000000-0000-4000-8000-000000000000")
	var ae *stammer.APIError
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Message != "Not found." {
		t.Errorf("unknown uuid: err = %v, want APIError 404 \"Not found.\"", err)
	}
}

// TestErrorMapping drives the fake server into each failure and checks the
// error type, status and message — and that no message carries the token.
func TestErrorMapping(t *testing.T) {
	type check func(t *testing.T, err error)
	apiErr := func(status int, msg string) check {
		return func(t *testing.T, err error) {
			t.Helper()
			var ae *stammer.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v (%T), want *APIError", err, err)
			}
			if ae.Status != status || ae.Message != msg {
				t.Errorf("APIError{%d, %q}, want {%d, %q}", ae.Status, ae.Message, status, msg)
			}
		}
	}
	decodeErr := func(want string) check {
		return func(t *testing.T, err error) {
			t.Helper()
			var de *stammer.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v (%T), want *DecodeError", err, err)
			}
			if de.Status != 200 || !strings.Contains(err.Error(), want) {
				t.Errorf("DecodeError %q (status %d), want status 200 and %q", err, de.Status, want)
			}
		}
	}
	transport := func(want string) check {
		return func(t *testing.T, err error) {
			t.Helper()
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want it to contain %q", err, want)
			}
			var ae *stammer.APIError
			var de *stammer.DecodeError
			if errors.As(err, &ae) || errors.As(err, &de) {
				t.Errorf("transport failure mapped to %T", err)
			}
		}
	}
	tests := []struct {
		name  string
		token string
		base  string // appended to srv.URL
		fault *stammertest.Fault
		check check
	}{
		{name: "401 wrong token", token: secretToken, check: apiErr(401, "Invalid token.")},
		{name: "401 error string", token: secretToken, check: func(t *testing.T, err error) {
			if got, want := err.Error(), "Stammer API answered 401 Unauthorized: Invalid token."; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
		}},
		{name: "403", fault: &stammertest.Fault{Status: 403, Body: `{"detail": "You do not have permission to perform this action."}`},
			check: apiErr(403, "You do not have permission to perform this action.")},
		{name: "404 HTML (wrong language prefix)", base: "/pt-br", check: apiErr(404, "the server answered with an HTML page, not the API (check STAMMER_BASE_URL)")},
		{name: "404 chatbot", fault: &stammertest.Fault{Status: 404, Body: `{"message": "Chatbot not found."}`}, check: apiErr(404, "Chatbot not found.")},
		{name: "400 field map", fault: &stammertest.Fault{Status: 400, Body: `{"startDate": ["Enter a valid date."]}`}, check: apiErr(400, "startDate: Enter a valid date.")},
		{name: "400 error key", fault: &stammertest.Fault{Status: 400, Body: `{"error": "Something odd."}`}, check: apiErr(400, "Something odd.")},
		{name: "429 with Retry-After", fault: &stammertest.Fault{Status: 429, Body: `{"detail": "Request was throttled. Expected available in 7 seconds."}`, Header: http.Header{"Retry-After": {"7"}}},
			check: func(t *testing.T, err error) {
				apiErr(429, "Request was throttled. Expected available in 7 seconds.")(t, err)
				var ae *stammer.APIError
				if errors.As(err, &ae) && ae.RetryAfter != 7*time.Second {
					t.Errorf("RetryAfter = %s, want 7s", ae.RetryAfter)
				}
			}},
		{name: "500 HTML", fault: &stammertest.Fault{Status: 500, Body: "<!DOCTYPE html><html><body><h1>Server Error (500)</h1>" + secretToken + "</body></html>"},
			check: apiErr(500, "the server answered with an HTML error page, not the API's JSON (Stammer may be down or overloaded; try again later)")},
		{name: "503 empty", fault: &stammertest.Fault{Status: 503, Body: ""}, check: apiErr(503, "Service Unavailable")},
		{name: "error echoing the token is redacted", fault: &stammertest.Fault{Status: 401, Body: `{"detail": "Invalid token ` + stammertest.DefaultToken + `."}`},
			check: apiErr(401, "Invalid token [redacted].")},
		{name: "over-long message capped", fault: &stammertest.Fault{Status: 400, Body: `{"message": "` + strings.Repeat("very long ", 200) + `"}`},
			check: func(t *testing.T, err error) {
				var ae *stammer.APIError
				if !errors.As(err, &ae) || len([]rune(ae.Message)) > 301 {
					t.Errorf("err = %v", err)
				}
			}},
		{name: "200 truncated JSON", fault: &stammertest.Fault{Status: 200, Body: `{"message": "ok", "data": [{"id": 1, "messages": [{"query": "hel`}, check: decodeErr("cut off")},
		{name: "200 not a list", fault: &stammertest.Fault{Status: 200, Body: `"hello"`, ContentType: "application/json"}, check: decodeErr("expected a list of conversations, found a JSON string")},
		{name: "200 HTML", fault: &stammertest.Fault{Status: 200, Body: "<html><body>Login</body></html>"}, check: decodeErr("HTML page")},
		{name: "connection cut mid-body", fault: &stammertest.Fault{Status: 200, Body: `{"data": [{"id": 1`, Header: http.Header{"Content-Length": {"5000"}}}, check: transport("broke while reading the response")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := stammertest.NewServer(t)
			token := stammertest.DefaultToken
			if tt.token != "" {
				token = tt.token
			}
			c := newClient(t, srv, func(cfg *stammer.Config) {
				cfg.Token = token
				cfg.BaseURL = srv.URL + tt.base
			})
			if tt.fault != nil {
				srv.SetFault(*tt.fault)
			}
			_, err := c.ListConversations(context.Background(), stammer.Query{})
			if err == nil {
				t.Fatal("no error")
			}
			tt.check(t, err)
			noLeak(t, err, token)
			noLeak(t, err, secretToken)
		})
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	srv := stammertest.NewServer(t, stammertest.WithToken(secretToken))
	srv.SetFault(stammertest.Fault{Delay: 3 * time.Second})
	c := newClient(t, srv, func(cfg *stammer.Config) { cfg.Token = secretToken; cfg.Timeout = 150 * time.Millisecond })

	start := time.Now()
	_, err := c.ListConversations(context.Background(), stammer.Query{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("timeout took %s", time.Since(start))
	}
	if want := "the Stammer API at " + c.Host() + " did not answer within the 150ms timeout"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q, want prefix %q", err, want)
	}
	noLeak(t, err, secretToken)

	// A shorter deadline of the caller's own is reported as such.
	c2 := newClient(t, srv, func(cfg *stammer.Config) { cfg.Token = secretToken; cfg.Timeout = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c2.GetConversation(ctx, stammertest.Fixtures()[0].UUID)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "caller's deadline") {
		t.Errorf("caller deadline: err = %v", err)
	}

	// Cancellation.
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = c2.ListConversations(ctx, stammer.Query{})
	if !errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancel: err = %v, want Canceled", err)
	}
}

func TestUnreachableHost(t *testing.T) {
	// Port 1 of loopback, where nothing listens: the port of a closed test
	// server could be taken by another process's listener in the meantime
	// (seen on a loaded machine as "dropped the connection" instead).
	c, err := stammer.New(stammer.Config{BaseURL: "http://127.0.0.1:1", Token: secretToken})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListConversations(context.Background(), stammer.Query{})
	if err == nil || !strings.HasPrefix(err.Error(), "could not reach the Stammer API at "+c.Host()+": ") {
		t.Errorf("err = %v", err)
	}
	if strings.Contains(err.Error(), "Get \"") {
		t.Errorf("err repeats the url.Error prefix: %v", err)
	}
	noLeak(t, err, secretToken)
}

func TestBodyCap(t *testing.T) {
	srv := stammertest.NewServer(t)
	c := newClient(t, srv, func(cfg *stammer.Config) { cfg.MaxBodyBytes = 4096 })
	_, err := c.ListConversations(context.Background(), stammer.Query{})
	var tl *stammer.BodyTooLargeError
	if !errors.As(err, &tl) || tl.Limit != 4096 {
		t.Fatalf("err = %v, want BodyTooLargeError{4096}", err)
	}
	if !strings.Contains(err.Error(), "larger than 4 KiB; narrow the query with startDate/endDate") {
		t.Errorf("message %q", err)
	}

	// Without Content-Length (chunked), the cap is enforced while reading.
	big := `{"data": [` + strings.Repeat(`{"id": 1, "messages": ["`+strings.Repeat("x", 1000)+`"]},`, 100) + `{"id": 2}]}`
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i < len(big); i += 1000 {
			io.WriteString(w, big[i:min(i+1000, len(big))])
			w.(http.Flusher).Flush()
		}
	}))
	defer hs.Close()
	c, err = stammer.New(stammer.Config{BaseURL: hs.URL, Token: "t", MaxBodyBytes: 10000})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListConversations(context.Background(), stammer.Query{})
	if !errors.As(err, &tl) || tl.Limit != 10000 {
		t.Errorf("chunked: err = %v, want BodyTooLargeError{10000}", err)
	}
}

func TestRedirects(t *testing.T) {
	other := stammertest.NewServer(t)
	srv := stammertest.NewServer(t)
	c := newClient(t, srv, nil)

	// To another host: refused, and the other host never sees the token.
	srv.SetFault(stammertest.Fault{Status: 302, Header: http.Header{"Location": {other.URL + "/en/chatbot/api/v1/conversations/?onlyDeletedConversations=false"}}, Times: 1})
	_, err := c.ListConversations(context.Background(), stammer.Query{})
	if err == nil || !strings.Contains(err.Error(), "redirected to") || !strings.Contains(err.Error(), "not sent to another host") {
		t.Errorf("cross-host redirect: err = %v", err)
	}
	if n := len(other.Requests()); n != 0 {
		t.Errorf("the other host received %d requests", n)
	}

	// Within the host (a language redirect): followed.
	srv.ResetRequests()
	srv.SetFault(stammertest.Fault{Status: 301, Header: http.Header{"Location": {"/pt/chatbot/api/v1/conversations/?onlyDeletedConversations=false"}}, Times: 1})
	res, err := c.ListConversations(context.Background(), stammer.Query{})
	if err != nil || len(res.Conversations) == 0 {
		t.Fatalf("same-host redirect: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[1].Path != "/pt/chatbot/api/v1/conversations/" || reqs[1].Header.Get("Authorization") != "Token "+stammertest.DefaultToken {
		t.Errorf("same-host redirect requests: %+v", reqs)
	}

	// A caller's own http.Client gets the same guard.
	hc := &http.Client{Timeout: 5 * time.Second}
	c = newClient(t, srv, func(cfg *stammer.Config) { cfg.HTTPClient = hc })
	srv.SetFault(stammertest.Fault{Status: 307, Header: http.Header{"Location": {other.URL + "/"}}, Times: 1})
	if _, err := c.ListConversations(context.Background(), stammer.Query{}); err == nil || !strings.Contains(err.Error(), "redirected to") {
		t.Errorf("custom client: err = %v", err)
	}
	if hc.CheckRedirect != nil {
		t.Error("the caller's http.Client was modified")
	}
	if n := len(other.Requests()); n != 0 {
		t.Errorf("the other host received %d requests", n)
	}
}

func TestRetries(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetFault(stammertest.Fault{Status: 503, Body: `{"detail": "busy"}`, Header: http.Header{"Retry-After": {"0"}}, Times: 1})
	c := newClient(t, srv, func(cfg *stammer.Config) { cfg.MaxRetries = 2 })
	res, err := c.ListConversations(context.Background(), stammer.Query{})
	if err != nil || len(res.Conversations) == 0 {
		t.Fatalf("with retries: %v", err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}

	// Default: no retries.
	srv.ResetRequests()
	srv.SetFault(stammertest.Fault{Status: 503, Body: `{"detail": "busy"}`, Times: 1})
	c = newClient(t, srv, nil)
	if _, err := c.ListConversations(context.Background(), stammer.Query{}); err == nil {
		t.Error("no error without retries")
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}

	// 4xx are never retried.
	srv.ResetRequests()
	srv.SetFault(stammertest.Fault{Status: 400, Body: `{"message": "bad"}`, Times: 1})
	c = newClient(t, srv, func(cfg *stammer.Config) { cfg.MaxRetries = 3 })
	if _, err := c.ListConversations(context.Background(), stammer.Query{}); err == nil {
		t.Error("no error for 400")
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("400 was retried: %d requests", n)
	}

	// A Retry-After longer than the deadline is not waited for.
	srv.ResetRequests()
	srv.SetFault(stammertest.Fault{Status: 429, Body: `{"detail": "slow down"}`, Header: http.Header{"Retry-After": {"60"}}, Times: 1})
	c = newClient(t, srv, func(cfg *stammer.Config) { cfg.MaxRetries = 3; cfg.Timeout = time.Second })
	start := time.Now()
	_, err = c.ListConversations(context.Background(), stammer.Query{})
	var ae *stammer.APIError
	if !errors.As(err, &ae) || ae.Status != 429 || time.Since(start) > 900*time.Millisecond {
		t.Errorf("long Retry-After: err = %v after %s", err, time.Since(start))
	}
}

func TestLogging(t *testing.T) {
	srv := stammertest.NewServer(t, stammertest.WithToken(secretToken))
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, srv, func(cfg *stammer.Config) { cfg.Token = secretToken; cfg.Logger = logger })
	if _, err := c.ListConversations(context.Background(), stammer.Query{ChatbotID: stammertest.ClinicBotID}); err != nil {
		t.Fatal(err)
	}
	srv.SetFault(stammertest.Fault{Status: 401, Body: `{"detail": "Invalid token ` + secretToken + `"}`})
	_, _ = c.ListConversations(context.Background(), stammer.Query{})
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, want := range []string{"method=GET", "path=/en/chatbot/api/v1/conversations/", "query=\"chatbot_id=17&onlyDeletedConversations=false\"", "status=200", "bytes=", "duration=", "status=401"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{secretToken, "Authorization", "Token "} {
		if strings.Contains(out, bad) {
			t.Errorf("log contains %q:\n%s", bad, out)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestPaging: the API is not known to page, but a DRF-style "next" on the
// same host is followed and the pages joined; one to another host is not
// followed (the token would go with it) and is left in Next.
func TestPaging(t *testing.T) {
	var mu sync.Mutex
	var auths []string
	var hs *httptest.Server
	hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("page") {
		case "":
			fmt.Fprintf(w, `{"count": 4, "next": %q, "results": [{"id": 1}, {"id": 2}]}`, hs.URL+"/en/chatbot/api/v1/conversations/?onlyDeletedConversations=false&page=2")
		case "2":
			fmt.Fprint(w, `{"count": 4, "next": "/en/chatbot/api/v1/conversations/?onlyDeletedConversations=false&page=3", "results": [{"id": 3}]}`)
		case "3":
			fmt.Fprint(w, `{"count": 4, "next": "https://elsewhere.example/steal?page=4", "results": [{"id": 4}]}`)
		}
	}))
	defer hs.Close()
	c, err := stammer.New(stammer.Config{BaseURL: hs.URL, Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.ListConversations(context.Background(), stammer.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, cv := range res.Conversations {
		ids = append(ids, cv.ID)
	}
	if !slices.Equal(ids, []int64{1, 2, 3, 4}) || res.Count != 4 {
		t.Errorf("ids %v count %d", ids, res.Count)
	}
	if res.Next != "https://elsewhere.example/steal?page=4" {
		t.Errorf("Next = %q, want the unfollowed foreign link", res.Next)
	}
	if len(auths) != 3 || auths[2] != "Token tok" {
		t.Errorf("requests: %q", auths)
	}
}

func TestPagingLoopStops(t *testing.T) {
	n := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		fmt.Fprint(w, `{"next": "/en/chatbot/api/v1/conversations/?onlyDeletedConversations=false", "results": [{"id": 1}]}`)
	}))
	defer hs.Close()
	c, _ := stammer.New(stammer.Config{BaseURL: hs.URL, Token: "tok"})
	res, err := c.ListConversations(context.Background(), stammer.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || len(res.Conversations) != 1 || res.Next == "" {
		t.Errorf("self-link: %d requests, %d conversations, Next %q", n, len(res.Conversations), res.Next)
	}
}

func TestConcurrentCalls(t *testing.T) {
	srv := stammertest.NewServer(t)
	c := newClient(t, srv, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			bots := stammertest.Chatbots()
			_, err := c.ListConversations(context.Background(), stammer.Query{ChatbotID: bots[i%len(bots)].ID})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestConversationsURLMatchesRequests(t *testing.T) {
	srv := stammertest.NewServer(t)
	c := newClient(t, srv, nil)
	if _, err := c.ListConversations(context.Background(), stammer.Query{}); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(c.ConversationsURL())
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != srv.Requests()[0].Path || u.RawQuery != "" {
		t.Errorf("ConversationsURL %q vs request path %q", c.ConversationsURL(), srv.Requests()[0].Path)
	}
}

// BenchmarkDecodeListFixtures decodes the fake server's own encoding of the
// default fixtures (multilingual, control characters, long pasted logs), in
// each style.
func BenchmarkDecodeListFixtures(b *testing.B) {
	fixtures := stammertest.Fixtures()
	for _, st := range stammertest.Styles() {
		body := stammertest.Encode(fixtures, stammertest.ShapeEnvelope, st)
		b.Run(st.String(), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := stammer.DecodeList(bytes.NewReader(body), 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
