package mcphttp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/stammer-mcp/stammer-mcp/auth"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// testIssuer is a minimal OpenID provider for the verifier's negative
// tests: discovery and a JWKS whose keys the test rotates, and tokens the
// test signs with whatever it likes. (The happy path against a real
// provider is e2e/oauth.test.mjs.)
type testIssuer struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	keys     []*rsa.PrivateKey // published, newest first
	kids     []string
	jwksHits atomic.Int64
}

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	is := &testIssuer{t: t}
	is.rotate()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": is.srv.URL, "jwks_uri": is.srv.URL + "/jwks",
			"authorization_endpoint": is.srv.URL + "/authorize", "token_endpoint": is.srv.URL + "/token",
			"id_token_signing_alg_values_supported": []string{"RS256", "HS256", "none"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		is.jwksHits.Add(1)
		is.mu.Lock()
		defer is.mu.Unlock()
		var set jose.JSONWebKeySet
		for i, k := range is.keys {
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.PublicKey, KeyID: is.kids[i], Algorithm: "RS256", Use: "sig"})
		}
		json.NewEncoder(w).Encode(set)
	})
	is.srv = httptest.NewServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

// rotate publishes a new key (used for signing from now on) and withdraws
// every older one, as a provider does after a compromise.
func (is *testIssuer) rotate() {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		is.t.Fatal(err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys = []*rsa.PrivateKey{k}
	is.kids = []string{fmt.Sprintf("key-%d", time.Now().UnixNano())}
}

// claims are a valid access token's claims for resource, to be altered.
func (is *testIssuer) claims(resource string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": is.srv.URL, "sub": "user-1", "aud": resource, "scope": "openid stammer.read",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
	}
}

// sign signs claims with the current key (or key, kid when given).
func (is *testIssuer) sign(claims map[string]any) string {
	is.mu.Lock()
	key, kid := is.keys[0], is.kids[0]
	is.mu.Unlock()
	return signWith(is.t, jose.RS256, key, kid, claims)
}

func signWith(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("at+jwt").WithHeader("kid", kid)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// unsigned builds an "alg: none" token, which no library will sign.
func unsigned(claims map[string]any) string {
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	p, _ := json.Marshal(claims)
	return enc.EncodeToString(h) + "." + enc.EncodeToString(p) + "."
}

// hmacWithPublicKey signs with HS256 using the provider's public key as the
// secret: the classic algorithm-confusion forgery.
func hmacWithPublicKey(t *testing.T, is *testIssuer, claims map[string]any) string {
	is.mu.Lock()
	pub, kid := &is.keys[0].PublicKey, is.kids[0]
	is.mu.Unlock()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return signWith(t, jose.HS256, der, kid, claims)
}

// oauthReplica serves MCP with OAuth (and optionally the static token) in
// front of the fake API.
func oauthReplica(t *testing.T, fake *stammertest.Server, is *testIssuer, static string, minRefresh time.Duration) (*httptest.Server, string) {
	t.Helper()
	var resource string
	hs := httptest.NewUnstartedServer(nil)
	resource = "http://" + hs.Listener.Addr().String() + "/mcp"
	v := auth.NewVerifier(auth.Config{Issuer: is.srv.URL, Resource: resource, MinKeyRefresh: minRefresh}, nil)
	real := replica(t, fake, Config{Token: static, OAuth: v})
	real.Close()
	hs.Config.Handler = real.Config.Handler
	hs.Start()
	t.Cleanup(hs.Close)
	return hs, resource
}

// callBody is a tools/call that would reach the API if it got through.
const callBody = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list_conversations","arguments":{"chatbot_id":17,"onlyDeletedConversations":false}}}`

// post sends callBody to /mcp with the given Authorization header (none
// when empty) and returns the status, WWW-Authenticate and body.
func post(t *testing.T, url, authz string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(callBody))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", "2025-06-18")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate"), string(b)
}

func TestOAuthRefusals(t *testing.T) {
	fake := stammertest.NewServer(t)
	is := newTestIssuer(t)
	hs, resource := oauthReplica(t, fake, is, "", 0)
	mcpURL := hs.URL + "/mcp"
	metadata := hs.URL + "/.well-known/oauth-protected-resource/mcp"

	with := func(change func(map[string]any)) map[string]any {
		c := is.claims(resource)
		change(c)
		return c
	}
	stranger, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	cases := []struct {
		name   string
		url    string
		authz  string
		status int
		header string // a part WWW-Authenticate must have
	}{
		{"no token", mcpURL, "", 401, `resource_metadata="` + metadata + `"`},
		{"not a bearer token", mcpURL, "Basic dXNlcjpwYXNz", 401, `resource_metadata="`},
		{"garbage", mcpURL, "Bearer not.a.jwt", 401, `error="invalid_token"`},
		{"expired", mcpURL, "Bearer " + is.sign(with(func(c map[string]any) { c["exp"] = time.Now().Add(-2 * time.Minute).Unix() })), 401, `error="invalid_token"`},
		{"no exp", mcpURL, "Bearer " + is.sign(with(func(c map[string]any) { delete(c, "exp") })), 401, `error="invalid_token"`},
		{"not yet valid", mcpURL, "Bearer " + is.sign(with(func(c map[string]any) { c["nbf"] = time.Now().Add(10 * time.Minute).Unix() })), 401, `error="invalid_token"`},
		{"wrong issuer", mcpURL, "Bearer " + is.sign(with(func(c map[string]any) { c["iss"] = "https://evil.example/" })), 401, `error="invalid_token"`},
		{"wrong audience", mcpURL, "Bearer " + is.sign(with(func(c map[string]any) { c["aud"] = "https://other-api.example/mcp" })), 401, `error="invalid_token"`},
		{"no audience", mcpURL, "Bearer " + is.sign(with(func(c map[string]any) { delete(c, "aud") })), 401, `error="invalid_token"`},
		{"alg none", mcpURL, "Bearer " + unsigned(is.claims(resource)), 401, `error="invalid_token"`},
		{"HS256 with the public key", mcpURL, "Bearer " + hmacWithPublicKey(t, is, is.claims(resource)), 401, `error="invalid_token"`},
		{"unknown key", mcpURL, "Bearer " + signWith(t, jose.RS256, stranger, "key-unknown", is.claims(resource)), 401, `error="invalid_token"`},
		{"unknown key reusing a published kid", mcpURL, "Bearer " + signWith(t, jose.RS256, stranger, is.kids[0], is.claims(resource)), 401, `error="invalid_token"`},
		{"unpublished EC key", mcpURL, "Bearer " + signWith(t, jose.ES256, ecKey, "ec", is.claims(resource)), 401, `error="invalid_token"`},
		{"no sub", mcpURL, "Bearer " + is.sign(with(func(c map[string]any) { delete(c, "sub") })), 401, `error="invalid_token"`},
		{"missing scope", mcpURL, "Bearer " + is.sign(with(func(c map[string]any) { c["scope"] = "openid profile" })), 403, `error="insufficient_scope"`},
		{"scope as a look-alike", mcpURL, "Bearer " + is.sign(with(func(c map[string]any) { c["scope"] = "stammer.readwrite" })), 403, `error="insufficient_scope"`},
		{"token in the query string", mcpURL + "?access_token=" + is.sign(is.claims(resource)), "", 401, `error="invalid_request"`},
		{"token in the query string and the header", mcpURL + "?access_token=x", "Bearer " + is.sign(is.claims(resource)), 401, `error="invalid_request"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake.ResetRequests()
			status, www, body := post(t, tc.url, tc.authz)
			if status != tc.status {
				t.Fatalf("status %d, want %d; body %q", status, tc.status, body)
			}
			if !strings.HasPrefix(www, "Bearer ") || !strings.Contains(www, tc.header) {
				t.Errorf("WWW-Authenticate %q lacks %q", www, tc.header)
			}
			if !strings.Contains(www, `resource_metadata="`+metadata+`"`) || !strings.Contains(www, `scope="stammer.read"`) {
				t.Errorf("WWW-Authenticate %q does not point at the metadata and scope", www)
			}
			if n := len(fake.Requests()); n != 0 {
				t.Errorf("%d requests reached the API", n)
			}
			if tok, ok := strings.CutPrefix(tc.authz, "Bearer "); ok && (strings.Contains(www, tok) || strings.Contains(body, tok)) {
				t.Error("the refusal echoes the token")
			}
			if strings.Contains(body, "DEMO") || strings.Contains(body, "conversation") {
				t.Errorf("the refusal carries data: %q", body)
			}
		})
	}

	t.Run("a valid token gets through to the API", func(t *testing.T) {
		fake.ResetRequests()
		status, _, body := post(t, mcpURL, "Bearer "+is.sign(is.claims(resource)))
		if status != 200 || !strings.Contains(body, "Totals over all") {
			t.Fatalf("status %d, body %.300s", status, body)
		}
		if len(fake.Requests()) == 0 {
			t.Error("the call did not reach the API")
		}
	})
	t.Run("scopes as an scp array (Okta) pass", func(t *testing.T) {
		c := is.claims(resource)
		delete(c, "scope")
		c["scp"] = []string{"stammer.read"}
		if status, _, body := post(t, mcpURL, "Bearer "+is.sign(c)); status != 200 {
			t.Fatalf("status %d, body %.300s", status, body)
		}
	})
	t.Run("resource metadata", func(t *testing.T) {
		for _, u := range []string{metadata, hs.URL + "/.well-known/oauth-protected-resource"} {
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Resource string   `json:"resource"`
				AS       []string `json:"authorization_servers"`
				Scopes   []string `json:"scopes_supported"`
				Methods  []string `json:"bearer_methods_supported"`
			}
			err = json.NewDecoder(resp.Body).Decode(&m)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%s: %d %v", u, resp.StatusCode, err)
			}
			if m.Resource != resource || len(m.AS) != 1 || m.AS[0] != is.srv.URL || len(m.Scopes) != 1 || m.Scopes[0] != "stammer.read" ||
				len(m.Methods) != 1 || m.Methods[0] != "header" {
				t.Errorf("%s: %+v", u, m)
			}
		}
	})
}

func TestOAuthKeyRotation(t *testing.T) {
	fake := stammertest.NewServer(t)
	is := newTestIssuer(t)
	hs, resource := oauthReplica(t, fake, is, "", time.Nanosecond)
	mcpURL := hs.URL + "/mcp"

	old := is.sign(is.claims(resource))
	if status, _, body := post(t, mcpURL, "Bearer "+old); status != 200 {
		t.Fatalf("before rotation: %d %.200s", status, body)
	}
	is.rotate()
	fresh := is.sign(is.claims(resource))
	if status, _, body := post(t, mcpURL, "Bearer "+fresh); status != 200 {
		t.Fatalf("a token signed with the new key was refused: %d %.200s", status, body)
	}
	// The refresh dropped the withdrawn key.
	if status, _, _ := post(t, mcpURL, "Bearer "+old); status != 401 {
		t.Fatalf("a token signed with the withdrawn key got %d, want 401", status)
	}
}

func TestOAuthUnknownKeysDoNotFloodTheProvider(t *testing.T) {
	fake := stammertest.NewServer(t)
	is := newTestIssuer(t)
	hs, resource := oauthReplica(t, fake, is, "", time.Hour)
	mcpURL := hs.URL + "/mcp"
	if status, _, _ := post(t, mcpURL, "Bearer "+is.sign(is.claims(resource))); status != 200 {
		t.Fatal("a valid token was refused")
	}
	before := is.jwksHits.Load()
	stranger, _ := rsa.GenerateKey(rand.Reader, 2048)
	for i := range 20 {
		tok := signWith(t, jose.RS256, stranger, fmt.Sprintf("random-%d", i), is.claims(resource))
		if status, _, _ := post(t, mcpURL, "Bearer "+tok); status != 401 {
			t.Fatalf("forged token %d got %d", i, status)
		}
	}
	if n := is.jwksHits.Load() - before; n > 0 {
		t.Errorf("20 forged tokens with unknown key ids caused %d JWKS fetches within the refresh interval, want 0", n)
	}
}

func TestOAuthWithStaticToken(t *testing.T) {
	fake := stammertest.NewServer(t)
	is := newTestIssuer(t)
	hs, resource := oauthReplica(t, fake, is, secret, 0)
	mcpURL := hs.URL + "/mcp"
	for name, authz := range map[string]string{"static token": "Bearer " + secret, "access token": "Bearer " + is.sign(is.claims(resource))} {
		if status, _, body := post(t, mcpURL, authz); status != 200 {
			t.Errorf("%s: %d %.200s", name, status, body)
		}
	}
	fake.ResetRequests()
	if status, _, _ := post(t, mcpURL, "Bearer "+secret+"x"); status != 401 {
		t.Errorf("a near-miss static token got %d", status)
	}
	if len(fake.Requests()) != 0 {
		t.Error("a refused call reached the API")
	}
}

func TestOAuthProviderDown(t *testing.T) {
	fake := stammertest.NewServer(t)
	is := newTestIssuer(t)
	hs, resource := oauthReplica(t, fake, is, "", 0)
	tok := is.sign(is.claims(resource))
	is.srv.Close()
	status, _, _ := post(t, hs.URL+"/mcp", "Bearer "+tok)
	if status != http.StatusServiceUnavailable {
		t.Errorf("with the provider unreachable before discovery: %d, want 503", status)
	}
	if len(fake.Requests()) != 0 {
		t.Error("a call reached the API without a verified token")
	}
	resp, err := http.Get(hs.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz while the provider is down: %v %v", resp, err)
	}
}
