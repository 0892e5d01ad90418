package mcphttp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
	"github.com/stammer-mcp/stammer-mcp/tools"
)

const secret = "http-secret-0123456789"

// replica starts one stammer-mcp HTTP server against the fake API.
func replica(t *testing.T, fake *stammertest.Server, c Config) *httptest.Server {
	t.Helper()
	sc, err := stammer.New(stammer.Config{BaseURL: fake.URL, Token: stammertest.DefaultToken})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := tools.NewServer("stammer-mcp", "test", tools.Deps{Client: sc})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(Handler(srv, c))
	t.Cleanup(hs.Close)
	return hs
}

func TestGuard(t *testing.T) {
	fake := stammertest.NewServer(t)
	hs := replica(t, fake, Config{Token: secret, AllowedOrigins: []string{"https://assistant.example.com"}})
	initBody := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`
	tests := []struct {
		name    string
		path    string
		headers map[string]string
		want    int
	}{
		{"healthz is open", "/healthz", nil, 200},
		{"no token", "/mcp", nil, 401},
		{"wrong token", "/mcp", map[string]string{"Authorization": "Bearer nope"}, 401},
		{"basic auth is not bearer", "/mcp", map[string]string{"Authorization": "Basic " + secret}, 401},
		{"right token", "/mcp", map[string]string{"Authorization": "Bearer " + secret}, 200},
		{"foreign origin", "/mcp", map[string]string{"Authorization": "Bearer " + secret, "Origin": "https://evil.example"}, 403},
		{"foreign origin without token", "/mcp", map[string]string{"Origin": "https://evil.example"}, 403},
		{"allowed origin", "/mcp", map[string]string{"Authorization": "Bearer " + secret, "Origin": "https://assistant.example.com"}, 200},
		{"loopback origin on loopback", "/mcp", map[string]string{"Authorization": "Bearer " + secret, "Origin": "http://localhost:3000"}, 200},
		{"rebinding host", "/mcp", map[string]string{"Authorization": "Bearer " + secret, "Host": "evil.example"}, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method, body := http.MethodGet, io.Reader(nil)
			if tc.path == "/mcp" {
				method, body = http.MethodPost, strings.NewReader(initBody)
			}
			req, _ := http.NewRequest(method, hs.URL+tc.path, body)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			for k, v := range tc.headers {
				if k == "Host" {
					req.Host = v
					continue
				}
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tc.want, b)
			}
			if strings.Contains(string(b), secret) {
				t.Error("the response echoes the token")
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		c    Config
		want string
	}{
		{Config{Listen: "127.0.0.1:8080"}, ""},
		{Config{Listen: "localhost:8080"}, ""},
		{Config{Listen: "[::1]:8080"}, ""},
		{Config{Listen: "0.0.0.0:8080"}, "MCP_HTTP_TOKEN"},
		{Config{Listen: ":8080"}, "MCP_HTTP_TOKEN"},
		{Config{Listen: "0.0.0.0:8080", Token: "x"}, "at least 16"},
		{Config{Listen: "0.0.0.0:8080", Token: "0123456789abcdef"}, ""},
		{Config{Listen: "8080"}, "host:port"},
		{Config{Listen: "127.0.0.1:1", AllowedOrigins: []string{"assistant.example.com"}}, "scheme://host"},
	}
	for _, tc := range tests {
		err := tc.c.Check()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("Check(%+v) = %v, want %q", tc.c, err, tc.want)
		}
	}
}

// TestTwoReplicasBehindRoundRobinPageCorrectly shows the transport is
// stateless: every request may land on another replica, and a paging
// sequence still comes out whole and in order.
func TestTwoReplicasBehindRoundRobinPageCorrectly(t *testing.T) {
	fake := stammertest.NewServer(t)
	a := replica(t, fake, Config{Token: secret})
	b := replica(t, fake, Config{Token: secret})
	targets := []*url.URL{mustURL(a.URL), mustURL(b.URL)}
	var n, hitsA, hitsB atomic.Int64
	lb := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		i := n.Add(1) % 2
		if i == 0 {
			hitsA.Add(1)
		} else {
			hitsB.Add(1)
		}
		r.SetURL(targets[i])
	}})
	t.Cleanup(lb.Close)

	c, err := client.NewStreamableHttpClient(lb.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + secret}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "lb-test", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	args := json.RawMessage(`{"chatbot_id":17,"onlyDeletedConversations":false,"limit":40}`)
	seen := map[int64]bool{}
	total := -1
	for page := 0; args != nil; page++ {
		if page > 10 {
			t.Fatal("paging does not end")
		}
		req := mcp.CallToolRequest{}
		req.Params.Name = "list_conversations"
		req.Params.Arguments = args
		res, err := c.CallTool(ctx, req)
		if err != nil || res.IsError {
			t.Fatalf("page %d: %v %+v", page, err, res)
		}
		raw, _ := json.Marshal(res.StructuredContent)
		var got struct {
			Total         int `json:"total"`
			Conversations []struct {
				Number int64 `json:"number"`
			} `json:"conversations"`
			Next *struct {
				Arguments json.RawMessage `json:"arguments"`
			} `json:"next"`
		}
		json.Unmarshal(raw, &got)
		total = got.Total
		for _, cv := range got.Conversations {
			if seen[cv.Number] {
				t.Errorf("conversation %d listed twice", cv.Number)
			}
			seen[cv.Number] = true
		}
		args = nil
		if got.Next != nil {
			args = got.Next.Arguments
		}
	}
	if len(seen) != total || total < 100 {
		t.Errorf("paging saw %d conversations of %d", len(seen), total)
	}
	if hitsA.Load() == 0 || hitsB.Load() == 0 {
		t.Errorf("round robin used replicas %d/%d times; both must serve", hitsA.Load(), hitsB.Load())
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
