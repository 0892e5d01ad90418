package main

import (
	"bytes"
	"encoding/json"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// conforms checks a tools/call answer's structured content against the
// tool's advertised output schema, compiled once per session from the
// server's own tools/list. The server does not check its results at run
// time (tools/server.go): the tests do, here for what hostile or broken
// upstream data makes of a result, and in the tools harness for the rest.
// Tool errors carry no structured content and are not checked.
func (s *rpcSession) conforms(tool string, msg map[string]any) {
	s.t.Helper()
	res, _ := msg["result"].(map[string]any)
	if res == nil || res["isError"] == true {
		return
	}
	if s.schemas == nil {
		s.schemas = map[string]*jsonschema.Schema{}
		list := s.request("tools/list", map[string]any{})
		tools, _ := list["result"].(map[string]any)["tools"].([]any)
		for _, t := range tools {
			t, _ := t.(map[string]any)
			name, _ := t["name"].(string)
			raw, _ := json.Marshal(t["outputSchema"])
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
			if err != nil {
				s.t.Fatalf("%s: output schema: %v", name, err)
			}
			c := jsonschema.NewCompiler()
			if err := c.AddResource(name+".json", doc); err != nil {
				s.t.Fatal(err)
			}
			if s.schemas[name], err = c.Compile(name + ".json"); err != nil {
				s.t.Fatalf("%s: output schema does not compile: %v", name, err)
			}
		}
	}
	sch := s.schemas[tool]
	if sch == nil {
		s.t.Errorf("tools/list gives no output schema for %s", tool)
		return
	}
	raw, _ := json.Marshal(res["structuredContent"])
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err == nil {
		err = sch.Validate(doc)
	}
	if err != nil {
		s.t.Errorf("%s: structured content does not match the output schema: %v", tool, err)
	}
}
