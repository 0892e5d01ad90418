package tools

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// agency500 generates an agency of 500 chatbots, about ten conversations
// each, from September to November 2026. One of them, worst (the owner of
// the last live conversation, so it has November traffic), answers every
// question with a fallback.
func agency500(t *testing.T) (cs []stammertest.Conversation, worst int64) {
	t.Helper()
	bots := make([]stammertest.Chatbot, 500)
	for i := range bots {
		id := int64(1000 + i)
		bots[i] = stammertest.Chatbot{ID: id, UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", id), Name: fmt.Sprintf("Bot %d", id)}
	}
	cs = stammertest.Generate(stammertest.GenerateOptions{Seed: 500, N: 5000, Chatbots: bots,
		Start: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), MaxTurns: 12})
	for i := len(cs) - 1; worst == 0; i-- {
		if !cs[i].Deleted {
			worst = cs[i].ChatbotID
		}
	}
	for i := range cs {
		if cs[i].ChatbotID == worst {
			turns := slices.Clone(cs[i].Turns)
			for j := range turns {
				turns[j].Answer = "I'm not sure, please contact our team."
			}
			cs[i].Turns = turns
		}
	}
	return cs, worst
}

// TestByChatbotAt500Chatbots: with no chatbot given, one default call of
// each tool answers "which chatbot had the most conversations in
// November?" and "which has the highest fallback rate?", its breakdown
// adds up, and the result fits the default budget in real tokens.
func TestByChatbotAt500Chatbots(t *testing.T) {
	cs, worst := agency500(t)
	h := newHarness(t, harnessOptions{timeout: time.Minute}, stammertest.WithFixtures(cs))
	const nov = `{"startDate":"2026-11-01","endDate":"2026-11-30","onlyDeletedConversations":false}`

	// The independent count: live conversations per chatbot in November.
	perBot := map[int64]int{}
	total := 0
	for _, c := range cs {
		if d := c.CreatedAt.UTC().Format(time.DateOnly); !c.Deleted && d >= "2026-11-01" && d <= "2026-11-30" {
			perBot[c.ChatbotID]++
			total++
		}
	}
	var most int64
	for id, n := range perBot {
		if n > perBot[most] || n == perBot[most] && id < most {
			most = id
		}
	}

	res := h.call(t, "list_conversations", nov)
	if res.IsError {
		t.Fatal(text(res))
	}
	var list ListConversationsResult
	raw, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != total || len(list.ByChatbot) == 0 || list.ByChatbot[0].ChatbotID != most || list.ByChatbot[0].Count != perBot[most] {
		t.Fatalf("total %d, first by chatbot %+v; want %d and chatbot %d with %d", list.Total, list.ByChatbot[:min(1, len(list.ByChatbot))], total, most, perBot[most])
	}
	sum, chatbots := 0, len(list.ByChatbot)
	for i, c := range list.ByChatbot {
		sum += c.Count
		if c.Count != perBot[c.ChatbotID] || i > 0 && cmp.Compare(list.ByChatbot[i-1].Count, c.Count) < 0 {
			t.Errorf("row %d %+v: want %d, sorted most first", i, c, perBot[c.ChatbotID])
		}
	}
	if o := list.OtherChatbots; o != nil {
		sum += o.Count
		chatbots += o.Chatbots
	}
	if sum != total || chatbots != len(perBot) {
		t.Errorf("by chatbot adds up to %d conversations of %d chatbots; want %d of %d", sum, chatbots, total, len(perBot))
	}
	if !strings.Contains(text(res), fmt.Sprintf("- by chatbot (conversations, most first): %d %s (", most, num(perBot[most]))) {
		t.Errorf("the text does not lead the breakdown with chatbot %d:\n%s", most, text(res))
	}
	if real, _ := resultTokens(t, res); real > DefaultMaxOutputTokens {
		t.Errorf("list_conversations: %d real tokens, over the budget", real)
	}

	res = h.call(t, "conversation_insights", nov)
	if res.IsError {
		t.Fatal(text(res))
	}
	var ins ConversationInsightsResult
	raw, _ = json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(raw, &ins); err != nil {
		t.Fatal(err)
	}
	if len(ins.ByChatbot) == 0 || ins.ByChatbot[0].ChatbotID != worst || ins.ByChatbot[0].FallbackRate != 100 {
		t.Fatalf("worst chatbot %+v; want %d at 100%%", ins.ByChatbot[:min(1, len(ins.ByChatbot))], worst)
	}
	for i := 1; i < len(ins.ByChatbot); i++ {
		if ins.ByChatbot[i-1].FallbackRate < ins.ByChatbot[i].FallbackRate {
			t.Errorf("comparison not sorted worst first at row %d", i)
		}
	}
	if len(ins.ByChatbot)+ins.ChatbotsCut != len(perBot) || !strings.Contains(text(res), "more, all with lower fallback rates") {
		t.Errorf("%d compared + %d cut, want %d chatbots and a note of the cut", len(ins.ByChatbot), ins.ChatbotsCut, len(perBot))
	}
	if !strings.Contains(text(res), fmt.Sprintf("- %d: ", worst)) {
		t.Errorf("the text does not name chatbot %d", worst)
	}
	if real, _ := resultTokens(t, res); real > DefaultMaxOutputTokens {
		t.Errorf("conversation_insights: %d real tokens, over the budget", real)
	}
}

// TestListChatbotsPagesThroughEveryChatbot: list_chatbots covers the last
// 90 days by default, and its next calls visit every chatbot once, each
// with its exact count.
func TestListChatbotsPagesThroughEveryChatbot(t *testing.T) {
	cs, _ := agency500(t)
	h := newHarness(t, harnessOptions{timeout: time.Minute}, stammertest.WithFixtures(cs))
	// The harness's clock is 2026-11-25: the default period is the 90
	// days that end that day.
	perBot := map[int64]int{}
	for _, c := range cs {
		if d := c.CreatedAt.UTC().Format(time.DateOnly); !c.Deleted && d >= "2026-08-28" && d <= "2026-11-25" {
			perBot[c.ChatbotID]++
		}
	}
	seen := map[int64]bool{}
	args := `{}`
	for page := 0; args != ""; page++ {
		if page > 20 {
			t.Fatal("paging does not end")
		}
		res := h.call(t, "list_chatbots", args)
		if res.IsError {
			t.Fatal(text(res))
		}
		var r ListChatbotsResult
		raw, _ := json.Marshal(res.StructuredContent)
		json.Unmarshal(raw, &r)
		if r.StartDate != "2026-08-28" || r.EndDate != "2026-11-25" || r.Total != len(perBot) {
			t.Fatalf("period %s to %s, %d chatbots; want 2026-08-28 to 2026-11-25 and %d", r.StartDate, r.EndDate, r.Total, len(perBot))
		}
		for _, c := range r.Chatbots {
			if seen[c.ChatbotID] || c.Conversations != perBot[c.ChatbotID] {
				t.Errorf("chatbot %d seen twice or with %d conversations, want %d", c.ChatbotID, c.Conversations, perBot[c.ChatbotID])
			}
			seen[c.ChatbotID] = true
			call := fmt.Sprintf(`list_conversations {"chatbot_id":%d,"startDate":"2026-08-28","endDate":"2026-11-25","onlyDeletedConversations":false}`, c.ChatbotID)
			if !strings.Contains(text(res), call) {
				t.Errorf("no exact call for chatbot %d", c.ChatbotID)
			}
		}
		if real, _ := resultTokens(t, res); real > DefaultMaxOutputTokens {
			t.Errorf("page %d: %d real tokens, over the budget", page, real)
		}
		args = ""
		if r.Next != nil {
			args = string(r.Next.Arguments)
		}
	}
	if len(seen) != len(perBot) {
		t.Errorf("paging saw %d chatbots, want %d", len(seen), len(perBot))
	}
}

// TestOperatorNamesAppearEverywhere: a chatbots file's names are in the
// header, the listing rows, the breakdowns and list_chatbots, and a named
// chatbot without conversations is still listed.
func TestOperatorNamesAppearEverywhere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bots.txt")
	os.WriteFile(path, []byte("# our bots\n17 clinic \"Dental clinic Rivera\"\n23 5F88E692-EDE2-4241-91BB-2DAE22A2535C realty\n999 \"Not launched\"\n"), 0o600)
	names, err := LoadChatbotNames(path)
	if err != nil {
		t.Fatal(err)
	}
	if names[23].UUID != "5f88e692-ede2-4241-91bb-2dae22a2535c" || names[23].Aliases[0] != "realty" || names[17].Name != "Dental clinic Rivera" {
		t.Fatalf("parsed %+v", names)
	}
	h := newHarness(t, harnessOptions{chatbots: names})
	one := text(h.call(t, "list_conversations", `{"chatbot_id":17,"onlyDeletedConversations":false}`))
	all := text(h.call(t, "list_conversations", `{"onlyDeletedConversations":false}`))
	ins := text(h.call(t, "conversation_insights", `{"chatbot_uuid":"5f88e692-ede2-4241-91bb-2dae22a2535c","onlyDeletedConversations":false}`))
	get := text(h.call(t, "get_conversation", `{"chatbot_id":17,"conversation_number":4812}`))
	bots := text(h.call(t, "list_chatbots", `{}`))
	for _, c := range []struct{ where, out, want string }{
		{"header", one, `· chatbot 17 "Dental clinic Rivera" ·`},
		{"header by uuid", ins, `· chatbot 5f88e692-ede2-4241-91bb-2dae22a2535c (23 "realty") ·`},
		{"transcript header", get, `· chatbot 17 "Dental clinic Rivera" ·`},
		{"listing row", all, ` bot 17 "Dental clinic Rivera" `},
		{"breakdown", all, `17 "Dental clinic Rivera" `},
		{"list_chatbots", bots, `- 17 "Dental clinic Rivera" (aliases: clinic) · uuid 05b5e310`},
		{"named, no conversations", bots, `- 999 "Not launched" · 0 conversations`},
	} {
		if !strings.Contains(c.out, c.want) {
			t.Errorf("%s lacks %q:\n%s", c.where, c.want, c.out)
		}
	}
	for _, bad := range []string{"x clinic", "17", "17 \"unterminated", "0 zero"} {
		if _, err := parseChatbotLine(bad); err == nil {
			t.Errorf("line %q accepted", bad)
		}
	}
}
