package stammer_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// faultRow is one row of the fault matrix (docs/reliability.md) at the
// client's level: how the fake misbehaves, and what the caller gets.
type faultRow struct {
	name  string
	cfg   func(*stammer.Config)
	setup func(srv, other *stammertest.Server)
	check func(t *testing.T, res *stammer.ListResult, err error, srv, other *stammertest.Server)
}

// Checks shared by the rows.
func wantAPIError(status int, msg string, attempts int) func(*testing.T, *stammer.ListResult, error, *stammertest.Server, *stammertest.Server) {
	return func(t *testing.T, _ *stammer.ListResult, err error, _, _ *stammertest.Server) {
		t.Helper()
		var ae *stammer.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v (%T), want *APIError %d", err, err, status)
		}
		if ae.Status != status || ae.Message != msg || stammer.Attempts(err) != attempts {
			t.Errorf("APIError{%d, %q} after %d attempts, want {%d, %q} after %d", ae.Status, ae.Message, stammer.Attempts(err), status, msg, attempts)
		}
	}
}

func wantDecodeError(words string) func(*testing.T, *stammer.ListResult, error, *stammertest.Server, *stammertest.Server) {
	return func(t *testing.T, _ *stammer.ListResult, err error, _, _ *stammertest.Server) {
		t.Helper()
		var de *stammer.DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), words) {
			t.Errorf("err = %v (%T), want a DecodeError saying %q", err, err, words)
		}
	}
}

func wantTransport(words string, attempts int, timeout bool) func(*testing.T, *stammer.ListResult, error, *stammertest.Server, *stammertest.Server) {
	return func(t *testing.T, _ *stammer.ListResult, err error, _, _ *stammertest.Server) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), words) || stammer.Attempts(err) != attempts {
			t.Errorf("err = %v after %d attempts, want %q after %d", err, stammer.Attempts(err), words, attempts)
		}
		if timeout != errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("errors.Is(err, DeadlineExceeded) = %v, want %v", !timeout, timeout)
		}
		var ae *stammer.APIError
		var de *stammer.DecodeError
		if errors.As(err, &ae) || errors.As(err, &de) {
			t.Errorf("a transport failure mapped to %T", err)
		}
	}
}

func wantTooLarge(limit int64) func(*testing.T, *stammer.ListResult, error, *stammertest.Server, *stammertest.Server) {
	return func(t *testing.T, _ *stammer.ListResult, err error, srv, _ *stammertest.Server) {
		t.Helper()
		var tl *stammer.BodyTooLargeError
		if !errors.As(err, &tl) || tl.Limit != limit {
			t.Fatalf("err = %v, want BodyTooLargeError{%d}", err, limit)
		}
		// The fake stops writing when the client hangs up: what it wrote
		// is the cap plus what the sockets buffered, not the 1 GiB.
		r := waitComplete(t, srv)
		if r.BodyBytes > limit+64<<20 {
			t.Errorf("the fake wrote %d bytes before the client stopped reading (cap %d)", r.BodyBytes, limit)
		}
	}
}

// waitComplete waits for the fake's last answer to be recorded as done.
func waitComplete(t *testing.T, srv *stammertest.Server) stammertest.Request {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		reqs := srv.Requests()
		if r := reqs[len(reqs)-1]; r.Status != 0 || time.Now().After(deadline) {
			return r
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// faultMatrix is every fault mode of the issue, in docs/reliability.md
// order. The client retries twice (the product default) with a short
// backoff, and its timeout is 2s unless a row says otherwise.
var faultMatrix = []faultRow{
	{name: "401 invalid token (echoed by the API)", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 401, Body: `{"detail": "Invalid token ` + secretToken + `."}`, Header: http.Header{"Www-Authenticate": {"Token"}}, Times: 1})
	}, check: wantAPIError(401, "Invalid token [redacted].", 1)},
	{name: "401 echoing the token upper-cased", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 401, Body: `{"detail": "Invalid token ` + strings.ToUpper(secretToken) + `."}`, Times: 1})
	}, check: wantAPIError(401, "Invalid token [redacted].", 1)},
	{name: "200 error body echoing the token", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: `{"error": "Invalid token Token ` + strings.ToLower(secretToken) + `"}`, Times: 1})
	}, check: wantDecodeError(`"Invalid token Token [redacted]"`)},
	{name: "403 forbidden", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 403, Body: `{"detail": "You do not have permission to perform this action."}`, Times: 1})
	}, check: wantAPIError(403, "You do not have permission to perform this action.", 1)},
	{name: "404 chatbot not found", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 404, Body: `{"message": "Chatbot not found."}`, Times: 1})
	}, check: wantAPIError(404, "Chatbot not found.", 1)},
	{name: "404 HTML page (wrong base URL)", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 404, Body: "<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>", Times: 1})
	}, check: wantAPIError(404, "the server answered with an HTML page, not the API (check STAMMER_BASE_URL)", 1)},
	{name: "429 with Retry-After beyond the deadline", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 429, Body: `{"detail": "Request was throttled. Expected available in 30 seconds."}`, Header: http.Header{"Retry-After": {"30"}}})
	}, check: func(t *testing.T, res *stammer.ListResult, err error, srv, other *stammertest.Server) {
		wantAPIError(429, "Request was throttled. Expected available in 30 seconds.", 1)(t, res, err, srv, other)
		if !strings.HasSuffix(err.Error(), "(retry after 30s)") {
			t.Errorf("err = %q, want it to say when to retry", err)
		}
	}},
	{name: "429 without Retry-After", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 429, Body: `{"detail": "Request was throttled."}`})
	}, check: wantAPIError(429, "Request was throttled.", 3)},
	{name: "500 HTML error page", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 500, Body: "<!DOCTYPE html><html><body><h1>Server Error (500)</h1><pre>Traceback … " + secretToken + "</pre></body></html>"})
	}, check: wantAPIError(500, "the server answered with an HTML error page, not the API's JSON (Stammer may be down or overloaded; try again later)", 1)},
	{name: "502 bad gateway", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"})
	}, check: wantAPIError(502, "the server answered with an HTML error page, not the API's JSON (Stammer may be down or overloaded; try again later)", 3)},
	{name: "503 unavailable", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 503, Body: `{"detail": "Service temporarily unavailable."}`})
	}, check: wantAPIError(503, "Service temporarily unavailable.", 3)},
	{name: "504 gateway timeout", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 504})
	}, check: wantAPIError(504, "Gateway Timeout", 3)},
	{name: "connection reset", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Reset: true})
	}, check: wantTransport("dropped the connection without answering", 3, false)},
	{name: "timeout", cfg: func(c *stammer.Config) { c.Timeout = 300 * time.Millisecond }, setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Delay: 10 * time.Second})
	}, check: wantTransport("did not answer within the 300ms timeout", 1, true)},
	{name: "slow drip", cfg: func(c *stammer.Config) { c.Timeout = 300 * time.Millisecond }, setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Drip: 20 * time.Millisecond, DripBytes: 1})
	}, check: wantTransport("did not answer within the 300ms timeout while reading the response", 1, true)},
	{name: "truncated JSON", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: `{"message": "ok", "data": [{"id": 1, "messages": [{"query": "hel`})
	}, check: wantDecodeError("the JSON ends early, the response was cut off")},
	{name: "connection cut mid-body", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: `{"message": "ok", "data": [{"id": 1`, Header: http.Header{"Content-Length": {"5000"}}})
	}, check: wantTransport("broke while reading the response: unexpected EOF", 3, false)},
	{name: "empty 200", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: "", ContentType: "application/json"})
	}, check: wantDecodeError("the response body is empty")},
	{name: "wrong content type: HTML with 200", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: "<!DOCTYPE html><html><body><form>Log in</form></body></html>"})
	}, check: wantDecodeError("the server answered with an HTML page, not the API (check STAMMER_BASE_URL)")},
	{name: "wrong content type: JSON as text/plain", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: `{"data": [{"id": 7, "conversation_number": 4001}]}`, ContentType: "text/plain"})
	}, check: func(t *testing.T, res *stammer.ListResult, err error, _, _ *stammertest.Server) {
		// The body is what counts: JSON is read whatever the label says.
		if err != nil || len(res.Conversations) != 1 || res.Conversations[0].Number != 4001 {
			t.Errorf("res %+v, err %v", res, err)
		}
	}},
	{name: "non-UTF-8 text", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: "{\"data\": [{\"id\": 7, \"messages\": [{\"query\": \"Ol\xe1, caf\xe9?\", \"answer\": \"\xff\xfe ok\"}]}]}"})
	}, check: func(t *testing.T, res *stammer.ListResult, err error, _, _ *stammertest.Server) {
		// Invalid bytes become U+FFFD, as encoding/json does.
		if err != nil || len(res.Conversations) != 1 || len(res.Conversations[0].Messages) != 2 {
			t.Fatalf("res %+v, err %v", res, err)
		}
		if got := res.Conversations[0].Messages[0].Text; got != "Ol\uFFFD, caf\uFFFD?" {
			t.Errorf("text %q", got)
		}
	}},
	{name: "non-UTF-8 body (UTF-16)", setup: func(srv, _ *stammertest.Server) {
		var b bytes.Buffer
		b.WriteString("\xff\xfe")
		for _, u := range utf16.Encode([]rune(`{"data": []}`)) {
			b.WriteByte(byte(u))
			b.WriteByte(byte(u >> 8))
		}
		srv.SetFault(stammertest.Fault{Status: 200, Body: b.String(), ContentType: "application/json; charset=utf-16"})
	}, check: wantDecodeError(`invalid character '\xff' looking for beginning of value`)},
	{name: "huge body, declared (1 GiB)", cfg: func(c *stammer.Config) { c.MaxBodyBytes = 0 }, setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{HugeBody: 1 << 30})
	}, check: wantTooLarge(stammer.DefaultMaxBodyBytes)},
	{name: "huge body, chunked (1 GiB)", cfg: func(c *stammer.Config) { c.MaxBodyBytes = 1 << 20 }, setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{HugeBody: 1 << 30, Chunked: true})
	}, check: wantTooLarge(1 << 20)},
	{name: "cross-host redirect", setup: func(srv, other *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 302, Header: http.Header{"Location": {other.URL + "/en/chatbot/api/v1/conversations/?onlyDeletedConversations=false"}}})
	}, check: func(t *testing.T, _ *stammer.ListResult, err error, _, other *stammertest.Server) {
		if err == nil || !strings.Contains(err.Error(), "redirected to") || !strings.Contains(err.Error(), "so that the token is not sent to another host") || !errors.Is(err, stammer.ErrRedirectRefused) {
			t.Errorf("err = %v", err)
		}
		if n := len(other.Requests()); n != 0 {
			t.Errorf("the other host received %d requests", n)
		}
	}},
	{name: "cross-host next", setup: func(srv, other *stammertest.Server) {
		srv.SetPaging(stammertest.Paging{Size: 25, LinkBase: other.URL})
	}, check: func(t *testing.T, res *stammer.ListResult, err error, _, other *stammertest.Server) {
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Conversations) != 25 || res.Pages != 1 || res.Truncated != stammer.TruncatedOtherHost || !strings.HasPrefix(res.Next, other.URL) {
			t.Errorf("%d conversations, %d pages, truncated %q, next %q", len(res.Conversations), res.Pages, res.Truncated, res.Next)
		}
		if n := len(other.Requests()); n != 0 {
			t.Errorf("the other host received %d requests", n)
		}
	}},
}

// TestClientFaultMatrix runs every fault mode against the client: the
// error (or result) it gives, the token in no error and no log line, and
// the next call after the fault served normally.
func TestClientFaultMatrix(t *testing.T) {
	for _, row := range faultMatrix {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			srv := stammertest.NewServer(t, stammertest.WithToken(secretToken))
			other := stammertest.NewServer(t, stammertest.WithToken(secretToken))
			var logs bytes.Buffer
			var mu sync.Mutex
			cfg := stammer.Config{
				BaseURL: srv.URL, Token: secretToken, Timeout: 2 * time.Second,
				MaxRetries: 2, RetryBackoff: time.Millisecond,
				Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug})),
			}
			if row.cfg != nil {
				row.cfg(&cfg)
			}
			c, err := stammer.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			row.setup(srv, other)
			start := time.Now()
			res, err := c.ListConversations(context.Background(), stammer.Query{})
			if el := time.Since(start); el > cfg.Timeout+time.Second {
				t.Errorf("the call took %v, past its %v deadline", el, cfg.Timeout)
			}
			row.check(t, res, err, srv, other)
			noLeak(t, err, secretToken)

			srv.ClearFault()
			srv.SetPaging(stammertest.Paging{})
			// One conversation: a small answer, quick even within a row's
			// short timeout under the race detector.
			next := stammer.Query{ChatbotID: stammertest.ClinicBotID, ConversationNumber: 4812}
			if res, err := c.ListConversations(context.Background(), next); err != nil || len(res.Conversations) != 1 {
				t.Errorf("the call after the fault: %v", err)
			}
			mu.Lock()
			out := logs.String()
			mu.Unlock()
			if strings.Contains(out, secretToken) || strings.Contains(out, "Authorization") {
				t.Errorf("the client's log carries the token or a header:\n%s", out)
			}
		})
	}
}
