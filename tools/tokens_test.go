package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/tiktoken-go/tokenizer"
)

// The budget's token estimate against a real BPE tokenizer: o200k with its
// vocabulary embedded in the test binary (no download), so these tests
// count exactly what an OpenAI-family model would read.

var (
	o200kOnce sync.Once
	o200k     tokenizer.Codec
	o200kErr  error
)

// realTokens counts s with the o200k tokenizer.
func realTokens(t testing.TB, s string) int {
	t.Helper()
	o200kOnce.Do(func() { o200k, o200kErr = tokenizer.Get(tokenizer.O200kBase) })
	if o200kErr != nil {
		t.Fatal(o200kErr)
	}
	ids, _, err := o200k.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	return len(ids)
}

// resultTokens counts a tool result as a client receives it: its text
// plus its structured content's JSON, real and estimated.
func resultTokens(t testing.TB, res *mcp.CallToolResult) (real, est int) {
	t.Helper()
	js, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	return realTokens(t, text(res)) + realTokens(t, string(js)), EstimateTokens(text(res), string(js))
}

// maxOver is how far above the real count the estimate may be.
const maxOver = 1.20

// checkEstimate fails when est is below real or more than 20% above it.
func checkEstimate(t testing.TB, what string, real, est int) {
	t.Helper()
	switch {
	case est < real:
		t.Errorf("%s: estimated %d tokens, real o200k count %d: the budget undercounts", what, est, real)
	case float64(est) > maxOver*float64(real)+1:
		t.Errorf("%s: estimated %d tokens, real o200k count %d: more than 20%% over", what, est, real)
	}
}

// TestTokenEstimateOnEveryGoldenFile counts every golden output in
// testdata with the real tokenizer (JSON goldens as the compact JSON a
// client receives).
func TestTokenEstimateOnEveryGoldenFile(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*.txt")
	jsons, _ := filepath.Glob("testdata/*.json")
	paths = append(paths, jsons...)
	if len(paths) < 15 {
		t.Fatalf("only %d golden files found", len(paths))
	}
	lo, hi := 9.0, 0.0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if strings.HasSuffix(p, ".json") {
			if strings.Contains(p, "tools_list") {
				continue // the tool list is not a result
			}
			var buf bytes.Buffer
			if err := json.Compact(&buf, b); err != nil {
				t.Fatal(err)
			}
			s = buf.String()
		}
		real, est := realTokens(t, s), EstimateTokens(s)
		checkEstimate(t, p, real, est)
		r := float64(est) / float64(real)
		lo, hi = min(lo, r), max(hi, r)
	}
	t.Logf("%d golden files: estimate/real %.3f–%.3f", len(paths)-1, lo, hi)
}

// TestTokenEstimateOnResultsAtEverySize: whole results (text plus
// structured content) of every tool, over generated data from 0 to 5,000
// conversations, are counted within [real, real+20%], and every one of
// them fits the default budget in real tokens.
func TestTokenEstimateOnResultsAtEverySize(t *testing.T) {
	sizes := []int{0, 1, 20, 300, 5000}
	if testing.Short() {
		sizes = sizes[:4]
	}
	calls := []struct{ tool, args string }{
		{"list_conversations", `{"onlyDeletedConversations":false}`},
		{"list_conversations", `{"onlyDeletedConversations":false,"limit":100}`},
		{"list_conversations", `{"onlyDeletedConversations":false,"limit":100,"max_tokens":2000}`},
		{"list_conversations", `{"onlyDeletedConversations":false,"search":"price"}`},
		{"conversation_insights", `{"onlyDeletedConversations":false}`},
		{"conversation_insights", `{"onlyDeletedConversations":false,"max_tokens":1500}`},
		{"list_chatbots", `{"startDate":"2026-08-01","endDate":"2026-11-30"}`},
		{"list_chatbots", `{"startDate":"2026-08-01","endDate":"2026-11-30","max_tokens":1500}`},
	}
	lo, hi := 9.0, 0.0
	for _, n := range sizes {
		h, cs := generated(t, uint64(n)+11, n, harnessOptions{timeout: time.Minute})
		all := calls
		if len(cs) > 0 {
			c := cs[len(cs)-1]
			all = append(all, struct{ tool, args string }{"get_conversation", fmt.Sprintf(`{"chatbot_id":%d,"conversation_number":%d}`, c.ChatbotID, c.Number)})
		}
		for _, c := range all {
			res := h.call(t, c.tool, c.args)
			if res.IsError {
				t.Fatalf("%d: %s %s: %s", n, c.tool, c.args, text(res))
			}
			real, est := resultTokens(t, res)
			what := fmt.Sprintf("%d conversations, %s %s", n, c.tool, c.args)
			checkEstimate(t, what, real, est)
			if real > DefaultMaxOutputTokens {
				t.Errorf("%s: %d real tokens, over the budget of %d", what, real, DefaultMaxOutputTokens)
			}
			r := float64(est) / float64(real)
			lo, hi = min(lo, r), max(hi, r)
		}
	}
	t.Logf("estimate/real %.3f–%.3f", lo, hi)
}

// TestTokenEstimateNeverUndercountsOtherScripts: text in scripts and
// symbols our fixtures barely use is counted at or above the real count
// (an overcount only cuts a result sooner).
func TestTokenEstimateNeverUndercountsOtherScripts(t *testing.T) {
	for _, s := range []string{
		"Здравствуйте, сколько стоит отбеливание зубов? Мне нужно записаться на приём в пятницу.",
		"您好，请问牙齿美白多少钱？我想预约星期五的时间。谢谢！",
		"こんにちは、ホワイトニングはいくらですか？金曜日に予約したいです。",
		"مرحبا، كم تكلفة تبييض الأسنان؟ أريد حجز موعد يوم الجمعة.",
		"नमस्ते, दांतों को सफेद करने की कीमत क्या है? मैं शुक्रवार को अपॉइंटमेंट लेना चाहता हूं।",
		"Γεια σας, πόσο κοστίζει η λεύκανση δοντιών;",
		"שלום, כמה עולה הלבנת שיניים?",
		"😀😃😄😁😆😅🤣😂🙂🙃🫠😉😊😇🥰😍🤩😘😗☺️😚😙🥲😋😛😜🤪😝🤑🤗🤭🫢🫣🤫🤔🫡",
		"👨‍👩‍👧‍👦🏳️‍🌈🇵🇹🇧🇷🇫🇷 ok 👍🏽",
		"ẞ ǅ Ǉ ȸ ɐ ʃ ŋ đ ħ ł ø œ æ þ ð",
		"aZ3kQ9xY7wP2mN8vB4cR6tL1sD5fG0hJ aZ3kQ9xY7wP2mN8vB4cR6tL1sD5fG0hJ",
		"a a a a a a a a a a a a a a a a a a a a",
		"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
		"!!!!!!!!!!!!!!!!!!!! ???? ...... ------ ====== ~~~~~~~",
		"Ünïcödé çåñ bé wëïrd: Fußgängerübergänge, Übermäßig, àéîõü",
		`{"a":1,"b":[1,2,3],"c":{"d":"e"},"f":null,"g":true,"h":"\u003cscript\u003e"}`,
	} {
		real, est := realTokens(t, s), EstimateTokens(s)
		if est < real {
			t.Errorf("%q: estimated %d, real %d", s, est, real)
		}
	}
}
