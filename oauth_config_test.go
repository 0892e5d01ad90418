package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOAuthConfig(t *testing.T) {
	http := []string{"--transport", "http", "--listen", "0.0.0.0:8080"}
	cases := []struct {
		name    string
		env     map[string]string
		wantErr string // "" = valid
	}{
		{"neither token nor OAuth off loopback", map[string]string{}, "MCP_OAUTH_ISSUER"},
		{"OAuth alone off loopback", map[string]string{"MCP_OAUTH_ISSUER": "https://tenant.eu.auth0.com/", "MCP_OAUTH_RESOURCE": "https://mcp.example.com/mcp"}, ""},
		{"both", map[string]string{"MCP_HTTP_TOKEN": "0123456789abcdef0123", "MCP_OAUTH_ISSUER": "https://kc.example/realms/a", "MCP_OAUTH_RESOURCE": "https://mcp.example.com/mcp"}, ""},
		{"resource without issuer", map[string]string{"MCP_HTTP_TOKEN": "0123456789abcdef0123", "MCP_OAUTH_RESOURCE": "https://mcp.example.com/mcp"}, "need MCP_OAUTH_ISSUER"},
		{"issuer without resource", map[string]string{"MCP_OAUTH_ISSUER": "https://tenant.eu.auth0.com/"}, "MCP_OAUTH_RESOURCE"},
		{"plain http issuer", map[string]string{"MCP_OAUTH_ISSUER": "http://idp.example/", "MCP_OAUTH_RESOURCE": "https://mcp.example.com/mcp"}, "MCP_OAUTH_ISSUER"},
		{"plain http issuer named like loopback", map[string]string{"MCP_OAUTH_ISSUER": "http://127.evil.example/", "MCP_OAUTH_RESOURCE": "https://mcp.example.com/mcp"}, "MCP_OAUTH_ISSUER"},
		{"plain http issuer on loopback", map[string]string{"MCP_OAUTH_ISSUER": "http://127.0.0.1:8080/realms/a", "MCP_OAUTH_RESOURCE": "https://mcp.example.com/mcp"}, ""},
		{"resource with a query", map[string]string{"MCP_OAUTH_ISSUER": "https://idp.example/", "MCP_OAUTH_RESOURCE": "https://mcp.example.com/mcp?x=1"}, "MCP_OAUTH_RESOURCE"},
		{"a scope with a space", map[string]string{"MCP_OAUTH_ISSUER": "https://idp.example/", "MCP_OAUTH_RESOURCE": "https://mcp.example.com/mcp", "MCP_OAUTH_SCOPES": "stammer.read, a b"}, "MCP_OAUTH_SCOPES"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseConfig(http, func(k string) string { return tc.env[k] }, io.Discard)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("want an error naming %s, got %v", tc.wantErr, err)
			case tc.wantErr == "" && tc.env["MCP_OAUTH_ISSUER"] != "" && cfg.httpCfg.OAuth == nil:
				t.Fatal("OAuth is not enabled")
			}
		})
	}
}

func TestPolicyFileMustLoadAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.json")
	os.WriteFile(path, []byte(`{"rules": [{"email": "a@b.example"}]}`), 0o600)
	var stderr bytes.Buffer
	env := map[string]string{"MCP_POLICY_FILE": path}
	code := run(context.Background(), []string{"--demo", "--transport", "http", "--listen", "127.0.0.1:0"}, strings.NewReader(""), io.Discard, &stderr,
		func(k string) string { return env[k] })
	if code != 2 || !strings.Contains(stderr.String(), "MCP_POLICY_FILE") || !strings.Contains(stderr.String(), "lists no chatbots") {
		t.Errorf("exit %d, stderr %s", code, stderr.String())
	}
}
