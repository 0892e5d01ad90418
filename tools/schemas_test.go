package tools

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/schema"
)

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
