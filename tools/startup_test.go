package tools

import (
	"log/slog"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// newServerAllocs bounds the allocations of NewServer, the tools' share of
// every start. It makes about 300 today, and over 1,700 with the insights
// lexicon built at start-up instead of on the first conversation_insights
// call; what else moves to start-up must stay within the margin.
const newServerAllocs = 450

// TestNewServerDefersFirstUseWork holds the start-up work of the tools to
// newServerAllocs (BenchmarkNewServer measures its time). Allocation
// counts are exact, so the test does not depend on the machine's speed.
func TestNewServerDefersFirstUseWork(t *testing.T) {
	sc, err := stammer.New(stammer.Config{BaseURL: "http://127.0.0.1:1", Token: stammertest.DefaultToken})
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{Client: sc, Logger: slog.New(slog.DiscardHandler)}
	var buildErr error
	n := testing.AllocsPerRun(20, func() {
		if _, err := NewServer("stammer-mcp", "test", d); err != nil {
			buildErr = err
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if n > newServerAllocs {
		t.Errorf("NewServer made %.0f allocations, over %d: build what no tool list needs (lexicons, binders, tables) on the first call that needs it, with sync.OnceValue", n, newServerAllocs)
	}
}
