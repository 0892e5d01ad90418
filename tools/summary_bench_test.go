package tools

import (
	"bytes"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// Micro-benchmarks of the summary and of a whole tool call at K
// conversations (issue 7). The data is the bench command's: seed 7, three
// months of traffic. Run with:
//
//	go test ./tools -run '^$' -bench . -benchmem          # K up to 50,000
//	go test ./tools -run '^$' -bench . -benchmem -short   # K up to 1,000

// benchSeed and the dates match bench/main.go, so K here is the same data
// as K there.
const benchSeed = 7

var (
	benchStart = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	benchEnd   = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
)

// benchKs are the K, or the small ones under -short.
func benchKs() []int {
	if testing.Short() {
		return []int{0, 1, 1000}
	}
	return []int{0, 1, 1000, 10000, 50000}
}

var (
	benchDataMu sync.Mutex
	benchData   = map[int][]stammertest.Conversation{}
	benchLists  = map[int]*stammer.ListResult{}
)

// benchConversations generates K conversations once per process.
func benchConversations(k int) []stammertest.Conversation {
	benchDataMu.Lock()
	defer benchDataMu.Unlock()
	cs, ok := benchData[k]
	if !ok {
		cs = stammertest.Generate(stammertest.GenerateOptions{Seed: benchSeed, N: k, Start: benchStart, End: benchEnd})
		benchData[k] = cs
	}
	return cs
}

// benchList is the decoded upstream answer for K conversations, as the
// fetcher holds it: encoded by the fake API and decoded by the client's
// decoder. It is shared and must not be modified.
func benchList(b *testing.B, k int) *stammer.ListResult {
	cs := benchConversations(k)
	benchDataMu.Lock()
	defer benchDataMu.Unlock()
	if res, ok := benchLists[k]; ok {
		return res
	}
	body := stammertest.Encode(cs, stammertest.ShapeEnvelope, stammertest.StyleTurns)
	res, err := stammer.DecodeList(bytes.NewReader(body), 0)
	if err != nil {
		b.Fatal(err)
	}
	benchLists[k] = res
	return res
}

// BenchmarkSummary builds list_conversations' result from a fetched answer
// of K conversations, without HTTP or MCP:
//
//   - aggregate: the totals over every conversation;
//   - build: newListResult (totals, ordering, the page);
//   - fit: build plus rendering within the default budget — all the work
//     between the fetch and the MCP result;
//   - search: fit with a search that scans every message.
func BenchmarkSummary(b *testing.B) {
	fixed := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, k := range benchKs() {
		res := benchList(b, k)
		p := ListConversationsParams{FilterParams: FilterParams{OnlyDeletedConversations: ptr(false)}}
		p, err := p.check(Deps{})
		if err != nil {
			b.Fatal(err)
		}
		q := p.query()
		got := fetched{res: res, at: fixed}
		name := "K=" + strconv.Itoa(k)
		// -short keeps fit (the whole of the work); its parts and the
		// search variant run in full runs only.
		if !testing.Short() {
			b.Run(name+"/aggregate", func(b *testing.B) {
				idx := make([]int, len(res.Conversations))
				for i := range idx {
					idx[i] = i
				}
				b.ReportAllocs()
				for b.Loop() {
					t := aggregate(res.Conversations, idx, q.StartDate, q.EndDate)
					if t.Total != k {
						b.Fatalf("total %d, want %d", t.Total, k)
					}
				}
			})
			b.Run(name+"/build", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if r := newListResult(p, q, got, false, nil); r.Total != k {
						b.Fatalf("total %d, want %d", r.Total, k)
					}
				}
			})
		}
		b.Run(name+"/fit", func(b *testing.B) {
			b.ReportAllocs()
			var out int
			for b.Loop() {
				r := newListResult(p, q, got, false, nil)
				text, sc, err := fit(r, DefaultMaxOutputTokens)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := tokens(text, sc)
				out = n
			}
			b.ReportMetric(float64(out), "out-tokens")
		})
		if !testing.Short() {
			b.Run(name+"/search", func(b *testing.B) {
				ps := p
				ps.Search = "appointment"
				b.ReportAllocs()
				for b.Loop() {
					r := newListResult(ps, q, got, false, nil)
					if _, _, err := fit(r, DefaultMaxOutputTokens); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
