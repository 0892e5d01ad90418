// Command stammer-mcp is an MCP server that lets an AI assistant read the
// conversations of AI agents (chatbots) run on Stammer.ai and its
// white-label domains.
//
// Usage:
//
//	stammer-mcp                       serve MCP over stdio (the normal mode)
//	stammer-mcp --demo                serve the built-in demo data, no token needed
//	stammer-mcp call TOOL [JSON]      run one tool call and print the result
//	stammer-mcp doctor [--shape]      check the setup; --shape describes one answer
//	stammer-mcp --version
//
// Configuration comes from the environment (STAMMER_API_TOKEN,
// STAMMER_BASE_URL, STAMMER_TIMEOUT, STAMMER_MAX_RETRIES,
// STAMMER_MAX_BODY_BYTES, LOG_LEVEL) and flags; see config.go.
// stdout carries JSON-RPC only: every log line goes to stderr.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/stammer-mcp/stammer-mcp/mcphttp"
	"github.com/stammer-mcp/stammer-mcp/policy"
	"github.com/stammer-mcp/stammer-mcp/sharedcache"
	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
	"github.com/stammer-mcp/stammer-mcp/tools"
)

func main() {
	code := run(signalContext(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	os.Exit(code)
}

// signalContext returns a context that ends at the first SIGINT or
// SIGTERM, with the handlers installed on a goroutine of their own: the
// first signal.Notify waits for the runtime to start the thread that
// receives signals (0.15-0.2 ms on a 2-core virtual machine), and the
// start goes on meanwhile: about a point of cold start against a bare
// server (docs/benchmarks.md, sixth pass).
// Later signals are ignored, so the drain is not cut short. Before the
// handlers are in place a signal ends the process as it would any
// program; awaitSignals holds the servers back until they are.
func signalContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	installed := make(chan struct{})
	go func() {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
		close(installed)
		<-sigs
		cancel()
	}()
	return context.WithValue(ctx, signalsKey{}, installed)
}

type signalsKey struct{}

// awaitSignals returns once the signal handlers of ctx (signalContext)
// are installed, at once for any other context: a client that has an
// answer from the server can count on SIGTERM draining it. By the time
// the server is built they are, so this costs the start nothing.
func awaitSignals(ctx context.Context) {
	if installed, ok := ctx.Value(signalsKey{}).(chan struct{}); ok {
		<-installed
	}
}

// run is main without the process: testable, and every exit path returns a
// code instead of calling os.Exit past deferred cleanup.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, errHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "stammer-mcp: %v\n", err)
		return 2
	}
	if cfg.showVersion {
		fmt.Fprintln(stdout, versionLine())
		return 0
	}
	logger := newLogger(stderr, cfg.logLevel, cfg.token, cfg.httpCfg.Token, urlPassword(cfg.cacheURL))
	for _, p := range cfg.problems {
		logger.Error("invalid setting: every tool call will explain it until it is fixed", "problem", p)
	}

	ver := version() // read once: each call parses the build info
	clientCfg := stammer.Config{
		BaseURL:      cfg.baseURL,
		Token:        cfg.token,
		Timeout:      cfg.timeout,
		MaxBodyBytes: cfg.maxBody,
		MaxRetries:   cfg.maxRetries,
		UserAgent:    "stammer-mcp/" + ver,
		Logger:       logger,
		// Process-wide: one client serves every call.
		MaxConcurrent:    cfg.maxConcurrent,
		MaxInFlightBytes: cfg.inFlight,
	}
	if limit := cfg.memoryLimit(getenv); limit > 0 && cfg.call == nil {
		// A soft limit makes the collector work harder as the heap nears
		// it, so a burst of large answers does not grow the process far
		// past what it holds.
		debug.SetMemoryLimit(limit)
	}
	clientCfg.HTTPClient = withFallbackRoots(clientCfg.HTTPClient)
	if cfg.transport == "http" || cfg.cacheURL != "" {
		fallbackRoots() // OAuth keys and a TLS shared cache verify certificates too
	}
	if logger.Enabled(ctx, slog.LevelDebug) {
		clientCfg.HTTPClient = logFirstShape(clientCfg.HTTPClient, logger)
	}
	var now func() time.Time
	var demoNote string
	if cfg.demo {
		demoNote = demoInstructions()
		fake := stammertest.New()
		defer fake.Close()
		clientCfg.BaseURL, clientCfg.Token = fake.URL, stammertest.DefaultToken
		// The demo's data is fixed in time, so its clock is too: "the last
		// 90 days" and the prompt's periods cover it whatever today is.
		today := demoToday() // parsed once, not at every call
		now = func() time.Time { return today }
		if cfg.chatbots == nil {
			cfg.chatbots = demoNames()
		}
		logger.Info("demo mode: serving built-in fictional conversations", "base_url", fake.URL)
	}
	if cfg.doctor {
		return doctor(ctx, clientCfg, stdout, cfg.shape, cfg.shapeDate)
	}
	// The shared cache needs the client's normalised URL, and the client
	// tells the cache of every Retry-After: the cache is set before any call.
	var shared *sharedcache.Cache
	if cfg.cacheURL != "" {
		clientCfg.RetryAfter = func(d time.Duration) { shared.RateLimited(d) }
	}
	sc, err := stammer.New(clientCfg)
	if err != nil {
		logger.Error("invalid configuration", "error", err)
		fmt.Fprintf(stderr, "stammer-mcp: %v\n", err)
		return 2
	}
	deps := tools.Deps{
		Client: sc, Logger: logger, Timeout: cfg.timeout, Demo: cfg.demo, MaxOutputTokens: cfg.maxTokens,
		FallbackPhrases: cfg.fallbacks, CacheTTL: cfg.cacheTTL, Chatbots: cfg.chatbots, Now: now, DemoNote: demoNote,
		Misconfigured: strings.Join(cfg.problems, "; "),
	}
	if cfg.cacheURL != "" {
		shared, err = sharedcache.New(sharedcache.Config{
			URL: cfg.cacheURL, Upstream: sc.ConversationsURL(), Token: clientCfg.Token,
			TTL: cmp.Or(cfg.cacheTTL, tools.DefaultCacheTTL), MaxBytes: cfg.cacheMax, MaxDecoded: cmp.Or(cfg.maxBody, stammer.DefaultMaxBodyBytes),
			MaxWait: cfg.timeout, Logger: logger,
		})
		if err != nil {
			fmt.Fprintf(stderr, "stammer-mcp: %v\n", err)
			return 2
		}
		defer shared.Close()
		deps.Shared = shared
		logger.Info("sharing answers with other replicas through the shared cache", "server", redactedURL(cfg.cacheURL))
	}
	if !sc.HasToken() {
		logger.Warn("STAMMER_API_TOKEN is not set: every tool call will return an error saying how to set it " +
			"(the env block of this server's entry in the MCP client's config, or --token-file). Use --demo to try the server without a token.")
	}
	if len(cfg.httpOnly) > 0 && cfg.call == nil && !cfg.doctor {
		logger.Warn("these settings apply to --transport http only and are ignored on stdio", "settings", strings.Join(cfg.httpOnly, ", "))
	}
	var pol *policy.Store
	if cfg.policyFile != "" {
		if pol, err = policy.NewStore(cfg.policyFile, logger); err != nil {
			fmt.Fprintf(stderr, "stammer-mcp: MCP_POLICY_FILE: %v\n", err)
			return 2
		}
		go pol.Watch(ctx, 2*time.Second)
	}
	deps.Policy = pol
	srv, err := tools.NewServer("stammer-mcp", ver, deps)
	if err != nil {
		logger.Error("building tools", "error", err)
		return 1
	}

	if cfg.call != nil {
		return callOnce(ctx, srv, *cfg.call, stdout, stderr, logger)
	}
	awaitSignals(ctx)
	if cfg.transport == "http" {
		return serveHTTP(ctx, srv, cfg.httpCfg, cfg.drain, logger)
	}
	logger.Info("serving MCP on stdio", "version", ver, "api", sc.ConversationsURL())
	if err := serveStdio(ctx, srv, stdin, stdout, cfg.drain, logger); err != nil {
		logger.Error("stdio server stopped", "error", err)
		return 1
	}
	return 0
}

// serveHTTP serves Streamable HTTP until ctx ends (SIGINT/SIGTERM), then
// stops accepting requests and lets the calls in flight finish for up to
// drain; those still running then are answered with a tool error saying
// the server is stopping (tools.ErrServerStopping), and the process exits
// 0 once every call has its answer.
func serveHTTP(ctx context.Context, srv *server.MCPServer, c mcphttp.Config, drain time.Duration, logger *slog.Logger) int {
	c.Logger = logger
	hs := mcphttp.NewServer(srv, c)
	// Every request carries stop, so that the end of the drain can stop
	// the calls still running and have them answered.
	stop, stopCalls := context.WithCancel(context.Background())
	defer stopCalls()
	base := tools.WithShutdown(context.Background(), stop)
	hs.BaseContext = func(net.Listener) context.Context { return base }
	errc := make(chan error, 1)
	go func() { errc <- hs.ListenAndServe() }()
	logger.Info("serving MCP over Streamable HTTP", "version", version(), "url", "http://"+c.Listen+"/mcp", "static_token", c.Token != "", "oauth", c.OAuth != nil)
	select {
	case err := <-errc:
		logger.Error("http server stopped", "error", err)
		return 1
	case <-ctx.Done():
	}
	logger.Info("stopping: finishing the calls in flight", "within", drain)
	shutdown, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	err := hs.Shutdown(shutdown)
	if errors.Is(err, context.DeadlineExceeded) {
		logger.Warn("stopping: calls still running after the drain are answered with an error", "drain", drain)
		stopCalls()
		answered, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = hs.Shutdown(answered)
	}
	if err != nil {
		logger.Error("http shutdown", "error", err)
		hs.Close()
		return 1
	}
	return 0
}

// demoToday is the demo's clock: the day after its last conversation
// (stammertest.LastDay), at noon UTC.
func demoToday() time.Time {
	d, _ := time.Parse(time.DateOnly, stammertest.LastDay)
	return d.AddDate(0, 0, 1).Add(12 * time.Hour)
}

// demoInstructions tell the model what the demo covers, so that it asks
// for dates and chatbots that exist.
func demoInstructions() string {
	var bots []string
	for _, b := range stammertest.Chatbots() {
		bots = append(bots, fmt.Sprintf("%d (%s)", b.ID, b.Name))
	}
	return fmt.Sprintf("DEMO MODE: the data is fictional. Its conversations run from %s to %s (UTC), and in the demo today is %s. Chatbots: %s; %d has no conversations.",
		stammertest.FirstDay, stammertest.LastDay, demoToday().Format(time.DateOnly), strings.Join(bots, ", "), stammertest.QuietBotID)
}

// demoNames names the demo's chatbots as an operator's file would.
func demoNames() tools.ChatbotNames {
	names := tools.ChatbotNames{}
	for _, b := range stammertest.Chatbots() {
		names[b.ID] = tools.ChatbotName{ID: b.ID, UUID: b.UUID, Name: b.Name}
	}
	return names
}

// urlPassword is the password in a URL, "" when none, for the log redactor.
func urlPassword(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		p, _ := u.User.Password()
		return p
	}
	return ""
}

// redactedURL is raw without its password, for logs.
func redactedURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparsable)"
}
