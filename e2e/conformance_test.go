package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// conformancePackage is the official MCP conformance suite, pinned in
// package.json (0.1.13 is the newest release that runs on Node.js 20: later
// ones call fs.globSync, which Node added in 22).
const conformancePackage = "@modelcontextprotocol/conformance"

// conformanceTimeout bounds one run of every server scenario (about 3 s on
// a laptop).
const conformanceTimeout = 2 * time.Minute

// conformanceScenarios is every server scenario of the pinned suite, in its
// order, each with why it cannot apply to stammer-mcp, or "" when it does.
// Most scenarios call tools, resources and prompts that only the suite's
// reference server implements (test_simple_text, test://static-text, …), or
// optional capabilities this server does not declare. docs/conformance.md
// explains the same list; TestConformance fails when the suite's list and
// this one disagree, so a new scenario in a newer suite gets classified.
var conformanceScenarios = []struct{ name, notApplicable string }{
	{"server-initialize", ""},
	{"logging-set-level", "needs the optional logging capability, which the server does not declare (its logs go to stderr)"},
	{"ping", ""},
	{"completion-complete", "needs the optional completions capability, which the server does not declare, and asks about the suite's prompt test_prompt_with_arguments"},
	{"tools-list", ""},
	{"tools-call-simple-text", "calls the suite's tool test_simple_text"},
	{"tools-call-image", "calls the suite's tool test_image_content"},
	{"tools-call-audio", "calls the suite's tool test_audio_content"},
	{"tools-call-embedded-resource", "calls the suite's tool test_embedded_resource"},
	{"tools-call-mixed-content", "calls the suite's tool test_multiple_content_types"},
	{"tools-call-with-logging", "needs the logging capability and calls the suite's tool test_tool_with_logging"},
	{"tools-call-error", "calls the suite's tool test_error_handling"},
	{"tools-call-with-progress", "calls the suite's tool test_tool_with_progress"},
	{"tools-call-sampling", "calls the suite's tool test_sampling (the server never asks the client for sampling)"},
	{"tools-call-elicitation", "calls the suite's tool test_elicitation (the server never elicits)"},
	{"json-schema-2020-12", "inspects the suite's tool json_schema_2020_12_tool"},
	{"elicitation-sep1034-defaults", "calls the suite's tool test_elicitation_sep1034_defaults"},
	{"server-sse-polling", "needs a session (Mcp-Session-Id) and the suite's tool test_reconnection; the transport is stateless and answers each POST with one JSON response, so there is no SSE stream to resume"},
	{"server-sse-multiple-streams", "needs a session (Mcp-Session-Id); the transport is stateless and issues none, so the scenario stops after initialize"},
	{"elicitation-sep1330-enums", "calls the suite's tool test_elicitation_sep1330_enums"},
	{"resources-list", ""},
	{"resources-read-text", "reads the suite's resource test://static-text"},
	{"resources-read-binary", "reads the suite's resource test://static-binary"},
	{"resources-templates-read", "reads the suite's template test://template/{id}/data"},
	{"resources-subscribe", "needs the optional resources.subscribe capability, which the server does not declare, and the suite's test://watched-resource"},
	{"resources-unsubscribe", "needs the optional resources.subscribe capability, which the server does not declare, and the suite's test://watched-resource"},
	{"prompts-list", ""},
	{"prompts-get-simple", "gets the suite's prompt test_simple_prompt"},
	{"prompts-get-with-args", "gets the suite's prompt test_prompt_with_arguments"},
	{"prompts-get-embedded-resource", "gets the suite's prompt test_prompt_with_embedded_resource"},
	{"prompts-get-with-image", "gets the suite's prompt test_prompt_with_image"},
	{"dns-rebinding-protection", ""},
}

// TestConformance runs the official MCP conformance suite's server
// scenarios against the binary serving Streamable HTTP on a loopback port.
// Every scenario runs (one invocation of the suite, --suite all, pending
// ones included); the ones that apply must pass with no failed check, and
// the others are logged with the reason they cannot apply. A scenario
// marked not applicable that starts passing fails the test too, so that it
// is moved to the applicable ones.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: skipped with -short (it builds stammer-mcp and runs the MCP conformance suite against it)")
	}
	node, npm := requireNode(t)
	bin := buildServer(t)
	npmCI(t, npm)
	cli, version := conformanceCLI(t)
	t.Logf("%s %s", conformancePackage, version)
	checkScenarioList(t, node, cli)
	checkConformanceDoc(t, version)

	// Without authentication (loopback), and through a proxy that adds the
	// credentials the suite's client cannot send: the static token, and an
	// OAuth access token from a real OpenID provider (with the static
	// token enabled too, so both modes serve at once).
	t.Run("no auth", func(t *testing.T) {
		url, stop := startHTTPServer(t, bin, nil)
		runConformance(t, node, cli, url, stop)
	})
	t.Run("static token", func(t *testing.T) {
		const token = "conformance-static-token-0123456789"
		url, stop := startHTTPServer(t, bin, func(string) []string { return []string{"MCP_HTTP_TOKEN=" + token} })
		runConformance(t, node, cli, authProxy(t, url, token), stop)
	})
	t.Run("OAuth", func(t *testing.T) {
		provider := buildProvider(t)
		var issuer, resource string
		url, stop := startHTTPServer(t, bin, func(addr string) []string {
			resource = "http://" + addr + "/mcp"
			issuer = startProvider(t, provider, resource)
			return []string{"MCP_HTTP_TOKEN=conformance-static-token-0123456789",
				"MCP_OAUTH_ISSUER=" + issuer, "MCP_OAUTH_RESOURCE=" + resource}
		})
		runConformance(t, node, cli, authProxy(t, url, oauthToken(t, issuer, resource)), stop)
	})
}

// runConformance runs every server scenario of the suite against url and
// checks the results against conformanceScenarios; stopServer stops the
// server under test and returns its stderr.
func runConformance(t *testing.T, node, cli, url string, stopServer func() string) {
	t.Helper()
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), conformanceTimeout)
	defer cancel()
	var log bytes.Buffer
	cmd := exec.CommandContext(ctx, node, cli, "server", "--url", url, "--suite", "all", "-o", out)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start).Round(time.Millisecond)
	// The suite exits 1 when any check failed, which the scenarios that do
	// not apply always do; anything else (a crash, the deadline) is fatal.
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("conformance server after %s: %v\n%s", took, err, log.String())
	}
	t.Logf("conformance server --suite all took %s", took)
	serverStderr := stopServer()

	results := readConformanceResults(t, out)
	var table strings.Builder
	failed := false
	for _, sc := range conformanceScenarios {
		r, ok := results[sc.name]
		switch {
		case sc.notApplicable == "" && !ok:
			failed = true
			t.Errorf("%s: the suite saved no results for it (its output is below)", sc.name)
		case sc.notApplicable == "" && (r.failures > 0 || r.successes == 0):
			failed = true
			t.Errorf("%s applies and FAILED: %s\n%s", sc.name, r.summary(), r.failureDetails())
		case sc.notApplicable != "" && ok && r.failures == 0 && r.successes > 0:
			failed = true
			t.Errorf("%s passes (%s) but is listed as not applicable (%s): it applies now; "+
				"mark it so in conformanceScenarios and docs/conformance.md", sc.name, r.summary(), sc.notApplicable)
		}
		verdict := "runs"
		if sc.notApplicable != "" {
			verdict = "not applicable: " + sc.notApplicable
		}
		if sc.notApplicable != "" && len(r.failed) > 0 {
			verdict += " [" + r.failed[0].ErrorMessage + "]"
		}
		fmt.Fprintf(&table, "  %-30s %-32s %s\n", sc.name, r.summary(), verdict)
	}
	t.Logf("scenario, result, verdict:\n%s", table.String())
	if failed {
		t.Logf("conformance output:\n%s", log.String())
		t.Logf("server stderr:\n%s", serverStderr)
	}
	for _, bad := range []string{"WARNING: DATA RACE", "panic:"} {
		if strings.Contains(serverStderr, bad) {
			t.Errorf("the server's stderr has %q:\n%s", bad, serverStderr)
		}
	}
}

// conformanceCLI is the suite's command-line entry point, from its
// package.json, and the installed version.
func conformanceCLI(t *testing.T) (cli, version string) {
	t.Helper()
	dir := filepath.Join("node_modules", filepath.FromSlash(conformancePackage))
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		t.Fatalf("%v (is %s in package.json's devDependencies?)", err, conformancePackage)
	}
	var pkg struct {
		Version string            `json:"version"`
		Bin     map[string]string `json:"bin"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.Bin["conformance"] == "" {
		t.Fatalf("%s %s has no \"conformance\" bin", conformancePackage, pkg.Version)
	}
	cli, err = filepath.Abs(filepath.Join(dir, filepath.FromSlash(pkg.Bin["conformance"])))
	if err != nil {
		t.Fatal(err)
	}
	return cli, pkg.Version
}

// checkScenarioList fails unless conformanceScenarios names exactly the
// server scenarios that the installed suite lists, in its order.
func checkScenarioList(t *testing.T, node, cli string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, cli, "list", "--server")
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("conformance list --server: %v\n%s", err, out)
	}
	var listed []string
	for line := range strings.Lines(string(out)) {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "- "); ok {
			listed = append(listed, name)
		}
	}
	var ours []string
	for _, sc := range conformanceScenarios {
		ours = append(ours, sc.name)
	}
	if !slices.Equal(listed, ours) {
		t.Fatalf("the suite's server scenarios differ from conformanceScenarios; classify each (and update docs/conformance.md)\n"+
			"suite: %q\nours:  %q", listed, ours)
	}
}

// checkConformanceDoc fails unless docs/conformance.md names the suite's
// version and every scenario.
func checkConformanceDoc(t *testing.T, version string) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "docs", "conformance.md"))
	if err != nil {
		t.Error(err)
		return
	}
	if !bytes.Contains(doc, []byte(conformancePackage+"@"+version)) {
		t.Errorf("docs/conformance.md does not name %s@%s", conformancePackage, version)
	}
	for _, sc := range conformanceScenarios {
		if !bytes.Contains(doc, []byte("`"+sc.name+"`")) {
			t.Errorf("docs/conformance.md does not account for the scenario `%s`", sc.name)
		}
	}
}

// startHTTPServer starts the binary with --demo --transport http on a free
// loopback port, with the environment envFor gives for that address (none
// when nil: the suite's client cannot send credentials, and loopback allows
// none), and waits for /healthz. stop sends SIGTERM,
// waits, and returns the server's stderr.
func startHTTPServer(t *testing.T, bin string, envFor func(addr string) []string) (url string, stop func() string) {
	t.Helper()
	var lastErr error
	// A port found free can be taken before the server binds it; try again
	// on another then.
	for range 3 {
		addr, err := freeLoopbackAddr()
		if err != nil {
			t.Fatal(err)
		}
		stderr := &syncBuffer{}
		cmd := exec.Command(bin, "--demo", "--transport", "http", "--listen", addr)
		cmd.Env = serverEnv()
		if envFor != nil {
			cmd.Env = append(cmd.Env, envFor(addr)...)
		}
		cmd.Stdout, cmd.Stderr = stderr, stderr
		cmd.WaitDelay = 5 * time.Second
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		stop := func() string {
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				cmd.Process.Kill()
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("the server exited with %v after SIGTERM", err)
				}
			case <-time.After(15 * time.Second):
				cmd.Process.Kill()
				t.Errorf("the server did not stop within 15 s of SIGTERM")
			}
			return stderr.String()
		}
		if err := waitHealthy("http://"+addr+"/healthz", exited); err != nil {
			lastErr = fmt.Errorf("%v\nserver stderr:\n%s", err, stderr.String())
			cmd.Process.Kill()
			continue
		}
		var once sync.Once
		var out string
		stopOnce := func() string { once.Do(func() { out = stop() }); return out }
		t.Cleanup(func() { stopOnce() })
		return "http://" + addr + "/mcp", stopOnce
	}
	t.Fatalf("the HTTP server did not come up: %v", lastErr)
	return "", nil
}

// serverEnv is this process's environment without the developer's own
// stammer-mcp settings (STAMMER_*, LOG_LEVEL, MCP_*), so the server under
// test runs with its defaults.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "STAMMER_") || strings.HasPrefix(name, "MCP_") || name == "LOG_LEVEL" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitHealthy polls /healthz until it answers ok, the process exits, or
// 20 s pass.
func waitHealthy(url string, exited <-chan error) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("the server exited before answering /healthz: %v", err)
		default:
		}
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("no ok from " + url + " within 20 s")
}

// scenarioResult counts one scenario's checks by status.
type scenarioResult struct {
	successes, failures, warnings int
	failed                        []conformanceCheck
}

type conformanceCheck struct {
	ID           string          `json:"id"`
	Status       string          `json:"status"`
	ErrorMessage string          `json:"errorMessage"`
	Details      json.RawMessage `json:"details"`
}

func (r scenarioResult) summary() string {
	if r.successes+r.failures+r.warnings == 0 {
		return "no checks"
	}
	s := strconv.Itoa(r.successes) + " passed, " + strconv.Itoa(r.failures) + " failed"
	if r.warnings > 0 {
		s += ", " + strconv.Itoa(r.warnings) + " warning(s)"
	}
	return s
}

func (r scenarioResult) failureDetails() string {
	var b strings.Builder
	for _, c := range r.failed {
		details := string(c.Details)
		if len(details) > 2000 {
			details = details[:2000] + "…"
		}
		fmt.Fprintf(&b, "  - %s: %s\n    details: %s\n", c.ID, c.ErrorMessage, details)
	}
	return b.String()
}

// resultDirName is how the suite names a scenario's results directory:
// server-<scenario>-<ISO timestamp with - for : and .>.
var resultDirName = regexp.MustCompile(`^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$`)

// readConformanceResults reads every scenario's checks.json under dir.
func readConformanceResults(t *testing.T, dir string) map[string]scenarioResult {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]scenarioResult{}
	for _, e := range entries {
		m := resultDirName.FindStringSubmatch(e.Name())
		if m == nil || !e.IsDir() {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name(), "checks.json"))
		if err != nil {
			t.Errorf("%s: %v", m[1], err)
			continue
		}
		var checks []conformanceCheck
		if err := json.Unmarshal(raw, &checks); err != nil {
			t.Errorf("%s: checks.json: %v", m[1], err)
			continue
		}
		var r scenarioResult
		for _, c := range checks {
			switch c.Status {
			case "SUCCESS":
				r.successes++
			case "FAILURE":
				r.failures++
				r.failed = append(r.failed, c)
			case "WARNING":
				r.warnings++
			}
		}
		results[m[1]] = r
	}
	return results
}

// syncBuffer is a bytes.Buffer safe for the writes of a child process's
// copying goroutine and a concurrent String.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
