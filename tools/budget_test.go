package tools

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// generated builds a harness over n generated conversations; the fake lists
// live and deleted ones for onlyDeletedConversations=false so totals cover
// the whole set.
func generated(t *testing.T, seed uint64, n int, o harnessOptions) (*harness, []stammertest.Conversation) {
	t.Helper()
	cs := stammertest.Generate(stammertest.GenerateOptions{
		Seed: seed, N: n, Chatbots: stammertest.Chatbots()[:4],
		Start: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
	})
	return newHarness(t, o, stammertest.WithFixtures(cs), stammertest.WithAllOnNotDeleted()), cs
}

// TestBudgetHoldsWhateverTheUpstreamSends: at every size, the default output
// fits the budget and its totals equal the fixture's.
func TestBudgetHoldsWhateverTheUpstreamSends(t *testing.T) {
	sizes := []int{0, 1, 20, 1000, 50000}
	if testing.Short() {
		sizes = sizes[:4]
	}
	for _, n := range sizes {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			h, cs := generated(t, uint64(n)+7, n, harnessOptions{timeout: 2 * time.Minute})
			res := h.call(t, "list_conversations", `{"onlyDeletedConversations":false}`)
			if res.IsError {
				t.Fatal(text(res))
			}
			out := text(res)
			got := structured(t, res)
			used, _ := resultTokens(t, res)
			if used > DefaultMaxOutputTokens {
				t.Errorf("%d conversations: output is %d tokens, over the budget of %d", n, used, DefaultMaxOutputTokens)
			}
			checkTotals(t, got, cs)
			if n >= 1000 {
				body := len(stammertest.Encode(cs, stammertest.ShapeEnvelope, stammertest.StyleTurns))
				js, _ := json.Marshal(res.StructuredContent)
				chars := utf8.RuneCountInString(out) + utf8.RuneCount(js)
				t.Logf("%d conversations: body %d bytes, output %d chars (%d tokens), %.0fx smaller", n, body, chars, used, float64(body)/float64(chars))
				if body < 50*chars {
					t.Errorf("output %d chars is not 50x smaller than the %d-byte body", chars, body)
				}
				for _, want := range []string{"live ", "unique users:", "messages per conversation:", "first:", "by platform:", "busiest days:", "per week:"} {
					if !strings.Contains(out, want) {
						t.Errorf("output lacks the aggregate %q", want)
					}
				}
			}
		})
	}
}

// checkTotals compares a result's totals with an independent count.
func checkTotals(t *testing.T, got ListConversationsResult, cs []stammertest.Conversation) {
	t.Helper()
	deleted, users, platforms := 0, map[string]bool{}, map[string]int{}
	for _, c := range cs {
		if c.Deleted {
			deleted++
		}
		users[c.UserKey] = true
		platforms[c.Platform]++
	}
	if got.Total != len(cs) || got.Deleted != deleted || got.Live != len(cs)-deleted || got.UniqueUsers != len(users) {
		t.Errorf("total/live/deleted/users = %d/%d/%d/%d, want %d/%d/%d/%d",
			got.Total, got.Live, got.Deleted, got.UniqueUsers, len(cs), len(cs)-deleted, deleted, len(users))
	}
	for _, p := range got.ByPlatform {
		if p.Count != platforms[p.Platform] {
			t.Errorf("platform %s: %d, want %d", p.Platform, p.Count, platforms[p.Platform])
		}
	}
	if len(got.ByPlatform) != len(platforms) {
		t.Errorf("%d platforms, want %d", len(got.ByPlatform), len(platforms))
	}
	sum := 0
	for _, n := range got.ByPeriod {
		sum += n
	}
	if sum+got.NoTime != len(cs) && got.PeriodsCut == 0 {
		t.Errorf("per-period counts add up to %d, want %d", sum, len(cs))
	}
}

// TestBudgetPropertyRandomSizesAndLimits: over random fixtures, page sizes,
// searches and per-call budgets, no result exceeds its budget, totals stay
// exact, and whatever was cut is said.
func TestBudgetPropertyRandomSizesAndLimits(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	rounds := 12
	if testing.Short() {
		rounds = 4
	}
	for round := range rounds {
		n := rng.IntN(600)
		h, cs := generated(t, rng.Uint64(), n, harnessOptions{})
		budget := minOutputTokens + rng.IntN(DefaultMaxOutputTokens-minOutputTokens)
		limit := 1 + rng.IntN(maxLimit)
		args := fmt.Sprintf(`{"onlyDeletedConversations":false,"limit":%d,"max_tokens":%d}`, limit, budget)
		res := h.call(t, "list_conversations", args)
		if res.IsError {
			t.Fatalf("round %d %s: %s", round, args, text(res))
		}
		used, _ := resultTokens(t, res)
		got := structured(t, res)
		if used > budget {
			t.Errorf("round %d (n=%d) %s: %d tokens over the budget", round, n, args, used)
		}
		checkTotals(t, got, cs)
		shown := len(got.Conversations)
		if want := min(limit, n); shown < want {
			if len(got.Cuts) == 0 || !strings.Contains(text(res), "- cut: listing cut") {
				t.Errorf("round %d: %d of %d listed but no cut is reported", round, shown, want)
			}
			if got.Next == nil || !strings.Contains(string(got.Next.Arguments), fmt.Sprintf(`"offset":%d`, shown)) {
				t.Errorf("round %d: next call %+v does not continue at %d", round, got.Next, shown)
			}
		}
	}
}

// TestPagingVisitsEveryConversationOnce walks the next calls to the end.
func TestPagingVisitsEveryConversationOnce(t *testing.T) {
	h, cs := generated(t, 99, 230, harnessOptions{})
	seen := map[string]int{}
	args := `{"onlyDeletedConversations":false,"limit":37}`
	for pages := 0; args != ""; pages++ {
		if pages > 20 {
			t.Fatal("paging does not end")
		}
		got := structured(t, h.call(t, "list_conversations", args))
		for _, c := range got.Conversations {
			seen[c.UUID]++
		}
		args = ""
		if got.Next != nil {
			args = string(got.Next.Arguments)
		}
	}
	if len(seen) != len(cs) {
		t.Errorf("paging saw %d conversations, want %d", len(seen), len(cs))
	}
	for uuid, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", uuid, n)
		}
	}
	if reqs := len(h.fake.Requests()); reqs != 1 {
		t.Errorf("paging made %d upstream requests, want 1 (the cache serves the rest)", reqs)
	}
}

// TestTranscriptPagingReachesEveryMessageOnce pages a long conversation with
// a small budget and checks every message comes exactly once, in order.
func TestTranscriptPagingReachesEveryMessageOnce(t *testing.T) {
	h, cs := generated(t, 5, 300, harnessOptions{})
	longest := cs[0]
	for _, c := range cs {
		if messageCount(c) > messageCount(longest) {
			longest = c
		}
	}
	want := messageCount(longest)
	if want < 60 {
		t.Fatalf("longest generated conversation has only %d messages", want)
	}
	args := fmt.Sprintf(`{"chatbot_id":%d,"conversation_number":%d,"onlyDeletedConversations":%t,"message_limit":25,"max_tokens":1500}`,
		longest.ChatbotID, longest.Number, longest.Deleted)
	next := 1
	for pages := 0; args != ""; pages++ {
		if pages > want {
			t.Fatal("transcript paging does not end")
		}
		res := h.call(t, "get_conversation", args)
		if res.IsError {
			t.Fatal(text(res))
		}
		if used, _ := resultTokens(t, res); used > 1500 {
			t.Errorf("page of %d tokens over the 1,500 budget", used)
		}
		var got GetConversationResult
		raw, _ := json.Marshal(res.StructuredContent)
		json.Unmarshal(raw, &got)
		for _, m := range got.Messages {
			if m.Index != next {
				t.Fatalf("message %d came when %d was due", m.Index, next)
			}
			next++
		}
		args = ""
		if got.Next != nil {
			args = string(got.Next.Arguments)
		}
	}
	if next-1 != want {
		t.Errorf("paging reached %d messages, want %d", next-1, want)
	}
}

// TestOffsetPastTheEndSaysSo checks an offset beyond the results.
func TestOffsetPastTheEndSaysSo(t *testing.T) {
	h, _ := generated(t, 3, 10, harnessOptions{})
	res := h.call(t, "list_conversations", `{"onlyDeletedConversations":false,"offset":50}`)
	if !strings.Contains(text(res), "offset 50 is past the last of 10") {
		t.Errorf("text: %s", text(res))
	}
}

// TestServerBudgetIsTheCeiling: the operator's budget applies, and a call
// cannot raise it.
func TestServerBudgetIsTheCeiling(t *testing.T) {
	h, _ := generated(t, 11, 400, harnessOptions{maxTokens: 2000})
	for _, args := range []string{`{"onlyDeletedConversations":false,"limit":100}`, `{"onlyDeletedConversations":false,"limit":100,"max_tokens":50000}`} {
		res := h.call(t, "list_conversations", args)
		if used, _ := resultTokens(t, res); used > 2000 || res.IsError {
			t.Errorf("%s: %d tokens (isError=%v), want at most the server's 2,000", args, used, res.IsError)
		}
	}
	bad := h.call(t, "list_conversations", `{"onlyDeletedConversations":false,"max_tokens":10}`)
	if !bad.IsError || !strings.Contains(text(bad), "max_tokens must be at least 1500") {
		t.Errorf("max_tokens=10: %s", text(bad))
	}
}
