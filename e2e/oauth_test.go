package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOAuthFlow runs oauth.test.mjs: the official TypeScript SDK client
// performs the whole OAuth 2.1 flow of the MCP authorization specification
// against the server, with a real OpenID Connect provider (zitadel's
// library, built from e2e/oidcprovider, its own module) as the
// authorization server.
func TestOAuthFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: skipped with -short (it builds an OpenID provider and runs the TypeScript SDK's OAuth flow)")
	}
	node, npm := requireNode(t)
	bin := buildServer(t)
	provider := buildProvider(t)
	npmCI(t, npm)

	ctx, cancel := context.WithTimeout(t.Context(), nodeTimeout)
	defer cancel()
	cmd := command(ctx, t, node, "--test", "--test-reporter=spec", "oauth.test.mjs")
	cmd.Env = append(os.Environ(), "STAMMER_MCP_BIN="+bin, "OIDC_PROVIDER_BIN="+provider, "NO_COLOR=1")
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("node --test oauth.test.mjs failed after %s: %v (its output is above)", time.Since(start).Round(time.Millisecond), err)
	}
	t.Logf("the OAuth flow passed in %s", time.Since(start).Round(time.Millisecond))
}

// buildProvider builds e2e/oidcprovider next to the server binary. It is a
// module of its own (so the server's module does not require an identity
// provider); go build fetches its pinned dependencies through the module
// proxy on first use.
func buildProvider(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(built.dir, "oidcprovider")
	ctx, cancel := context.WithTimeout(t.Context(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", bin, ".")
	cmd.Dir = "oidcprovider"
	// The parent module's flags (e.g. -mod) do not apply to this module.
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatal(fmt.Errorf("go build ./e2e/oidcprovider: %v\n%s", err, strings.TrimSpace(string(out))))
	}
	t.Logf("OpenID provider built in %s", time.Since(start).Round(time.Millisecond))
	return bin
}
