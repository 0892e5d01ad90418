package shape

import (
	"bytes"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// BenchmarkWalk measures the walk that the debug log runs on the first
// answer (up to 4 MiB) against the decoder reading the same body, the
// work that answer costs anyway.
func BenchmarkWalk(b *testing.B) {
	body := stammertest.Encode(stammertest.Fixtures(), stammertest.ShapeEnvelope, stammertest.StyleTurns)
	b.Run("walk", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := Walk(bytes.NewReader(body)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := stammer.DecodeList(bytes.NewReader(body), 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
