package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/lmittmann/tint"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/tools"
)

// buildVersion is set by release builds with
// -ldflags "-X main.buildVersion=v1.2.3"; otherwise the module version from
// the build info is used (set by go install pkg@version).
var buildVersion = ""

// version reports what this binary is.
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// errHelp means -h was asked for and usage was printed.
var errHelp = errors.New("help requested")

// config is everything the command line and environment decide.
type config struct {
	token       string
	baseURL     string
	timeout     time.Duration
	logLevel    slog.Level
	maxTokens   int
	demo        bool
	showVersion bool
	call        *callArgs
}

// callArgs is the "call TOOL [JSON]" subcommand.
type callArgs struct {
	tool string
	args json.RawMessage
}

// usage is printed for -h; it lists the environment too, because that is
// where MCP clients put configuration.
const usage = `stammer-mcp: an MCP server for the conversations of Stammer.ai AI agents.

Usage:
  stammer-mcp [flags]                 serve MCP over stdio
  stammer-mcp [flags] call TOOL [JSON] run one tool call, print the result
                                      e.g. stammer-mcp --demo call list_conversations '{"chatbot_id":17,"onlyDeletedConversations":false}'

Environment:
  STAMMER_API_TOKEN   the agency's Stammer API token (or use --token-file)
  STAMMER_BASE_URL    API base URL, default https://app.stammer.ai; white-label agencies
                      use their own domain, with a language prefix if needed (https://app.agency.example/pt)
  STAMMER_TIMEOUT     per-call timeout, default 30s
  STAMMER_MAX_OUTPUT_TOKENS  budget of one tool result in tokens (about 4 characters each), default 8000
  LOG_LEVEL           debug, info, warn or error (default info); logs go to stderr

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
		demo:        *demo,
		showVersion: *showVersion,
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
	if v := strings.TrimSpace(getenv("STAMMER_TIMEOUT")); v != "" {
		d, err := parseTimeout(v)
		if err != nil {
			return nil, err
		}
		cfg.timeout = d
	}
	if v := strings.TrimSpace(getenv("STAMMER_MAX_OUTPUT_TOKENS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 || n > 100000 {
			return nil, fmt.Errorf("STAMMER_MAX_OUTPUT_TOKENS=%q: use a whole number of tokens between 1000 and 100000 (default %d)", v, tools.DefaultMaxOutputTokens)
		}
		cfg.maxTokens = n
	}
	lvl, err := parseLevel(getenv("LOG_LEVEL"))
	if err != nil {
		return nil, err
	}
	cfg.logLevel = lvl

	if rest := fs.Args(); len(rest) > 0 {
		if rest[0] != "call" {
			return nil, fmt.Errorf("unknown command %q; the only command is \"call TOOL [JSON]\" (see -h)", rest[0])
		}
		if len(rest) < 2 || len(rest) > 3 {
			return nil, errors.New(`usage: stammer-mcp call TOOL [JSON-ARGUMENTS], e.g. call list_conversations '{"onlyDeletedConversations":false}'`)
		}
		c := &callArgs{tool: rest[1], args: json.RawMessage("{}")}
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
func newLogger(w io.Writer, level slog.Level, token string) *slog.Logger {
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
		ReplaceAttr: redactor(token),
	}))
}

// redactor replaces the token, wherever it appears in a logged value, with
// "[REDACTED]". It is the last line of defence: the code never logs the
// token on purpose.
func redactor(token string) func([]string, slog.Attr) slog.Attr {
	return func(_ []string, a slog.Attr) slog.Attr {
		if token == "" {
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
		if strings.Contains(s, token) {
			return slog.String(a.Key, strings.ReplaceAll(s, token, "[REDACTED]"))
		}
		return a
	}
}
