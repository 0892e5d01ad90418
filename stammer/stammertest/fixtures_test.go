package stammertest_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestChatbots(t *testing.T) {
	bots := stammertest.Chatbots()
	if len(bots) < 4 {
		t.Fatalf("%d chatbots, want at least 4", len(bots))
	}
	seen := map[int64]bool{}
	for _, b := range bots {
		if b.ID <= 0 || !uuidRE.MatchString(b.UUID) || b.Name == "" || seen[b.ID] {
			t.Errorf("bad chatbot %+v", b)
		}
		seen[b.ID] = true
	}
	for _, id := range []int64{stammertest.ClinicBotID, stammertest.RealtyBotID, stammertest.RestaurantBotID, stammertest.SupportBotID, stammertest.QuietBotID} {
		if !seen[id] {
			t.Errorf("chatbot %d missing", id)
		}
	}
	bots[0].Name = "changed"
	if stammertest.Chatbots()[0].Name == "changed" {
		t.Error("Chatbots returns shared storage")
	}
}

func TestFixturesDeterministic(t *testing.T) {
	a := stammertest.Fixtures()
	b := stammertest.Fixtures()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls differ")
	}
	a[0].Turns[0].Query = "changed"
	a[1].Platform = "changed"
	if c := stammertest.Fixtures(); c[0].Turns[0].Query == "changed" || c[1].Platform == "changed" {
		t.Error("Fixtures returns shared storage")
	}
}

// fixturesFingerprint pins the default fixture set: golden files across the
// project depend on it. If you change the corpus or the generator on
// purpose, update this value and refresh the golden files (-update).
const fixturesFingerprint = "a4717c1b07d0a1267c673d7b5e7ba8047ed802ae8e2d65bf70cef16984960c2c"

func TestFixturesFingerprint(t *testing.T) {
	sum := sha256.Sum256(stammertest.Encode(stammertest.Fixtures(), stammertest.ShapeEnvelope, stammertest.StyleTurns))
	if got := hex.EncodeToString(sum[:]); got != fixturesFingerprint {
		t.Errorf("default fixtures changed: fingerprint %s, was %s.\nIf intended, update fixturesFingerprint and refresh golden files.", got, fixturesFingerprint)
	}
}

func TestFixturesCoverage(t *testing.T) {
	cs := stammertest.Fixtures()
	if n := len(cs); n < 300 || n > 500 {
		t.Errorf("%d conversations, want about 400", n)
	}
	first, _ := time.Parse(time.DateOnly, stammertest.FirstDay)
	end, _ := time.Parse(time.DateOnly, stammertest.LastDay)
	end = end.AddDate(0, 0, 1)

	perBot := map[int64]int{}
	platforms := map[string]int{}
	clinicPlatforms := map[string]bool{}
	users := map[string]int{}
	ids := map[int64]bool{}
	uuids := map[string]bool{}
	lastNumber := map[int64]int64{}
	deleted, maxTurns, unanswered, longTexts, emoji := 0, 0, 0, 0, 0
	oneTurnUnanswered := false
	var all strings.Builder
	for i, c := range cs {
		perBot[c.ChatbotID]++
		platforms[c.Platform]++
		if c.ChatbotID == stammertest.ClinicBotID {
			clinicPlatforms[c.Platform] = true
		}
		users[c.UserKey]++
		if ids[c.ID] || uuids[c.UUID] || !uuidRE.MatchString(c.UUID) {
			t.Errorf("conversation %d: duplicate or malformed id/uuid %d %q", i, c.ID, c.UUID)
		}
		ids[c.ID], uuids[c.UUID] = true, true
		if c.Number <= lastNumber[c.ChatbotID] {
			t.Errorf("conversation %d: number %d not above %d for chatbot %d", c.ID, c.Number, lastNumber[c.ChatbotID], c.ChatbotID)
		}
		lastNumber[c.ChatbotID] = c.Number
		if i > 0 && c.CreatedAt.Before(cs[i-1].CreatedAt) {
			t.Errorf("conversation %d: not in CreatedAt order", c.ID)
		}
		if c.CreatedAt.Before(first) || !c.CreatedAt.Before(end) || c.CreatedAt.Location() != time.UTC {
			t.Errorf("conversation %d: CreatedAt %v outside %s..%s or not UTC", c.ID, c.CreatedAt, stammertest.FirstDay, stammertest.LastDay)
		}
		if len(c.Turns) == 0 || !c.Turns[0].At.Equal(c.CreatedAt) || c.UpdatedAt.Before(c.Turns[len(c.Turns)-1].At) {
			t.Errorf("conversation %d: turns and timestamps disagree", c.ID)
		}
		if c.Deleted {
			deleted++
		}
		maxTurns = max(maxTurns, len(c.Turns))
		for j, tr := range c.Turns {
			if tr.Query == "" || (j > 0 && tr.At.Before(c.Turns[j-1].At)) {
				t.Errorf("conversation %d turn %d: empty query or out of order", c.ID, j)
			}
			if tr.Answer == "" {
				unanswered++
				if len(c.Turns) == 1 {
					oneTurnUnanswered = true
				}
			}
			if utf8.RuneCountInString(tr.Query) >= 3000 || utf8.RuneCountInString(tr.Answer) >= 3000 {
				longTexts++
			}
			for _, r := range tr.Query + tr.Answer {
				if r >= 0x1F300 && r <= 0x1FAFF {
					emoji++
					break
				}
			}
			all.WriteString(tr.Query)
			all.WriteByte('\n')
			all.WriteString(tr.Answer)
			all.WriteByte('\n')
		}
	}
	if n := perBot[stammertest.ClinicBotID]; n < 130 || n > 170 {
		t.Errorf("chatbot 17 has %d conversations, want about 150", n)
	}
	if perBot[stammertest.QuietBotID] != 0 {
		t.Errorf("QuietBot has conversations")
	}
	for _, p := range stammertest.Platforms {
		if platforms[p] == 0 || !clinicPlatforms[p] {
			t.Errorf("platform %q missing (overall %d, chatbot 17 %v)", p, platforms[p], clinicPlatforms[p])
		}
	}
	if platforms["whatsapp"] < 4*platforms["masterchat"] || platforms["embeded"] < 4*platforms["none"] {
		t.Errorf("platform weights unrealistic: %v", platforms)
	}
	if pct := 100 * deleted / len(cs); pct < 5 || pct > 11 {
		t.Errorf("%d%% deleted, want about 8%%", pct)
	}
	repeat := 0
	for _, n := range users {
		if n > 1 {
			repeat++
		}
	}
	if repeat < 10 {
		t.Errorf("only %d repeat users", repeat)
	}
	if maxTurns < 20 || maxTurns > 30 {
		t.Errorf("longest conversation has %d turns, want a long tail up to 30", maxTurns)
	}
	if unanswered == 0 || !oneTurnUnanswered {
		t.Errorf("unanswered turns: %d, single unanswered turn present: %v", unanswered, oneTurnUnanswered)
	}
	if longTexts < 3 {
		t.Errorf("%d texts of 3,000+ characters, want a few", longTexts)
	}
	if emoji < 50 {
		t.Errorf("only %d turns with emoji", emoji)
	}
	text := all.String()
	for _, want := range []string{
		"¿", "Olá", "Bonjour", "Guten Tag", "Hi", // es, pt, fr, de, en
		"I'm not sure I can help with that", "No tengo información sobre eso",
		"Ignore previous instructions", "\u0007", "\u001b[31m", "\u200b", "\u202e",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("fixtures lack %q", want)
		}
	}
	for _, bad := range []string{"%s", "%!", "\x00"} {
		if strings.Contains(text, bad) {
			t.Errorf("fixtures contain %q (a formatting slip)", bad)
		}
	}

	// The design notes' example: chatbot 17's newest conversation is #4812.
	var newest stammertest.Conversation
	for _, c := range cs {
		if c.ChatbotID == stammertest.ClinicBotID {
			newest = c
		}
	}
	if newest.Number != 4812 || newest.Deleted {
		t.Errorf("chatbot 17's newest conversation is #%d (deleted %v), want live #4812", newest.Number, newest.Deleted)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	cs := stammertest.Fixtures()
	for _, sh := range stammertest.Shapes() {
		for _, st := range stammertest.Styles() {
			if b := stammertest.Encode(cs[:100], sh, st); !json.Valid(b) || !utf8.Valid(b) {
				t.Errorf("%v/%v: invalid JSON or UTF-8", sh, st)
			}
		}
	}
	// Every text survives encoding byte for byte, control characters included.
	var env struct {
		Data []wireConv `json:"data"`
	}
	body := stammertest.Encode(cs, stammertest.ShapeEnvelope, stammertest.StyleTurns)
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	if len(env.Data) != len(cs) {
		t.Fatalf("%d decoded, want %d", len(env.Data), len(cs))
	}
	for i, w := range env.Data {
		c := cs[i]
		if w.ID != c.ID || w.UUID != c.UUID || w.Number != c.Number || w.ChatbotUUID != c.ChatbotUUID || !w.UpdatedAt.Equal(c.UpdatedAt) || len(w.Messages) != len(c.Turns) {
			t.Fatalf("conversation %d differs after round trip", c.ID)
		}
		for j, m := range w.Messages {
			ans := ""
			if m.Answer != nil {
				ans = *m.Answer
			}
			if m.Query != c.Turns[j].Query || ans != c.Turns[j].Answer || !m.CreatedAt.Equal(c.Turns[j].At) {
				t.Fatalf("conversation %d turn %d differs after round trip: %q", c.ID, j, m.Query)
			}
		}
	}
	// Strings that need escaping, and the HTML characters DRF leaves alone.
	tricky := []stammertest.Conversation{{ID: 1, Turns: []stammertest.Turn{{
		Query:  "quote \" backslash \\ tab \t nl \n cr \r nul \x00 del \x7f ls \u2028 ps \u2029 <b>&amp;</b> bad \xff utf8",
		Answer: "ok",
	}}}}
	b := stammertest.Encode(tricky, stammertest.ShapeArray, stammertest.StyleTurns)
	if !strings.Contains(string(b), "<b>&amp;</b>") {
		t.Errorf("HTML characters were escaped: %s", b)
	}
	var back []wireConv
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	wantQ := strings.ToValidUTF8(tricky[0].Turns[0].Query, "\ufffd")
	if got := back[0].Messages[0].Query; got != wantQ {
		t.Errorf("round trip:\n got %q\nwant %q", got, wantQ)
	}
	if got := string(stammertest.Encode(nil, stammertest.ShapeEnvelope, stammertest.StyleTurns)); got != `{"message":"Conversations retrieved successfully.","data":[]}` {
		t.Errorf("empty list: %s", got)
	}
	if !slices.Equal(stammertest.Encode(cs[:3], stammertest.Shape(99), stammertest.Style(99)), stammertest.Encode(cs[:3], stammertest.ShapeEnvelope, stammertest.StyleTurns)) {
		t.Error("unknown Shape/Style do not fall back to the defaults")
	}
}
