package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// minNodeMajor is the oldest Node.js the pinned npm packages support.
const minNodeMajor = 20

// Step deadlines. The Node suite itself takes a few seconds; npm ci on a
// fresh machine mostly waits for the network.
const (
	buildTimeout = 3 * time.Minute
	npmCITimeout = 5 * time.Minute
	nodeTimeout  = 3 * time.Minute
)

// nodeTestFiles are the suites node --test runs (the same as npm test).
var nodeTestFiles = []string{"sdk.test.mjs", "inspector.test.mjs"}

// TestMCPClients runs the Node.js end-to-end suite (see the package
// comment) against a freshly built server.
func TestMCPClients(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: skipped with -short (it builds stammer-mcp and runs third-party Node.js MCP clients against it)")
	}
	node, npm := requireNode(t)

	bin := buildServer(t)
	npmCI(t, npm)

	ctx, cancel := context.WithTimeout(t.Context(), nodeTimeout)
	defer cancel()
	args := append([]string{"--test", "--test-reporter=spec"}, nodeTestFiles...)
	cmd := command(ctx, t, node, args...)
	cmd.Env = append(os.Environ(), "STAMMER_MCP_BIN="+bin, "NO_COLOR=1")
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("node --test failed after %s: %v (its output is above)", time.Since(start).Round(time.Millisecond), err)
	}
	t.Logf("node --test passed in %s", time.Since(start).Round(time.Millisecond))
}

// requireNode finds node (at least minNodeMajor) and npm, or skips the test
// saying how to get them; on CI (CI=true) their absence is a failure, so
// that a CI image without Node cannot pass by skipping.
func requireNode(t *testing.T) (node, npm string) {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...) +
			fmt.Sprintf("; the end-to-end tests need Node.js %d or newer with npm on PATH"+
				": https://nodejs.org/en/download (Debian 12's own nodejs package is 18, too old)", minNodeMajor)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " — CI=true, so this is a failure, not a skip")
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node not found")
	}
	npm, err = exec.LookPath("npm")
	if err != nil {
		missing("npm not found")
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		missing("%s --version: %v", node, err)
	}
	v := strings.TrimSpace(string(out))
	major, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(v, "v"), ".", 2)[0])
	if err != nil || major < minNodeMajor {
		missing("%s is Node.js %s", node, v)
	}
	return node, npm
}

// The server is built once per test binary, on first use, and shared by
// every test of the package (the SDK suite, the conformance suite): with
// -race a build takes a while, and every test wants the same binary.
var built struct {
	once sync.Once
	dir  string // removed by TestMain
	bin  string
	took time.Duration
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildServer returns the server built into a temporary directory, with the
// race detector when this test runs with it, so the server's own
// concurrency is checked under real clients too (the Node tests fail on a
// race report in the server's stderr).
func buildServer(t *testing.T) string {
	t.Helper()
	built.once.Do(func() { built.bin, built.took, built.err = build() })
	if built.err != nil {
		t.Fatal(built.err)
	}
	t.Logf("server binary %s (race=%v, built in %s)", built.bin, raceEnabled, built.took.Round(time.Millisecond))
	return built.bin
}

func build() (string, time.Duration, error) {
	// go test puts its own GOROOT/bin first on the test's PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", 0, err
	}
	built.dir, err = os.MkdirTemp("", "stammer-mcp-e2e-")
	if err != nil {
		return "", 0, err
	}
	bin := filepath.Join(built.dir, "stammer-mcp")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	args := []string{"build"}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, "-o", bin, "github.com/stammer-mcp/stammer-mcp")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, args...)
	cmd.Dir = ".." // the module root
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", 0, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin, time.Since(start), nil
}

// npmCI installs the pinned clients unless node_modules already holds this
// package-lock.json's install (npm ci writes node_modules/.package-lock.json
// last), so reruns cost nothing.
func npmCI(t *testing.T, npm string) {
	t.Helper()
	lock, err := os.Stat("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	installed, err := os.Stat(filepath.Join("node_modules", ".package-lock.json"))
	switch {
	case err == nil && !installed.ModTime().Before(lock.ModTime()):
		t.Log("node_modules is up to date with package-lock.json; not running npm ci")
		return
	case err != nil && !errors.Is(err, os.ErrNotExist):
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), npmCITimeout)
	defer cancel()
	cmd := command(ctx, t, npm, "ci", "--no-audit", "--no-fund")
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("npm ci: %v (its output is above)", err)
	}
	t.Logf("npm ci took %s", time.Since(start).Round(time.Millisecond))
}

// command prepares a child process whose output goes to the test log:
// streamed with -v, shown on failure otherwise. The context kills it; its
// pipes are abandoned shortly after, in case it left children holding them.
func command(ctx context.Context, t *testing.T, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout = t.Output()
	cmd.Stderr = cmd.Stdout
	cmd.WaitDelay = 10 * time.Second
	return cmd
}
