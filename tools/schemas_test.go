package tools

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/invopop/jsonschema"

	"github.com/stammer-mcp/stammer-mcp/schema"
	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// The schema reflector runs only here: what it needs beyond the structs'
// tags lives in this file too, so the server binary does not link it.

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
	{"list_chatbots.input.json", schema.For[ListChatbotsParams]},
	{"list_chatbots.output.json", schema.For[ListChatbotsResult]},
}

// JSONSchemaExtend adds the platform enum and date patterns.
func (ListConversationsParams) JSONSchemaExtend(s *jsonschema.Schema) { extendFilters(s) }

// JSONSchemaExtend adds the platform enum and date patterns.
func (ConversationInsightsParams) JSONSchemaExtend(s *jsonschema.Schema) { extendFilters(s) }

// JSONSchemaExtend gives the dates a pattern, as for the other tools.
func (ListChatbotsParams) JSONSchemaExtend(s *jsonschema.Schema) { extendFilters(s) }

// extendFilters adds what tags cannot carry without drift, for every tool
// that takes the API's filters: the enum comes from stammer.SourcePlatforms,
// and the dates get a pattern for clients that do not know format "date".
func extendFilters(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("sourcePlatform"); ok {
		p.Enum = make([]any, len(stammer.SourcePlatforms))
		for i, v := range stammer.SourcePlatforms {
			p.Enum[i] = v
		}
	}
	for _, name := range []string{"startDate", "endDate"} {
		if p, ok := s.Properties.Get(name); ok {
			p.Pattern = `^\d{4}-\d{2}-\d{2}$`
		}
	}
}

// JSONSchemaExtend says what arguments is (an object of a tool's
// arguments): a schema with no type accepts anything, which strict
// clients flag.
func (NextCall) JSONSchemaExtend(s *jsonschema.Schema) {
	if p, ok := s.Properties.Get("arguments"); ok {
		p.Type = "object"
		p.AdditionalProperties = jsonschema.TrueSchema
	}
}

// TestSchemasAreCurrent reflects every tool schema from its struct and
// compares it with the embedded file the server advertises; -update
// rewrites the files.
func TestSchemasAreCurrent(t *testing.T) {
	for _, s := range toolSchemas {
		want, err := s.gen()
		if err != nil {
			t.Fatalf("%s: %v", s.file, err)
		}
		path := filepath.Join("schemas", s.file)
		if *update {
			if err := os.WriteFile(path, append(want, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := schemaFiles.ReadFile("schemas/" + s.file)
		if err != nil {
			t.Fatalf("%v (run go test ./tools -run Schemas -update)", err)
		}
		if !bytes.Equal(bytes.TrimSpace(got), want) {
			t.Errorf("%s is stale: its struct changed; run go test ./tools -run Schemas -update and review the diff", path)
		}
		if err := schema.Check(got); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	entries, _ := schemaFiles.ReadDir("schemas")
	if len(entries) != len(toolSchemas) {
		t.Errorf("%d embedded schema files, %d listed: remove the extra files", len(entries), len(toolSchemas))
	}
}
