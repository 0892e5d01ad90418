package schema

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/invopop/jsonschema"
)

type inner struct {
	Name  string `json:"name" jsonschema_description:"A name."`
	Count int    `json:"count" jsonschema_description:"A count."`
}

type sample struct {
	ID      int64             `json:"id,omitempty" jsonschema:"minimum=1" jsonschema_description:"An id."`
	UUID    string            `json:"uuid,omitempty" jsonschema:"format=uuid" jsonschema_description:"A uuid."`
	Flag    *bool             `json:"flag" jsonschema:"required" jsonschema_description:"A required flag."`
	Kind    string            `json:"kind,omitempty" jsonschema_description:"A kind."`
	Items   []inner           `json:"items,omitempty" jsonschema_description:"Nested structs, inlined."`
	ByDay   map[string]int    `json:"by_day,omitempty" jsonschema_description:"A map."`
	At      time.Time         `json:"at" jsonschema_description:"A time."`
	Raw     json.RawMessage   `json:"raw,omitempty" jsonschema_description:"Anything."`
	Ptr     *inner            `json:"ptr,omitempty" jsonschema_description:"A pointer to a struct."`
	Extra   map[string]inner  `json:"extra,omitempty" jsonschema_description:"A map of structs."`
	private string            //nolint:unused // unexported fields must not appear
	Skipped string            `json:"-"`
	Nested  map[string][]bool `json:"nested,omitempty" jsonschema_description:"A map of lists."`
}

// JSONSchemaExtend shows how a params struct adds an enum from a Go list
// instead of repeating it in a tag.
func (sample) JSONSchemaExtend(s *jsonschema.Schema) {
	p, _ := s.Properties.Get("kind")
	p.Enum = []any{"a", "B"}
}

type undocumented struct {
	X int `json:"x"`
}

func TestForShapesASchemaStrictClientsAccept(t *testing.T) {
	raw, err := For[sample]()
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	props := s["properties"].(map[string]any)
	prop := func(name string) map[string]any {
		t.Helper()
		p, ok := props[name].(map[string]any)
		if !ok {
			t.Fatalf("property %q missing in %s", name, raw)
		}
		return p
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"type", s["type"], "object"},
		{"additionalProperties", s["additionalProperties"], false},
		{"required", s["required"], []any{"flag"}},
		{"minimum", prop("id")["minimum"], float64(1)},
		{"format uuid", prop("uuid")["format"], "uuid"},
		{"enum from JSONSchemaExtend", prop("kind")["enum"], []any{"a", "B"}},
		{"nested inline type", prop("items")["items"].(map[string]any)["type"], "object"},
		{"pointer inline type", prop("ptr")["type"], "object"},
		{"time format", prop("at")["format"], "date-time"},
		{"raw message is an empty schema", len(prop("raw")), 1}, // description only
		{"no $schema", s["$schema"], nil},
		{"no $id", s["$id"], nil},
		{"unexported hidden", props["private"], nil},
		{"json:- hidden", props["Skipped"], nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, _ := json.Marshal(tc.got)
			w, _ := json.Marshal(tc.want)
			if string(g) != string(w) {
				t.Errorf("got %s, want %s", g, w)
			}
		})
	}
	if strings.Contains(string(raw), "$ref") || strings.Contains(string(raw), "$defs") {
		t.Errorf("schema has references: %s", raw)
	}
}

func TestForRefusesWhatIsNotAToolSchema(t *testing.T) {
	if _, err := For[int](); err == nil {
		t.Error("For[int] succeeded; a tool schema must be an object")
	}
	if _, err := For[undocumented](); err == nil || !strings.Contains(err.Error(), `"x" has no description`) {
		t.Errorf("For[undocumented] error = %v, want a missing-description error", err)
	}
	if _, err := For[*sample](); err != nil {
		t.Errorf("For[*sample] = %v; a pointer to a struct should reflect like the struct", err)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, raw, wantErr string
	}{
		{"ok", `{"type":"object","properties":{"a":{"type":"string","description":"d"}},"additionalProperties":false}`, ""},
		{"ok empty properties", `{"type":"object","properties":{},"additionalProperties":false}`, ""},
		{"not json", `{`, "not a JSON object"},
		{"array root", `{"type":"array","properties":{},"additionalProperties":false}`, `"type" is array`},
		{"no properties", `{"type":"object","additionalProperties":false}`, `no "properties"`},
		{"open object", `{"type":"object","properties":{}}`, `"additionalProperties" must be false`},
		{"no description", `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`, `"a" has no description`},
		{"ref", `{"type":"object","properties":{"a":{"$ref":"#/$defs/x","description":"d"}},"additionalProperties":false}`, `uses "$ref"`},
		{"defs at root", `{"type":"object","properties":{},"additionalProperties":false,"$defs":{}}`, `uses "$defs"`},
		{"schema draft", `{"$schema":"x","type":"object","properties":{},"additionalProperties":false}`, `uses "$schema"`},
		{"bool items", `{"type":"object","properties":{"a":{"type":"array","items":true,"description":"d"}},"additionalProperties":false}`, "boolean schema"},
		{"deep ref", `{"type":"object","properties":{"a":{"type":"array","description":"d","items":{"anyOf":[{"$ref":"#"}]}}},"additionalProperties":false}`, `uses "$ref"`},
		{"property not object", `{"type":"object","properties":{"a":true},"additionalProperties":false}`, "not a schema object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(json.RawMessage(tc.raw))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Check = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Check = %v, want error containing %q", err, tc.wantErr)
			}
		})
	}
}
