package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// handshake is what every MCP client sends first: initialize, the
// initialized notification and tools/list.
const handshake = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}
`

// BenchmarkStartup is a stdio server's start after the runtime's: run reads
// the settings, builds the client and the tools, answers the handshake and
// stops at the end of stdin. It is what a warm process repeats of a start:
// package initialisation and first-use costs run once per process, and
// the cold figure is go run ./bench's.
func BenchmarkStartup(b *testing.B) {
	env := map[string]string{"STAMMER_BASE_URL": "http://127.0.0.1:1", "STAMMER_API_TOKEN": "stt_bench_token_0123456789abcdef"}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if code := run(context.Background(), nil, strings.NewReader(handshake), &out, &out, getenv); code != 0 {
			b.Fatalf("run exited %d:\n%s", code, out.String())
		}
	}
	if !strings.Contains(out.String(), `"id":2,"result":{"tools":[`) {
		b.Fatalf("no tools/list answer in:\n%.2000s", out.String())
	}
}

// TestServerLinksNoClient holds the binary to leaving out mcp-go's client:
// `call` drives the stdio server over pipes instead (call.go). Every linked
// package is initialised and mapped at every start, stdio or not, so the
// server links no client and transports for one subcommand.
func TestServerLinksNoClient(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for dep := range strings.Lines(string(out)) {
		if strings.HasPrefix(dep, "github.com/mark3labs/mcp-go/client") {
			t.Errorf("the server links %s", strings.TrimSpace(dep))
		}
	}
}

// TestSignalContext: the context main runs with ends at SIGTERM, once
// awaitSignals says the handlers are in place (the process survives the
// signal: it is caught).
func TestSignalContext(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a process cannot send itself SIGTERM on Windows")
	}
	ctx := signalContext()
	// The rest of the test binary gets the default handling back.
	t.Cleanup(func() { signal.Reset(os.Interrupt, syscall.SIGTERM) })
	awaitSignals(ctx)
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if err := self.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the context did not end within 10 s of SIGTERM")
	}
	awaitSignals(t.Context()) // any other context: returns at once
}

// ownInitBudget bounds what stammer-mcp's own packages allocate during
// package initialisation. Every start pays it, stdio or HTTP, demo or not;
// the work that used to run there (the fake API's fixtures and padding,
// the schema reflector's hooks) now runs on first use or in tests, and
// this keeps it there. Today the total is about 4.3 KB in 47 allocations.
const ownInitBudget = 8 << 10

// TestPackageInitStaysSmall reads the runtime's own account of package
// initialisation (GODEBUG=inittrace=1) from a real start of the binary and
// holds stammer-mcp's packages to ownInitBudget. Allocation figures are
// exact, unlike times, so the test is not a timing test: the cold-start
// ratio itself is go run ./bench's.
func TestPackageInitStaysSmall(t *testing.T) {
	cmd := exec.Command(binary)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "GODEBUG=inittrace=1",
		"STAMMER_BASE_URL=http://127.0.0.1:1", "STAMMER_API_TOKEN=stt_init_trace_0123456789abcdef"}
	cmd.Stdin = strings.NewReader(handshake)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("stammer-mcp: %v\n%s", err, stderr.String())
	}
	if !bytes.Contains(out, []byte(`"id":2,"result":{"tools":[`)) {
		t.Fatalf("no tools/list answer; stderr:\n%s", stderr.String())
	}
	const module = "github.com/stammer-mcp/stammer-mcp"
	var traced, total int
	var ours []string
	for line := range strings.Lines(stderr.String()) {
		// init PKG @T ms, C ms clock, B bytes, A allocs
		var pkg string
		var at, clock float64
		var size, allocs int
		if _, err := fmt.Sscanf(line, "init %s @%f ms, %f ms clock, %d bytes, %d allocs", &pkg, &at, &clock, &size, &allocs); err != nil {
			continue
		}
		traced++
		if pkg == "main" || pkg == module || strings.HasPrefix(pkg, module+"/") {
			total += size
			ours = append(ours, fmt.Sprintf("%s: %d bytes in %d allocations", pkg, size, allocs))
		}
	}
	// net/http, crypto/tls and mcp-go's dependencies initialise in every
	// start: a trace without them was not read.
	if traced < 50 {
		t.Fatalf("read %d package initialisations from the trace; stderr:\n%s", traced, stderr.String())
	}
	if total > ownInitBudget {
		t.Errorf("stammer-mcp's packages allocate %d bytes at initialisation, over %d: build what the start does not need on first use (sync.OnceValue), as the fixtures and the lexicon are.\n%s",
			total, ownInitBudget, strings.Join(ours, "\n"))
	}
}
