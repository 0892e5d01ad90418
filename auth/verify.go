package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
)

// signingAlgs are the asymmetric algorithms a token may be signed with:
// never "none", never an HMAC (whose "key" would be the provider's public
// key, which anyone can read).
var signingAlgs = []string{oidc.RS256, oidc.RS384, oidc.RS512, oidc.PS256, oidc.PS384, oidc.PS512, oidc.ES256, oidc.ES384, oidc.ES512, oidc.EdDSA}

// Failure is why a request was refused, as an HTTP status and an RFC 6750
// error code. Description is safe to send and to log: it never holds the
// token.
type Failure struct {
	Status      int
	Code        string // invalid_request, invalid_token, insufficient_scope, or "" (no token at all)
	Description string
}

func (f *Failure) Error() string { return f.Code + ": " + f.Description }

// Verifier checks access tokens. Discovery happens on first use, not at
// start-up, so the server starts (and answers /healthz) while the
// provider is unreachable, and retries until it is back.
type Verifier struct {
	cfg    Config
	client *http.Client

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	lastErr  error
	lastTry  time.Time
}

// NewVerifier returns a verifier for c. client fetches discovery and keys;
// nil means a client with a 10 s timeout.
func NewVerifier(c Config, client *http.Client) *Verifier {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Verifier{cfg: c.withDefaults(), client: client}
}

// Config returns the configuration in force, defaults filled in.
func (v *Verifier) Config() Config { return v.cfg }

// discoveryRetry is how long a failed discovery is remembered before the
// next request tries again.
const discoveryRetry = 5 * time.Second

// load discovers the provider once.
func (v *Verifier) load() (*oidc.IDTokenVerifier, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.verifier != nil {
		return v.verifier, nil
	}
	if v.lastErr != nil && v.cfg.Now().Sub(v.lastTry) < discoveryRetry {
		return nil, v.lastErr
	}
	v.lastTry = v.cfg.Now()
	ctx, cancel := context.WithTimeout(oidc.ClientContext(context.Background(), v.client), 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, v.cfg.Issuer)
	if err != nil {
		v.lastErr = fmt.Errorf("OpenID Connect discovery at %s: %w", v.cfg.Issuer, err)
		return nil, v.lastErr
	}
	var meta struct {
		JWKS string `json:"jwks_uri"`
	}
	if err := p.Claims(&meta); err != nil || meta.JWKS == "" {
		v.lastErr = fmt.Errorf("the discovery document of %s names no jwks_uri", v.cfg.Issuer)
		return nil, v.lastErr
	}
	keys := &keySet{url: meta.JWKS, client: v.client, minRefresh: v.cfg.MinKeyRefresh, now: v.cfg.Now}
	v.verifier = oidc.NewVerifier(v.cfg.Issuer, keys, &oidc.Config{
		ClientID:             v.cfg.Audience,
		SupportedSigningAlgs: signingAlgs,
		// exp and nbf are checked below with this server's small skew;
		// go-oidc's own nbf check allows five minutes.
		SkipExpiryCheck: true,
	})
	v.lastErr = nil
	return v.verifier, nil
}

// claims are the access token claims read after the signature, issuer and
// audience checks.
type claims struct {
	Subject string          `json:"sub"`
	Email   string          `json:"email"`
	Expiry  *json.Number    `json:"exp"`
	NotBef  *json.Number    `json:"nbf"`
	Scope   json.RawMessage `json:"scope"`
	Scp     json.RawMessage `json:"scp"`
}

// Verify checks a raw access token and returns the caller's identity, or a
// Failure saying which status to answer.
func (v *Verifier) Verify(ctx context.Context, raw string) (Identity, error) {
	iv, err := v.load()
	if err != nil {
		return Identity{}, &Failure{Status: http.StatusServiceUnavailable, Code: "temporarily_unavailable",
			Description: "the authorization server's keys cannot be loaded; try again shortly"}
	}
	tok, err := iv.Verify(ctx, raw)
	if err != nil {
		return Identity{}, invalid(err.Error())
	}
	var c claims
	if err := tok.Claims(&c); err != nil {
		return Identity{}, invalid("claims are not valid JSON")
	}
	var all map[string]any
	if err := tok.Claims(&all); err != nil {
		return Identity{}, invalid("claims are not valid JSON")
	}
	now := v.cfg.Now()
	exp, ok := unixTime(c.Expiry)
	if !ok {
		return Identity{}, invalid("the token has no exp claim")
	}
	if now.After(exp.Add(v.cfg.Skew)) {
		return Identity{}, invalid("the token expired at " + exp.UTC().Format(time.RFC3339))
	}
	if nbf, ok := unixTime(c.NotBef); ok && nbf.After(now.Add(v.cfg.Skew)) {
		return Identity{}, invalid("the token is not valid before " + nbf.UTC().Format(time.RFC3339))
	}
	if c.Subject == "" {
		return Identity{}, invalid("the token has no sub claim")
	}
	id := Identity{Subject: c.Subject, Email: c.Email, Method: "oauth",
		Scopes: append(stringList(c.Scope), stringList(c.Scp)...)}
	if g, ok := all[v.cfg.GroupsClaim]; ok {
		raw, _ := json.Marshal(g)
		id.Groups = stringList(raw)
	}
	if !hasAll(id.Scopes, v.cfg.Scopes) {
		return id, &Failure{Status: http.StatusForbidden, Code: "insufficient_scope",
			Description: "the token lacks the scope " + strings.Join(v.cfg.Scopes, " ")}
	}
	return id, nil
}

func invalid(why string) *Failure {
	return &Failure{Status: http.StatusUnauthorized, Code: "invalid_token", Description: why}
}

// unixTime reads a NumericDate.
func unixTime(n *json.Number) (time.Time, bool) {
	if n == nil {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}

// stringList reads a claim that providers send either as one
// space-separated string ("scope", Entra's "scp") or as an array (Okta's
// "scp", "groups").
func stringList(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.Fields(s)
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	return nil
}

// keySet is the provider's JWKS, cached. A token whose key id is not
// cached causes a fetch (key rotation), but at most one per minRefresh,
// so forged tokens with random key ids cannot make the server hammer the
// provider. Signatures are verified by go-jose.
type keySet struct {
	url        string
	client     *http.Client
	minRefresh time.Duration
	now        func() time.Time

	mu      sync.Mutex
	keys    []jose.JSONWebKey
	fetched time.Time
}

// maxKeyAge is how long a fetched key set is trusted before it is fetched
// again, so a key the provider withdrew stops working.
const maxKeyAge = time.Hour

// VerifySignature implements oidc.KeySet.
func (k *keySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	algs := make([]jose.SignatureAlgorithm, len(signingAlgs))
	for i, a := range signingAlgs {
		algs[i] = jose.SignatureAlgorithm(a)
	}
	jws, err := jose.ParseSigned(jwt, algs)
	if err != nil {
		return nil, fmt.Errorf("malformed or unsupported token: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("the token must carry exactly one signature")
	}
	kid := jws.Signatures[0].Header.KeyID
	keys, err := k.current(ctx, kid)
	if err != nil {
		return nil, err
	}
	for _, key := range keys {
		if kid == "" || key.KeyID == kid {
			if payload, err := jws.Verify(&key); err == nil {
				return payload, nil
			}
		}
	}
	return nil, errors.New("the token is not signed by any key of the authorization server")
}

// current returns the cached keys, fetching them first when none has kid
// (or they are old) and the last fetch is at least minRefresh ago.
func (k *keySet) current(ctx context.Context, kid string) ([]jose.JSONWebKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	known := false
	for _, key := range k.keys {
		if kid == "" || key.KeyID == kid {
			known = true
			break
		}
	}
	now := k.now()
	stale := now.Sub(k.fetched) > maxKeyAge
	if (known && !stale) || now.Sub(k.fetched) < k.minRefresh {
		return k.keys, nil
	}
	// Holding the lock while fetching makes concurrent callers share one
	// fetch; the client's timeout bounds the wait.
	keys, err := k.fetch(ctx)
	k.fetched = now
	if err != nil {
		if len(k.keys) > 0 {
			return k.keys, nil
		}
		return nil, err
	}
	k.keys = keys
	return keys, nil
}

// maxJWKSBytes bounds the JWKS document.
const maxJWKSBytes = 1 << 20

func (k *keySet) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, k.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the JWKS: %s", resp.Status)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxJWKSBytes)).Decode(&set); err != nil {
		return nil, fmt.Errorf("decoding the JWKS: %w", err)
	}
	// Only public keys verify; a symmetric key in the set is ignored.
	var out []jose.JSONWebKey
	for _, key := range set.Keys {
		if key.Valid() && key.IsPublic() && (key.Use == "" || key.Use == "sig") {
			out = append(out, key)
		}
	}
	return out, nil
}
