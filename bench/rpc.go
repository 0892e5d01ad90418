package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/stammer-mcp/stammer-mcp/tools"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// protocolVersion is the MCP version the bench client asks for: a released
// one every server here speaks.
const protocolVersion = "2025-06-18"

// proc is one server under test, spawned with stdin and stdout as pipes,
// driven by a minimal JSON-RPC client of our own. The client does no work
// on the clock beyond reading whole lines: a response counts as received
// when its last byte has arrived, and it is parsed afterwards. (mcp-go's
// client parses each line three times as it arrives, which would bill the
// client's JSON work to a server that sends large answers.)
type proc struct {
	name string
	cmd  *exec.Cmd
	in   io.WriteCloser
	errs *tailBuffer // the last bytes of stderr, for error messages

	wmu     sync.Mutex // serialises writes to in
	nextID  atomic.Int64
	mu      sync.Mutex
	pending map[int64]chan reply
	dead    chan struct{} // closed when stdout ends
	readErr error
}

// reply is one response line and when its last byte arrived.
type reply struct {
	line []byte
	at   time.Time
}

// serverStderr, when set (-v), also receives every server's stderr.
var serverStderr io.Writer

// spawn starts bin with env added to a clean environment. It returns as
// soon as the process runs; nothing has been sent yet.
func spawn(name, bin string, env []string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	// Only what a desktop client would pass: PATH and HOME, plus env.
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &proc{name: name, cmd: cmd, in: in, errs: &tailBuffer{max: 8 << 10},
		pending: map[int64]chan reply{}, dead: make(chan struct{})}
	cmd.Stderr = p.errs
	if serverStderr != nil {
		cmd.Stderr = io.MultiWriter(p.errs, serverStderr)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: start %s: %w", name, bin, err)
	}
	go p.read(bufio.NewReaderSize(out, 1<<20))
	return p, nil
}

// read dispatches response lines to their callers by id.
func (p *proc) read(r *bufio.Reader) {
	defer close(p.dead)
	for {
		line, err := r.ReadBytes('\n')
		at := time.Now()
		if err != nil {
			p.mu.Lock()
			p.readErr = err
			p.mu.Unlock()
			return
		}
		id, ok := responseID(line)
		if !ok {
			continue // a notification or a request from the server: not ours
		}
		p.mu.Lock()
		ch := p.pending[id]
		delete(p.pending, id)
		p.mu.Unlock()
		if ch != nil {
			ch <- reply{line: line, at: at}
		}
	}
}

// responseID finds the id of a response cheaply: mcp-go writes
// {"jsonrpc":"2.0","id":N,...}, so the id is near the start even when the
// result is 100 MB. Anything else is parsed in full.
func responseID(line []byte) (int64, bool) {
	head := line[:min(len(line), 128)]
	if i := bytes.Index(head, []byte(`"id":`)); i >= 0 {
		rest := head[i+5:]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j > 0 && j < len(rest) && (rest[j] == ',' || rest[j] == '}') {
			n, err := strconv.ParseInt(string(rest[:j]), 10, 64)
			return n, err == nil
		}
	}
	var m struct {
		ID     *int64          `json:"id"`
		Method string          `json:"method"`
		Result json.RawMessage `json:"result"`
	}
	if json.Unmarshal(line, &m) != nil || m.ID == nil || m.Method != "" {
		return 0, false
	}
	return *m.ID, true
}

// send writes one JSON-RPC message.
func (p *proc) send(msg any) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_, err = p.in.Write(b)
	return err
}

// call sends a request and waits for its response. The latency runs from
// just before the request is written to the arrival of the response's last
// byte.
func (p *proc) call(ctx context.Context, method string, params any) ([]byte, time.Duration, error) {
	r, start, err := p.exchange(ctx, method, params)
	if err != nil {
		return nil, 0, err
	}
	return r.line, r.at.Sub(start), nil
}

// exchange sends a request and returns its response and when the request
// was sent.
func (p *proc) exchange(ctx context.Context, method string, params any) (reply, time.Time, error) {
	id := p.nextID.Add(1)
	ch := make(chan reply, 1)
	p.mu.Lock()
	p.pending[id] = ch
	p.mu.Unlock()
	start := time.Now()
	if err := p.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		return reply{}, start, p.failure(method, err)
	}
	select {
	case r := <-ch:
		return r, start, nil
	case <-p.dead:
		return reply{}, start, p.failure(method, errors.New("the server closed stdout"))
	case <-ctx.Done():
		return reply{}, start, p.failure(method, ctx.Err())
	}
}

// failure describes a failed exchange with the end of the server's stderr.
func (p *proc) failure(method string, err error) error {
	tail := strings.TrimSpace(p.errs.String())
	if tail != "" {
		return fmt.Errorf("%s: %s: %w; its stderr ends with:\n%s", p.name, method, err, tail)
	}
	return fmt.Errorf("%s: %s: %w", p.name, method, err)
}

// handshake runs initialize, the initialized notification and tools/list,
// and returns the tools/list response.
func (p *proc) handshake(ctx context.Context) ([]byte, error) {
	if _, _, err := p.initialize(ctx); err != nil {
		return nil, err
	}
	return p.listTools(ctx)
}

// initialize sends initialize and returns its answer's time of arrival.
func (p *proc) initialize(ctx context.Context) ([]byte, time.Time, error) {
	r, _, err := p.exchange(ctx, "initialize", map[string]any{
		"protocolVersion": protocolVersion,
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "stammer-mcp-bench", "version": "0"},
	})
	if err != nil {
		return nil, r.at, err
	}
	if err := rpcError(r.line); err != nil {
		return nil, r.at, p.failure("initialize", err)
	}
	return r.line, r.at, nil
}

// listTools sends the initialized notification and tools/list.
func (p *proc) listTools(ctx context.Context) ([]byte, error) {
	if err := p.send(map[string]any{"jsonrpc": "2.0", "method": "notifications/initialized"}); err != nil {
		return nil, p.failure("notifications/initialized", err)
	}
	line, _, err := p.call(ctx, "tools/list", map[string]any{})
	if err != nil {
		return nil, err
	}
	if err := rpcError(line); err != nil {
		return nil, p.failure("tools/list", err)
	}
	return line, nil
}

// callTool calls a tool with raw JSON arguments and returns the response
// line and its latency. A protocol error or a tool error is an error: the
// bench only measures calls that worked.
func (p *proc) callTool(ctx context.Context, tool, args string) ([]byte, time.Duration, error) {
	line, d, err := p.call(ctx, "tools/call", map[string]any{"name": tool, "arguments": json.RawMessage(args)})
	if err != nil {
		return nil, 0, err
	}
	if err := toolError(line); err != nil {
		return nil, 0, p.failure("tools/call "+tool+" "+args, err)
	}
	return line, d, nil
}

// rpcError reports a JSON-RPC error response. It looks at the head of the
// line only, where mcp-go puts "error".
func rpcError(line []byte) error {
	head := line[:min(len(line), 64)]
	if !bytes.Contains(head, []byte(`"error":`)) {
		return nil
	}
	var m struct {
		Error *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(line, &m); err != nil {
		return fmt.Errorf("unreadable response: %w", err)
	}
	if m.Error != nil {
		return fmt.Errorf("JSON-RPC error %d: %s", m.Error.Code, m.Error.Message)
	}
	return nil
}

// toolError reports a JSON-RPC error or a tool result with isError set.
// mcp-go marshals a result's keys in order (content, isError,
// structuredContent), so isError is looked for in the whole line only when
// the cheap checks cannot rule it out.
func toolError(line []byte) error {
	if err := rpcError(line); err != nil {
		return err
	}
	if !bytes.Contains(line, []byte(`"isError":true`)) {
		return nil
	}
	out, err := parseOutput(line)
	if err != nil {
		return err
	}
	if out.isError {
		return fmt.Errorf("tool error: %s", clip(out.text, 300))
	}
	return nil
}

// output is what a tool call put in front of the model.
type output struct {
	isError    bool
	text       string
	structured json.RawMessage
	wire       int // bytes of the whole JSON-RPC line
}

// bytes is the size of the text plus the structured content's JSON.
func (o output) bytes() int { return len(o.text) + len(o.structured) }

// tokens counts tokens as the server's budget does: the calibrated o200k
// estimate of the text plus the structured content's JSON.
func (o output) tokens() int { return tools.EstimateTokens(o.text, string(o.structured)) }

// parseOutput parses a tools/call response line (off the clock).
func parseOutput(line []byte) (output, error) {
	var m struct {
		Result *struct {
			Content []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"content"`
			StructuredContent json.RawMessage `json:"structuredContent"`
			IsError           bool            `json:"isError"`
		} `json:"result"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(line, &m); err != nil {
		return output{}, fmt.Errorf("unreadable tools/call response: %w", err)
	}
	if m.Error != nil {
		return output{}, fmt.Errorf("JSON-RPC error: %s", m.Error.Message)
	}
	if m.Result == nil {
		return output{}, errors.New("tools/call response without a result")
	}
	var texts []string
	for _, c := range m.Result.Content {
		if c.Type == "text" {
			texts = append(texts, c.Text)
		}
	}
	o := output{isError: m.Result.IsError, text: strings.Join(texts, "\n"), wire: len(line)}
	if len(m.Result.StructuredContent) > 0 && string(m.Result.StructuredContent) != "null" {
		var compact bytes.Buffer
		if err := json.Compact(&compact, m.Result.StructuredContent); err != nil {
			return output{}, err
		}
		o.structured = compact.Bytes()
	}
	return o, nil
}

// settle waits until the process is idle: until its CPU time grows by less
// than idleGrowth in quietWindows windows of idleWindow in a row, or for at
// most maxSettle. A call sent at once after an answer pays for whatever the
// previous call left running (its garbage collection, chiefly); a model
// takes far longer to send its next call, so the cached calls are measured
// on a settled server. It returns about how long it waited.
func (p *proc) settle(ctx context.Context) time.Duration {
	return settleOn(ctx, p.cpuTime, time.Sleep)
}

// settled is a step that waits for the server to go idle (proc.settle).
func settled(ctx context.Context, p *proc) error {
	p.settle(ctx)
	return nil
}

const (
	idleWindow   = 2 * time.Millisecond
	idleGrowth   = 100 * time.Microsecond
	quietWindows = 2
	maxSettle    = 500 * time.Millisecond
)

// settleOn is settle's rule, on any CPU clock and sleep (for the tests).
func settleOn(ctx context.Context, cpu func() time.Duration, sleep func(time.Duration)) time.Duration {
	var waited time.Duration
	last, quiet := cpu(), 0
	for waited < maxSettle && ctx.Err() == nil {
		sleep(idleWindow)
		waited += idleWindow
		now := cpu()
		if now-last < idleGrowth {
			if quiet++; quiet == quietWindows {
				break
			}
		} else {
			quiet = 0
		}
		last = now
	}
	return waited
}

// peakRSS reads the process's peak resident set size (VmHWM) in bytes.
func (p *proc) peakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("%s: reading VmHWM: %w", p.name, err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				if err == nil {
					return kb << 10, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("%s: no VmHWM in /proc/%d/status", p.name, p.cmd.Process.Pid)
}

// stop ends the process: stdin closed (an MCP stdio server exits on EOF),
// then SIGKILL if it is still there after a second.
func (p *proc) stop() {
	p.in.Close()
	done := make(chan struct{})
	go func() {
		p.cmd.Wait() //nolint:errcheck // exit status of a killed process is expected
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		p.cmd.Process.Signal(syscall.SIGKILL) //nolint:errcheck // it may just have exited
		<-done
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// clip cuts s to n bytes (at a rune boundary) with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// get GETs url to io.Discard and returns the body's size and the time to
// its last byte.
func get(ctx context.Context, hc *http.Client, url string) (int64, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Token "+stammertest.DefaultToken)
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	d := time.Since(start)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return n, d, nil
}
