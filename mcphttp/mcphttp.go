// Package mcphttp serves an MCP server over Streamable HTTP for
// deployments where one stammer-mcp serves a team: MCP at /mcp, stateless so
// replicas can sit behind any load balancer, a bearer token for clients,
// Origin and Host checks against DNS rebinding, and /healthz for probes.
//
// It only guards and routes; the MCP protocol is mcp-go's.
package mcphttp

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// Config is the HTTP front door's configuration.
type Config struct {
	// Listen is the address to listen on, e.g. 127.0.0.1:8080.
	Listen string
	// Token is the bearer token clients must send (MCP_HTTP_TOKEN). It may
	// be empty only when Listen is a loopback address.
	Token string
	// AllowedOrigins are browser origins allowed to call (scheme://host[:port]).
	// Loopback origins are allowed when listening on loopback.
	AllowedOrigins []string
	// AllowedHosts are Host header values accepted besides the listen
	// address's own and loopback names (e.g. the load balancer's name). An
	// empty list accepts any Host on non-loopback listeners, where the
	// bearer token is the guard.
	AllowedHosts []string
	// Logger receives one line per refused request; nil discards.
	Logger *slog.Logger
}

// ErrNoToken is returned when a non-loopback listener has no token.
var ErrNoToken = errors.New("refusing to listen on a non-loopback address without MCP_HTTP_TOKEN: set it to a long random secret, " +
	"and give it to clients as \"Authorization: Bearer <token>\"; or listen on 127.0.0.1")

// Check validates the configuration before listening.
func (c Config) Check() error {
	host, _, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return errors.New("--listen " + c.Listen + ": use host:port, e.g. 127.0.0.1:8080")
	}
	if c.Token == "" && !isLoopback(host) {
		return ErrNoToken
	}
	for _, o := range c.AllowedOrigins {
		if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			return errors.New("allowed origin " + o + ": use scheme://host[:port], e.g. https://assistant.example.com")
		}
	}
	return nil
}

// Handler returns the HTTP handler: /mcp (guarded) and /healthz (open).
func Handler(srv *server.MCPServer, c Config) http.Handler {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	mcp := server.NewStreamableHTTPServer(srv,
		server.WithEndpointPath("/mcp"),
		// Stateless: any replica can answer any request, so a plain
		// round-robin load balancer works and a restart loses nothing.
		server.WithStateLess(true),
		server.WithStreamableHTTPLogger(c.Logger),
	)
	g := &guard{cfg: c, next: mcp}
	mux := http.NewServeMux()
	mux.Handle("/mcp", g)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	return mux
}

// NewServer wraps Handler in an http.Server with timeouts that protect
// against slow clients without cutting long tool calls.
func NewServer(srv *server.MCPServer, c Config) *http.Server {
	return &http.Server{
		Addr:              c.Listen,
		Handler:           Handler(srv, c),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// guard checks Host, Origin and the bearer token, in that order: a
// rebinding attempt is refused before it can learn whether a token works.
type guard struct {
	cfg  Config
	next http.Handler
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	local := localAddr(r)
	if !g.hostAllowed(r.Host, local) {
		g.refuse(w, r, http.StatusForbidden, "Host "+r.Host+" is not allowed")
		return
	}
	if o := r.Header.Get("Origin"); o != "" && !g.originAllowed(o, local) {
		g.refuse(w, r, http.StatusForbidden, "Origin "+o+" is not allowed")
		return
	}
	if g.cfg.Token != "" && !bearerOK(r.Header.Get("Authorization"), g.cfg.Token) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="stammer-mcp"`)
		g.refuse(w, r, http.StatusUnauthorized, "missing or wrong bearer token")
		return
	}
	g.next.ServeHTTP(w, r)
}

// refuse answers with a short plain error and logs it, without any header
// values that might hold a token.
func (g *guard) refuse(w http.ResponseWriter, r *http.Request, status int, why string) {
	g.cfg.Logger.Warn("http request refused", "status", status, "reason", why, "remote", r.RemoteAddr)
	http.Error(w, why, status)
}

// hostAllowed accepts loopback names always (mcp-go rejects a foreign Host
// on a loopback connection too), configured hosts, and, on a non-loopback
// listener with no configured hosts, any Host.
func (g *guard) hostAllowed(hostport string, local string) bool {
	host := hostOnly(hostport)
	if isLoopback(host) {
		return true
	}
	for _, h := range g.cfg.AllowedHosts {
		if strings.EqualFold(hostOnly(h), host) {
			return true
		}
	}
	return len(g.cfg.AllowedHosts) == 0 && !isLoopback(local)
}

// originAllowed accepts configured origins and, on a loopback listener,
// loopback origins (a local web client).
func (g *guard) originAllowed(origin, local string) bool {
	for _, o := range g.cfg.AllowedOrigins {
		if strings.EqualFold(strings.TrimSuffix(o, "/"), strings.TrimSuffix(origin, "/")) {
			return true
		}
	}
	u, err := url.Parse(origin)
	return err == nil && isLoopback(local) && isLoopback(u.Hostname())
}

// bearerOK compares the token in constant time.
func bearerOK(header, token string) bool {
	scheme, got, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) == 1
}

// localAddr is the host of the address the request arrived on.
func localAddr(r *http.Request) string {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && a != nil {
		return hostOnly(a.String())
	}
	return ""
}

// hostOnly strips a port and IPv6 brackets.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

// isLoopback reports whether host is localhost or a loopback IP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
