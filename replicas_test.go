package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/stammer-mcp/stammer-mcp/sharedcache/cachetest"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// TestReplicasShareOneUpstreamRequest is the scale-out deployment, for
// real: a Valkey/Redis server, three replicas of the binary serving
// Streamable HTTP with STAMMER_CACHE_URL, and a round-robin proxy in front.
// Walking every page of a 10,000-conversation query, searching it and
// opening a transcript make one upstream request between the replicas;
// so do 20 identical concurrent calls; and killing the cache server in
// the middle of concurrent calls fails none of them.
func TestReplicasShareOneUpstreamRequest(t *testing.T) {
	redis := cachetest.Start(t)
	k := 10000
	if testing.Short() {
		k = 2000
	}
	fake := stammertest.NewServer(t, stammertest.WithFixtures(stammertest.Generate(stammertest.GenerateOptions{Seed: 7, N: k})),
		stammertest.WithAllOnNotDeleted())
	const httpToken = "replica-bearer-token-0123456789"
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"STAMMER_API_TOKEN=" + stammertest.DefaultToken,
		"STAMMER_BASE_URL=" + fake.URL,
		"STAMMER_CACHE_URL=" + redis.URL,
		"MCP_HTTP_TOKEN=" + httpToken,
		// The walk takes more than the default minute on a loaded
		// machine; an answer that expired would rightly be fetched again.
		"STAMMER_CACHE_TTL=10m",
	}
	var replicas []*replicaProc
	var targets []*url.URL
	for range 3 {
		r := startReplica(t, env)
		replicas = append(replicas, r)
		targets = append(targets, &url.URL{Scheme: "http", Host: r.addr})
	}
	hits := make([]atomic.Int64, len(targets))
	var next atomic.Int64
	lb := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		i := (next.Add(1) - 1) % int64(len(targets))
		hits[i].Add(1)
		r.SetURL(targets[i])
	}})
	t.Cleanup(lb.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := mcpOverHTTP(t, ctx, lb.URL+"/mcp", httpToken)
	call := func(tool, args string) (*mcp.CallToolResult, map[string]any) {
		req := mcp.CallToolRequest{}
		req.Params.Name = tool
		req.Params.Arguments = json.RawMessage(args)
		res, err := c.CallTool(ctx, req)
		if err != nil {
			t.Fatalf("%s %s: %v", tool, args, err)
		}
		if res.IsError {
			t.Fatalf("%s %s: tool error: %s", tool, args, firstTextOf(res))
		}
		var sc map[string]any
		raw, _ := json.Marshal(res.StructuredContent)
		json.Unmarshal(raw, &sc)
		return res, sc
	}

	// 1. Every page, a search and a transcript: one upstream request.
	args := `{"onlyDeletedConversations":false,"limit":100}`
	seen := map[string]bool{}
	pages := 0
	var uuid string
	for args != "" {
		if pages++; pages > k {
			t.Fatal("paging does not end")
		}
		_, sc := call("list_conversations", args)
		for _, it := range sc["conversations"].([]any) {
			u := it.(map[string]any)["uuid"].(string)
			if seen[u] {
				t.Fatalf("page %d repeats conversation %s", pages, u)
			}
			seen[u], uuid = true, u
		}
		args = ""
		if n, ok := sc["next"].(map[string]any); ok {
			raw, _ := json.Marshal(n["arguments"])
			args = string(raw)
		}
	}
	if len(seen) != k {
		t.Fatalf("walked %d conversations in %d pages, want %d", len(seen), pages, k)
	}
	if _, sc := call("list_conversations", `{"onlyDeletedConversations":false,"search":"price"}`); sc["total"] == nil {
		t.Fatalf("search result without a total: %v", sc)
	}
	if res, _ := call("get_conversation", fmt.Sprintf(`{"uuid":%q}`, uuid)); !strings.Contains(firstTextOf(res), uuid) {
		t.Fatalf("transcript of %s: %.300s", uuid, firstTextOf(res))
	}
	for i := range hits {
		if hits[i].Load() < int64(pages/3) {
			t.Errorf("replica %d served %d of %d requests: the proxy did not spread them", i, hits[i].Load(), next.Load())
		}
	}
	if n := len(fake.Requests()); n != 1 {
		t.Fatalf("%d upstream requests for %d pages, a search and a transcript over 3 replicas, want 1", n, pages)
	}
	t.Logf("%d pages, a search and a transcript of %d conversations over 3 replicas: 1 upstream request", pages, k)

	// 2. Twenty identical concurrent calls of a new query (a startDate
	// before the data: the same conversations, another cache key), spread
	// over the replicas: one upstream request. The upstream is slow, so
	// that every call is in flight before it answers.
	fake.SetFault(stammertest.Fault{Delay: 300 * time.Millisecond})
	concurrent := func(args string) []error {
		errs := make([]error, 20)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				req := mcp.CallToolRequest{}
				req.Params.Name = "list_conversations"
				req.Params.Arguments = json.RawMessage(args)
				res, err := c.CallTool(ctx, req)
				if err == nil && res.IsError {
					err = fmt.Errorf("tool error: %s", firstTextOf(res))
				}
				errs[i] = err
			})
		}
		wg.Wait()
		return errs
	}
	before := len(fake.Requests())
	var hitsBefore []int64
	for i := range hits {
		hitsBefore = append(hitsBefore, hits[i].Load())
	}
	for i, err := range concurrent(`{"onlyDeletedConversations":false,"startDate":"2026-01-01"}`) {
		if err != nil {
			t.Errorf("concurrent call %d: %v", i, err)
		}
	}
	if n := len(fake.Requests()) - before; n != 1 {
		t.Errorf("%d upstream requests for 20 identical concurrent calls over 3 replicas, want 1", n)
	}
	for i := range hits {
		if n := hits[i].Load() - hitsBefore[i]; n < 5 {
			t.Errorf("replica %d served %d of the 20 concurrent calls: the proxy did not spread them", i, n)
		}
	}

	// 2b. A Retry-After one replica is sent makes the others wait: a call
	// of another query, on another replica, reaches the API only after it.
	fake.SetFault(stammertest.Fault{Status: http.StatusTooManyRequests, Body: `{"detail":"slow down"}`,
		Header: http.Header{"Retry-After": {"2"}}, Times: 1})
	before = len(fake.Requests())
	limited := make(chan error, 1)
	go func() {
		req := mcp.CallToolRequest{}
		req.Params.Name = "list_conversations"
		req.Params.Arguments = json.RawMessage(`{"onlyDeletedConversations":false,"startDate":"2026-04-01","limit":5}`)
		res, err := c.CallTool(ctx, req)
		if err == nil && res.IsError {
			err = fmt.Errorf("tool error: %s", firstTextOf(res))
		}
		limited <- err
	}()
	if !fake.WaitRequests(before+1, 20*time.Second) {
		t.Fatal("the rate-limited request never arrived")
	}
	// The fake records a request as it arrives, before the replica has
	// read the 429 and shared it: a call sent in that gap cannot know, on
	// any replica. Send the other query once the Retry-After is shared.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		keys, err := redis.Command("KEYS", "stammer-mcp:1:b:*")
		if err == nil && keys != "*0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica sent 429 never shared its Retry-After (KEYS answered %q, %v)", keys, err)
		}
	}
	call("list_conversations", `{"onlyDeletedConversations":false,"startDate":"2026-05-01","limit":5}`)
	if err := <-limited; err != nil {
		t.Errorf("the call that was sent 429 with Retry-After 2 failed: %v", err)
	}
	// The record is in arrival order, but find the 429 by its status
	// rather than its place, and show every request when it is not there.
	reqs := fake.Requests()[before:]
	var got []string
	limitedAt := -1
	for i, r := range reqs {
		got = append(got, fmt.Sprintf("%s→%d", r.Query.Get("startDate"), r.Status))
		if r.Status == http.StatusTooManyRequests {
			limitedAt = i
		}
	}
	if len(reqs) != 3 || limitedAt < 0 {
		t.Fatalf("after a 429: requests %v, want 3 (the 429, its retry, the other query)", got)
	}
	for i, r := range reqs {
		if i == limitedAt {
			continue
		}
		if wait := r.At.Sub(reqs[limitedAt].At); wait < 1900*time.Millisecond {
			t.Errorf("a request (%s) went out %v after the 429, before its Retry-After of 2s (requests %v)", r.Query.Get("startDate"), wait, got)
		}
	}

	// 3. The cache server dies while 20 calls of another query are in
	// flight (one replica fetching, the others waiting for it): no call
	// fails. Each replica may then ask the upstream itself.
	before = len(fake.Requests())
	fake.SetFault(stammertest.Fault{Delay: 800 * time.Millisecond})
	killed := make(chan struct{})
	go func() {
		fake.WaitRequests(before+1, 10*time.Second)
		time.Sleep(200 * time.Millisecond)
		redis.Kill()
		close(killed)
	}()
	for i, err := range concurrent(`{"onlyDeletedConversations":false,"startDate":"2026-02-01"}`) {
		if err != nil {
			t.Errorf("call %d with the cache server killed mid-call: %v", i, err)
		}
	}
	<-killed
	fake.ClearFault()
	// And with it gone, calls still succeed, from the upstream.
	call("list_conversations", `{"onlyDeletedConversations":false,"startDate":"2026-03-01","limit":5}`)
	if n := len(fake.Requests()) - before; n < 1 || n > 6 {
		t.Errorf("%d upstream requests after the cache server died, want 1 to 6 (each replica on its own)", n)
	} else {
		t.Logf("cache server killed mid-call: 21 calls succeeded with %d upstream requests", n)
	}
	for i, r := range replicas {
		logs := r.stderr.String()
		if strings.Contains(logs, stammertest.DefaultToken) || strings.Contains(logs, httpToken) {
			t.Errorf("replica %d logged a token", i)
		}
		if strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "ERR ") {
			t.Errorf("replica %d logged an error:\n%s", i, logs)
		}
	}
	warned := 0
	for _, r := range replicas {
		if strings.Contains(r.stderr.String(), "shared cache unavailable") {
			warned++
		}
	}
	if warned == 0 {
		t.Error("no replica warned that the cache server was gone")
	}
}

// replicaProc is one stammer-mcp process serving HTTP.
type replicaProc struct {
	addr   string
	stderr *syncBuf
	cmd    *exec.Cmd
}

func startReplica(t *testing.T, env []string) *replicaProc {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(binary, "--transport", "http", "--listen", addr)
	cmd.Env = env
	r := &replicaProc{addr: addr, stderr: &syncBuf{}, cmd: cmd}
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica on %s: no /healthz: %v\n%s", addr, err, r.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mcpOverHTTP starts and initialises an MCP client of url.
func mcpOverHTTP(t *testing.T, ctx context.Context, url, token string) *client.Client {
	t.Helper()
	c, err := client.NewStreamableHttpClient(url, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "replicas-test", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return c
}

// firstTextOf returns the first text content of a result.
func firstTextOf(res *mcp.CallToolResult) string {
	for _, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			return t.Text
		}
	}
	return ""
}

// syncBuf is a bytes.Buffer safe for a process's writes and a test's reads.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSharedCacheSettings: bad settings are refused at start with what to
// write instead, and the cache's password never reaches the output.
func TestSharedCacheSettings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"scheme", map[string]string{"STAMMER_CACHE_URL": "http://cache:6379"}, "use redis://"},
		{"port", map[string]string{"STAMMER_CACHE_URL": "redis://:pa55word-xyz@cache:port"}, "STAMMER_CACHE_URL"},
		{"ttl", map[string]string{"STAMMER_CACHE_TTL": "2h"}, "between 1s and 1h"},
		{"max bytes", map[string]string{"STAMMER_CACHE_MAX_BYTES": "lots"}, "STAMMER_CACHE_MAX_BYTES=\"lots\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			tc.env["STAMMER_API_TOKEN"] = stammertest.DefaultToken
			code := run(t.Context(), []string{"call", "list_conversations", `{"onlyDeletedConversations":false}`},
				strings.NewReader(""), &out, &out, func(k string) string { return tc.env[k] })
			if code != 2 || !strings.Contains(out.String(), tc.want) {
				t.Errorf("code %d output %q; want code 2 and %q", code, out.String(), tc.want)
			}
			if strings.Contains(out.String(), "pa55word") {
				t.Errorf("the cache password is in the output: %s", out.String())
			}
		})
	}
	// A cache that is down at start is no reason not to serve.
	fake := stammertest.NewServer(t)
	var out, errs bytes.Buffer
	env := map[string]string{"STAMMER_API_TOKEN": stammertest.DefaultToken, "STAMMER_BASE_URL": fake.URL,
		"STAMMER_CACHE_URL": "redis://user:pa55word-xyz@127.0.0.1:1/0"}
	code := run(t.Context(), []string{"call", "list_conversations", `{"onlyDeletedConversations":false}`},
		strings.NewReader(""), &out, &errs, func(k string) string { return env[k] })
	if code != 0 || !strings.Contains(out.String(), "Totals") {
		t.Errorf("with the cache down: code %d, output %.300s\n%s", code, out.String(), errs.String())
	}
	if !strings.Contains(errs.String(), "shared cache unavailable") || strings.Contains(errs.String(), "pa55word") {
		t.Errorf("want one warning without the password:\n%s", errs.String())
	}
}
