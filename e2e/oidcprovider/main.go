// Command oidcprovider runs an OpenID Connect provider on loopback for the
// end-to-end OAuth test (e2e/oauth.test.mjs): zitadel's OpenID provider
// library (github.com/zitadel/oidc/v3/pkg/op) with its in-memory example
// storage, users and login page, as an independent implementation of the
// authorization server that the MCP client talks to. Nothing here signs or
// checks a token: discovery, the authorization endpoint, PKCE, the token
// endpoint, the JWKS and the signing are the library's.
//
// It is configured the way an operator configures Auth0's "API", a
// Keycloak audience mapper or Entra's App ID URI: access tokens are JWTs
// whose audience is the MCP server's resource URL (-audience), and they
// carry the granted scopes and the user's email.
//
// It prints "issuer <URL>" on stdout once it listens, and serves until
// stdin closes or it is killed. It lives in its own module so that the
// server's module does not depend on an identity provider.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	audience := flag.String("audience", "", "the audience of every access token: the MCP server's resource URL")
	clientID := flag.String("client-id", "stammer-mcp-e2e", "the public (PKCE) client's id")
	redirect := flag.String("redirect-uri", "http://localhost:33418/callback", "the client's redirect URI")
	flag.Parse()
	if *audience == "" {
		fmt.Fprintln(os.Stderr, "oidcprovider: -audience is required")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oidcprovider:", err)
		os.Exit(1)
	}
	issuer := "http://" + ln.Addr().String() + "/"

	storage.RegisterClients(storage.NativeClient(*clientID, *redirect))
	st := &store{Storage: storage.NewStorage(storage.NewUserStore(issuer)), audience: *audience}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	router := exampleop.SetupServer(issuer, st, logger, false)

	srv := &http.Server{Handler: router}
	go func() {
		// The test closes stdin (or dies) to stop the provider.
		bufio.NewReader(os.Stdin).ReadString(0)
		srv.Shutdown(context.Background())
	}()
	fmt.Println("issuer", issuer)
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "oidcprovider:", err)
		os.Exit(1)
	}
}

// store is the library's example storage with JWT access tokens for the
// configured audience.
type store struct {
	*storage.Storage
	audience string
}

// GetClientByClientID gives the client JWT access tokens (the example's
// native client gets opaque ones).
func (s *store) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return jwtClient{c}, nil
}

// AuthRequestByCode sets the audience of the token made from the code.
func (s *store) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := s.Storage.AuthRequestByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return audienceRequest{AuthRequest: r, audience: s.audience}, nil
}

// GetPrivateClaimsFromScopes puts the granted scopes and the email in the
// access token, as resource servers read them.
func (s *store) GetPrivateClaimsFromScopes(ctx context.Context, userID, clientID string, scopes []string) (map[string]any, error) {
	claims, err := s.Storage.GetPrivateClaimsFromScopes(ctx, userID, clientID, scopes)
	if err != nil {
		return nil, err
	}
	if claims == nil {
		claims = map[string]any{}
	}
	claims["scope"] = strings.Join(scopes, " ")
	var info oidc.UserInfo
	if err := s.Storage.SetUserinfoFromScopes(ctx, &info, userID, clientID, []string{"email"}); err == nil && info.Email != "" {
		claims["email"] = info.Email
	}
	return claims, nil
}

type jwtClient struct{ op.Client }

func (jwtClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }

// IsScopeAllowed admits the MCP server's scope besides the OpenID ones.
func (c jwtClient) IsScopeAllowed(scope string) bool {
	return scope == "stammer.read" || c.Client.IsScopeAllowed(scope)
}

type audienceRequest struct {
	op.AuthRequest
	audience string
}

func (r audienceRequest) GetAudience() []string { return []string{r.audience} }
