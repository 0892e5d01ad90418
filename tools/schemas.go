package tools

import (
	"embed"
	"encoding/json"
	"fmt"

	"github.com/stammer-mcp/stammer-mcp/schema"
)

// Each tool's schemas are reflected from its params and result structs by
// schema.For — but at test time, not at every start: reflecting and
// marshalling them cost about 5 ms of a 24 ms cold start
// (docs/benchmarks.md). TestSchemasAreCurrent regenerates them and fails
// when a struct changed without `go test ./tools -run Schemas -update`, so
// the structs stay the single source.

//go:embed schemas/*.json
var schemaFiles embed.FS

// toolSchema is one generated schema file and the type it comes from.
type toolSchema struct {
	file string
	gen  func() (json.RawMessage, error)
}

// toolSchemas lists every schema a tool advertises.
var toolSchemas = []toolSchema{
	{"list_conversations.input.json", schema.For[ListConversationsParams]},
	{"list_conversations.output.json", schema.For[ListConversationsResult]},
	{"get_conversation.input.json", schema.For[GetConversationParams]},
	{"get_conversation.output.json", schema.For[GetConversationResult]},
	{"conversation_insights.input.json", schema.For[ConversationInsightsParams]},
	{"conversation_insights.output.json", schema.For[ConversationInsightsResult]},
}

// schemasOf returns a tool's input and output schemas from the embedded
// files.
func schemasOf(tool string) (in, out json.RawMessage, err error) {
	if in, err = schemaFiles.ReadFile("schemas/" + tool + ".input.json"); err != nil {
		return nil, nil, fmt.Errorf("%s: %w (run go test ./tools -run Schemas -update)", tool, err)
	}
	if out, err = schemaFiles.ReadFile("schemas/" + tool + ".output.json"); err != nil {
		return nil, nil, fmt.Errorf("%s: %w (run go test ./tools -run Schemas -update)", tool, err)
	}
	return in, out, nil
}
