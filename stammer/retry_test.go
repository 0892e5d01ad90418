package stammer_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// TestRetryPolicy drives each retryable and non-retryable fault with the
// product's default of 2 retries (3 attempts) and checks how many requests
// reached the fake, whether the call recovered, and what the final error
// says: the attempts and the API's own words.
func TestRetryPolicy(t *testing.T) {
	busy := `{"detail": "Stammer is busy, try later."}`
	tests := []struct {
		name     string
		fault    stammertest.Fault
		requests int    // requests the fake must see
		ok       bool   // the call succeeds in the end
		want     string // in the final error
		attempts int    // stammer.Attempts(err)
	}{
		{name: "429 once, then ok", fault: stammertest.Fault{Status: 429, Body: busy, Times: 1}, requests: 2, ok: true},
		{name: "502 once, then ok", fault: stammertest.Fault{Status: 502, Body: "<html>Bad Gateway</html>", Times: 1}, requests: 2, ok: true},
		{name: "503 twice, then ok", fault: stammertest.Fault{Status: 503, Body: busy, Times: 2}, requests: 3, ok: true},
		{name: "504 once, then ok", fault: stammertest.Fault{Status: 504, Times: 1}, requests: 2, ok: true},
		{name: "reset once, then ok", fault: stammertest.Fault{Reset: true, Times: 1}, requests: 2, ok: true},
		{name: "cut mid-body once, then ok", fault: stammertest.Fault{Status: 200, Body: `{"data": [{"id": 1`, Header: http.Header{"Content-Length": {"900"}}, Times: 1}, requests: 2, ok: true},
		{name: "429 persistent", fault: stammertest.Fault{Status: 429, Body: busy}, requests: 3,
			want: "Stammer API answered 429 Too Many Requests: Stammer is busy, try later. (after 3 attempts)", attempts: 3},
		{name: "502 persistent", fault: stammertest.Fault{Status: 502, Body: "<html>Bad Gateway</html>"}, requests: 3,
			want: "Stammer API answered 502 Bad Gateway: the server answered with an HTML error page, not the API's JSON (Stammer may be down or overloaded; try again later) (after 3 attempts)", attempts: 3},
		{name: "503 persistent", fault: stammertest.Fault{Status: 503, Body: busy}, requests: 3,
			want: "Stammer API answered 503 Service Unavailable: Stammer is busy, try later. (after 3 attempts)", attempts: 3},
		{name: "504 persistent", fault: stammertest.Fault{Status: 504}, requests: 3,
			want: "Stammer API answered 504 Gateway Timeout (after 3 attempts)", attempts: 3},
		{name: "reset persistent", fault: stammertest.Fault{Reset: true}, requests: 3,
			want: "dropped the connection without answering", attempts: 3},
		{name: "cut mid-body persistent", fault: stammertest.Fault{Status: 200, Body: `{"data": [{"id": 1`, Header: http.Header{"Content-Length": {"900"}}}, requests: 3,
			want: "broke while reading the response", attempts: 3},
		// Never retried: the same request would get the same answer.
		{name: "400", fault: stammertest.Fault{Status: 400, Body: `{"message": "startDate must be a valid date."}`, Times: 1}, requests: 1,
			want: "Stammer API answered 400 Bad Request: startDate must be a valid date.", attempts: 1},
		{name: "401", fault: stammertest.Fault{Status: 401, Body: `{"detail": "Invalid token."}`, Times: 1}, requests: 1, want: "401", attempts: 1},
		{name: "403", fault: stammertest.Fault{Status: 403, Body: `{"detail": "Forbidden."}`, Times: 1}, requests: 1, want: "403", attempts: 1},
		{name: "404", fault: stammertest.Fault{Status: 404, Body: `{"message": "Chatbot not found."}`, Times: 1}, requests: 1, want: "404", attempts: 1},
		{name: "409", fault: stammertest.Fault{Status: 409, Body: `{"detail": "Conflict."}`, Times: 1}, requests: 1, want: "409", attempts: 1},
		{name: "500", fault: stammertest.Fault{Status: 500, Body: "<html>Server Error (500)</html>", Times: 1}, requests: 1, want: "500", attempts: 1},
		{name: "501", fault: stammertest.Fault{Status: 501, Times: 1}, requests: 1, want: "501", attempts: 1},
		{name: "200 truncated JSON", fault: stammertest.Fault{Status: 200, Body: `{"data": [{"id": 1`, Times: 1}, requests: 1, want: "cut off", attempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := stammertest.NewServer(t, stammertest.WithToken(secretToken))
			c := newClient(t, srv, func(cfg *stammer.Config) {
				cfg.Token = secretToken
				cfg.MaxRetries = 2
				cfg.RetryBackoff = time.Millisecond
			})
			srv.SetFault(tt.fault)
			res, err := c.ListConversations(context.Background(), stammer.Query{})
			if n := len(srv.Requests()); n != tt.requests {
				t.Errorf("%d requests reached the fake, want %d", n, tt.requests)
			}
			if tt.ok {
				if err != nil || len(res.Conversations) == 0 {
					t.Fatalf("did not recover: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
			if got := stammer.Attempts(err); got != tt.attempts {
				t.Errorf("Attempts(err) = %d, want %d", got, tt.attempts)
			}
			if tt.attempts == 1 && strings.Contains(err.Error(), "attempts") {
				t.Errorf("a single attempt is reported as retried: %q", err)
			}
			noLeak(t, err, secretToken)
		})
	}
}

// TestRetryAfterIsHonoured checks the wait between attempts is the one the
// server asked for, in seconds or as an HTTP date, and that a wait that
// does not fit in the call's remaining time is not waited at all.
func TestRetryAfterIsHonoured(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter func() string
		timeout    time.Duration
		minGap     time.Duration // between the two requests
		requests   int
	}{
		{"seconds", func() string { return "1" }, 5 * time.Second, 950 * time.Millisecond, 2},
		// An HTTP date has whole seconds: 2s ahead is a wait of 1 to 2s.
		{"HTTP date", func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }, 5 * time.Second, 900 * time.Millisecond, 2},
		{"longer than the call's time left", func() string { return "30" }, 2 * time.Second, 0, 1},
		{"date beyond the call's time left", func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) }, 2 * time.Second, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := stammertest.NewServer(t)
			c := newClient(t, srv, func(cfg *stammer.Config) {
				cfg.MaxRetries = 2
				cfg.RetryBackoff = time.Millisecond
				cfg.Timeout = tt.timeout
			})
			srv.SetFault(stammertest.Fault{Status: 429, Body: `{"detail": "Request was throttled."}`, Header: http.Header{"Retry-After": {tt.retryAfter()}}, Times: 1})
			start := time.Now()
			_, err := c.ListConversations(context.Background(), stammer.Query{})
			reqs := srv.Requests()
			if len(reqs) != tt.requests {
				t.Fatalf("%d requests, want %d (err %v)", len(reqs), tt.requests, err)
			}
			if tt.requests == 1 {
				// Given up at once, saying how long the server asked for.
				var ae *stammer.APIError
				if !errors.As(err, &ae) || ae.Status != 429 || ae.RetryAfter < 29*time.Second {
					t.Errorf("err = %v, want the 429 with its Retry-After", err)
				}
				if el := time.Since(start); el > 500*time.Millisecond {
					t.Errorf("gave up after %v; a wait that cannot fit should not be started", el)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if gap := reqs[1].At.Sub(reqs[0].At); gap < tt.minGap || gap > 2500*time.Millisecond {
				t.Errorf("retried after %v, want at least %v", gap, tt.minGap)
			}
		})
	}
}

// TestRetryWaitEndsWithTheCall: a caller that cancels during the backoff
// gets its answer at once, not after the wait.
func TestRetryWaitEndsWithTheCall(t *testing.T) {
	srv := stammertest.NewServer(t)
	c := newClient(t, srv, func(cfg *stammer.Config) { cfg.MaxRetries = 2; cfg.Timeout = 30 * time.Second })
	srv.SetFault(stammertest.Fault{Status: 503, Header: http.Header{"Retry-After": {"20"}}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		srv.WaitRequests(1, 5*time.Second)
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	_, err := c.ListConversations(ctx, stammer.Query{})
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("the call waited %v after it was cancelled", el)
	}
	var ae *stammer.APIError
	if !errors.As(err, &ae) || ae.Status != 503 {
		t.Errorf("err = %v, want the 503 that was being waited out", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests", n)
	}
}

// TestNoRetriesByDefault: the library's zero Config makes one attempt;
// main sets the product's default.
func TestNoRetriesByDefault(t *testing.T) {
	srv := stammertest.NewServer(t)
	c := newClient(t, srv, nil)
	srv.SetFault(stammertest.Fault{Status: 503})
	_, err := c.ListConversations(context.Background(), stammer.Query{})
	if n := len(srv.Requests()); n != 1 || err == nil || stammer.Attempts(err) != 1 {
		t.Errorf("%d requests, err %v", n, err)
	}
}

// TestTimeoutsAndRefusedConnectionsAreNotRetried: another attempt would
// only spend the time the model is waiting.
func TestTimeoutsAndRefusedConnectionsAreNotRetried(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetFault(stammertest.Fault{Delay: 5 * time.Second})
	c := newClient(t, srv, func(cfg *stammer.Config) {
		cfg.MaxRetries = 2
		cfg.RetryBackoff = time.Millisecond
		cfg.Timeout = 200 * time.Millisecond
	})
	_, err := c.ListConversations(context.Background(), stammer.Query{})
	if !errors.Is(err, context.DeadlineExceeded) || len(srv.Requests()) != 1 {
		t.Errorf("timeout: %d requests, err %v", len(srv.Requests()), err)
	}

	// Nothing listens on port 1 (a closed test server's port may be taken
	// by another process in the meantime, as TestUnreachableHost says).
	c, err = stammer.New(stammer.Config{BaseURL: "http://127.0.0.1:1", Token: "tok", MaxRetries: 2, RetryBackoff: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.ListConversations(context.Background(), stammer.Query{})
	if err == nil || stammer.Attempts(err) != 1 || time.Since(start) > 150*time.Millisecond {
		t.Errorf("refused connection: err %v after %v", err, time.Since(start))
	}
}
