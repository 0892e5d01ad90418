package tools

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// BenchmarkToolCall is one whole list_conversations call through an
// in-process MCP session (the test harness, built with NewServer as main
// builds it) against the fake API on loopback serving K conversations:
// JSON-RPC, binding, validation, HTTP, decoding, the summary and the
// budget (the server no longer checks results against their output schema;
// the tests do).
//
//   - uncached: the cache is off, so every call fetches and decodes;
//   - cached: the same call again, answered from the cache (the summary is
//     still computed over all K conversations);
//   - paged: the next page of a cached answer.
func BenchmarkToolCall(b *testing.B) {
	const first = `{"onlyDeletedConversations":false}`
	const paged = `{"onlyDeletedConversations":false,"offset":20}`
	for _, k := range benchKs() {
		cs := benchConversations(k)
		name := "K=" + strconv.Itoa(k)
		for _, c := range []struct {
			name string
			ttl  time.Duration
			args string
		}{{"uncached", -1, first}, {"cached", 0, first}, {"paged", 0, paged}} {
			if testing.Short() && c.name == "paged" {
				continue // -short: paged is cached plus an offset; full runs only
			}
			b.Run(name+"/"+c.name, func(b *testing.B) {
				h := newHarness(b, harnessOptions{cacheTTL: c.ttl, timeout: 2 * time.Minute},
					stammertest.WithFixtures(cs), stammertest.WithAllOnNotDeleted())
				if c.ttl >= 0 {
					benchCall(b, h, first) // fill the cache
				}
				b.ReportAllocs()
				for b.Loop() {
					benchCall(b, h, c.args)
				}
			})
		}
	}
}

// benchCall makes one call and fails the benchmark on any error.
func benchCall(b *testing.B, h *harness, args string) {
	req := mcp.CallToolRequest{}
	req.Params.Name = "list_conversations"
	req.Params.Arguments = json.RawMessage(args)
	res, err := h.client.CallTool(context.Background(), req)
	if err != nil {
		b.Fatal(err)
	}
	if res.IsError {
		b.Fatalf("tool error: %s", firstText(res, 300))
	}
}

// BenchmarkNewServer is the start-up work of the tools: reflecting and
// checking every tool's input and output schema, building the tools and
// the MCP server, as main does before it serves.
func BenchmarkNewServer(b *testing.B) {
	sc, err := stammer.New(stammer.Config{BaseURL: "http://127.0.0.1:1", Token: stammertest.DefaultToken})
	if err != nil {
		b.Fatal(err)
	}
	d := Deps{Client: sc, Logger: slog.New(slog.DiscardHandler)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewServer("stammer-mcp", "bench", d); err != nil {
			b.Fatal(err)
		}
	}
}
