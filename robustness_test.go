package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// canary is the API token of these tests: distinctive, so that a leak
// anywhere is found by a substring search.
const canary = "stt_CANARY_e2e_7f3a9c1b5d2e4f6a8b0c1d2e3f4a5b6c"

// send writes a request without waiting for its answer and returns its id.
func (s *rpcSession) send(method string, params any) int {
	s.t.Helper()
	s.nextID++
	s.write(map[string]any{"jsonrpc": "2.0", "id": s.nextID, "method": method, "params": params})
	return s.nextID
}

// writeLine writes raw bytes and a newline, for what a client should not send.
func (s *rpcSession) writeLine(b []byte) {
	s.t.Helper()
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		s.t.Fatal(err)
	}
}

// next returns the next message on stdout.
func (s *rpcSession) next() map[string]any {
	s.t.Helper()
	select {
	case line, ok := <-s.lines:
		if !ok {
			s.t.Fatalf("stdout closed; stderr:\n%s", s.stderr)
		}
		var msg map[string]any
		if err := json.Unmarshal([]byte(line), &msg); err != nil || msg["jsonrpc"] != "2.0" {
			s.t.Fatalf("stdout carried a line that is not JSON-RPC: %.200q", line)
		}
		return msg
	case <-time.After(30 * time.Second):
		s.t.Fatalf("no message on stdout; stderr:\n%s", s.stderr)
	}
	return nil
}

// await returns the response to request id, skipping other messages.
func (s *rpcSession) await(id int) map[string]any {
	s.t.Helper()
	for {
		if msg := s.next(); msg["id"] == float64(id) {
			return msg
		}
	}
}

// callTool runs one tools/call and returns isError, the text and the
// structured content as JSON.
func (s *rpcSession) callTool(name string, args any) (bool, string, string) {
	s.t.Helper()
	msg := s.request("tools/call", map[string]any{"name": name, "arguments": args})
	isErr, text := toolResult(s.t, msg)
	s.conforms(name, msg)
	sc, _ := json.Marshal(msg["result"].(map[string]any)["structuredContent"])
	return isErr, text, string(sc)
}

// e2eRow is one row of the fault matrix (docs/reliability.md) as the
// model meets it: through the real binary, over stdio.
type e2eRow struct {
	name  string
	env   []string // beyond the defaults
	setup func(srv, other *stammertest.Server)
	// ok: the call succeeds (the fault is tolerated); else want are
	// pieces of the tool error the model reads, in order.
	ok   bool
	want []string
	// check runs last, with what the fake and the other host saw.
	check func(t *testing.T, srv, other *stammertest.Server, text, structured string)
}

// The tool error the model reads starts with the quoted words, in order;
// "HOST" stands for the fake's host:port.
var e2eMatrix = []e2eRow{
	{name: "401", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 401, Body: `{"detail": "Invalid token ` + canary + `."}`})
	}, want: []string{"Stammer API error 401 Unauthorized: Invalid token [redacted]. The token was refused by HOST. Check STAMMER_API_TOKEN"}},
	{name: "401 echoing the token upper-cased", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 401, Body: `{"detail": "Invalid token ` + strings.ToUpper(canary) + `."}`})
	}, want: []string{"Stammer API error 401 Unauthorized: Invalid token [redacted]. The token was refused by HOST."}},
	{name: "200 error body echoing the token", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: `{"error": "Invalid token Token ` + canary + `"}`})
	}, want: []string{`The Stammer API's answer could not be read: could not use the Stammer API response (status 200, `, `"Invalid token Token [redacted]"`}},
	{name: "200 detail body echoing the token", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: `{"detail": "Invalid token Token ` + strings.ToLower(canary) + `"}`})
	}, want: []string{`The Stammer API's answer could not be read:`, `"Invalid token Token [redacted]"`}},
	{name: "403", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 403, Body: `{"detail": "You do not have permission to perform this action."}`})
	}, want: []string{"Stammer API error 403 Forbidden: You do not have permission to perform this action. The token is valid but may not read this chatbot's conversations."}},
	{name: "404", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 404, Body: `{"message": "Chatbot not found."}`})
	}, want: []string{"Stammer API error 404 Not Found: Chatbot not found. Check chatbot_id / chatbot_uuid belong to this agency account."}},
	{name: "404 HTML page", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 404, Body: "<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>"})
	}, want: []string{"Stammer API error 404 Not Found: the server answered with an HTML page, not the API (check STAMMER_BASE_URL).", "STAMMER_BASE_URL (HOST) may not be a Stammer API host."}},
	{name: "429 with Retry-After that fits", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 429, Body: `{"detail": "Request was throttled. Expected available in 1 second."}`, Header: http.Header{"Retry-After": {"1"}}, Times: 1})
	}, ok: true, check: func(t *testing.T, srv, _ *stammertest.Server, _, _ string) {
		if r := srv.Requests(); len(r) < 2 || r[1].At.Sub(r[0].At) < 950*time.Millisecond {
			t.Errorf("the retry did not wait the second the API asked for: %d requests", len(r))
		}
	}},
	{name: "429 with Retry-After beyond the deadline", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 429, Body: `{"detail": "Request was throttled. Expected available in 30 seconds."}`, Header: http.Header{"Retry-After": {"30"}}})
	}, want: []string{"Stammer API error 429 Too Many Requests: Request was throttled. Expected available in 30 seconds. Stammer is rate limiting this token. Wait 30s before calling again."}},
	{name: "429 without Retry-After", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 429, Body: `{"detail": "Request was throttled."}`})
	}, want: []string{"Stammer API error 429 Too Many Requests: Request was throttled (after 3 attempts).", "Wait a minute before calling again."},
		check: wantRequests(3)},
	{name: "500 HTML", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 500, Body: "<!DOCTYPE html><html><body><h1>Server Error (500)</h1><pre>Traceback: token=" + canary + "</pre></body></html>"})
	}, want: []string{"Stammer API error 500 Internal Server Error: the server answered with an HTML error page, not the API's JSON (Stammer may be down or overloaded; try again later). Stammer had a server problem."},
		check: wantRequests(1)},
	{name: "502", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"})
	}, want: []string{"Stammer API error 502 Bad Gateway: the server answered with an HTML error page"}, check: wantRequests(3)},
	{name: "503", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 503, Body: `{"detail": "Service temporarily unavailable."}`})
	}, want: []string{"Stammer API error 503 Service Unavailable: Service temporarily unavailable (after 3 attempts). Stammer had a server problem."}, check: wantRequests(3)},
	{name: "503 with Retry-After beyond the deadline", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 503, Body: `{"detail": "Down for maintenance."}`, Header: http.Header{"Retry-After": {"120"}}})
	}, want: []string{"Stammer API error 503 Service Unavailable: Down for maintenance. Stammer had a server problem and asked to wait 2m0s before calling again."}, check: wantRequests(1)},
	{name: "504", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 504})
	}, want: []string{"Stammer API error 504 Gateway Timeout (after 3 attempts). Stammer had a server problem."}, check: wantRequests(3)},
	{name: "503 then recovery", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 503, Times: 2})
	}, ok: true, check: wantRequests(3)},
	{name: "connection reset", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Reset: true})
	}, want: []string{"The call failed: the Stammer API at HOST dropped the connection without answering: connection reset by peer (after 3 attempts)."}, check: wantRequests(3)},
	{name: "timeout", env: []string{"STAMMER_TIMEOUT=1s"}, setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Delay: 30 * time.Second})
	}, want: []string{"The Stammer API at HOST did not answer within 1s. Try again, or narrow the query"}},
	{name: "slow drip", env: []string{"STAMMER_TIMEOUT=1s"}, setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Drip: 20 * time.Millisecond, DripBytes: 4})
	}, want: []string{"The Stammer API at HOST did not answer within 1s."}},
	{name: "truncated JSON", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: `{"message": "ok", "data": [{"id": 1, "messages": [{"query": "hel`})
	}, want: []string{"The Stammer API's answer could not be read: could not use the Stammer API response (status 200, 64 bytes): the JSON ends early, the response was cut off: unexpected EOF."}},
	{name: "connection cut mid-body", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: `{"message": "ok", "data": [{"id": 1`, Header: http.Header{"Content-Length": {"5000"}}})
	}, want: []string{"The call failed: the connection to the Stammer API at HOST broke while reading the response: unexpected EOF (after 3 attempts)."}},
	{name: "empty 200", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: "", ContentType: "application/json"})
	}, want: []string{"The Stammer API's answer could not be read: could not use the Stammer API response (status 200, 0 bytes): the response body is empty."}},
	{name: "wrong content type: HTML with 200", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: "<!DOCTYPE html><html><body><form>Log in</form></body></html>"})
	}, want: []string{"The Stammer API's answer could not be read: could not use the Stammer API response (status 200, 60 bytes): the server answered with an HTML page, not the API (check STAMMER_BASE_URL)."}},
	{name: "wrong content type: JSON as text/plain", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: `{"data": [{"id": 7, "conversation_number": 4001, "source_platform": "whatsapp"}]}`, ContentType: "text/plain"})
	}, ok: true, check: func(t *testing.T, _, _ *stammertest.Server, text, _ string) {
		if !strings.Contains(text, "#4001") {
			t.Errorf("the conversation is not listed:\n%s", text)
		}
	}},
	{name: "non-UTF-8 text", setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 200, Body: "{\"data\": [{\"id\": 7, \"conversation_number\": 4001, \"messages\": [{\"query\": \"Ol\xe1, caf\xe9?\", \"answer\": \"ok\"}]}]}"})
	}, ok: true, check: func(t *testing.T, _, _ *stammertest.Server, text, _ string) {
		if !strings.Contains(text, "Ol\uFFFD, caf\uFFFD?") {
			t.Errorf("the invalid bytes are not shown as U+FFFD:\n%s", text)
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
	}, want: []string{`The Stammer API's answer could not be read: could not use the Stammer API response (status 200, 26 bytes): invalid character '\xff' looking for beginning of value (at byte 0).`}},
	{name: "huge body, declared (1 GiB)", env: []string{"STAMMER_MAX_BODY_BYTES=16MiB"}, setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{HugeBody: 1 << 30})
	}, want: []string{"The Stammer API response was larger than 16 MiB; narrow the query with startDate/endDate (or chatbot_id, sourcePlatform)."}},
	{name: "huge body, chunked (1 GiB)", env: []string{"STAMMER_MAX_BODY_BYTES=16MiB"}, setup: func(srv, _ *stammertest.Server) {
		srv.SetFault(stammertest.Fault{HugeBody: 1 << 30, Chunked: true})
	}, want: []string{"The Stammer API response was larger than 16 MiB;"}, check: func(t *testing.T, srv, _ *stammertest.Server, _, _ string) {
		deadline := time.Now().Add(5 * time.Second)
		for srv.Requests()[0].Status == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if w := srv.Requests()[0].BodyBytes; w > 80<<20 {
			t.Errorf("the fake wrote %d MiB to a client with a 16 MiB cap", w>>20)
		}
	}},
	{name: "cross-host redirect", setup: func(srv, other *stammertest.Server) {
		srv.SetFault(stammertest.Fault{Status: 302, Header: http.Header{"Location": {other.URL + "/en/chatbot/api/v1/conversations/?onlyDeletedConversations=false"}}})
	}, want: []string{"The call failed: the Stammer API at HOST redirected to \"http://", "not following it, so that the token is not sent to another host (check STAMMER_BASE_URL). STAMMER_BASE_URL must be the API's own domain"},
		check: otherSawNothing},
	{name: "cross-host next", setup: func(srv, other *stammertest.Server) {
		srv.SetPaging(stammertest.Paging{Size: 25, LinkBase: other.URL})
	}, ok: true, check: func(t *testing.T, srv, other *stammertest.Server, _, structured string) {
		otherSawNothing(t, srv, other, "", "")
		if !strings.Contains(structured, `"fetched":25`) || !strings.Contains(structured, `"more_pages":true`) {
			t.Errorf("the result does not show one page with more left: %.300s", structured)
		}
	}},
}

func wantRequests(n int) func(*testing.T, *stammertest.Server, *stammertest.Server, string, string) {
	return func(t *testing.T, srv, _ *stammertest.Server, _, _ string) {
		t.Helper()
		if got := len(srv.Requests()); got != n {
			t.Errorf("%d requests reached the fake, want %d", got, n)
		}
	}
}

func otherSawNothing(t *testing.T, _, other *stammertest.Server, _, _ string) {
	t.Helper()
	if n := len(other.Requests()); n != 0 {
		t.Errorf("the other host received %d requests (Authorization: %q)", n, other.Requests()[0].Header.Get("Authorization"))
	}
}

// TestFaultMatrix runs every fault mode of docs/reliability.md through the
// real binary over stdio, with the product's defaults (3 attempts, real
// backoff) and LOG_LEVEL=debug, and checks for each: the tool error the
// model reads (or the tolerated result), that the server then serves the
// next call, and that the token appears in no tool result, no error, and
// no log line. Each row also calls the stammer client directly with the
// same fault, to check the Go error itself, which the model never sees.
func TestFaultMatrix(t *testing.T) {
	for _, row := range e2eMatrix {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			srv := stammertest.NewServer(t, stammertest.WithToken(canary))
			other := stammertest.NewServer(t, stammertest.WithToken(canary))
			env := append([]string{
				"STAMMER_BASE_URL=" + srv.URL, "STAMMER_API_TOKEN=" + canary, "LOG_LEVEL=debug",
				"STAMMER_TIMEOUT=5s",
			}, row.env...)
			s := startSession(t, env)
			initialize(s)
			args := map[string]any{"onlyDeletedConversations": false}

			row.setup(srv, other)
			isErr, text, structured := s.callTool("list_conversations", args)
			host := strings.TrimPrefix(srv.URL, "http://")
			if isErr {
				t.Logf("the model reads: %s", strings.ReplaceAll(text, host, "HOST"))
			}
			switch {
			case row.ok && isErr:
				t.Errorf("the fault should be tolerated; got the error %q", text)
			case !row.ok && !isErr:
				t.Errorf("no tool error; text:\n%.500s", text)
			}
			rest := text
			for _, w := range row.want {
				w = strings.ReplaceAll(w, "HOST", host)
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("the tool error lacks %q (in order):\n%s", w, text)
					break
				}
				rest = rest[i+len(w):]
			}
			if row.check != nil {
				row.check(t, srv, other, text, structured)
			}
			for _, out := range []string{text, structured} {
				if strings.Contains(out, canary) {
					t.Errorf("the token is in the tool result: %.300s", out)
				}
			}

			// The Go error, from the client alone, with the same fault.
			srv.ResetRequests()
			row.setup(srv, other)
			var clog syncWriter
			c, err := stammer.New(stammer.Config{BaseURL: srv.URL, Token: canary, Timeout: time.Second, MaxRetries: 2,
				RetryBackoff: time.Millisecond, MaxBodyBytes: 16 << 20, Logger: slog.New(slog.NewTextHandler(&clog, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListConversations(context.Background(), stammer.Query{}); err != nil && strings.Contains(err.Error(), canary) {
				t.Errorf("the client's error carries the token: %v", err)
			}
			if strings.Contains(clog.String(), canary) {
				t.Errorf("the client's log carries the token:\n%s", clog.String())
			}

			// The server keeps serving.
			srv.ClearFault()
			srv.SetPaging(stammertest.Paging{})
			if isErr, text, _ := s.callTool("list_conversations", map[string]any{"chatbot_id": 17, "onlyDeletedConversations": false}); isErr || !strings.Contains(text, "Totals over all") {
				t.Errorf("the call after the fault: isError=%v\n%s", isErr, text)
			}
			s.close()
			logs := s.stderr.String()
			if strings.Contains(logs, canary) || strings.Contains(logs, "[REDACTED]") {
				t.Errorf("stderr carries the token (or needed the redactor):\n%s", logs)
			}
			if !strings.Contains(logs, "stammer api request") {
				t.Errorf("the debug log has no request lines:\n%s", logs)
			}
		})
	}
}

// syncWriter is a mutex-guarded buffer for a logger.
type syncWriter struct {
	mu chan struct{}
	b  bytes.Buffer
}

func (w *syncWriter) lock() {
	if w.mu == nil {
		w.mu = make(chan struct{}, 1)
	}
	w.mu <- struct{}{}
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.lock()
	defer func() { <-w.mu }()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.lock()
	defer func() { <-w.mu }()
	return w.b.String()
}

// TestCancelledCallStopsUpstreamWithin100ms: a client's
// notifications/cancelled ends the upstream request at once, whether the
// API is still thinking or halfway through its body; the fake sees the
// connection drop within 100 ms, and the server serves the next call.
func TestCancelledCallStopsUpstreamWithin100ms(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault stammertest.Fault
	}{
		{"waiting for the answer", stammertest.Fault{Delay: 30 * time.Second}},
		{"reading the body", stammertest.Fault{Drip: 10 * time.Millisecond, DripBytes: 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := stammertest.NewServer(t, stammertest.WithToken(canary))
			s := startSession(t, []string{"STAMMER_BASE_URL=" + srv.URL, "STAMMER_API_TOKEN=" + canary, "STAMMER_TIMEOUT=60s"})
			initialize(s)
			srv.SetFault(tc.fault)
			id := s.send("tools/call", map[string]any{"name": "list_conversations", "arguments": map[string]any{"onlyDeletedConversations": false}})
			if !srv.WaitRequests(1, 10*time.Second) {
				t.Fatal("the call never reached the fake")
			}
			time.Sleep(100 * time.Millisecond) // well into the delay or the body
			sent := time.Now()
			s.write(map[string]any{"jsonrpc": "2.0", "method": "notifications/cancelled", "params": map[string]any{"requestId": id, "reason": "the user pressed stop"}})
			r, ok := srv.WaitCancelled(5 * time.Second)
			if !ok {
				t.Fatal("the fake never saw the client leave")
			}
			lag := r.CancelledAt.Sub(sent)
			t.Logf("upstream request stopped %v after notifications/cancelled was written", lag.Round(time.Microsecond))
			if lag > 100*time.Millisecond {
				t.Errorf("the upstream request stopped %v after the cancellation, want under 100ms", lag)
			}
			// mcp-go still answers the cancelled request; take it off the wire.
			if isErr, text := toolResult(t, s.await(id)); !isErr || !strings.Contains(text, "cancelled") {
				t.Errorf("the cancelled call: isError=%v %q", isErr, text)
			}
			srv.ClearFault()
			if isErr, text, _ := s.callTool("list_conversations", map[string]any{"onlyDeletedConversations": false}); isErr {
				t.Errorf("the call after the cancellation: %s", text)
			}
			s.close()
		})
	}
}

// TestStdioSurvivesBadInput sends what a broken or hostile client might
// and checks each gets a JSON-RPC error (or, for a tool's bad arguments, a
// tool error), that the server keeps answering, and that stdout carries
// nothing but JSON-RPC (checked by close).
func TestStdioSurvivesBadInput(t *testing.T) {
	srv := stammertest.NewServer(t, stammertest.WithToken(canary))
	s := startSession(t, []string{"STAMMER_BASE_URL=" + srv.URL, "STAMMER_API_TOKEN=" + canary})
	initialize(s)
	big := bytes.Repeat([]byte("x"), 5<<20)
	raw := []struct {
		name string
		line []byte
		code float64
	}{
		{"not JSON", []byte(`{"jsonrpc": "2.0", "id": 1, "method": "tools/list"`), -32700},
		{"binary garbage", []byte("\x00\xff\xfe\x1b[31m"), -32700},
		{"5 MB line that is not JSON", big, -32700},
	}
	for _, tc := range raw {
		s.writeLine(tc.line)
		msg := s.next()
		if e, _ := msg["error"].(map[string]any); e == nil || e["code"] != tc.code || msg["id"] != nil {
			t.Errorf("%s: got %v, want error %v with id null", tc.name, msg, tc.code)
		}
		pingOK(t, s)
	}
	requests := []struct {
		name   string
		method string
		params any
		code   float64
	}{
		{"unknown method", "tools/destroy", map[string]any{}, -32601},
		{"unknown method with odd params", "sampling/anything", []any{1, 2, 3}, -32601},
		// mcp-go answers params it cannot unmarshal with -32600 (Invalid
		// Request) rather than -32602; either way a JSON-RPC error.
		{"tools/call with a number for the name", "tools/call", map[string]any{"name": 42}, -32600},
		{"tools/call with params as a string", "tools/call", "list_conversations", -32600},
		{"unknown tool", "tools/call", map[string]any{"name": "drop_database", "arguments": map[string]any{}}, -32602},
		// A number beyond float64 cannot be unmarshalled by mcp-go, which
		// refuses the request before any handler (found by the fuzzer).
		{"an argument beyond float64", "tools/call", map[string]any{"name": "list_conversations", "arguments": json.RawMessage(`{"chatbot_id":1e309,"onlyDeletedConversations":false}`)}, -32600},
		{"tools/list with a wrong cursor type", "tools/list", map[string]any{"cursor": map[string]any{"x": 1}}, -32600},
	}
	for _, tc := range requests {
		msg := s.request(tc.method, tc.params)
		e, _ := msg["error"].(map[string]any)
		if e == nil {
			t.Errorf("%s: no JSON-RPC error: %v", tc.name, msg)
		} else if e["code"] != tc.code {
			t.Errorf("%s: error %v, want code %v", tc.name, e, tc.code)
		}
		pingOK(t, s)
	}
	// Bad arguments to a real tool are the model's to read: tool errors.
	for _, args := range []any{"a string", []any{1}, map[string]any{"chatbot_id": []any{17}, "onlyDeletedConversations": false},
		map[string]any{"search": string(big), "onlyDeletedConversations": false}} {
		isErr, text, _ := s.callTool("list_conversations", args)
		if !isErr || !strings.Contains(text, "Invalid arguments") && !strings.Contains(text, "must") {
			t.Errorf("arguments %.60v: isError=%v %.200s", args, isErr, text)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d upstream requests from bad input", n)
	}
	if isErr, text, _ := s.callTool("list_conversations", map[string]any{"onlyDeletedConversations": false}); isErr {
		t.Errorf("a good call after the bad input: %s", text)
	}
	s.close()
	if strings.Contains(s.stderr.String(), canary) {
		t.Error("the token is in the logs")
	}
}

func pingOK(t *testing.T, s *rpcSession) {
	t.Helper()
	if msg := s.request("ping", map[string]any{}); msg["error"] != nil {
		t.Fatalf("ping after bad input: %v", msg)
	}
}

// TestParseLimits covers STAMMER_MAX_RETRIES and STAMMER_MAX_BODY_BYTES.
func TestParseLimits(t *testing.T) {
	tests := []struct {
		env     map[string]string
		retries int
		body    int64
		err     string
	}{
		{env: nil, retries: 2, body: 0},
		{env: map[string]string{"STAMMER_MAX_RETRIES": "0"}, retries: 0},
		{env: map[string]string{"STAMMER_MAX_RETRIES": " 5 "}, retries: 5},
		{env: map[string]string{"STAMMER_MAX_RETRIES": "11"}, err: "STAMMER_MAX_RETRIES"},
		{env: map[string]string{"STAMMER_MAX_RETRIES": "-1"}, err: "from 0 (no retries) to 10"},
		{env: map[string]string{"STAMMER_MAX_RETRIES": "lots"}, err: "STAMMER_MAX_RETRIES"},
		{env: map[string]string{"STAMMER_MAX_BODY_BYTES": "64MiB"}, retries: 2, body: 64 << 20},
		{env: map[string]string{"STAMMER_MAX_BODY_BYTES": "1 GiB"}, retries: 2, body: 1 << 30},
		{env: map[string]string{"STAMMER_MAX_BODY_BYTES": "512mb"}, retries: 2, body: 512 << 20},
		{env: map[string]string{"STAMMER_MAX_BODY_BYTES": "2097152"}, retries: 2, body: 2 << 20},
		{env: map[string]string{"STAMMER_MAX_BODY_BYTES": "8GiB"}, retries: 2, body: 8 << 30},
		{env: map[string]string{"STAMMER_MAX_BODY_BYTES": "9GiB"}, err: "between 1MiB and 8GiB"},
		{env: map[string]string{"STAMMER_MAX_BODY_BYTES": "1000"}, err: "STAMMER_MAX_BODY_BYTES"},
		{env: map[string]string{"STAMMER_MAX_BODY_BYTES": "64 parsecs"}, err: "STAMMER_MAX_BODY_BYTES"},
		{env: map[string]string{"STAMMER_MAX_BODY_BYTES": "-64MiB"}, err: "STAMMER_MAX_BODY_BYTES"},
		{env: map[string]string{"STAMMER_MAX_BODY_BYTES": "99999999999999999999"}, err: "STAMMER_MAX_BODY_BYTES"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.env), func(t *testing.T) {
			cfg, err := parseConfig(nil, func(k string) string { return tc.env[k] }, &bytes.Buffer{})
			if err != nil {
				t.Fatalf("a bad setting stopped the server: %v", err)
			}
			if tc.err != "" {
				// The server starts on the defaults and explains the setting.
				if p := strings.Join(cfg.problems, "; "); !strings.Contains(p, tc.err) || cfg.maxRetries != defaultMaxRetries || cfg.maxBody != 0 {
					t.Errorf("problems %q, retries %d, body %d; want %q and the defaults", p, cfg.maxRetries, cfg.maxBody, tc.err)
				}
				return
			}
			if len(cfg.problems) > 0 || cfg.maxRetries != tc.retries || cfg.maxBody != tc.body {
				t.Errorf("retries %d body %d problems %v; want %d, %d", cfg.maxRetries, cfg.maxBody, cfg.problems, tc.retries, tc.body)
			}
		})
	}
}

// TestStdioLongLineIsBounded: a client that sends one endless line (here
// 256 MiB without a newline, then the newline) must not make the server
// hold it: the line is skipped unread and answered with a parse error, the
// server answers a ping next, and its peak memory stays far below the line.
func TestStdioLongLineIsBounded(t *testing.T) {
	srv := stammertest.NewServer(t, stammertest.WithToken(canary))
	s := startSession(t, []string{"STAMMER_BASE_URL=" + srv.URL, "STAMMER_API_TOKEN=" + canary})
	initialize(s)
	chunk := bytes.Repeat([]byte(`{"a":"xxxxxxxxxxxxxxxxxxxxxxxxxxx"}`), 32<<10) // ~1 MiB
	for written := 0; written < 256<<20; written += len(chunk) {
		if _, err := s.stdin.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.stdin.Write([]byte("\n")); err != nil {
		t.Fatal(err)
	}
	msg := s.next()
	e, _ := msg["error"].(map[string]any)
	if e == nil || e["code"] != float64(-32700) || !strings.Contains(fmt.Sprint(e["message"]), "longer than 16 MiB") {
		t.Errorf("the long line got %v, want a parse error saying it is longer than 16 MiB", msg)
	}
	pingOK(t, s)
	if peak := procKB(s.cmd.Process.Pid, "VmHWM"); peak > 128<<10 {
		t.Errorf("peak memory %d MiB while reading a 256 MiB line; the line was held", peak>>10)
	}
	s.close()
}
