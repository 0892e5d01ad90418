package main

import (
	"bytes"
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"
)

// encodeMessage marshals one JSON-RPC message for stdout: the same JSON as
// json.Marshal, byte for byte when the schemas are compact with <, > and &
// escaped, as the embedded ones are.
//
// Why not json.Marshal alone: a tools/list answer is mostly the tools'
// raw schemas (about 38 KB), and encoding/json validates and compacts
// every json.Marshaler's output again at each level that holds it — the
// schema (a RawMessage), the tool (mcp.Tool's MarshalJSON) and the
// answer — so the same bytes are scanned three times, which was a third
// of a cold start's gap to a bare server (docs/benchmarks.md). Here each
// tool is marshalled by mcp-go's own code with tiny placeholders for its
// schemas, and the schemas are put back in place of the placeholders.
// wire_test.go holds the result to json.Marshal's, byte for byte.
func encodeMessage(msg any) ([]byte, error) {
	if r, ok := msg.(mcp.JSONRPCResponse); ok {
		if list, ok := r.Result.(mcp.ListToolsResult); ok && len(list.Tools) > 0 {
			return encodeToolList(r, list)
		}
	}
	return json.Marshal(msg)
}

// encodeToolList marshals a tools/list answer with the tools left out,
// then puts in each tool.
func encodeToolList(r mcp.JSONRPCResponse, list mcp.ListToolsResult) ([]byte, error) {
	parts := make([]toolParts, len(list.Tools))
	size := 0
	for i, t := range list.Tools {
		p, err := encodeTool(t)
		if err != nil {
			return nil, err
		}
		parts[i], size = p, size+p.size()+1
	}
	list.Tools = []mcp.Tool{}
	r.Result = list
	shell, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	// Tools is the last field of the result, so the last `"tools":[]` is
	// its own: anything before it (_meta) is marshalled in full above.
	at := bytes.LastIndex(shell, []byte(`"tools":[]`))
	if at < 0 {
		return json.Marshal(r)
	}
	at += len(`"tools":[`)
	out := make([]byte, 0, len(shell)+size)
	out = append(out, shell[:at]...)
	for i, p := range parts {
		if i > 0 {
			out = append(out, ',')
		}
		out = p.appendTo(out)
	}
	return append(out, shell[at:]...), nil
}

// toolParts is one tool's JSON in pieces: bytes alternating with the raw
// schemas that go between them.
type toolParts struct{ pieces [][]byte }

func (p toolParts) size() (n int) {
	for _, b := range p.pieces {
		n += len(b)
	}
	return n
}

func (p toolParts) appendTo(out []byte) []byte {
	for _, b := range p.pieces {
		out = append(out, b...)
	}
	return out
}

// encodeTool marshals one tool through mcp.Tool's MarshalJSON with 0 and
// 1 standing for its raw schemas, and cuts the result around them. Keys
// come out sorted (the method marshals a map), so after "inputSchema" come
// only "name", "outputSchema" and "title": the last placeholder of each
// kind is the one to replace.
//
// The schemas go out unscanned. They are generated at build time as
// compact JSON (wire_test.go checks every one, and that the answer equals
// json.Marshal's), so the one check made here is the one stdio's framing
// needs: a schema holding a line break (say, one pretty-printed) would
// split the message, and goes the slow way instead.
func encodeTool(t mcp.Tool) (toolParts, error) {
	in, out := t.RawInputSchema, t.RawOutputSchema
	if hasLineBreak(in) || hasLineBreak(out) {
		b, err := json.Marshal(t)
		return toolParts{pieces: [][]byte{b}}, err
	}
	if in != nil {
		t.RawInputSchema = json.RawMessage("0")
	}
	if out != nil {
		t.RawOutputSchema = json.RawMessage("1")
	}
	b, err := json.Marshal(t)
	if err != nil {
		return toolParts{}, err
	}
	var pieces [][]byte
	rest := b
	if in != nil {
		if i := bytes.LastIndex(rest, []byte(`"inputSchema":0`)); i >= 0 {
			i += len(`"inputSchema":`)
			pieces, rest = append(pieces, rest[:i], in), rest[i+1:]
		}
	}
	if out != nil {
		if i := bytes.LastIndex(rest, []byte(`"outputSchema":1`)); i >= 0 {
			i += len(`"outputSchema":`)
			pieces, rest = append(pieces, rest[:i], out), rest[i+1:]
		}
	}
	return toolParts{pieces: append(pieces, rest)}, nil
}

// hasLineBreak reports whether raw holds a raw line break, which compact
// JSON never does (inside strings it is escaped).
func hasLineBreak(raw json.RawMessage) bool {
	return bytes.IndexByte(raw, '\n') >= 0 || bytes.IndexByte(raw, '\r') >= 0
}
