package schema_test

import (
	"encoding/json"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/schema"
	"github.com/stammer-mcp/stammer-mcp/tools"
)

// BenchmarkFor is the start-up cost of the tool schemas: every server
// start reflects each tool's params and result struct once. The check
// sub-benchmarks are the share of it that schema.Check takes (what would
// remain if the schemas were generated ahead of time and only checked).
func BenchmarkFor(b *testing.B) {
	for _, c := range []struct {
		name string
		For  func() (json.RawMessage, error)
	}{
		{"ListConversationsParams", schema.For[tools.ListConversationsParams]},
		{"ListConversationsResult", schema.For[tools.ListConversationsResult]},
		{"GetConversationParams", schema.For[tools.GetConversationParams]},
		{"GetConversationResult", schema.For[tools.GetConversationResult]},
	} {
		raw, err := c.For()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/reflect", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := c.For(); err != nil {
					b.Fatal(err)
				}
			}
		})
		if testing.Short() {
			continue // -short: reflect (which includes the check) only
		}
		b.Run(c.name+"/check", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if err := schema.Check(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
