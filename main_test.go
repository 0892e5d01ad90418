package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// binary is the stammer-mcp executable built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "stammer-mcp-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "stammer-mcp")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// rpcSession drives the real binary over stdio pipes, one JSON-RPC line at
// a time, as an MCP client does.
type rpcSession struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *bytes.Buffer
	nextID int
	// schemas are the tools' output schemas, compiled on first need
	// (conforms).
	schemas map[string]*jsonschema.Schema
}

func startSession(t *testing.T, env []string, args ...string) *rpcSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &rpcSession{t: t, cmd: cmd, stdin: stdin, lines: make(chan string, 64), stderr: &bytes.Buffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return s
}

// send writes one message; a request gets an id and its response is returned.
func (s *rpcSession) request(method string, params any) map[string]any {
	s.t.Helper()
	s.nextID++
	id := s.nextID
	s.write(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				s.t.Fatalf("stdout closed while waiting for %s; stderr:\n%s", method, s.stderr)
			}
			var msg map[string]any
			if err := json.Unmarshal([]byte(line), &msg); err != nil || msg["jsonrpc"] != "2.0" {
				s.t.Fatalf("stdout carried a line that is not JSON-RPC: %q", line)
			}
			if msg["id"] == float64(id) {
				return msg
			}
		case <-time.After(30 * time.Second):
			s.t.Fatalf("no answer to %s; stderr:\n%s", method, s.stderr)
		}
	}
}

func (s *rpcSession) notify(method string) {
	s.write(map[string]any{"jsonrpc": "2.0", "method": method})
}

func (s *rpcSession) write(v any) {
	s.t.Helper()
	b, _ := json.Marshal(v)
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		s.t.Fatal(err)
	}
}

// close ends the session the way a client does (closing stdin) and checks
// the server exits cleanly and wrote nothing but JSON-RPC to stdout.
func (s *rpcSession) close() {
	s.t.Helper()
	s.stdin.Close()
	for line := range s.lines {
		var msg map[string]any
		if err := json.Unmarshal([]byte(line), &msg); err != nil || msg["jsonrpc"] != "2.0" {
			s.t.Errorf("stdout carried a line that is not JSON-RPC: %q", line)
		}
	}
	if err := s.cmd.Wait(); err != nil {
		s.t.Errorf("server exit: %v; stderr:\n%s", err, s.stderr)
	}
}

func initialize(s *rpcSession) {
	s.t.Helper()
	res := s.request("initialize", map[string]any{
		"protocolVersion": "2025-06-18",
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "e2e", "version": "0"},
	})
	if res["error"] != nil {
		s.t.Fatalf("initialize: %v", res["error"])
	}
	if instr, _ := res["result"].(map[string]any)["instructions"].(string); !strings.Contains(instr, "Stammer") {
		s.t.Errorf("initialize result has no instructions about Stammer: %v", res["result"])
	}
	s.notify("notifications/initialized")
}

// toolResult extracts isError and the text of a tools/call response.
func toolResult(t *testing.T, msg map[string]any) (bool, string) {
	t.Helper()
	res, ok := msg["result"].(map[string]any)
	if !ok {
		t.Fatalf("tools/call answered with a protocol error, want a tool result: %v", msg)
	}
	isErr, _ := res["isError"].(bool)
	var b strings.Builder
	for _, c := range res["content"].([]any) {
		b.WriteString(c.(map[string]any)["text"].(string))
	}
	return isErr, b.String()
}

func TestStdioSessionAgainstTheFakeAPI(t *testing.T) {
	fake := stammertest.NewServer(t)
	s := startSession(t, []string{
		"STAMMER_BASE_URL=" + fake.URL,
		"STAMMER_API_TOKEN=" + stammertest.DefaultToken,
		"LOG_LEVEL=debug",
	})
	initialize(s)

	list := s.request("tools/list", map[string]any{})
	tools := list["result"].(map[string]any)["tools"].([]any)
	var names []string
	for _, tl := range tools {
		m := tl.(map[string]any)
		names = append(names, m["name"].(string))
		if m["name"] == "list_conversations" {
			in := m["inputSchema"].(map[string]any)
			if in["type"] != "object" || in["additionalProperties"] != false || m["outputSchema"] == nil {
				t.Errorf("list_conversations schemas look wrong: %v", m)
			}
		}
	}
	slices.Sort(names)
	if strings.Join(names, ",") != "conversation_insights,get_conversation,list_chatbots,list_conversations" {
		t.Errorf("tools = %v", names)
	}

	valid := s.request("tools/call", map[string]any{"name": "list_conversations",
		"arguments": map[string]any{"chatbot_id": 17, "startDate": "2026-11-01", "endDate": "2026-11-24", "onlyDeletedConversations": false}})
	if isErr, text := toolResult(t, valid); isErr || !strings.Contains(text, "Totals over all") {
		t.Errorf("valid call: isError=%v text=%s", isErr, text)
	}
	if sc := valid["result"].(map[string]any)["structuredContent"]; sc == nil {
		t.Error("valid call has no structuredContent")
	}

	invalid := s.request("tools/call", map[string]any{"name": "list_conversations",
		"arguments": map[string]any{"chatbot_id": 17, "chatbot_uuid": "12345678-1234-5678-1234-567812345678", "onlyDeletedConversations": false}})
	if isErr, text := toolResult(t, invalid); !isErr || !strings.Contains(text, "chatbot_uuid") {
		t.Errorf("invalid call: isError=%v text=%s", isErr, text)
	}
	s.close()

	reqs := fake.Requests()
	if len(reqs) != 1 {
		t.Fatalf("fake saw %d requests, want 1 (the invalid call must not reach it)", len(reqs))
	}
	want := "chatbot_id=17&endDate=2026-11-24&onlyDeletedConversations=false&startDate=2026-11-01"
	if got := reqs[0].Query.Encode(); got != want || reqs[0].Path != "/en/chatbot/api/v1/conversations/" {
		t.Errorf("upstream request %s?%s, want /en/chatbot/api/v1/conversations/?%s", reqs[0].Path, got, want)
	}
	logs := s.stderr.String()
	if !strings.Contains(logs, "tool call") || !strings.Contains(logs, "serving MCP on stdio") {
		t.Errorf("stderr lacks the expected log lines:\n%s", logs)
	}
	if strings.Contains(logs, stammertest.DefaultToken) {
		t.Error("the token appears in the logs")
	}
	if strings.Contains(logs, "\x1b[") {
		t.Error("logs to a non-terminal are coloured")
	}
}

func TestStdioWithoutTokenStartsAndExplains(t *testing.T) {
	fake := stammertest.NewServer(t)
	s := startSession(t, []string{"STAMMER_BASE_URL=" + fake.URL})
	initialize(s)
	res := s.request("tools/call", map[string]any{"name": "list_conversations", "arguments": map[string]any{"onlyDeletedConversations": false}})
	if isErr, text := toolResult(t, res); !isErr || !strings.Contains(text, "STAMMER_API_TOKEN") {
		t.Errorf("isError=%v text=%s", isErr, text)
	}
	s.close()
	if !strings.Contains(s.stderr.String(), "STAMMER_API_TOKEN is not set") {
		t.Errorf("no start-up warning on stderr:\n%s", s.stderr)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d upstream requests without a token", n)
	}
}

func TestReadmeDemoCommandPrintsASummaryWithoutAToken(t *testing.T) {
	cmd := exec.Command(binary, "--demo", "call", "list_conversations",
		`{"chatbot_id":17,"startDate":"2026-11-01","endDate":"2026-11-24","onlyDeletedConversations":false}`)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"DEMO DATA", "Totals over all", "chatbot 17", "by platform:", "first message:"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), strings.Join(cmd.Args[1:4], " ")) {
		t.Errorf("README does not show the demo command tested here: %v", cmd.Args[1:])
	}
}

func TestCallToolErrorExitsNonZero(t *testing.T) {
	cmd := exec.Command(binary, "--demo", "call", "list_conversations", `{"chatbot_id":17}`)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.Output()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if !strings.Contains(string(out), "onlyDeletedConversations is required") {
		t.Errorf("stdout = %s", out)
	}
}

func TestRunConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string // in stdout+stderr
	}{
		{"version", []string{"--version"}, nil, 0, "stammer-mcp "},
		{"help", []string{"-h"}, nil, 0, "STAMMER_BASE_URL"},
		{"http non-loopback refused", nil, map[string]string{"STAMMER_BASE_URL": "http://app.stammer.ai"}, 2, "loopback"},
		{"base url with a path", nil, map[string]string{"STAMMER_BASE_URL": "https://app.stammer.ai/some/page"}, 2, "STAMMER_BASE_URL"},
		// A bad setting does not stop the server: it serves (here until
		// stdin ends), logs the problem, and every call explains it.
		{"bad log level", nil, map[string]string{"LOG_LEVEL": "loud"}, 0, "LOG_LEVEL"},
		{"bad timeout", nil, map[string]string{"STAMMER_TIMEOUT": "soon"}, 0, "STAMMER_TIMEOUT"},
		{"missing fallback file", nil, map[string]string{"STAMMER_FALLBACK_PHRASES_FILE": "/nonexistent/phrases.txt"}, 0, "STAMMER_FALLBACK_PHRASES_FILE"},
		{"missing chatbots file", nil, map[string]string{"STAMMER_CHATBOTS_FILE": "/nonexistent/bots.txt"}, 0, "STAMMER_CHATBOTS_FILE"},
		{"budget too small", nil, map[string]string{"STAMMER_MAX_OUTPUT_TOKENS": "10"}, 0, "STAMMER_MAX_OUTPUT_TOKENS"},
		{"budget not a number", nil, map[string]string{"STAMMER_MAX_OUTPUT_TOKENS": "lots"}, 0, "between 1500 and 100000"},
		{"bad timeout, a call explains it", []string{"--demo", "call", "list_conversations", `{"onlyDeletedConversations":false}`},
			map[string]string{"STAMMER_TIMEOUT": "abc"}, 1, `misconfigured, so it answers no call until this is fixed in the env block of its entry in the MCP client's config (then restart the server): STAMMER_TIMEOUT="abc"`},
		{"flag after call", []string{"call", "list_conversations", `{"onlyDeletedConversations":false}`, "--demo"}, nil, 2, "flags go before the command, e.g. stammer-mcp --demo call TOOL [JSON]"},
		{"missing token file", []string{"--token-file", "/nonexistent/token"}, nil, 2, "--token-file"},
		{"unknown command", []string{"serve"}, nil, 2, `unknown command "serve"`},
		{"http off loopback without token", []string{"--transport", "http", "--listen", "0.0.0.0:8080"}, nil, 2, "MCP_HTTP_TOKEN"},
		{"unknown transport", []string{"--transport", "pigeon"}, nil, 2, "use stdio or http"},
		{"one-character http token", []string{"--transport", "http", "--listen", "0.0.0.0:8080"}, map[string]string{"MCP_HTTP_TOKEN": "x"}, 2, "at least 16"},
		{"bad concurrency", nil, map[string]string{"STAMMER_MAX_CONCURRENT_REQUESTS": "0"}, 2, "from 1 to 64"},
		{"bad memory limit", nil, map[string]string{"STAMMER_MEMORY_LIMIT": "lots"}, 2, "STAMMER_MEMORY_LIMIT"},
		{"bad drain", nil, map[string]string{"STAMMER_DRAIN_TIMEOUT": "soon"}, 2, "STAMMER_DRAIN_TIMEOUT"},
		{"call without tool", []string{"call"}, nil, 2, "usage: stammer-mcp call"},
		{"call with bad json", []string{"call", "list_conversations", "{nope"}, nil, 2, "not valid JSON"},
		{"unknown tool", []string{"--demo", "call", "no_such_tool", "{}"}, nil, 1, `there is no tool "no_such_tool"; the tools are: conversation_insights, get_conversation, list_chatbots, list_conversations`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			getenv := func(k string) string { return tc.env[k] }
			code := run(t.Context(), tc.args, strings.NewReader(""), &out, &out, getenv)
			if code != tc.code || !strings.Contains(out.String(), tc.want) {
				t.Errorf("code %d output %q; want code %d and %q", code, out.String(), tc.code, tc.want)
			}
		})
	}
}

func TestTokenFileIsReadAndTrimmed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("  secret-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseConfig([]string{"--token-file", path}, func(k string) string {
		if k == "STAMMER_API_TOKEN" {
			return "from-env"
		}
		return ""
	}, io.Discard)
	if err != nil || cfg.token != "secret-from-file" {
		t.Errorf("token = %q, err %v; want the file's token to win", cfg.token, err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	if _, err := parseConfig([]string{"--token-file", empty}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("an empty token file was accepted")
	}
}

func TestParseTimeout(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30s", 30 * time.Second, true}, {"2m", 2 * time.Minute, true}, {"45", 45 * time.Second, true},
		{"1.5", 1500 * time.Millisecond, true}, {"0", 0, false}, {"-5s", 0, false}, {"2h", 0, false}, {"soon", 0, false},
	}
	for _, tc := range tests {
		got, err := parseTimeout(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseTimeout(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestRedactorHidesTheTokenInAnyValue(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(&buf, slog.LevelDebug, "tok-123")
	log.Info("calling", "url", "https://x/?t=tok-123", "err", fmt.Errorf("bad token tok-123"), "n", 5)
	if strings.Contains(buf.String(), "tok-123") || strings.Count(buf.String(), "[REDACTED]") != 2 {
		t.Errorf("log line = %s", buf.String())
	}
}

// TestReadmeExampleExchangeIsReal checks the README's example output
// against what the demo actually prints for the same call, so the docs
// cannot drift from the product.
func TestReadmeExampleExchangeIsReal(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	const args = `{"chatbot_id":17,"startDate":"2026-11-16","endDate":"2026-11-22","onlyDeletedConversations":false,"limit":3}`
	doc := string(readme)
	if !strings.Contains(doc, "list_conversations "+args) {
		t.Fatal("README no longer shows the example call this test runs")
	}
	start := strings.Index(doc, "```\nTotals over all")
	if start < 0 {
		t.Fatal("README example output block not found")
	}
	block := doc[start+4:]
	block = block[:strings.Index(block, "```")]
	out, err := exec.Command(binary, "--demo", "call", "list_conversations", args).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		if line != "…" && !strings.Contains(string(out), line) {
			t.Errorf("README example line not in the real output: %q\noutput:\n%s", line, out)
		}
	}
}

// TestHTTPTransportServesTheSameTools runs the binary with --transport http
// and checks health, authentication and one tool call over HTTP.
func TestHTTPTransportServesTheSameTools(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const token = "http-token-for-the-test-0123"
	cmd := exec.Command(binary, "--demo", "--transport", "http", "--listen", addr)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "MCP_HTTP_TOKEN=" + token}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no /healthz: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	post := func(auth, body string) (int, string) {
		req, _ := http.NewRequest("POST", base+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	call := `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_conversations","arguments":{"chatbot_id":17,"onlyDeletedConversations":false}}}`
	if code, _ := post("", call); code != 401 {
		t.Errorf("without the bearer token: %d, want 401", code)
	}
	code, body := post(token, call)
	if code != 200 || !strings.Contains(body, "Totals over all") || !strings.Contains(body, "DEMO DATA") {
		t.Errorf("tool call over HTTP: %d %s", code, body)
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("server did not stop cleanly on SIGINT: %v", err)
	}
	if strings.Contains(stderr.String(), token) {
		t.Error("the HTTP token appears in the logs")
	}
	if !strings.Contains(stderr.String(), "tool call") {
		t.Errorf("no tool-call log line over HTTP:\n%s", stderr.String())
	}
}

// TestDemoChartIsSaved runs the README's chart command: the demo writes a
// PNG under the size limit.
func TestDemoChartIsSaved(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(binary, "--demo", "--save-images", dir, "call", "conversation_insights",
		`{"chatbot_id":17,"startDate":"2026-10-01","endDate":"2026-10-31","chart":true,"onlyDeletedConversations":false}`)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	path := filepath.Join(dir, "conversation_insights-1.png")
	if !strings.Contains(string(out), "[image saved to "+path+"]") {
		t.Errorf("output does not say where the image went:\n%s", out)
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 || len(b) > 80<<10 || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("saved chart: %d bytes, %v", len(b), err)
	}
}

// TestDemoTellsTheModelItsDatesAndChatbots: the demo's instructions name
// the data's date range and every chatbot id, and the demo's clock sits
// just after its data, so relative periods work on any day.
func TestDemoTellsTheModelItsDatesAndChatbots(t *testing.T) {
	note := demoInstructions()
	for _, want := range []string{stammertest.FirstDay, stammertest.LastDay, "today is 2026-11-25", "17 (", "23 (", "42 (", "101 (", "250 ("} {
		if !strings.Contains(note, want) {
			t.Errorf("demo instructions lack %q: %s", want, note)
		}
	}
	out, err := exec.Command(binary, "--demo", "call", "list_chatbots", "{}").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "Stammer chatbots · 2026-08-28 to 2026-11-25") || !strings.Contains(string(out), `- 17 "Bright Smile Dental`) {
		t.Errorf("demo list_chatbots does not cover the demo's data:\n%s", out)
	}
}
