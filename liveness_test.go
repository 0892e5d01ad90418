package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/mcphttp"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
	"github.com/stammer-mcp/stammer-mcp/tools"
)

// slowCall is a list_conversations call of its own (so no two share an
// upstream request): the n-th day of October.
func slowCall(n int) map[string]any {
	return map[string]any{"name": "list_conversations", "arguments": map[string]any{
		"chatbot_id": stammertest.ClinicBotID, "startDate": fmt.Sprintf("2026-10-%02d", n), "onlyDeletedConversations": false}}
}

// awaitAll returns the responses to the requests ids, in any order,
// keeping every one (await drops what it is not waiting for).
func (s *rpcSession) awaitAll(ids ...int) map[int]map[string]any {
	s.t.Helper()
	want := map[int]bool{}
	for _, id := range ids {
		want[id] = true
	}
	got := map[int]map[string]any{}
	for len(got) < len(want) {
		msg := s.next()
		if id, ok := msg["id"].(float64); ok && want[int(id)] {
			got[int(id)] = msg
		}
	}
	return got
}

// TestSlowCallsDoNotBlockOthers: six calls to an upstream that does not
// answer (four talk to it, two wait their turn) leave a cached call and a
// ping answering at once; a waiting call that the client cancels is
// answered and never reaches the API. mcp-go's stdio transport, with five
// workers, made the cached call wait for the timeout and lost the
// cancellation.
func TestSlowCallsDoNotBlockOthers(t *testing.T) {
	srv := stammertest.NewServer(t, stammertest.WithToken(canary))
	s := startSession(t, []string{"STAMMER_BASE_URL=" + srv.URL, "STAMMER_API_TOKEN=" + canary, "STAMMER_TIMEOUT=8s"})
	initialize(s)
	cached := map[string]any{"chatbot_id": stammertest.ClinicBotID, "onlyDeletedConversations": false}
	if isErr, text, _ := s.callTool("list_conversations", cached); isErr {
		t.Fatalf("the first call: %s", text)
	}
	srv.ResetRequests()
	srv.SetFault(stammertest.Fault{Delay: time.Minute})
	ids := map[string]int{} // startDate → request id
	for n := 1; n <= 6; n++ {
		ids[slowCall(n)["arguments"].(map[string]any)["startDate"].(string)] = s.send("tools/call", slowCall(n))
	}
	if !srv.WaitRequests(4, 5*time.Second) {
		t.Fatalf("the slow calls never reached the fake: %d requests", len(srv.Requests()))
	}

	start := time.Now()
	if isErr, text, _ := s.callTool("list_conversations", cached); isErr {
		t.Errorf("the cached call: %s", text)
	}
	took := time.Since(start)
	t.Logf("the cached call answered in %v behind six slow calls", took.Round(time.Microsecond))
	if took > time.Second {
		t.Errorf("the cached call took %v behind six slow calls, want under 1s", took)
	}
	// 102 more slow calls (108 in all) wait for a turn; ping still
	// answers at once (behind mcp-go's queue it took 8 s).
	var more []int
	for n := 0; n < 102; n++ {
		more = append(more, s.send("tools/call", map[string]any{"name": "list_conversations", "arguments": map[string]any{
			"chatbot_id": stammertest.ClinicBotID, "endDate": fmt.Sprintf("2027-%02d-%02d", 1+n/28, 1+n%28), "onlyDeletedConversations": false}}))
	}
	start = time.Now()
	pingOK(t, s)
	took = time.Since(start)
	t.Logf("ping answered in %v behind 108 slow calls", took.Round(time.Microsecond))
	if took > time.Second {
		t.Errorf("ping took %v behind 108 slow calls, want under 1s", took)
	}

	// Cancel a call still waiting for its turn.
	reached := map[string]bool{}
	for _, r := range srv.Requests() {
		reached[r.Query.Get("startDate")] = true
	}
	if len(reached) != 4 {
		t.Fatalf("%d calls reached the API at once, want 4 (the default turns): %v", len(reached), reached)
	}
	var queued string
	for day := range ids {
		if !reached[day] {
			queued = day
		}
	}
	s.write(map[string]any{"jsonrpc": "2.0", "method": "notifications/cancelled", "params": map[string]any{"requestId": ids[queued]}})
	if isErr, text := toolResult(t, s.await(ids[queued])); !isErr || !strings.Contains(text, "cancelled") {
		t.Errorf("the cancelled call: isError=%v %q", isErr, text)
	}
	// The other calls end by the timeout; the cancelled one must never
	// have been sent, even once turns were free.
	rest := more
	for day, id := range ids {
		if day != queued {
			rest = append(rest, id)
		}
	}
	s.awaitAll(rest...)
	for _, r := range srv.Requests() {
		if r.Query.Get("startDate") == queued {
			t.Errorf("the call cancelled while waiting reached the API: %s", r.Query.Encode())
		}
	}
	s.close()
}

// TestNullIDIsAnswered: a request with "id": null gets an Invalid Request
// error (mcp-go took it for a notification and answered nothing).
func TestNullIDIsAnswered(t *testing.T) {
	s := startSession(t, nil, "--demo")
	s.writeLine([]byte(`{"jsonrpc":"2.0","id":null,"method":"ping"}`))
	msg := s.next()
	e, _ := msg["error"].(map[string]any)
	if e == nil || e["code"] != float64(-32600) || msg["id"] != nil || !strings.Contains(fmt.Sprint(e["message"]), "null") {
		t.Errorf("got %v, want error -32600 with id null", msg)
	}
	pingOK(t, s)
	s.close()
}

// drainCases are the SIGTERM cases of both transports: calls that finish
// within the drain get their results; calls that outlast it, the stopping
// error.
var drainCases = []struct {
	name  string
	env   []string
	delay time.Duration
	want  string
}{
	{"calls finish within the drain", []string{"STAMMER_TIMEOUT=10s"}, 1500 * time.Millisecond, "Totals over all"},
	{"calls outlast the drain", []string{"STAMMER_TIMEOUT=30s", "STAMMER_DRAIN_TIMEOUT=1s"}, time.Minute, tools.StoppingMessage},
}

// TestSIGTERMDrainsStdio: calls in flight when SIGTERM arrives are answered
// (a result when they finish within the drain, else a tool error saying
// the server is stopping), and the process exits 0.
func TestSIGTERMDrainsStdio(t *testing.T) {
	for _, tc := range drainCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := stammertest.NewServer(t, stammertest.WithToken(canary))
			s := startSession(t, append([]string{"STAMMER_BASE_URL=" + srv.URL, "STAMMER_API_TOKEN=" + canary}, tc.env...))
			initialize(s)
			srv.SetFault(stammertest.Fault{Delay: tc.delay})
			var ids []int
			for n := 1; n <= 4; n++ {
				ids = append(ids, s.send("tools/call", slowCall(n)))
			}
			if !srv.WaitRequests(4, 5*time.Second) {
				t.Fatal("the calls never reached the fake")
			}
			start := time.Now()
			if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			wait := ids
			var ping, cancelled int
			if tc.delay == time.Minute {
				// During the drain a new request is refused, and a
				// cancellation is still heard.
				time.Sleep(200 * time.Millisecond)
				ping = s.send("ping", map[string]any{})
				cancelled = ids[0]
				s.write(map[string]any{"jsonrpc": "2.0", "method": "notifications/cancelled", "params": map[string]any{"requestId": cancelled}})
				wait = append([]int{ping}, ids...)
			}
			for id, msg := range s.awaitAll(wait...) {
				switch {
				case id == ping:
					if e, _ := msg["error"].(map[string]any); e == nil || !strings.Contains(fmt.Sprint(e["message"]), "stopping") {
						t.Errorf("a request during the drain: %v, want an error saying the server is stopping", msg)
					}
				case id == cancelled:
					if _, text := toolResult(t, msg); !strings.Contains(text, "cancelled") {
						t.Errorf("the call cancelled during the drain: %.300q", text)
					}
				default:
					if _, text := toolResult(t, msg); !strings.Contains(text, tc.want) {
						t.Errorf("call %d: %.300q, want %q", id, text, tc.want)
					}
				}
			}
			if err := s.cmd.Wait(); err != nil {
				t.Errorf("exit after SIGTERM: %v\n%s", err, s.stderr)
			}
			t.Logf("answered and exited %v after SIGTERM", time.Since(start).Round(time.Millisecond))
		})
	}
}

// postMCP sends one JSON-RPC message to /mcp and returns the status and body.
func postMCP(base, body string) (int, string, error) {
	req, _ := http.NewRequest("POST", base+"/mcp", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestHTTPBodyIsCappedBeforeReading: an authenticated 100 MB tools/call
// body is refused with 413 (declared length: before reading; chunked: once
// past the 4 MiB cap), and the process's resident memory stays small
// (mcp-go read it whole: 914 MB).
func TestHTTPBodyIsCappedBeforeReading(t *testing.T) {
	const token = "http-token-for-the-test-0123"
	r := startReplica(t, []string{"PATH=" + os.Getenv("PATH"), "STAMMER_API_TOKEN=" + canary, "MCP_HTTP_TOKEN=" + token})
	cmd, base, stderr := r.cmd, "http://"+r.addr, r.stderr
	for _, length := range []int64{100 << 20, -1} {
		body := io.MultiReader(strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_conversations","arguments":{"search":"`),
			io.LimitReader(strings.NewReader(strings.Repeat("a", 1<<20)), 1<<20), strings.NewReader(strings.Repeat(" ", 99<<20)))
		req, _ := http.NewRequest("POST", base+"/mcp", body)
		req.ContentLength = length
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("length %d: %v", length, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "too large") {
			t.Errorf("length %d: %d %s", length, resp.StatusCode, b)
		}
	}
	if peak := procKB(cmd.Process.Pid, "VmHWM"); peak > 100<<10 {
		t.Errorf("peak resident memory %d MB after two 100 MB bodies, want under 100 MB", peak>>10)
	} else {
		t.Logf("peak resident memory %d kB", peak)
	}
	if code, body, err := postMCP(base, `{"jsonrpc":"2.0","id":2,"method":"ping"}`); err != nil || code != 401 {
		t.Errorf("without the token: %d %s %v\n%s", code, body, err, stderr)
	}
}

// TestHTTPSlowBodyIsTimedOut: an authenticated client that sends its
// headers and part of a body, then stalls, is answered 408 once the body
// timeout (mcphttp.DefaultBodyTimeout) passes, instead of holding a
// connection and a request slot for ever; the server goes on serving.
func TestHTTPSlowBodyIsTimedOut(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the 30 s body timeout")
	}
	t.Parallel()
	const token = "http-token-for-the-test-0123"
	r := startReplica(t, []string{"PATH=" + os.Getenv("PATH"), "STAMMER_API_TOKEN=" + canary, "MCP_HTTP_TOKEN=" + token})
	conn, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /mcp HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"+
		"Accept: application/json, text/event-stream\r\nContent-Length: 200\r\n\r\n{\"jsonrpc\":\"2.0\",", r.addr, token)
	conn.SetReadDeadline(time.Now().Add(mcphttp.DefaultBodyTimeout + 20*time.Second))
	status, err := bufio.NewReader(conn).ReadString('\n')
	took := time.Since(start)
	if err != nil || !strings.Contains(status, " 408 ") {
		t.Fatalf("after %v: status line %q, %v; want 408\n%s", took, status, err, r.stderr)
	}
	if took < mcphttp.DefaultBodyTimeout-time.Second {
		t.Errorf("408 after %v, before the %v body timeout", took, mcphttp.DefaultBodyTimeout)
	}
	t.Logf("408 after %v", took.Round(time.Millisecond))
	if code, body, err := postMCP("http://"+r.addr, `{"jsonrpc":"2.0","id":2,"method":"ping"}`); err != nil || code != 401 {
		t.Errorf("the server stopped answering after the slow body: %d %s %v", code, body, err)
	}
}

// TestSIGTERMDrainsHTTP: twenty calls to a slow upstream in flight when
// SIGTERM arrives are all answered (results when they finish within the
// drain, else the stopping error), a GET event stream is refused at once
// (405: a stateless server has nothing to stream, and no idle stream holds
// the shutdown), and the process exits 0.
func TestSIGTERMDrainsHTTP(t *testing.T) {
	for _, tc := range drainCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := stammertest.NewServer(t, stammertest.WithToken(canary))
			r := startReplica(t, append([]string{"PATH=" + os.Getenv("PATH"), "STAMMER_BASE_URL=" + srv.URL, "STAMMER_API_TOKEN=" + canary,
				"STAMMER_MAX_CONCURRENT_REQUESTS=20"}, tc.env...))
			cmd, base, stderr := r.cmd, "http://"+r.addr, r.stderr
			req, _ := http.NewRequest("GET", base+"/mcp", nil)
			req.Header.Set("Accept", "text/event-stream")
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("GET /mcp: %v %v, want 405", resp, err)
			} else {
				resp.Body.Close()
			}
			srv.SetFault(stammertest.Fault{Delay: tc.delay})
			var wg sync.WaitGroup
			bodies := make([]string, 20)
			for i := range bodies {
				wg.Go(func() {
					call, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": i + 1, "method": "tools/call", "params": slowCall(i + 1)})
					code, body, err := postMCP(base, string(call))
					if err != nil || code != 200 {
						t.Errorf("call %d: %d %v", i+1, code, err)
					}
					bodies[i] = body
				})
			}
			if !srv.WaitRequests(20, 10*time.Second) {
				t.Fatalf("%d of the calls reached the fake", len(srv.Requests()))
			}
			start := time.Now()
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			for i, b := range bodies {
				if !strings.Contains(b, tc.want) {
					t.Errorf("call %d: %.300q, want %q", i+1, b, tc.want)
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("exit after SIGTERM: %v\n%s", err, stderr)
			}
			t.Logf("answered and exited %v after SIGTERM", time.Since(start).Round(time.Millisecond))
		})
	}
}
