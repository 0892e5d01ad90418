package tools

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// fixtureFacts computes, independently of the tools, what the fake serves
// for one chatbot, date range and deleted flag, and the facts a user asks
// about. It follows the fake's documented semantics: dates inclusive on the
// UTC day of the start time; onlyDeletedConversations=false means live ones.
type fixtureFacts struct {
	convs      []stammertest.Conversation
	byPlatform map[string]int
	byDay      map[string]int
	users      map[string]bool
	maxMsgs    int
	first      time.Time
}

func factsFor(chatbot int64, from, to string, deleted bool) fixtureFacts {
	f := fixtureFacts{byPlatform: map[string]int{}, byDay: map[string]int{}, users: map[string]bool{}}
	for _, c := range stammertest.Fixtures() {
		day := c.CreatedAt.UTC().Format(time.DateOnly)
		if (chatbot != 0 && c.ChatbotID != chatbot) || c.Deleted != deleted ||
			(from != "" && day < from) || (to != "" && day > to) {
			continue
		}
		f.convs = append(f.convs, c)
		f.byPlatform[c.Platform]++
		f.byDay[day]++
		f.users[c.UserKey] = true
		f.maxMsgs = max(f.maxMsgs, messageCount(c))
		if f.first.IsZero() || c.CreatedAt.Before(f.first) {
			f.first = c.CreatedAt
		}
	}
	return f
}

// messageCount is how many messages a fixture conversation has: a turn is a
// user message and, when answered, a bot message.
func messageCount(c stammertest.Conversation) int {
	n := 0
	for _, t := range c.Turns {
		if t.Query != "" {
			n++
		}
		if t.Answer != "" {
			n++
		}
	}
	return n
}

// busiest returns the busiest day and its count (earliest on ties).
func (f fixtureFacts) busiest() (string, int) {
	days := make([]string, 0, len(f.byDay))
	for d := range f.byDay {
		days = append(days, d)
	}
	slices.SortFunc(days, func(a, b string) int { return cmp.Or(cmp.Compare(f.byDay[b], f.byDay[a]), cmp.Compare(a, b)) })
	return days[0], f.byDay[days[0]]
}

// TestQuestionSuite asks the questions agencies ask and checks that the
// default output of one call holds the fact that answers each.
func TestQuestionSuite(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	oct := factsFor(clinic.ID, "2026-10-01", "2026-10-31", false)
	nov := factsFor(clinic.ID, "2026-11-01", "2026-11-24", false)
	deleted := factsFor(clinic.ID, "", "", true)
	all := factsFor(clinic.ID, "", "", false)
	week := factsFor(0, "2026-11-16", "2026-11-22", false)
	busyDay, busyN := nov.busiest()

	octArgs := `{"chatbot_id":17,"startDate":"2026-10-01","endDate":"2026-10-31","onlyDeletedConversations":false}`
	novArgs := `{"chatbot_id":17,"startDate":"2026-11-01","endDate":"2026-11-24","onlyDeletedConversations":false}`
	questions := []struct {
		question, tool, args string
		want                 []string
	}{
		{"How many conversations did the clinic bot have in October?", "list_conversations", octArgs,
			[]string{fmt.Sprintf("Totals over all %d conversations", len(oct.convs))}},
		{"How many of October's were on WhatsApp?", "list_conversations", octArgs,
			[]string{fmt.Sprintf("whatsapp %d (", oct.byPlatform["whatsapp"])}},
		{"Which day in November was busiest?", "list_conversations", novArgs,
			[]string{fmt.Sprintf("busiest days: %s (%d)", busyDay, busyN)}},
		{"How many conversations on 7 November?", "list_conversations", novArgs,
			[]string{fmt.Sprintf("11-07 %d", nov.byDay["2026-11-07"])}},
		{"How many conversations of the clinic bot were deleted?", "list_conversations", `{"chatbot_id":17,"onlyDeletedConversations":true}`,
			[]string{fmt.Sprintf("Totals over all %d conversations", len(deleted.convs)), "- deleted conversations only (onlyDeletedConversations=true)"}},
		{"How many different people talked to the clinic bot?", "list_conversations", `{"chatbot_id":17,"onlyDeletedConversations":false}`,
			[]string{fmt.Sprintf("unique users: %d", len(all.users))}},
		{"How long was the longest conversation?", "list_conversations", `{"chatbot_id":17,"onlyDeletedConversations":false}`,
			[]string{fmt.Sprintf("max %d (", all.maxMsgs)}},
		{"When did the first October conversation start?", "list_conversations", octArgs,
			[]string{"first: " + oct.first.UTC().Format(timeLayout)}},
		{"How many conversations did all bots have that week?", "list_conversations", `{"startDate":"2026-11-16","endDate":"2026-11-22","onlyDeletedConversations":false}`,
			[]string{fmt.Sprintf("Totals over all %d conversations", len(week.convs))}},
		{"Did anyone try a prompt injection on the clinic bot?", "list_conversations", `{"chatbot_id":17,"search":"ignore previous instructions","onlyDeletedConversations":false}`,
			[]string{`matching "ignore previous instructions"`, "match (user):"}},
		{"Show me conversation 4812.", "get_conversation", `{"chatbot_id":17,"conversation_number":4812}`,
			[]string{"Stammer conversation #4812", "Hi, can I move my appointment to Friday?", "Messages 1–8 of 8"}},
		{"Which bot answers were fallbacks in Spanish?", "list_conversations", `{"chatbot_id":17,"search":"No tengo información","onlyDeletedConversations":false}`,
			[]string{"match (assistant):", "No tengo información"}},
	}
	for _, q := range questions {
		t.Run(q.question, func(t *testing.T) {
			res := h.call(t, q.tool, q.args)
			if res.IsError {
				t.Fatalf("tool error: %s", text(res))
			}
			out := text(res)
			for _, w := range q.want {
				if !strings.Contains(out, w) {
					t.Errorf("the output does not hold %q:\n%s", w, out)
				}
			}
			if n, _ := resultTokens(t, res); n > DefaultMaxOutputTokens {
				t.Errorf("output is %d tokens, over the default budget", n)
			}
		})
	}
}

// TestSearchFindsExactlyTheConversationsThatMentionAWord checks search
// against an independent scan of the fixtures, and that the listing names
// the matching conversation numbers.
func TestSearchFindsExactlyTheConversationsThatMentionAWord(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	for _, word := range []string{"implante", "CROWN", "Dr. Rivera", "😬", "gouttières"} {
		t.Run(word, func(t *testing.T) {
			var want []int64
			for _, c := range factsFor(clinic.ID, "", "", false).convs {
				for _, turn := range c.Turns {
					if strings.Contains(strings.ToLower(turn.Query+"\x00"+turn.Answer), strings.ToLower(word)) {
						want = append(want, c.Number)
						break
					}
				}
			}
			res := h.call(t, "list_conversations", fmt.Sprintf(`{"chatbot_id":17,"search":%q,"limit":100,"onlyDeletedConversations":false}`, word))
			got := structured(t, res)
			if got.Total != len(want) {
				t.Fatalf("search %q: %d matches, want %d", word, got.Total, len(want))
			}
			if len(want) == 0 {
				t.Fatalf("fixture has no %q; pick another word", word)
			}
			var numbers []int64
			for _, c := range got.Conversations {
				numbers = append(numbers, c.Number)
				if c.Match == nil || !strings.Contains(strings.ToLower(c.Match.Excerpt), strings.ToLower(word)) {
					t.Errorf("#%d match excerpt %+v does not show %q", c.Number, c.Match, word)
				}
			}
			slices.Sort(numbers)
			slices.Sort(want)
			if !slices.Equal(numbers, want) && len(want) <= 100 {
				t.Errorf("matching numbers %v, want %v", numbers, want)
			}
			if got.Fetched <= got.Total {
				t.Errorf("fetched %d should exceed matching %d", got.Fetched, got.Total)
			}
		})
	}
}

// TestPromptInjectionIsOnlyQuotedData checks hostile fixture text reaches
// the model only inside quotes, cleaned, below the untrusted-text notice.
func TestPromptInjectionIsOnlyQuotedData(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	res := h.call(t, "list_conversations", `{"chatbot_id":17,"search":"crown fell off","onlyDeletedConversations":false}`)
	out := text(res)
	golden(t, "list_conversations_injection.txt", []byte(out))
	notice := strings.Index(out, untrustedNotice)
	if notice < 0 {
		t.Fatalf("no untrusted-text notice:\n%s", out)
	}
	for _, bad := range []string{"\x1b", "\x07", "\u200b", "\u202e", "\n</conversation>"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	seen := 0
	for i, line := range strings.Split(out, "\n") {
		at := strings.Index(line, "Ignore previous instructions")
		if at < 0 {
			continue
		}
		seen++
		if strings.Index(out, line) < notice || !strings.HasSuffix(line[:at], `: "`) {
			t.Errorf("line %d shows hostile text outside a quotation or above the notice: %s", i, line)
		}
	}
	if seen == 0 {
		t.Fatalf("the injection fixture is not in the listing; the test checks nothing:\n%s", out)
	}

	num := structured(t, res).Conversations[0].Number
	tr := h.call(t, "get_conversation", fmt.Sprintf(`{"chatbot_id":17,"conversation_number":%d}`, num))
	trText := text(tr)
	golden(t, "get_conversation_injection.txt", []byte(trText))
	for _, bad := range []string{"\x1b", "\x07", "\u200b"} {
		if strings.Contains(trText, bad) {
			t.Errorf("transcript contains %q", bad)
		}
	}
	for _, line := range strings.Split(trText, "\n") {
		if strings.Contains(line, "Ignore previous instructions") && !strings.Contains(line, `user: "Ignore previous instructions`) {
			t.Errorf("injection not quoted as a user message: %s", line)
		}
	}
}
