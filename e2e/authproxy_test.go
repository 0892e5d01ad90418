package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// authProxy serves a loopback proxy to the server at target (an /mcp URL)
// that adds "Authorization: Bearer token" to every request and otherwise
// forwards it as sent, Host and Origin included (the DNS rebinding
// scenario depends on them), streaming responses as they come. It returns
// the proxy's /mcp URL.
func authProxy(t *testing.T, target, token string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(&url.URL{Scheme: u.Scheme, Host: u.Host})
			r.Out.Host = r.In.Host
			r.Out.Header.Set("Authorization", "Bearer "+token)
		},
		FlushInterval: -1,
	}
	ps := httptest.NewServer(proxy)
	t.Cleanup(ps.Close)
	return ps.URL + u.Path
}

// The provider's registered public client (see oidcprovider/main.go) and
// its example user.
const (
	providerClientID = "stammer-mcp-e2e"
	providerRedirect = "http://localhost:33418/callback"
	providerUser     = "test-user@127.0.0.1"
	providerPassword = "verysecure"
)

// startProvider starts the built OpenID provider, issuing access tokens for
// audience, and returns its issuer URL. It stops when the test ends.
func startProvider(t *testing.T, bin, audience string) string {
	t.Helper()
	cmd := exec.Command(bin, "-audience", audience, "-client-id", providerClientID, "-redirect-uri", providerRedirect)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = t.Output()
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close() // the provider stops when its stdin closes
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	issuer, ok := strings.CutPrefix(strings.TrimSpace(line), "issuer ")
	if err != nil || !ok {
		t.Fatalf("the OpenID provider did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, stdout)
	return issuer
}

// oauthToken gets an access token for resource from the provider the way a
// user's client does: authorization code with PKCE (golang.org/x/oauth2
// builds the request and exchanges the code), with this function playing
// the browser on the provider's login form.
func oauthToken(t *testing.T, issuer, resource string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var meta struct {
		Auth  string `json:"authorization_endpoint"`
		Token string `json:"token_endpoint"`
	}
	resp, err := http.Get(strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(resp.Body).Decode(&meta)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	conf := oauth2.Config{
		ClientID:    providerClientID,
		Endpoint:    oauth2.Endpoint{AuthURL: meta.Auth, TokenURL: meta.Token, AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: providerRedirect,
		Scopes:      []string{"openid", "email", "stammer.read"},
	}
	verifier := oauth2.GenerateVerifier()
	start := conf.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("resource", resource))
	code, err := browserLogin(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier), oauth2.SetAuthURLParam("resource", resource))
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

var (
	formAction  = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	hiddenInput = regexp.MustCompile(`<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"`)
)

// browserLogin follows the provider's redirects from the authorization
// URL, fills in its login form, and returns the code of the redirect to
// the client.
func browserLogin(ctx context.Context, next string) (string, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for range 10 {
		if strings.HasPrefix(next, providerRedirect) {
			u, err := url.Parse(next)
			if err != nil || u.Query().Get("code") == "" {
				return "", fmt.Errorf("the provider redirected without a code: %s", next)
			}
			return u.Query().Get("code"), nil
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		base := resp.Request.URL
		if loc := resp.Header.Get("Location"); loc != "" {
			u, err := base.Parse(loc)
			if err != nil {
				return "", err
			}
			next = u.String()
			continue
		}
		m := formAction.FindSubmatch(body)
		if resp.StatusCode != http.StatusOK || m == nil {
			return "", fmt.Errorf("%s: %s, and no login form: %.300s", next, resp.Status, body)
		}
		form := url.Values{"username": {providerUser}, "password": {providerPassword}}
		for _, h := range hiddenInput.FindAllSubmatch(body, -1) {
			form.Set(string(h[1]), string(h[2]))
		}
		action, _ := base.Parse(string(m[1]))
		req, _ = http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err = client.Do(req)
		if err != nil {
			return "", err
		}
		resp.Body.Close()
		loc, err := action.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode/100 != 3 {
			return "", fmt.Errorf("the login was refused: %s", resp.Status)
		}
		next = loc.String()
	}
	return "", fmt.Errorf("too many redirects")
}
