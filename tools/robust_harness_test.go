package tools

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// leakToken is the API token of the robustness tests: distinctive, so a
// leak anywhere is found by a substring search.
const leakToken = "stt_LEAK_CANARY_5c1e7a9b0d2f4e6a8b0c2d4e6f8a0b1c"

// rig is an in-process MCP session like harness, for the robustness
// tests: it takes any testing.TB (fuzz targets build one per run), lets a
// test set the client's Config and the server's Deps (retries, backoff,
// page cap, cache), and exposes the MCP server for extra tools.
type rig struct {
	fake   *stammertest.Server
	client *client.Client
	srv    *server.MCPServer
	sc     *stammer.Client
	logs   *syncBuffer
	// schemas are NewServer's tools' output schemas: every successful
	// result through call is checked against its tool's (conforms).
	schemas map[string]*jsonschema.Schema
}

type rigOptions struct {
	cfg     func(*stammer.Config) // after the defaults
	deps    func(*Deps)           // after the defaults
	extra   []server.ServerTool   // added after NewServer's tools
	onNotif func(mcp.JSONRPCNotification)
}

func newRig(t testing.TB, o rigOptions, fakeOpts ...stammertest.Option) *rig {
	t.Helper()
	fake := stammertest.NewServer(t, append([]stammertest.Option{stammertest.WithToken(leakToken)}, fakeOpts...)...)
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := stammer.Config{
		BaseURL: fake.URL, Token: leakToken, Timeout: 5 * time.Second, UserAgent: "stammer-mcp/test",
		Logger: logger, MaxRetries: 2, RetryBackoff: time.Millisecond,
	}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	sc, err := stammer.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fixed := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	d := Deps{Client: sc, Logger: logger, Timeout: cfg.Timeout, Now: func() time.Time { return fixed }}
	if o.deps != nil {
		o.deps(&d)
	}
	srv, err := NewServer("stammer-mcp", "test", d)
	if err != nil {
		t.Fatal(err)
	}
	srv.AddTools(o.extra...)
	c, err := client.NewInProcessClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if o.onNotif != nil {
		c.OnNotification(o.onNotif)
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "robustness", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return &rig{fake: fake, client: c, srv: srv, sc: sc, logs: logs, schemas: outputSchemas(t, c, o.extra...)}
}

// call invokes a tool; a protocol error fails the test, since every fault
// should be a tool result.
func (r *rig) call(t testing.TB, ctx context.Context, tool string, args any, meta *mcp.Meta) *mcp.CallToolResult {
	t.Helper()
	res, err := r.callErr(ctx, tool, args, meta)
	if err != nil {
		t.Fatalf("CallTool(%s, %v): protocol error %v; every fault should be a tool result", tool, args, err)
	}
	conforms(t, r.schemas, tool, args, res)
	return res
}

func (r *rig) callErr(ctx context.Context, tool string, args any, meta *mcp.Meta) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	req.Params.Meta = meta
	return r.client.CallTool(ctx, req)
}

// structuredJSON renders a result's structured content as JSON.
func structuredJSON(t testing.TB, res *mcp.CallToolResult) string {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
