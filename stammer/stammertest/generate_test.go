package stammertest_test

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

func TestGenerateDeterministic(t *testing.T) {
	o := stammertest.GenerateOptions{Seed: 7, N: 2000}
	a, b := stammertest.Generate(o), stammertest.Generate(o)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different data")
	}
	o.Seed = 8
	if c := stammertest.Generate(o); reflect.DeepEqual(a, c) {
		t.Fatal("different seeds, same data")
	}
	if got := stammertest.Generate(stammertest.GenerateOptions{Seed: 1}); got != nil {
		t.Errorf("N = 0 gave %d conversations", len(got))
	}
}

func TestGenerate50k(t *testing.T) {
	const n = 50000
	start := time.Now()
	cs := stammertest.Generate(stammertest.GenerateOptions{Seed: 42, N: n})
	t.Logf("Generate(N=%d) took %v", n, time.Since(start))
	if len(cs) != n {
		t.Fatalf("%d conversations, want %d", len(cs), n)
	}
	first, _ := time.Parse(time.DateOnly, stammertest.FirstDay)
	end, _ := time.Parse(time.DateOnly, stammertest.LastDay)
	end = end.AddDate(0, 0, 1)

	lastNumber := map[int64]int64{}
	platforms := map[string]int{}
	hist := map[int]int{} // turns -> conversations
	deleted, long, hostile := 0, 0, 0
	langs := map[string]bool{}
	markers := map[string]string{"¿": "es", "ã": "pt", "Bonjour": "fr", "ü": "de", "the": "en"}
	for i, c := range cs {
		if i > 0 && (c.ID <= cs[i-1].ID || c.CreatedAt.Before(cs[i-1].CreatedAt)) {
			t.Fatalf("conversation %d: ids or times not increasing", i)
		}
		if c.Number <= lastNumber[c.ChatbotID] {
			t.Fatalf("conversation %d: number %d not increasing for chatbot %d", c.ID, c.Number, c.ChatbotID)
		}
		lastNumber[c.ChatbotID] = c.Number
		if c.CreatedAt.Before(first) || !c.CreatedAt.Before(end) {
			t.Fatalf("conversation %d: CreatedAt %v out of the default range", c.ID, c.CreatedAt)
		}
		if len(c.Turns) < 1 || len(c.Turns) > 100 {
			t.Fatalf("conversation %d: %d turns", c.ID, len(c.Turns))
		}
		hist[len(c.Turns)]++
		platforms[c.Platform]++
		if c.Deleted {
			deleted++
		}
		if i%50 != 0 { // sample the texts: scanning all of them is slow under -race
			continue
		}
		for _, tr := range c.Turns {
			if utf8.RuneCountInString(tr.Query) >= 3000 || utf8.RuneCountInString(tr.Answer) >= 3000 {
				long++
			}
			if strings.ContainsAny(tr.Query, "\u0007\u001b\u200b\u202e") || strings.Contains(tr.Query, "Ignore previous") {
				hostile++
			}
			for m, l := range markers {
				if strings.Contains(tr.Query, m) || strings.Contains(tr.Answer, m) {
					langs[l] = true
				}
			}
		}
	}
	if len(lastNumber) != 4 {
		t.Errorf("%d chatbots used, want the 4 busy fixture chatbots", len(lastNumber))
	}
	if len(platforms) != len(stammertest.Platforms) {
		t.Errorf("platforms used: %v", platforms)
	}
	if pct := float64(deleted) / n * 100; pct < 7 || pct > 9 {
		t.Errorf("%.1f%% deleted, want about 8%%", pct)
	}
	if hist[1] < n/20 {
		t.Errorf("only %d one-turn conversations", hist[1])
	}
	longest, over50 := 0, 0
	for k, v := range hist {
		longest = max(longest, k)
		if k > 50 {
			over50 += v
		}
	}
	if longest < 80 || over50 < 100 {
		t.Errorf("no long tail: longest %d turns, %d conversations over 50", longest, over50)
	}
	if long == 0 || hostile == 0 || len(langs) != 5 {
		t.Errorf("sampled texts: %d long, %d hostile, languages %v", long, hostile, langs)
	}
}

func TestGenerateOptions(t *testing.T) {
	bot := stammertest.Chatbot{ID: 900, UUID: "11111111-2222-4333-8444-555555555555"}
	start := time.Date(2025, 3, 9, 22, 0, 0, 0, time.UTC)
	end := start.Add(3 * time.Hour)
	cs := stammertest.Generate(stammertest.GenerateOptions{Seed: 5, N: 300, Chatbots: []stammertest.Chatbot{bot}, Start: start, End: end, MaxTurns: 3})
	if len(cs) != 300 {
		t.Fatalf("%d conversations", len(cs))
	}
	for i, c := range cs {
		if c.ChatbotID != 900 || c.ChatbotUUID != bot.UUID {
			t.Fatalf("conversation %d owned by %d", i, c.ChatbotID)
		}
		if c.Number != int64(i+1) {
			t.Fatalf("conversation %d: number %d, want %d", i, c.Number, i+1)
		}
		if c.CreatedAt.Before(start) || !c.CreatedAt.Before(end) {
			t.Fatalf("CreatedAt %v outside [%v, %v)", c.CreatedAt, start, end)
		}
		if len(c.Turns) < 1 || len(c.Turns) > 3 {
			t.Fatalf("%d turns with MaxTurns 3", len(c.Turns))
		}
	}
	// End not after Start: one day.
	cs = stammertest.Generate(stammertest.GenerateOptions{Seed: 5, N: 50, Start: start, End: start})
	for _, c := range cs {
		if c.CreatedAt.Before(start) || !c.CreatedAt.Before(start.Add(24*time.Hour)) {
			t.Fatalf("CreatedAt %v outside the one-day default window", c.CreatedAt)
		}
	}
}

func BenchmarkGenerate50k(b *testing.B) {
	for b.Loop() {
		stammertest.Generate(stammertest.GenerateOptions{Seed: 1, N: 50000})
	}
}

func BenchmarkEncode5k(b *testing.B) {
	cs := stammertest.Generate(stammertest.GenerateOptions{Seed: 1, N: 5000})
	b.ResetTimer()
	for b.Loop() {
		b.SetBytes(int64(len(stammertest.Encode(cs, stammertest.ShapeEnvelope, stammertest.StyleTurns))))
	}
}
