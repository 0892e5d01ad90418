package tools

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// planted builds a fixture with known facts: a question asked 40 times in
// five wordings and two languages (25 English in three wordings, 15 Spanish
// in two), 25 fallback answers across three platforms, 7 questions
// repeated within a conversation, a busiest day with 30 conversations, and
// filler traffic that has none of these.
func planted() []stammertest.Conversation {
	bot := stammertest.Chatbots()[0]
	var cs []stammertest.Conversation
	n := int64(5000)
	add := func(day time.Time, platform string, turns ...stammertest.Turn) {
		n++
		at := day.Add(time.Duration(n%600) * time.Minute)
		for i := range turns {
			turns[i].At = at.Add(time.Duration(i) * time.Minute)
		}
		cs = append(cs, stammertest.Conversation{
			ID: n, UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n), Number: n,
			ChatbotID: bot.ID, ChatbotUUID: bot.UUID, UserKey: fmt.Sprintf("user-%d", n%97),
			Platform: platform, CreatedAt: at, UpdatedAt: at.Add(time.Hour), Turns: turns,
		})
	}
	start := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	day := func(i int) time.Time { return start.AddDate(0, 0, i%24) }
	platforms := []string{"whatsapp", "embeded", "instagram", "facebook"}
	ok := "Sure! Here is what you need to know about that. 😊"
	en := []string{"How much does a cleaning cost?", "how much does a cleaning cost", "How much does a dental cleaning cost??"}
	for i := range 25 {
		add(day(i), platforms[i%4], stammertest.Turn{Query: en[i%3], Answer: "A cleaning costs 80 €."})
	}
	es := []string{"¿Cuánto cuesta una limpieza?", "cuanto cuesta la limpieza dental"}
	for i := range 15 {
		add(day(i+3), platforms[i%4], stammertest.Turn{Query: es[i%2], Answer: "Una limpieza cuesta 80 €."})
	}
	fallbackPlatforms := []string{"whatsapp", "embeded", "instagram"}
	offTopic := []string{"Can you recommend a good restaurant nearby?", "Who won the match last night?", "What's the weather tomorrow?",
		"Do you sell electric toothbrushes?", "Can I pay with bitcoin?"}
	for i := range 25 {
		add(day(i), fallbackPlatforms[i%3],
			stammertest.Turn{Query: offTopic[i%5], Answer: "I'm not sure I can help with that, please contact our front desk."})
	}
	for i := range 7 {
		add(day(i*3), "facebook",
			stammertest.Turn{Query: "Do you take walk-in patients?", Answer: ok},
			stammertest.Turn{Query: "do you take walk in patients", Answer: ok})
	}
	filler := []string{"Which insurance plans do you accept?", "Is there parking at the clinic?", "Do you treat children?",
		"Can I book an appointment online?", "What are your opening hours on Saturday?", "Do you offer teeth whitening?",
		"Is Dr. Rivera working on Mondays?", "Do you do invisible braces?", "How long does a check-up take?",
		"Is the clinic wheelchair accessible?", "Can I get a receipt for my insurer?", "Do you have an emergency line?"}
	busiest := time.Date(2026, 11, 18, 8, 0, 0, 0, time.UTC)
	for i := range 30 {
		add(busiest, platforms[i%4], stammertest.Turn{Query: filler[i%len(filler)], Answer: ok})
	}
	for i := range 60 {
		add(day(i), platforms[i%4], stammertest.Turn{Query: filler[(i+5)%len(filler)], Answer: ok})
	}
	return cs
}

func TestInsightsFindEveryPlantedFact(t *testing.T) {
	cs := planted()
	h := newHarness(t, harnessOptions{}, stammertest.WithFixtures(cs))
	res := h.call(t, "conversation_insights", `{"chatbot_id":17,"startDate":"2026-11-01","endDate":"2026-11-24","onlyDeletedConversations":false}`)
	if res.IsError {
		t.Fatal(text(res))
	}
	out := text(res)
	golden(t, "conversation_insights_planted.txt", []byte(out))
	var got ConversationInsightsResult
	raw, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Total != len(cs) {
		t.Fatalf("total %d, want %d", got.Total, len(cs))
	}
	q := got.TopQuestions
	// Case and punctuation are normalised away, so the three English
	// spellings are two wordings; the dental variant and the two Spanish
	// ones ask the same (a price, a cleaning): one question, 40 messages
	// in 40 conversations.
	if len(q) < 1 || q[0].Messages != 40 || q[0].Conversations != 40 || q[0].Variants != 4 {
		t.Errorf("top questions = %+v; want the 25 English and 15 Spanish price-of-a-cleaning questions as one (4 wordings)", q)
	}
	for _, want := range []string{
		`"how much does a cleaning cost" — 40 messages in 40 conversations (`,
		"- fallback answers: 25 fallback answers in 25 conversations (", "; conversations by platform: whatsapp 9, embeded 8, instagram 8",
		"- repeated questions: 7 repeated questions in 7 conversations (", "; conversations by platform: facebook 7",
		"busiest days: 2026-11-18 (",
		"languages of user messages: en ", "es ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("insights lack %q", want)
		}
	}
	if got.Unanswered.Messages != 0 {
		t.Errorf("unanswered = %d, want 0 (every planted turn is answered)", got.Unanswered.Messages)
	}
	if used, _ := resultTokens(t, res); used > DefaultMaxOutputTokens {
		t.Errorf("%d tokens, over budget", used)
	}
}

func TestInsightsCountUnansweredMessages(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	res := h.call(t, "conversation_insights", `{"chatbot_id":101,"onlyDeletedConversations":false}`)
	var got ConversationInsightsResult
	raw, _ := json.Marshal(res.StructuredContent)
	json.Unmarshal(raw, &got)
	// Independent count over the fixtures: a turn without an answer.
	want := 0
	for _, c := range stammertest.Fixtures() {
		if c.ChatbotID != 101 || c.Deleted {
			continue
		}
		for _, turn := range c.Turns {
			if turn.Answer == "" && turn.Query != "" {
				want++
			}
		}
	}
	if want == 0 || got.Unanswered.Messages != want {
		t.Errorf("unanswered = %d, want %d", got.Unanswered.Messages, want)
	}
}

// TestFailureLinesAgreeInNumber: a failure line says "1 fallback answer",
// not "1 fallback answers", and keeps the plural for more than one (the
// fixtures' week of 2026-11-16 has one fallback answer, two unanswered
// messages and two repeated questions in one conversation).
func TestFailureLinesAgreeInNumber(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	out := text(h.call(t, "conversation_insights", `{"chatbot_id":17,"startDate":"2026-11-16","endDate":"2026-11-22","onlyDeletedConversations":false}`))
	for _, want := range []string{
		"- fallback answers: 1 fallback answer in 1 conversation (",
		"- unanswered user messages: 2 unanswered messages in 2 conversations (",
		"- repeated questions: 2 repeated questions in 1 conversation (",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("insights lack %q:\n%s", want, out)
		}
	}
}

func TestInsightsAreDeterministic(t *testing.T) {
	cs := stammertest.Generate(stammertest.GenerateOptions{Seed: 42, N: 800, Chatbots: stammertest.Chatbots()[:4],
		Start: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
	var first string
	for range 3 {
		h := newHarness(t, harnessOptions{}, stammertest.WithFixtures(cs), stammertest.WithAllOnNotDeleted())
		out := text(h.call(t, "conversation_insights", `{"onlyDeletedConversations":false}`))
		if first == "" {
			first = out
		} else if out != first {
			t.Fatal("two runs over the same data gave different insights")
		}
	}
}

func TestInsightsStayWithinBudget(t *testing.T) {
	sizes := []int{0, 1, 1000, 50000}
	if testing.Short() {
		sizes = sizes[:3]
	}
	for _, n := range sizes {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			h, cs := generated(t, uint64(n)+3, n, harnessOptions{timeout: 2 * time.Minute})
			res := h.call(t, "conversation_insights", `{"onlyDeletedConversations":false}`)
			if res.IsError {
				t.Fatal(text(res))
			}
			if used, _ := resultTokens(t, res); used > DefaultMaxOutputTokens {
				t.Errorf("%d conversations: %d tokens, over the budget", n, used)
			}
			var got ConversationInsightsResult
			raw, _ := json.Marshal(res.StructuredContent)
			json.Unmarshal(raw, &got)
			if got.Total != len(cs) {
				t.Errorf("total %d, want %d", got.Total, len(cs))
			}
		})
	}
}

func TestTranscriptResource(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	list, err := h.client.ListResourceTemplates(t.Context(), mcp.ListResourceTemplatesRequest{})
	if err != nil || len(list.ResourceTemplates) != 1 || list.ResourceTemplates[0].URITemplate.Raw() != "stammer://chatbots/{chatbot}/conversations/{number}" {
		t.Fatalf("templates = %+v, %v", list, err)
	}
	res, err := h.client.ListResources(t.Context(), mcp.ListResourcesRequest{})
	if err != nil || len(res.Resources) != 0 {
		t.Errorf("resources/list = %+v, %v; want it empty (no enumeration of conversations)", res, err)
	}
	read := func(uri string) (string, error) {
		req := mcp.ReadResourceRequest{}
		req.Params.URI = uri
		r, err := h.client.ReadResource(t.Context(), req)
		if err != nil {
			return "", err
		}
		return r.Contents[0].(mcp.TextResourceContents).Text, nil
	}
	for _, uri := range []string{"stammer://chatbots/17/conversations/4812", "stammer://chatbots/" + clinic.UUID + "/conversations/4812"} {
		text, err := read(uri)
		if err != nil || !strings.Contains(text, "Stammer conversation #4812") || !strings.Contains(text, "Hi, can I move my appointment to Friday?") {
			t.Errorf("%s: %v\n%s", uri, err, text)
		}
	}
	// A deleted conversation is found too.
	var deleted int64
	for _, c := range stammertest.Fixtures() {
		if c.ChatbotID == 17 && c.Deleted {
			deleted = c.Number
			break
		}
	}
	if text, err := read(fmt.Sprintf("stammer://chatbots/17/conversations/%d", deleted)); err != nil || !strings.Contains(text, "deleted") {
		t.Errorf("deleted #%d: %v %s", deleted, err, text)
	}
	for _, bad := range []string{"stammer://chatbots/clinic/conversations/4812", "stammer://chatbots/17/conversations/999999"} {
		if _, err := read(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestOperatorFallbackPhrases(t *testing.T) {
	path := t.TempDir() + "/phrases.txt"
	if err := os.WriteFile(path, []byte("# ours\n\nlet me check with a colleague\nNão SEI\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	phrases, err := LoadFallbacks(path)
	if err != nil || len(phrases) != 2 {
		t.Fatalf("LoadFallbacks = %v, %v", phrases, err)
	}
	lex := newLexicon(phrases)
	for text, want := range map[string]bool{
		"Let me check with a colleague and come back to you.": true,
		"Hmm, nao sei.":             true,
		"I'm not sure.":             false, // the built-in list is replaced, not extended
		"let me check the calendar": false,
	} {
		if got := lex.isFallback(tokenize(text, nil)); got != want {
			t.Errorf("%q: fallback=%v, want %v", text, got, want)
		}
	}
	empty := t.TempDir() + "/empty.txt"
	os.WriteFile(empty, []byte("# nothing\n"), 0o600)
	if _, err := LoadFallbacks(empty); err == nil {
		t.Error("an empty phrase file was accepted")
	}
}

func TestChartIsAttachedAndCounted(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	for _, tc := range []struct{ tool, args string }{
		{"conversation_insights", `{"chatbot_id":17,"startDate":"2026-11-01","endDate":"2026-11-24","chart":true,"onlyDeletedConversations":false}`},
		{"list_conversations", `{"chatbot_id":17,"chart":true,"onlyDeletedConversations":false}`},
		{"list_conversations", `{"chatbot_id":17,"chart":true,"max_tokens":2500,"onlyDeletedConversations":false}`},
	} {
		res := h.call(t, tc.tool, tc.args)
		if res.IsError || len(res.Content) != 2 {
			t.Fatalf("%s: isError=%v, %d contents", tc.tool, res.IsError, len(res.Content))
		}
		img, ok := res.Content[1].(mcp.ImageContent)
		if !ok || img.MIMEType != "image/png" {
			t.Fatalf("second content is %T, want a PNG image", res.Content[1])
		}
		raw, err := base64.StdEncoding.DecodeString(img.Data)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(raw))
		if err != nil || cfg.Width > 900 || cfg.Height > 450 || len(raw) > 80<<10 {
			t.Errorf("chart %dx%d, %d bytes, %v", cfg.Width, cfg.Height, len(raw), err)
		}
		budget := DefaultMaxOutputTokens
		if strings.Contains(tc.args, "max_tokens") {
			budget = 2500
		}
		used, _ := resultTokens(t, res)
		if used+imageTokens(cfg.Width, cfg.Height) > budget {
			t.Errorf("%s: text %d + image %d tokens over the budget %d", tc.args, used, imageTokens(cfg.Width, cfg.Height), budget)
		}
		if !strings.Contains(text(res), "Chart: a 900×450 PNG") {
			t.Errorf("text does not mention the chart")
		}
	}
	// Without chart=true there is no image.
	if res := h.call(t, "list_conversations", `{"chatbot_id":17,"onlyDeletedConversations":false}`); len(res.Content) != 1 {
		t.Errorf("%d contents without chart", len(res.Content))
	}
}

// TestNegativePercentagesRoundLikePositiveOnes: 2 against 3 is -33.3%,
// not -33.2% (rounding toward +∞ after truncation was the old bug).
func TestNegativePercentagesRoundLikePositiveOnes(t *testing.T) {
	r := &ConversationInsightsResult{Totals: Totals{Total: 2}, Trend: &Trend{Previous: 3}}
	r.render()
	if r.Trend.Change != -33.3 {
		t.Errorf("2 vs 3: %v%%, want -33.3%%", r.Trend.Change)
	}
	for _, c := range []struct {
		x, want float64
	}{{-33.333, -33.3}, {33.333, 33.3}, {-0.05, -0.1}, {0.05, 0.1}, {-12.35, -12.4}, {12.35, 12.4}} {
		if got := round1(c.x); got != c.want {
			t.Errorf("round1(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if share(1, 3) != 33.3 || share(2, 3) != 66.7 {
		t.Errorf("share(1,3)=%v share(2,3)=%v", share(1, 3), share(2, 3))
	}
}
