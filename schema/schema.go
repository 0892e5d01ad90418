// Package schema turns a tool's params or result struct into the JSON schema
// the tool advertises, with one invopop/jsonschema reflector configured in one
// place.
//
// Several MCP clients (Cursor, VS Code, Copilot CLI, Gemini, OpenAI) reject
// schemas that use $ref/$defs, that lack "type": "object" with "properties",
// or that contain bare boolean schemas, so every schema is inlined and then
// checked before a tool is registered: a broken schema stops the server at
// start-up instead of failing silently in one client.
package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/invopop/jsonschema"
)

// reflector is the single configuration every schema goes through.
//
//   - DoNotReference + ExpandedStruct: everything inline, no $ref/$defs.
//   - RequiredFromJSONSchemaTags: `jsonschema:"required"` decides what is
//     required, not the absence of omitempty, so a struct reads as intended.
//   - AllowAdditionalProperties=false: unknown argument names are refused in
//     the schema, matching the handler's own refusal.
//   - Anonymous: no $id derived from the Go package path.
var reflector = jsonschema.Reflector{
	Anonymous:                  true,
	DoNotReference:             true,
	ExpandedStruct:             true,
	RequiredFromJSONSchemaTags: true,
	AllowAdditionalProperties:  false,
	Mapper:                     mapType,
}

// mapType maps types whose reflection would otherwise be wrong or vague for
// a model: json.RawMessage and interfaces become an unconstrained schema
// ({}), never the boolean schema true that some clients choke on.
func mapType(t reflect.Type) *jsonschema.Schema {
	if t == reflect.TypeFor[json.RawMessage]() {
		return &jsonschema.Schema{}
	}
	return nil
}

// For returns the JSON schema of T (a struct), ready for
// mcp.WithRawInputSchema or mcp.WithRawOutputSchema. It is checked with Check.
func For[T any]() (json.RawMessage, error) {
	t := reflect.TypeFor[T]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("schema: %s is not a struct; a tool schema must describe an object", t)
	}
	s := reflector.ReflectFromType(t)
	s.Version = "" // no $schema: some clients refuse a draft they do not know
	s.ID = ""
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("schema: marshal %s: %w", t, err)
	}
	if err := Check(raw); err != nil {
		return nil, fmt.Errorf("schema: %s: %w", t, err)
	}
	return raw, nil
}

// Check reports the first way raw breaks the rules strict MCP clients
// enforce: the root must be "type": "object" with a "properties" object
// (possibly empty) and "additionalProperties": false; no "$ref", "$defs",
// "definitions", "$schema" or "$id" anywhere; no boolean schema where a
// schema is expected; and every root property must have a description,
// because a model reads descriptions to decide what to send.
func Check(raw json.RawMessage) error {
	var root map[string]any
	if err := json.Unmarshal(raw, &root); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	if root["type"] != "object" {
		return fmt.Errorf(`root "type" is %v, want "object"`, root["type"])
	}
	props, ok := root["properties"].(map[string]any)
	if !ok {
		return fmt.Errorf(`root has no "properties" object`)
	}
	if root["additionalProperties"] != false {
		return fmt.Errorf(`root "additionalProperties" must be false`)
	}
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p, ok := props[name].(map[string]any)
		if !ok {
			return fmt.Errorf("property %q is not a schema object", name)
		}
		if d, _ := p["description"].(string); strings.TrimSpace(d) == "" {
			return fmt.Errorf("property %q has no description", name)
		}
	}
	return walk(root, "#")
}

// forbidden are keywords that make clients resolve references or pin a
// draft; an inline schema never needs them.
var forbidden = []string{"$ref", "$defs", "definitions", "$schema", "$id"}

// subschemaMaps are keywords whose value maps names to schemas.
var subschemaMaps = []string{"properties", "patternProperties", "dependentSchemas"}

// subschemaLists are keywords whose value is a list of schemas.
var subschemaLists = []string{"allOf", "anyOf", "oneOf", "prefixItems"}

// subschemas are keywords whose value is one schema.
var subschemas = []string{"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}

// walk checks a schema object and everything below it.
func walk(s map[string]any, at string) error {
	for _, k := range forbidden {
		if _, ok := s[k]; ok {
			return fmt.Errorf("%s uses %q; schemas must be inline", at, k)
		}
	}
	for _, k := range subschemaMaps {
		m, ok := s[k].(map[string]any)
		if !ok {
			continue
		}
		for name, v := range m {
			if err := walkValue(v, at+"/"+k+"/"+name, false); err != nil {
				return err
			}
		}
	}
	for _, k := range subschemaLists {
		l, ok := s[k].([]any)
		if !ok {
			continue
		}
		for i, v := range l {
			if err := walkValue(v, fmt.Sprintf("%s/%s/%d", at, k, i), false); err != nil {
				return err
			}
		}
	}
	for _, k := range subschemas {
		v, ok := s[k]
		if !ok {
			continue
		}
		// additionalProperties: false is the one boolean we want.
		if err := walkValue(v, at+"/"+k, k == "additionalProperties"); err != nil {
			return err
		}
	}
	return nil
}

// walkValue checks one subschema; allowBool permits a boolean in places
// where JSON Schema uses it as a switch rather than as a schema.
func walkValue(v any, at string, allowBool bool) error {
	switch v := v.(type) {
	case map[string]any:
		return walk(v, at)
	case bool:
		if allowBool {
			return nil
		}
		return fmt.Errorf("%s is the boolean schema %v; use an object schema", at, v)
	default:
		return fmt.Errorf("%s is %T, not a schema object", at, v)
	}
}
