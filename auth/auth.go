// Package auth makes the HTTP transport an OAuth 2.1 protected resource
// (the MCP authorization specification, RFC 9728 metadata, RFC 8707
// audiences): it verifies JWT access tokens issued by the operator's
// identity provider, found through OpenID Connect discovery, and carries the
// caller's identity to the tools in the request context.
//
// The server is never the authorization server and never passes a client's
// token on: Stammer is always called with the operator's own API token.
// Signatures are checked by go-oidc and go-jose, not by code here.
package auth

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/stammer-mcp/stammer-mcp/loopback"
)

// Identity is who made a request, as far as the server knows.
type Identity struct {
	// Subject is the token's "sub", or StaticSubject for the static
	// MCP_HTTP_TOKEN, or "" for unauthenticated local use (stdio, or HTTP
	// on loopback without any auth).
	Subject string
	// Email is the token's "email" claim, when it has one.
	Email string
	// Groups are the values of the configured groups claim.
	Groups []string
	// Scopes are the token's scopes ("scope" or "scp").
	Scopes []string
	// Method says how the caller was authenticated: "oauth", "token" or "".
	Method string
}

// StaticSubject is the subject of a caller holding the static
// MCP_HTTP_TOKEN; an access policy names it like any other subject.
const StaticSubject = "mcp-http-token"

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the caller's identity, and false when the request
// came through no authentication at all (stdio, the call command).
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}

// DefaultScope is the scope a token must carry unless configured otherwise.
const DefaultScope = "stammer.read"

// DefaultGroupsClaim is the claim read for group membership.
const DefaultGroupsClaim = "groups"

// DefaultSkew is the clock skew allowed on exp and nbf: small, because a
// token's lifetime is the window a stolen one can be used in.
const DefaultSkew = 60 * time.Second

// Config configures the protected resource.
type Config struct {
	// Issuer is the authorization server's issuer URL, e.g.
	// https://tenant.auth0.com/ (MCP_OAUTH_ISSUER). Its
	// /.well-known/openid-configuration names the JWKS.
	Issuer string
	// Resource is this server's canonical URL, the MCP endpoint as clients
	// reach it, e.g. https://mcp.example.com/mcp (MCP_OAUTH_RESOURCE).
	Resource string
	// Audience is the "aud" a token must carry; "" means Resource, as RFC
	// 8707 asks. Providers that cannot put a URL there (Entra with an
	// api:// App ID URI) set it (MCP_OAUTH_AUDIENCE).
	Audience string
	// Scopes a token must all carry; nil means DefaultScope.
	Scopes []string
	// GroupsClaim names the claim holding groups; "" means "groups".
	GroupsClaim string
	// Skew is the clock skew allowed on exp and nbf; 0 means DefaultSkew.
	Skew time.Duration
	// MinKeyRefresh is the least time between two fetches of the JWKS
	// caused by tokens with an unknown key id; 0 means 10 s. It keeps a
	// flood of forged tokens from becoming a flood of requests to the
	// provider.
	MinKeyRefresh time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.Audience == "" {
		c.Audience = c.Resource
	}
	if len(c.Scopes) == 0 {
		c.Scopes = []string{DefaultScope}
	}
	if c.GroupsClaim == "" {
		c.GroupsClaim = DefaultGroupsClaim
	}
	if c.Skew == 0 {
		c.Skew = DefaultSkew
	}
	if c.MinKeyRefresh == 0 {
		c.MinKeyRefresh = 10 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Check validates the configuration before the server starts.
func (c Config) Check() error {
	iss, err := url.Parse(c.Issuer)
	if err != nil || iss.Host == "" || (iss.Scheme != "https" && !(iss.Scheme == "http" && loopback.Host(iss.Hostname()))) {
		return errors.New("MCP_OAUTH_ISSUER=" + c.Issuer + ": use the identity provider's https issuer URL, exactly as its /.well-known/openid-configuration states it (e.g. https://your-tenant.eu.auth0.com/)")
	}
	res, err := url.Parse(c.Resource)
	if c.Resource == "" || err != nil || res.Host == "" || res.Fragment != "" || res.RawQuery != "" ||
		(res.Scheme != "https" && !(res.Scheme == "http" && loopback.Host(res.Hostname()))) {
		return errors.New("MCP_OAUTH_RESOURCE=" + c.Resource + ": set it to this server's public MCP URL as clients reach it, " +
			"https with no query or fragment, e.g. https://mcp.example.com/mcp")
	}
	for _, s := range c.Scopes {
		if s == "" || strings.ContainsAny(s, " \"\\") {
			return errors.New("MCP_OAUTH_SCOPES: scope " + `"` + s + `" is not a valid scope token; separate scopes with commas`)
		}
	}
	return nil
}

// MetadataURL is where this resource's RFC 9728 metadata is served: the
// well-known path with the resource's path appended.
func (c Config) MetadataURL() string {
	u, _ := url.Parse(c.Resource)
	return u.Scheme + "://" + u.Host + MetadataPath(c.Resource)
}

// MetadataPath is the path part of MetadataURL.
func MetadataPath(resource string) string {
	const wellKnown = "/.well-known/oauth-protected-resource"
	u, err := url.Parse(resource)
	if err != nil {
		return wellKnown
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		return wellKnown + "/" + p
	}
	return wellKnown
}

// hasAll reports whether have contains every scope of want.
//
// A wanted scope in URI form, such as Entra's api://CLIENT-ID/stammer.read,
// is also met by its last segment: clients must request Entra scopes fully
// qualified (an unqualified one means Microsoft Graph), so that is the form
// the metadata advertises, but Entra's scp claim carries only the short
// name. The audience check has already bound the token to this API.
func hasAll(have, want []string) bool {
	for _, w := range want {
		short := w[strings.LastIndexByte(w, '/')+1:]
		if !slices.Contains(have, w) && (short == w || short == "" || !slices.Contains(have, short)) {
			return false
		}
	}
	return true
}
