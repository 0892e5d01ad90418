package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lmittmann/tint"

	"github.com/stammer-mcp/stammer-mcp/auth"
	"github.com/stammer-mcp/stammer-mcp/mcphttp"
	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/tools"

	"github.com/stammer-mcp/stammer-mcp/redact"
)

// errHelp means -h was asked for and usage was printed.
var errHelp = errors.New("help requested")

// config is everything the command line and environment decide.
type config struct {
	token     string
	baseURL   string
	timeout   time.Duration
	logLevel  slog.Level
	maxTokens int
	fallbacks []string
	chatbots  tools.ChatbotNames
	// problems are settings that could not be read. The server still
	// starts, with the defaults, logs them, and every tool call explains
	// them, as it does a missing token: a client that hides stderr would
	// otherwise only see a server that died.
	problems    []string
	maxRetries  int
	maxBody     int64 // 0 = stammer.DefaultMaxBodyBytes
	demo        bool
	showVersion bool
	call        *callArgs
	doctor      bool
	// shape asks doctor for the structure of one answer (doctor --shape),
	// of the conversations of shapeDate (YYYY-MM-DD, "" = today in UTC).
	shape     bool
	shapeDate string
	// cacheURL is STAMMER_CACHE_URL, the Valkey/Redis server replicas
	// share answers through; "" keeps them in this process only.
	cacheURL string
	// cacheMax bounds the shared cache's entries together (0 = default).
	cacheMax int64
	// cacheTTL is how long an answer is reused (0 = tools.DefaultCacheTTL).
	cacheTTL time.Duration
	// transport is "stdio" or "http"; http is configured by httpCfg.
	transport string
	httpCfg   mcphttp.Config
	// policyFile is MCP_POLICY_FILE: who may read which chatbots over HTTP.
	policyFile string
	// httpOnly are HTTP settings found set while serving stdio, where
	// they do nothing (the stdio user holds the API token anyway).
	httpOnly []string
	// Process-wide bounds (see docs/reliability.md): upstream requests at
	// once, answer bytes read at once, the soft memory limit (-1 = none,
	// 0 = the default), and the shutdown drain (0 = timeout + 5 s).
	maxConcurrent int
	inFlight      int64
	memLimit      int64
	drain         time.Duration
}

// callArgs is the "call TOOL [JSON]" subcommand.
type callArgs struct {
	tool       string
	args       json.RawMessage
	saveImages string // folder for image results; "" = describe them only
}

// usage is printed for -h; it lists the environment too, because that is
// where MCP clients put configuration.
const usage = `stammer-mcp: an MCP server for the conversations of Stammer.ai AI agents.

Usage:
  stammer-mcp [flags]                 serve MCP over stdio
  stammer-mcp [flags] call TOOL [JSON] run one tool call, print the result
                                      e.g. stammer-mcp --demo call list_conversations '{"chatbot_id":17,"onlyDeletedConversations":false}'
  stammer-mcp [flags] doctor          check the configuration and the connection to the API
  stammer-mcp [flags] doctor --shape [--date YYYY-MM-DD]
                                      also print the structure of one answer (today's
                                      conversations by default), without any of its values,
                                      for a bug report
  stammer-mcp --transport http --listen 127.0.0.1:8080
                                      serve Streamable HTTP at /mcp (and /healthz) instead of stdio

Environment:
  STAMMER_API_TOKEN   the agency's Stammer API token (or use --token-file)
  STAMMER_BASE_URL    API base URL, default https://app.stammer.ai; white-label agencies
                      use their own domain, with a language prefix if needed (https://app.agency.example/pt)
  STAMMER_TIMEOUT     per-call timeout, default 30s
  STAMMER_FALLBACK_PHRASES_FILE  phrases (one a line) that mark a bot answer as a fallback in conversation_insights
  STAMMER_CHATBOTS_FILE  names for chatbots, one a line: id [uuid] [aliases] ["display name"], e.g. 17 clinic "Dental clinic Rivera"
  STAMMER_MAX_OUTPUT_TOKENS  budget of one tool result in real (o200k) tokens, default 8000
  STAMMER_MAX_RETRIES retries after 429/502/503/504 or a dropped connection, default 2 (3 attempts); 0 disables
  STAMMER_MAX_BODY_BYTES  cap on one API answer, read and decoded, default 256MiB (e.g. 64MiB, 1GiB)
  STAMMER_CACHE_URL   redis://[user:password@]host:port[/db] (rediss:// for TLS): a Valkey or Redis server
                      through which replicas share fetched answers (for STAMMER_CACHE_TTL); unset, nothing is stored outside the process
  STAMMER_CACHE_TTL   how long a fetched answer is reused, in this process and in STAMMER_CACHE_URL, default 60s
  STAMMER_CACHE_MAX_BYTES  bound on everything the replicas store there together, default 512MiB
  STAMMER_MAX_CONCURRENT_REQUESTS  calls that may talk to the API at once, default 4; others wait their turn
  STAMMER_MAX_INFLIGHT_BYTES  answer bytes read at once by all calls together, default 256MiB (at least STAMMER_MAX_BODY_BYTES)
  STAMMER_MEMORY_LIMIT  soft memory limit of the process (Go's GOMEMLIMIT), default 512MiB or twice the in-flight bytes; off disables
  STAMMER_DRAIN_TIMEOUT  on SIGTERM, how long calls in flight may finish, default STAMMER_TIMEOUT + 5s
  LOG_LEVEL           debug, info, warn or error (default info); logs go to stderr
  MCP_HTTP_TOKEN      with --transport http: the bearer token clients must send (required off loopback)
  MCP_ALLOWED_ORIGINS with --transport http: comma-separated browser origins allowed to call
  MCP_ALLOWED_HOSTS   with --transport http: comma-separated Host names accepted (e.g. the load balancer's)
  MCP_OAUTH_ISSUER    with --transport http: accept OAuth 2.1 access tokens (JWTs) from this OpenID Connect issuer
  MCP_OAUTH_RESOURCE  with MCP_OAUTH_ISSUER: this server's public MCP URL, e.g. https://mcp.example.com/mcp
  MCP_OAUTH_AUDIENCE  with MCP_OAUTH_ISSUER: the "aud" tokens must carry, default MCP_OAUTH_RESOURCE
  MCP_OAUTH_SCOPES    with MCP_OAUTH_ISSUER: comma-separated scopes a token must carry, default stammer.read
  MCP_OAUTH_GROUPS_CLAIM  with MCP_OAUTH_ISSUER: the claim holding the user's groups, default groups
  MCP_POLICY_FILE     with --transport http: JSON access policy mapping users (subject, email, group) to the
                      chatbots they may read; reloaded on SIGHUP or change. Without it everyone sees everything

Flags:
`

// parseConfig reads flags and environment. Flags win over the environment.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("stammer-mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	tokenFile := fs.String("token-file", "", "read the API token from this file instead of STAMMER_API_TOKEN")
	demo := fs.Bool("demo", false, "serve built-in fictional conversations; no token or network needed")
	showVersion := fs.Bool("version", false, "print the version and exit")
	transport := fs.String("transport", "stdio", "stdio (for desktop clients) or http (Streamable HTTP at /mcp, for shared deployments)")
	listen := fs.String("listen", "127.0.0.1:8080", "with --transport http: the address to listen on")
	saveImages := fs.String("save-images", "", "with call: write image results (charts) as PNG files into this folder")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, errHelp
		}
		return nil, err
	}
	cfg := &config{
		token:       strings.TrimSpace(getenv("STAMMER_API_TOKEN")),
		baseURL:     strings.TrimSpace(getenv("STAMMER_BASE_URL")),
		timeout:     stammer.DefaultTimeout,
		maxRetries:  defaultMaxRetries,
		demo:        *demo,
		showVersion: *showVersion,
		transport:   *transport,
	}
	switch *transport {
	case "stdio":
		for _, k := range []string{"MCP_HTTP_TOKEN", "MCP_OAUTH_ISSUER", "MCP_POLICY_FILE"} {
			if strings.TrimSpace(getenv(k)) != "" {
				cfg.httpOnly = append(cfg.httpOnly, k)
			}
		}
	case "http":
		cfg.httpCfg = mcphttp.Config{
			Listen:         *listen,
			Token:          strings.TrimSpace(getenv("MCP_HTTP_TOKEN")),
			AllowedOrigins: splitList(getenv("MCP_ALLOWED_ORIGINS")),
			AllowedHosts:   splitList(getenv("MCP_ALLOWED_HOSTS")),
		}
		oauth, err := oauthConfig(getenv)
		if err != nil {
			return nil, err
		}
		if oauth != nil {
			cfg.httpCfg.OAuth = auth.NewVerifier(*oauth, nil)
		}
		if err := cfg.httpCfg.Check(); err != nil {
			return nil, err
		}
		cfg.policyFile = strings.TrimSpace(getenv("MCP_POLICY_FILE"))
	default:
		return nil, fmt.Errorf("--transport %q: use stdio or http", *transport)
	}
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return nil, fmt.Errorf("--token-file: %w", err)
		}
		cfg.token = strings.TrimSpace(string(b))
		if cfg.token == "" {
			return nil, fmt.Errorf("--token-file %s is empty; put the Stammer API token in it", *tokenFile)
		}
	}
	cfg.readSettings(getenv)
	// The shared cache's settings stop the server: a replica that cannot
	// share would run beside the others unnoticed (see replicas_test.go).
	if v := strings.TrimSpace(getenv("STAMMER_CACHE_URL")); v != "" {
		if !strings.HasPrefix(v, "redis://") && !strings.HasPrefix(v, "rediss://") {
			return nil, errors.New("STAMMER_CACHE_URL: use redis://[user:password@]host:port[/db], or rediss:// for TLS (Valkey or Redis)")
		}
		cfg.cacheURL = v
	}
	if v := strings.TrimSpace(getenv("STAMMER_CACHE_TTL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > time.Hour {
			return nil, fmt.Errorf("STAMMER_CACHE_TTL=%q: use a duration between 1s and 1h, such as 60s or 5m (default 60s)", v)
		}
		cfg.cacheTTL = d
	}
	if v := strings.TrimSpace(getenv("STAMMER_CACHE_MAX_BYTES")); v != "" {
		n, err := parseSize("STAMMER_CACHE_MAX_BYTES", v, "512MiB")
		if err != nil {
			return nil, err
		}
		cfg.cacheMax = n
	}
	if err := parseBounds(cfg, getenv); err != nil {
		return nil, err
	}

	if rest := fs.Args(); len(rest) > 0 {
		if rest[0] == "doctor" {
			return cfg, parseDoctor(cfg, rest[1:])
		}
		if rest[0] != "call" {
			return nil, fmt.Errorf("unknown command %q; the commands are \"call TOOL [JSON]\" and \"doctor\" (see -h)", rest[0])
		}
		for _, a := range rest[1:] {
			if strings.HasPrefix(a, "-") && !json.Valid([]byte(a)) {
				return nil, fmt.Errorf("%s: flags go before the command, e.g. stammer-mcp %s call TOOL [JSON]", a, a)
			}
		}
		if len(rest) < 2 || len(rest) > 3 {
			return nil, errors.New(`usage: stammer-mcp call TOOL [JSON-ARGUMENTS], e.g. call list_conversations '{"onlyDeletedConversations":false}'`)
		}
		c := &callArgs{tool: rest[1], args: json.RawMessage("{}"), saveImages: *saveImages}
		if len(rest) == 3 {
			if !json.Valid([]byte(rest[2])) {
				return nil, fmt.Errorf("call %s: the arguments are not valid JSON: %s", rest[1], rest[2])
			}
			c.args = json.RawMessage(rest[2])
		}
		cfg.call = c
	}
	return cfg, nil
}

// parseDoctor reads doctor's own flags: --shape and --date.
func parseDoctor(cfg *config, args []string) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&cfg.shape, "shape", false, "")
	fs.StringVar(&cfg.shapeDate, "date", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errors.New("usage: stammer-mcp doctor [--shape [--date YYYY-MM-DD]]")
	}
	if cfg.shapeDate != "" {
		if !cfg.shape {
			return errors.New("doctor: --date goes with --shape")
		}
		if _, err := time.Parse(stammer.DateLayout, cfg.shapeDate); err != nil {
			return fmt.Errorf("doctor --date %q: use a real date as YYYY-MM-DD, e.g. 2026-11-24", cfg.shapeDate)
		}
	}
	cfg.doctor = true
	return nil
}

// oauthConfig reads the MCP_OAUTH_* variables; nil when OAuth is off.
func oauthConfig(getenv func(string) string) (*auth.Config, error) {
	c := auth.Config{
		Issuer:      strings.TrimSpace(getenv("MCP_OAUTH_ISSUER")),
		Resource:    strings.TrimSpace(getenv("MCP_OAUTH_RESOURCE")),
		Audience:    strings.TrimSpace(getenv("MCP_OAUTH_AUDIENCE")),
		Scopes:      splitList(getenv("MCP_OAUTH_SCOPES")),
		GroupsClaim: strings.TrimSpace(getenv("MCP_OAUTH_GROUPS_CLAIM")),
	}
	if c.Issuer == "" {
		if c.Resource != "" || c.Audience != "" || len(c.Scopes) > 0 {
			return nil, errors.New("MCP_OAUTH_RESOURCE, MCP_OAUTH_AUDIENCE and MCP_OAUTH_SCOPES need MCP_OAUTH_ISSUER, the identity provider's issuer URL")
		}
		return nil, nil
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// readSettings reads the settings that tune the server. One that cannot
// be read keeps its default and is recorded in cfg.problems. The shared
// cache's settings are not among them: parseConfig refuses a bad one.
func (cfg *config) readSettings(getenv func(string) string) {
	problem := func(err error) { cfg.problems = append(cfg.problems, err.Error()) }
	if v := strings.TrimSpace(getenv("STAMMER_TIMEOUT")); v != "" {
		if d, err := parseTimeout(v); err != nil {
			problem(err)
		} else {
			cfg.timeout = d
		}
	}
	if v := strings.TrimSpace(getenv("STAMMER_MAX_OUTPUT_TOKENS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1500 || n > 100000 {
			problem(fmt.Errorf("STAMMER_MAX_OUTPUT_TOKENS=%q: use a whole number of tokens between 1500 and 100000 (default %d)", v, tools.DefaultMaxOutputTokens))
		} else {
			cfg.maxTokens = n
		}
	}
	if v := strings.TrimSpace(getenv("STAMMER_MAX_RETRIES")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 10 {
			problem(fmt.Errorf("STAMMER_MAX_RETRIES=%q: use a whole number from 0 (no retries) to 10 (default %d, so %d attempts in all)", v, defaultMaxRetries, defaultMaxRetries+1))
		} else {
			cfg.maxRetries = n
		}
	}
	if v := strings.TrimSpace(getenv("STAMMER_MAX_BODY_BYTES")); v != "" {
		if n, err := parseSize("STAMMER_MAX_BODY_BYTES", v, "256MiB"); err != nil {
			problem(err)
		} else {
			cfg.maxBody = n
		}
	}
	if path := strings.TrimSpace(getenv("STAMMER_FALLBACK_PHRASES_FILE")); path != "" {
		if phrases, err := tools.LoadFallbacks(path); err != nil {
			problem(fmt.Errorf("STAMMER_FALLBACK_PHRASES_FILE: %w", err))
		} else {
			cfg.fallbacks = phrases
		}
	}
	if path := strings.TrimSpace(getenv("STAMMER_CHATBOTS_FILE")); path != "" {
		if names, err := tools.LoadChatbotNames(path); err != nil {
			problem(fmt.Errorf("STAMMER_CHATBOTS_FILE: %w", err))
		} else {
			cfg.chatbots = names
		}
	}
	if lvl, err := parseLevel(getenv("LOG_LEVEL")); err != nil {
		problem(err)
	} else {
		cfg.logLevel = lvl
	}
}

// splitList reads a comma-separated list, ignoring blanks.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseTimeout accepts Go durations ("45s", "2m") and plain seconds ("45").
func parseTimeout(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		var secs float64
		if _, serr := fmt.Sscanf(v, "%g", &secs); serr == nil && fmt.Sprint(secs) == v {
			d, err = time.Duration(secs*float64(time.Second)), nil
		}
	}
	if err != nil || d <= 0 || d > time.Hour {
		return 0, fmt.Errorf("STAMMER_TIMEOUT=%q: use a duration between 1s and 1h, such as 30s or 2m", v)
	}
	return d, nil
}

// defaultMaxRetries gives at most 3 attempts: enough to ride out a
// restart or a burst of rate limiting, few enough that the model hears of
// a real outage within the call's timeout.
const defaultMaxRetries = 2

// parseSize reads a size setting (name, with its default for the message): bytes, or a number with a unit
// (KiB, MiB, GiB, or KB, MB, GB as people also write them, in powers of
// 1024 either way), between 1 MiB and 8 GiB.
func parseSize(name, v, def string) (int64, error) {
	num := strings.TrimSpace(strings.TrimRightFunc(v, func(r rune) bool { return r >= 'A' && r <= 'z' }))
	unit := strings.ToLower(strings.TrimSpace(v[len(num):]))
	mult := map[string]int64{"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}[unit]
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || mult == 0 || n <= 0 || n > (8<<30)/mult || n*mult < 1<<20 {
		return 0, fmt.Errorf("%s=%q: use a size between 1MiB and 8GiB, such as 64MiB or 1GiB (default %s)", name, v, def)
	}
	return n * mult, nil
}

// parseBounds reads the process-wide bounds.
func parseBounds(cfg *config, getenv func(string) string) error {
	if v := strings.TrimSpace(getenv("STAMMER_MAX_CONCURRENT_REQUESTS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			return fmt.Errorf("STAMMER_MAX_CONCURRENT_REQUESTS=%q: use a whole number from 1 to 64 (default %d)", v, stammer.DefaultMaxConcurrent)
		}
		cfg.maxConcurrent = n
	}
	if v := strings.TrimSpace(getenv("STAMMER_MAX_INFLIGHT_BYTES")); v != "" {
		n, err := parseSize("STAMMER_MAX_INFLIGHT_BYTES", v, "256MiB")
		if err != nil {
			return err
		}
		cfg.inFlight = n
	}
	if v := strings.TrimSpace(getenv("STAMMER_MEMORY_LIMIT")); v != "" {
		if strings.EqualFold(v, "off") {
			cfg.memLimit = -1
		} else {
			n, err := parseSize("STAMMER_MEMORY_LIMIT", v, "512MiB")
			if err != nil {
				return err
			}
			cfg.memLimit = n
		}
	}
	if v := strings.TrimSpace(getenv("STAMMER_DRAIN_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Hour {
			return fmt.Errorf("STAMMER_DRAIN_TIMEOUT=%q: use a duration such as 35s or 2m (default STAMMER_TIMEOUT + 5s)", v)
		}
		cfg.drain = d
	}
	if cfg.drain == 0 {
		cfg.drain = cfg.timeout + 5*time.Second
	}
	return nil
}

// memoryLimit returns the soft memory limit to set, or 0 for none: the
// configured one, else 512 MiB or twice the in-flight budget, whichever is
// larger; none when GOMEMLIMIT is set (the runtime already applied it) or
// STAMMER_MEMORY_LIMIT=off.
func (c *config) memoryLimit(getenv func(string) string) int64 {
	switch {
	case c.memLimit < 0 || getenv("GOMEMLIMIT") != "":
		return 0
	case c.memLimit > 0:
		return c.memLimit
	}
	budget := max(c.inFlight, stammer.DefaultMaxInFlightBytes, c.maxBody)
	return max(512<<20, 2*budget)
}

// parseLevel reads LOG_LEVEL; empty means info.
func parseLevel(v string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "info":
		return slog.LevelInfo, nil
	case "debug":
		return slog.LevelDebug, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("LOG_LEVEL=%q: use debug, info, warn or error", v)
}

// newLogger writes tinted lines to stderr: coloured only on a terminal (MCP
// clients capture stderr into log files, where escape codes are noise), and
// with the token redacted from every value, whatever code logged it.
func newLogger(w io.Writer, level slog.Level, secrets ...string) *slog.Logger {
	noColor := true
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			noColor = false
		}
	}
	return slog.New(tint.NewHandler(w, &tint.Options{
		Level:       level,
		TimeFormat:  time.DateTime,
		NoColor:     noColor,
		ReplaceAttr: redactor(secrets...),
	}))
}

// redactor replaces the secrets (the API token, the HTTP bearer token),
// wherever they appear in a logged value or message, in any case or
// encoding (redact.Redactor), with "[REDACTED]". It is the last line of
// defence: the code never logs a secret on purpose, and upstream text is
// redacted before it is logged; the capital letters show in a log that
// this line was needed.
func redactor(secrets ...string) func([]string, slog.Attr) slog.Attr {
	r := redact.New(secrets...).WithMark("[REDACTED]")
	return func(_ []string, a slog.Attr) slog.Attr {
		if !r.Active() {
			return a
		}
		v := a.Value.Resolve()
		var s string
		switch v.Kind() {
		case slog.KindString:
			s = v.String()
		case slog.KindAny:
			switch x := v.Any().(type) {
			case error:
				s = x.Error()
			case fmt.Stringer:
				s = x.String()
			default:
				return a
			}
		default:
			return a
		}
		if r.Contains(s) {
			return slog.String(a.Key, r.Redact(s))
		}
		return a
	}
}
