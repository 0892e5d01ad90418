// Package mcphttp serves an MCP server over Streamable HTTP for
// deployments where one stammer-mcp serves a team: MCP at /mcp, stateless so
// replicas can sit behind any load balancer, a static bearer token and/or
// OAuth 2.1 access tokens (package auth) for clients, Origin and Host
// checks against DNS rebinding, and /healthz for probes.
//
// It only guards and routes; the MCP protocol is mcp-go's.
package mcphttp

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/stammer-mcp/stammer-mcp/auth"
	"github.com/stammer-mcp/stammer-mcp/loopback"
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
	// OAuth, when set, accepts OAuth 2.1 access tokens from the configured
	// identity provider and serves the RFC 9728 resource metadata. It may
	// be set together with Token: either credential is accepted.
	OAuth *auth.Verifier
	// Logger receives one line per refused request; nil discards.
	Logger *slog.Logger
	// MaxBodyBytes caps a request body (413 past it); 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// BodyTimeout bounds how long a request body may take to arrive (408
	// past it); 0 means DefaultBodyTimeout.
	BodyTimeout time.Duration
	// MaxConcurrent bounds the requests served at once (503 with
	// Retry-After past it); 0 means DefaultMaxConcurrent.
	MaxConcurrent int
}

// ErrNoToken is returned when a non-loopback listener has no token.
var ErrNoToken = errors.New("refusing to listen on a non-loopback address without authentication: set MCP_HTTP_TOKEN to a long random secret " +
	"and give it to clients as \"Authorization: Bearer <token>\", or set MCP_OAUTH_ISSUER and MCP_OAUTH_RESOURCE for OAuth; or listen on 127.0.0.1")

// Check validates the configuration before listening.
func (c Config) Check() error {
	host, _, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return errors.New("--listen " + c.Listen + ": use host:port, e.g. 127.0.0.1:8080")
	}
	if c.Token == "" && c.OAuth == nil && !loopback.Host(host) {
		return ErrNoToken
	}
	if c.Token != "" && len(c.Token) < MinTokenLength {
		return fmt.Errorf("MCP_HTTP_TOKEN has %d characters; use a random secret of at least %d (e.g. the output of: openssl rand -hex 32)", len(c.Token), MinTokenLength)
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
		// No GET event stream (405, as the spec allows): a stateless
		// server has nothing to send on one, and an idle stream would
		// only hold a connection and delay shutdown.
		server.WithDisableStreaming(true),
		server.WithStreamableHTTPLogger(c.Logger),
	)
	g := &guard{cfg: c, next: newLimiter(mcp, c)}
	mux := http.NewServeMux()
	mux.Handle("/mcp", g)
	if c.OAuth != nil {
		// RFC 9728 metadata, at the path derived from the resource and at
		// the bare well-known path that some clients try first.
		ac := c.OAuth.Config()
		meta := server.NewProtectedResourceMetadataHandler(server.ProtectedResourceMetadataConfig{
			Resource:               ac.Resource,
			AuthorizationServers:   []string{ac.Issuer},
			ScopesSupported:        ac.Scopes,
			BearerMethodsSupported: []string{"header"},
			ResourceName:           "stammer-mcp",
		})
		mux.Handle(auth.MetadataPath(ac.Resource), meta)
		if p := auth.MetadataPath(""); p != auth.MetadataPath(ac.Resource) {
			mux.Handle(p, meta)
		}
	}
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
	if g.cfg.Token == "" && g.cfg.OAuth == nil {
		g.next.ServeHTTP(w, r) // loopback without authentication
		return
	}
	id, fail := g.authenticate(r)
	if fail != nil {
		g.challenge(w, r, fail)
		return
	}
	g.next.ServeHTTP(w, r.WithContext(auth.WithIdentity(r.Context(), id)))
}

// authenticate finds the caller's identity from the Authorization header:
// the static token, else an OAuth access token. A token in the URL is
// refused outright (the MCP authorization spec forbids it: URLs end up in
// logs and browser history).
func (g *guard) authenticate(r *http.Request) (auth.Identity, *auth.Failure) {
	if q := r.URL.Query(); q.Has("access_token") || q.Has("token") {
		return auth.Identity{}, &auth.Failure{Status: http.StatusUnauthorized, Code: "invalid_request",
			Description: "send the access token in the Authorization header, never in the URL"}
	}
	tok, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		return auth.Identity{}, &auth.Failure{Status: http.StatusUnauthorized, Description: "missing bearer token"}
	}
	if g.cfg.Token != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(g.cfg.Token)) == 1 {
		return auth.Identity{Subject: auth.StaticSubject, Method: "token"}, nil
	}
	if g.cfg.OAuth == nil {
		return auth.Identity{}, &auth.Failure{Status: http.StatusUnauthorized, Code: "invalid_token", Description: "wrong bearer token"}
	}
	id, err := g.cfg.OAuth.Verify(r.Context(), tok)
	if err != nil {
		var f *auth.Failure
		if errors.As(err, &f) {
			// The description goes into a header and the log: make sure
			// no library ever echoes the token into it.
			f.Description = strings.ReplaceAll(f.Description, tok, "[token]")
			return id, f
		}
		return id, &auth.Failure{Status: http.StatusUnauthorized, Code: "invalid_token", Description: "the token was refused"}
	}
	return id, nil
}

// challenge refuses a request with the RFC 6750 WWW-Authenticate header
// that tells an OAuth client where to get a token (RFC 9728 metadata).
func (g *guard) challenge(w http.ResponseWriter, r *http.Request, f *auth.Failure) {
	var params []string
	if f.Code != "" {
		params = append(params, `error="`+f.Code+`"`, `error_description="`+headerSafe(f.Description)+`"`)
	}
	if g.cfg.OAuth != nil {
		ac := g.cfg.OAuth.Config()
		params = append(params, `resource_metadata="`+ac.MetadataURL()+`"`, `scope="`+strings.Join(ac.Scopes, " ")+`"`)
	} else {
		params = append(params, `realm="stammer-mcp"`)
	}
	w.Header().Set("WWW-Authenticate", "Bearer "+strings.Join(params, ", "))
	why := f.Description
	if f.Code != "" {
		why = f.Code + ": " + why
	}
	g.refuse(w, r, f.Status, why)
}

// headerSafe makes text fit a quoted header parameter: printable ASCII
// without quotes or backslashes, at most 200 bytes. Token claims (an
// issuer, an audience) can appear in it, and they are the sender's text.
func headerSafe(s string) string {
	b := []byte(s)
	out := make([]byte, 0, min(len(b), 200))
	for _, c := range b {
		if len(out) == 200 {
			break
		}
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\'')
		case c >= 0x20 && c < 0x7f:
			out = append(out, c)
		}
	}
	return string(out)
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
	if loopback.Host(host) {
		return true
	}
	for _, h := range g.cfg.AllowedHosts {
		if strings.EqualFold(hostOnly(h), host) {
			return true
		}
	}
	return len(g.cfg.AllowedHosts) == 0 && !loopback.Host(local)
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
	return err == nil && loopback.Host(local) && loopback.Host(u.Hostname())
}

// bearer reads the token of an "Authorization: Bearer" header.
func bearer(header string) (string, bool) {
	scheme, tok, ok := strings.Cut(header, " ")
	tok = strings.TrimSpace(tok)
	return tok, ok && strings.EqualFold(scheme, "Bearer") && tok != ""
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
