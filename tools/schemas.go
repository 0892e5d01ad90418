package tools

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
)

// Each tool's schemas are reflected from its params and result structs by
// schema.For — but at test time (schemas_test.go, which also holds the
// types' JSONSchemaExtend methods), not at every start: reflecting and
// marshalling them cost about 5 ms of a 24 ms cold start
// (docs/benchmarks.md). TestSchemasAreCurrent regenerates them and fails
// when a struct changed without `go test ./tools -run Schemas -update`, so
// the structs stay the single source.

//go:embed schemas/*.json
var schemaFiles embed.FS

// schemasOf returns a tool's input and output schemas from the embedded
// files, without the files' final line break: compact, as encoding/json
// writes them, so that the stdio server can put them into a tools/list
// answer as they are (wire.go).
func schemasOf(tool string) (in, out json.RawMessage, err error) {
	if in, err = schemaFiles.ReadFile("schemas/" + tool + ".input.json"); err != nil {
		return nil, nil, fmt.Errorf("%s: %w (run go test ./tools -run Schemas -update)", tool, err)
	}
	if out, err = schemaFiles.ReadFile("schemas/" + tool + ".output.json"); err != nil {
		return nil, nil, fmt.Errorf("%s: %w (run go test ./tools -run Schemas -update)", tool, err)
	}
	return bytes.TrimSuffix(in, []byte("\n")), bytes.TrimSuffix(out, []byte("\n")), nil
}
