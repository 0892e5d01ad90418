package tools

import (
	"fmt"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// BenchmarkInsightsVsSummary measures whole tool calls (fetch, decode,
// analysis, rendering; no cache) of conversation_insights against
// list_conversations on the same data, so the ratio of the two is the cost
// insights add. Run with -bench InsightsVsSummary; the target is at
// most 1.5x at 50,000 conversations.
func BenchmarkInsightsVsSummary(b *testing.B) {
	sizes := []int{10000, 50000}
	if testing.Short() {
		sizes = []int{1000}
	}
	for _, n := range sizes {
		cs := stammertest.Generate(stammertest.GenerateOptions{Seed: 1, N: n, Chatbots: stammertest.Chatbots()[:4],
			Start: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
		t := &testing.T{}
		h := newHarness(t, harnessOptions{cacheTTL: -1, timeout: 5 * time.Minute}, stammertest.WithFixtures(cs), stammertest.WithAllOnNotDeleted())
		for _, tool := range []string{"list_conversations", "conversation_insights"} {
			b.Run(fmt.Sprintf("%s/%d", tool, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if res := h.call(t, tool, `{"onlyDeletedConversations":false}`); res.IsError {
						b.Fatal(text(res))
					}
				}
			})
		}
	}
}
