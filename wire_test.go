package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/stammer-mcp/stammer-mcp/tools"
)

// TestToolListIsEncodedAsJSONMarshalDoes holds encodeMessage's fast
// tools/list to json.Marshal's bytes, on the server's real tools and on
// tools whose fields the fast path must not disturb.
func TestToolListIsEncodedAsJSONMarshalDoes(t *testing.T) {
	resp := toolList(t)
	r, ok := resp.(mcp.JSONRPCResponse)
	if !ok {
		t.Fatalf("tools/list answered %T", resp)
	}
	real, ok := r.Result.(mcp.ListToolsResult)
	if !ok || len(real.Tools) < 4 {
		t.Fatalf("tools/list result is %T with %d tools", r.Result, len(real.Tools))
	}
	for _, tl := range real.Tools {
		for _, raw := range []json.RawMessage{tl.RawInputSchema, tl.RawOutputSchema} {
			var compact bytes.Buffer
			if err := json.Compact(&compact, raw); err != nil {
				t.Errorf("%s: a schema is not valid JSON: %v", tl.Name, err)
			} else if !bytes.Equal(compact.Bytes(), raw) || bytes.ContainsAny(raw, "<>&") {
				t.Errorf("%s: a schema is not what json.Marshal writes (compact, with <, > and & escaped), so tools/list would differ", tl.Name)
			}
		}
	}

	// The real tools take the fast way: both schemas spliced in, unscanned.
	for _, tl := range real.Tools {
		if p, err := encodeTool(tl); err != nil || len(p.pieces) != 5 {
			t.Errorf("%s: encoded in %d pieces (err %v), want 5: the schemas were not spliced in", tl.Name, len(p.pieces), err)
		}
	}
	if !bytes.Contains(mustEncode(t, r), real.Tools[0].RawOutputSchema) {
		t.Error("the encoded answer lacks a tool's output schema as it is")
	}

	odd := real.Tools[0]
	odd.Name, odd.Title = `"inputSchema":0`, `"outputSchema":1 <&>`
	odd.Description = "a \"quoted\" \u2028 line"
	odd.Meta = mcp.NewMetaFromMap(map[string]any{"inputSchema": 0, "outputSchema": 1, "tools": []any{}})
	pretty := real.Tools[1]
	pretty.RawInputSchema = json.RawMessage("{\n  \"type\": \"object\"\n}")
	crlf := real.Tools[2]
	crlf.RawOutputSchema = json.RawMessage("{\"type\":\r\"object\"}")
	noOutput := real.Tools[3]
	noOutput.RawOutputSchema = nil
	withCursor := real
	withCursor.NextCursor = "bmV4dA=="
	withCursor.Meta = mcp.NewMetaFromMap(map[string]any{"tools": []any{}})

	cases := map[string]any{
		"real":        r,
		"odd fields":  mcp.JSONRPCResponse{JSONRPC: "2.0", ID: mcp.NewRequestId(int64(7)), Result: mcp.ListToolsResult{Tools: []mcp.Tool{odd, pretty, crlf, noOutput}}},
		"cursor/meta": mcp.JSONRPCResponse{JSONRPC: "2.0", ID: mcp.NewRequestId("x"), Result: withCursor},
		"no tools":    mcp.JSONRPCResponse{JSONRPC: "2.0", ID: mcp.NewRequestId(int64(2)), Result: mcp.ListToolsResult{Tools: []mcp.Tool{}}},
		"other":       mcp.NewJSONRPCError(mcp.NewRequestId(int64(3)), mcp.INTERNAL_ERROR, "x", nil),
	}
	for name, msg := range cases {
		want, err := json.Marshal(msg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := encodeMessage(msg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: encodeMessage differs from json.Marshal\n got: %.600s\nwant: %.600s", name, got, want)
		}
		if bytes.ContainsAny(got, "\n\r") {
			t.Errorf("%s: a line break inside one stdio message", name)
		}
	}
}

// BenchmarkEncodeToolList compares the tools/list answer's encoding with
// json.Marshal's, on the server's real tools (a warm process: the cold
// figure is in go run ./bench).
func BenchmarkEncodeToolList(b *testing.B) {
	msg := toolList(b)
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(msg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encodeMessage", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeMessage(msg); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// toolList is the real server's answer to tools/list, after initialize.
func toolList(tb testing.TB) mcp.JSONRPCMessage {
	tb.Helper()
	srv, err := tools.NewServer("stammer-mcp", "test", tools.Deps{})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	srv.HandleMessage(ctx, []byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`))
	return srv.HandleMessage(ctx, []byte(`{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}`))
}

func mustEncode(t *testing.T, msg any) []byte {
	t.Helper()
	b, err := encodeMessage(msg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
