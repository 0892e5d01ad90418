package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// update rewrites golden files: go test ./tools -update, then review the diff.
var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// harness is one in-process MCP session against a fresh fake Stammer API,
// built with the same constructor main uses.
type harness struct {
	fake    *stammertest.Server
	client  *client.Client
	logs    *syncBuffer
	schemas map[string]*jsonschema.Schema // output schemas, compiled
}

// harnessOptions adjust the server under test.
type harnessOptions struct {
	token   string // "" = stammertest.DefaultToken; "-" = no token
	timeout time.Duration
	demo    bool
	lang    string // language prefix in the base URL
	// maxTokens is the server's output budget (0 = default).
	maxTokens int
	// cacheTTL: 0 = default, negative = no cache.
	cacheTTL time.Duration
	// chatbots are the operator's names (STAMMER_CHATBOTS_FILE).
	chatbots ChatbotNames
}

func newHarness(t testing.TB, o harnessOptions, fakeOpts ...stammertest.Option) *harness {
	t.Helper()
	fake := stammertest.NewServer(t, fakeOpts...)
	token := o.token
	switch token {
	case "":
		token = stammertest.DefaultToken
	case "-":
		token = ""
	}
	if o.timeout == 0 {
		o.timeout = 5 * time.Second
	}
	base := fake.URL
	if o.lang != "" {
		base += "/" + o.lang
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sc, err := stammer.New(stammer.Config{BaseURL: base, Token: token, Timeout: o.timeout, UserAgent: "stammer-mcp/test", Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	fixed := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	srv, err := NewServer("stammer-mcp", "test", Deps{Client: sc, Logger: logger, Timeout: o.timeout, Demo: o.demo,
		MaxOutputTokens: o.maxTokens, CacheTTL: o.cacheTTL, Chatbots: o.chatbots, Now: func() time.Time { return fixed }})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewInProcessClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "test", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return &harness{fake: fake, client: c, logs: logs, schemas: outputSchemas(t, c)}
}

// outputSchemas compiles every tool's advertised output schema with an
// independent validator (the one mcp-go uses, called directly here because
// mcp-go skips a schema it cannot compile instead of failing). The server
// does not check its results at run time (NewServer): these tests do. A
// tool in extra (a test's own) may have none; every other must.
func outputSchemas(t testing.TB, c *client.Client, extra ...server.ServerTool) map[string]*jsonschema.Schema {
	t.Helper()
	list, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*jsonschema.Schema{}
	for _, tool := range list.Tools {
		raw, _ := json.Marshal(tool)
		var wire struct {
			OutputSchema json.RawMessage `json:"outputSchema"`
		}
		if err := json.Unmarshal(raw, &wire); err != nil || wire.OutputSchema == nil {
			if slices.ContainsFunc(extra, func(e server.ServerTool) bool { return e.Tool.Name == tool.Name }) {
				continue
			}
			t.Fatalf("%s advertises no output schema", tool.Name)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(wire.OutputSchema))
		if err != nil {
			t.Fatal(err)
		}
		comp := jsonschema.NewCompiler()
		if err := comp.AddResource(tool.Name+".json", doc); err != nil {
			t.Fatal(err)
		}
		sch, err := comp.Compile(tool.Name + ".json")
		if err != nil {
			t.Fatalf("%s output schema does not compile: %v", tool.Name, err)
		}
		out[tool.Name] = sch
	}
	return out
}

// call invokes a tool with JSON arguments.
func (h *harness) call(t *testing.T, tool, args string) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	if args != "" {
		req.Params.Arguments = json.RawMessage(args)
	}
	res, err := h.client.CallTool(context.Background(), req)
	if err != nil {
		t.Fatalf("CallTool(%s, %s): protocol error %v; every fault should be a tool result", tool, args, err)
	}
	// Every successful result is checked against the advertised schema.
	conforms(t, h.schemas, tool, args, res)
	return res
}

// conforms checks a successful result's structured content against its
// tool's compiled output schema; tool errors and tools without one (a
// test's own) are skipped.
func conforms(t testing.TB, schemas map[string]*jsonschema.Schema, tool string, args any, res *mcp.CallToolResult) {
	t.Helper()
	sch := schemas[tool]
	if res.IsError || sch == nil {
		return
	}
	raw, _ := json.Marshal(res.StructuredContent)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("structured content of %s is not JSON: %v", tool, err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("%s(%s): structured content does not match the output schema: %v", tool, args, err)
	}
}

// text joins a result's text contents.
func text(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// structured decodes a result's structured content.
func structured(t *testing.T, res *mcp.CallToolResult) ListConversationsResult {
	t.Helper()
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var r ListConversationsResult
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("structured content %s: %v", raw, err)
	}
	return r
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tools -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test ./tools -update and review the diff.\n--- got ---\n%s", path, got)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
