package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

var update = flag.Bool("update", false, "rewrite the golden doctor --shape reports in testdata/shape/")

// shapeDay is a fixture day with ten live conversations on four platforms.
const shapeDay = "2026-11-07"

// shapeFixtures are the default fixtures' live conversations of shapeDay,
// with their integer ids, numbers and chatbot ids moved to seven-digit
// values that no count or length of a report can equal, so that the
// privacy check can look for every number of the answer.
func shapeFixtures() []stammertest.Conversation {
	var cs []stammertest.Conversation
	for _, c := range stammertest.Fixtures() {
		if c.Deleted || c.CreatedAt.Format(time.DateOnly) != shapeDay {
			continue
		}
		i := int64(len(cs))
		c.ID, c.Number, c.ChatbotID = 5550001+i, 7770001+i, 9990001+i
		cs = append(cs, c)
	}
	return cs
}

// runDoctorShape runs "doctor --shape" against url and returns the exit
// code and stdout.
func runDoctorShape(t *testing.T, url string) (int, string) {
	t.Helper()
	env := map[string]string{"STAMMER_BASE_URL": url, "STAMMER_API_TOKEN": stammertest.DefaultToken}
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"doctor", "--shape", "--date", shapeDay}, strings.NewReader(""), &out, &errOut,
		func(k string) string { return env[k] })
	if strings.Contains(out.String()+errOut.String(), stammertest.DefaultToken) {
		t.Error("doctor printed the token")
	}
	return code, out.String()
}

// doctorShapeOfFile runs "doctor --shape" against stammertest answering
// with testdata/shape/name, and returns that body, the exit code and stdout.
func doctorShapeOfFile(t *testing.T, name string) ([]byte, int, string) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "shape", name))
	if err != nil {
		t.Fatal(err)
	}
	fake := stammertest.NewServer(t)
	fake.SetFault(stammertest.Fault{Status: 200, Body: string(body)})
	code, out := runDoctorShape(t, fake.URL)
	return body, code, out
}

// Expected decoder uses, by style: what the report must say of each key.
var (
	turnsUses = map[string]string{
		"id": "conversation id", "uuid": "conversation uuid", "conversation_number": "conversation number",
		"chatbot_id": "chatbot id", "chatbot_uuid": "chatbot uuid", "user_key": "end user key",
		"source_platform": "source platform", "is_active": "live or deleted", "created_at": "created at",
		"updated_at": "updated at", "messages": "messages",
	}
	altUses = map[string]string{
		"id": "conversation id", "uuid": "conversation uuid", "conversation_number": "conversation number",
		"chatbot": "chatbot id", "chatbot_uuid": "chatbot uuid", "user_key": "end user key",
		"source_platform": "source platform", "deleted": "live or deleted", "created_at": "created at",
		"updated_at": "updated at", "messages": "messages",
	}
	msgUses = map[stammertest.Style]map[string]string{
		stammertest.StyleTurns: {"query": "message text (user)", "answer": "message text (bot)", "created_at": "message time"},
		stammertest.StyleRoles: {"role": "message role", "content": "message text", "timestamp": "message time"},
		stammertest.StyleAlt:   {"query": "message text (user)", "answer": "message text (bot)", "created_at": "message time"},
	}
	listPath = map[stammertest.Shape][]string{
		stammertest.ShapeEnvelope: {"data"}, stammertest.ShapeArray: nil, stammertest.ShapeResults: {"results"},
		stammertest.ShapeConversations: {"conversations"}, stammertest.ShapeDataResults: {"data", "results"},
	}
)

// TestDoctorShapeOfEveryKnownShape serves each shape and style stammertest
// speaks and checks the report against the answer read independently
// with encoding/json: every key of the list items and their messages with
// its JSON kinds and how many had it, what the decoder reads it as, the
// time layouts, the platforms, the verdict — and that no value of the
// answer is in the output.
func TestDoctorShapeOfEveryKnownShape(t *testing.T) {
	cs := shapeFixtures()
	if len(cs) < 5 {
		t.Fatalf("only %d fixtures on %s", len(cs), shapeDay)
	}
	for _, sh := range stammertest.Shapes() {
		for _, st := range stammertest.Styles() {
			t.Run(sh.String()+"-"+st.String(), func(t *testing.T) {
				fake := stammertest.NewServer(t, stammertest.WithFixtures(cs), stammertest.WithShape(sh), stammertest.WithStyle(st))
				code, out := runDoctorShape(t, fake.URL)
				if code != 0 {
					t.Fatalf("exit %d:\n%s", code, out)
				}
				body := stammertest.Encode(cs, sh, st)
				items := listAt(t, body, listPath[sh])
				convUses, msgKey := turnsUses, "messages"
				if st == stammertest.StyleAlt {
					convUses = altUses
				}
				checkSection(t, out, "Conversations:", items, convUses)
				checkSection(t, out, "Messages:", objectsIn(items, msgKey), msgUses[st])
				checkNoValues(t, out, body, 150)

				platformKey, created, layout := "source_platform", "created_at", "2006-01-02T15:04:05Z07:00"
				if st == stammertest.StyleAlt {
					layout = "unix seconds"
				}
				for p, n := range countValues(items, platformKey) {
					if want := fmt.Sprintf("%s ×%d", p, n); !strings.Contains(lineAfter(out, "Source platforms:"), want) {
						t.Errorf("platforms lack %q:\n%s", want, out)
					}
				}
				if !regexp.MustCompile(`(?m)^  \S*\.` + created + ` +` + regexp.QuoteMeta(layout) + ` +×` + fmt.Sprint(len(items)) + `$`).MatchString(out) {
					t.Errorf("time layouts lack %s %s ×%d:\n%s", created, layout, len(items), out)
				}
				if want := "from a shape it knows (" + sh.String() + ":"; !strings.Contains(out, want) {
					t.Errorf("verdict lacks %q:\n%s", want, out)
				}
				if sh == stammertest.ShapeEnvelope || st == stammertest.StyleTurns {
					golden(t, sh.String()+"-"+st.String(), out)
				}
			})
		}
	}
}

// TestDoctorShapeOfAnUnknownShape serves an answer with a list in an
// unexpected place, spellings stammer-api-notes.md gives no evidence for
// (which the decoder ignores, and the report must say so), and fields it
// does not know, some personal (a name, an e-mail as a value and as a key,
// a phone number, an undocumented platform).
func TestDoctorShapeOfAnUnknownShape(t *testing.T) {
	body, code, out := doctorShapeOfFile(t, "unknown.json")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	items := listAt(t, body, []string{"data", "conversations"})
	checkSection(t, out, "Conversations:", items, map[string]string{
		"pk": "ignored", "conversationUuid": "ignored", "conversation_id": "ignored",
		"chatbot": "ignored", "customer": "ignored", "contacts": "ignored",
		"channel": "ignored", "source": "ignored",
		"status": "ignored", "rating": "ignored", "tags": "ignored", "createdAt": "created at",
		"lastMessageAt": "ignored", "history": "ignored",
	})
	if strings.Contains(out, "\nMessages:") {
		t.Errorf("a Messages section for a list the decoder ignores:\n%s", out)
	}
	checkNoValues(t, out, body, 30)
	squashed := regexp.MustCompile(` {2,}`).ReplaceAllString(out, " ")
	for _, want := range []string{
		" chatbot.id number(int) 2/2\n", " chatbot.uuid string(len 36) 2/2\n", " chatbot.name string(len 22) 1/2\n",
		" customer.email string(len 20) 1/1\n", " contacts.‹data-like key›.opted_in bool 1/1\n",
		"Top level: object", " data.page_size number(int) 1/1 ignored\n", " data.conversations array(len 2) of object 1/1 the conversation list\n",
		`the list was found by a fallback rule ("data.conversations")`,
		"13 conversation field(s) the decoder does not know, ignored: pk, conversationUuid, conversation_id, chatbot, customer, contacts, channel, status, rating, tags, lastMessageAt, history, source",
		" data.conversations[].createdAt 2006-01-02T15:04:05.999999Z07:00 ×1\n",
		" data.conversations[].createdAt 2006-01-02T15:04:05.9Z07:00 ×1\n",
		" data.conversations[].history[].sent_at 2006-01-02 15:04:05 (not read by the decoder) ×2\n",
	} {
		if !strings.Contains(squashed, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	golden(t, "unknown", out)
}

// TestDoctorShapeOfAnEmptyDay: an empty list shows the envelope and says
// how to get a day with conversations.
func TestDoctorShapeOfAnEmptyDay(t *testing.T) {
	fake := stammertest.NewServer(t, stammertest.WithFixtures(nil))
	code, out := runDoctorShape(t, fake.URL)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{"(0 conversation(s) on " + shapeDay + ")", "Summary (as logged at LOG_LEVEL=debug): {message data:[]}",
		"its list was empty", "--date YYYY-MM-DD"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\nConversations:") {
		t.Errorf("a Conversations section for an empty list:\n%s", out)
	}
}

// TestDoctorShapeOfAnswersThatAreNotJSON: a web page or a refused token
// gets doctor's usual diagnosis and no report.
func TestDoctorShapeOfAnswersThatAreNotJSON(t *testing.T) {
	for _, f := range []stammertest.Fault{
		{Status: 200, Body: "<!DOCTYPE html><html><body>Welcome to our agency</body></html>"},
		{Status: 401, Body: `{"detail":"Invalid token."}`},
	} {
		fake := stammertest.NewServer(t)
		fake.SetFault(f)
		code, out := runDoctorShape(t, fake.URL)
		if code != 1 || !strings.Contains(out, "PROBLEM") || strings.Contains(out, "Shape of the answer") {
			t.Errorf("%d answer: exit %d, want 1, a PROBLEM and no report:\n%s", f.Status, code, out)
		}
	}
}

// TestDoctorShapeOfOneBareConversation: a top level that is itself a
// conversation (a fallback rule) is the list's one item.
func TestDoctorShapeOfOneBareConversation(t *testing.T) {
	fake := stammertest.NewServer(t)
	fake.SetFault(stammertest.Fault{Status: 200, Body: `{"conversation_number":7770555,"created_at":"2026-11-07T10:00:00Z","messages":[{"query":"Zebra crossing hours?"}]}`})
	code, out := runDoctorShape(t, fake.URL)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	squashed := regexp.MustCompile(` {2,}`).ReplaceAllString(out, " ")
	for _, want := range []string{"Conversations: 1 object(s) at the top level\n", "Messages: 1 object(s) at messages[]\n",
		"\n created_at 2006-01-02T15:04:05Z07:00 ×1\n", `the list was found by a fallback rule ("object")`} {
		if !strings.Contains(squashed, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Top level:") {
		t.Errorf("an envelope section for a bare conversation:\n%s", out)
	}
}

// TestDoctorShapeOfAnAnswerTheDecoderRefuses: an answer with no list the
// decoder can find still gets its structure described, and doctor fails
// without quoting the answer.
func TestDoctorShapeOfAnAnswerTheDecoderRefuses(t *testing.T) {
	body, code, out := doctorShapeOfFile(t, "refused.json")
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	for _, want := range []string{"PROBLEM", "cannot read as a list of conversations", "  payload.items[].requester.login ", "the decoder found no list of conversations in this answer"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	checkNoValues(t, out, body, 8)
	golden(t, "refused", out)
}

// TestDebugLogShowsTheFirstAnswersShape: at LOG_LEVEL=debug the first
// answer of the process, and only the first, is logged as one line of
// keys; at info, nothing is.
func TestDebugLogShowsTheFirstAnswersShape(t *testing.T) {
	fake := stammertest.NewServer(t)
	fake.SetPaging(stammertest.Paging{Size: 20}) // several answers in one call
	args := []string{"call", "list_conversations", `{"chatbot_id":17,"startDate":"2026-11-01","endDate":"2026-11-24","onlyDeletedConversations":false}`}
	for _, level := range []string{"debug", "info"} {
		env := map[string]string{"STAMMER_BASE_URL": fake.URL, "STAMMER_API_TOKEN": stammertest.DefaultToken, "LOG_LEVEL": level}
		var out, errOut bytes.Buffer
		fake.ResetRequests()
		if code := run(t.Context(), args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] }); code != 0 {
			t.Fatalf("exit %d:\n%s", code, errOut.String())
		}
		if n := len(fake.Requests()); n < 2 {
			t.Fatalf("%d requests; the test needs several answers", n)
		}
		lines := regexp.MustCompile(`(?m)^.*shape of the first API answer.*$`).FindAllString(errOut.String(), -1)
		if level == "info" {
			if len(lines) != 0 {
				t.Errorf("shape logged at info: %q", lines)
			}
			continue
		}
		if len(lines) != 1 {
			t.Fatalf("%d shape lines, want 1:\n%s", len(lines), errOut.String())
		}
		want := `shape="{count next previous results:[{id uuid conversation_number chatbot_id chatbot_uuid user_key source_platform is_active created_at updated_at messages:[{query answer created_at}]}]}"`
		if !strings.Contains(lines[0], want) || !strings.Contains(lines[0], "whole=true") {
			t.Errorf("log line = %s\nwant it to contain %s", lines[0], want)
		}
		for _, c := range stammertest.Fixtures() {
			for _, v := range []string{c.UUID, c.UserKey, c.Turns[0].Query, fmt.Sprint(c.ID)} {
				if strings.Contains(lines[0], v) {
					t.Errorf("log line holds %q: %s", v, lines[0])
				}
			}
		}
	}
}

// decodeAnswer reads body with encoding/json, numbers as json.Number.
func decodeAnswer(t *testing.T, body []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// listAt decodes body and returns the objects of the list at path.
func listAt(t *testing.T, body []byte, path []string) []map[string]any {
	t.Helper()
	v := decodeAnswer(t, body)
	for _, k := range path {
		v = v.(map[string]any)[k]
	}
	var objs []map[string]any
	for _, e := range v.([]any) {
		objs = append(objs, e.(map[string]any))
	}
	return objs
}

// objectsIn returns the objects of the arrays at key of every item.
func objectsIn(items []map[string]any, key string) []map[string]any {
	var out []map[string]any
	for _, it := range items {
		arr, _ := it[key].([]any)
		for _, e := range arr {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// countValues counts the string values of key over items.
func countValues(items []map[string]any, key string) map[string]int {
	n := map[string]int{}
	for _, it := range items {
		if s, ok := it[key].(string); ok {
			n[s]++
		}
	}
	return n
}

// kindOf names a decoded JSON value as the report does.
func kindOf(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array(len"
	case string:
		return "string(len"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "number(int)"
		}
		return "number(float)"
	case bool:
		return "bool"
	}
	return "null"
}

// sectionRows returns the table rows of the report section whose heading
// starts with title, by key.
func sectionRows(t *testing.T, out, title string) map[string]string {
	t.Helper()
	i := strings.Index(out, "\n"+title)
	if i < 0 {
		t.Fatalf("no %q section:\n%s", title, out)
	}
	rows := map[string]string{}
	lines := strings.Split(out[i+1:], "\n")[2:] // after the heading and the column names
	for _, l := range lines {
		if l == "" {
			break
		}
		rows[strings.Fields(l)[0]] = l
	}
	return rows
}

// checkSection checks the rows of a section against the objects it
// describes: each key once, with its kinds, its count and its use; and no
// key that the objects lack.
func checkSection(t *testing.T, out, title string, objs []map[string]any, uses map[string]string) {
	t.Helper()
	rows := sectionRows(t, out, title)
	if !strings.Contains(out, fmt.Sprintf("%s %d object(s)", title, len(objs))) {
		t.Errorf("%s does not count %d objects", title, len(objs))
	}
	count, kinds := map[string]int{}, map[string]map[string]int{}
	for _, o := range objs {
		for k, v := range o {
			count[k]++
			if kinds[k] == nil {
				kinds[k] = map[string]int{}
			}
			kinds[k][kindOf(v)]++
		}
	}
	for k, n := range count {
		row, ok := rows[k]
		if !ok {
			t.Errorf("%s: no row for %q", title, k)
			continue
		}
		if want := fmt.Sprintf("  %d/%d  ", n, len(objs)); !strings.Contains(row, want) {
			t.Errorf("%s: row %q lacks the count %q", title, row, strings.TrimSpace(want))
		}
		// The kinds, without an array's element kinds ("array(len 2) of object").
		kindsPart := regexp.MustCompile(`\) of \S+`).ReplaceAllString(row, ")")
		for _, kind := range []string{"object", "array(len", "string(len", "number(int)", "number(float)", "bool", "null"} {
			if (kinds[k][kind] > 0) != strings.Contains(kindsPart, kind) {
				t.Errorf("%s: row %q and kind %s: want present=%v", title, row, kind, kinds[k][kind] > 0)
			}
		}
		if len(kinds[k]) > 1 && !strings.Contains(row, "×") {
			t.Errorf("%s: row %q does not count its mixed kinds", title, row)
		}
		use, ok := uses[k]
		if !ok {
			t.Errorf("%s: the test has no expected use for %q", title, k)
		} else if !strings.HasSuffix(row, "  "+use) {
			t.Errorf("%s: row %q, want use %q", title, row, use)
		}
	}
	for k := range rows {
		if !strings.ContainsAny(k, ".[") && count[k] == 0 {
			t.Errorf("%s: row for %q, which no object has", title, k)
		}
	}
}

// roleWords are values the report may contain as its own words ("message
// text (user)", "chatbot"): role names, not anybody's data.
var roleWords = []string{"user", "assistant", "bot"}

// checkNoValues looks for every string, number and boolean of body, and
// every key holding an '@', in out: none may be there, except the
// documented platform names, which the report shows on purpose, and the
// list's total (a "count" or "total_items"), which is the number of items
// the report counts.
func checkNoValues(t *testing.T, out string, body []byte, minValues int) {
	t.Helper()
	v := decodeAnswer(t, body)
	found := 0
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if strings.Contains(k, "@") && strings.Contains(out, k) {
					t.Errorf("the report holds the key %q", k)
				}
				if k == "count" || k == "total_items" {
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			found++
			if x == "" || slices.Contains(stammer.SourcePlatforms, x) || slices.Contains(roleWords, x) {
				return
			}
			if strings.Contains(out, x) {
				t.Errorf("the report holds the string %q", x)
			}
		case json.Number:
			found++
			if regexp.MustCompile(`(^|[^0-9.])` + regexp.QuoteMeta(x.String()) + `($|[^0-9.])`).MatchString(out) {
				t.Errorf("the report holds the number %s", x)
			}
		case bool:
			found++
			if strings.Contains(out, fmt.Sprint(x)) {
				t.Errorf("the report holds the boolean %v", x)
			}
		}
	}
	walk(v)
	if found < minValues {
		t.Fatalf("only %d values checked, want at least %d", found, minValues)
	}
}

// lineAfter returns the rest of the line that starts with prefix.
func lineAfter(out, prefix string) string {
	i := strings.Index(out, "\n"+prefix)
	if i < 0 {
		return ""
	}
	l := out[i+1:]
	return l[:strings.IndexByte(l+"\n", '\n')]
}

// golden compares the report (from its first line, leaving out doctor's
// lines with the server's port and timing) with testdata/shape/NAME.golden.
func golden(t *testing.T, name, out string) {
	t.Helper()
	i := strings.Index(out, "Shape of the answer")
	if i < 0 {
		t.Fatalf("no report:\n%s", out)
	}
	got := out[i:]
	path := filepath.Join("testdata", "shape", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestDoctorShape -update . to create it)", err)
	}
	if got != string(want) {
		t.Errorf("report differs from %s (after an intended change run go test -run TestDoctorShape -update . and review the diff):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestReadmeShowsTheDemoShape checks the report the README shows for the
// demo data against what that command prints, so the docs cannot drift.
func TestReadmeShowsTheDemoShape(t *testing.T) {
	args := []string{"--demo", "doctor", "--shape", "--date", "2026-11-22"}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "stammer-mcp "+strings.Join(args, " ")) {
		t.Fatalf("the README does not show the command %q", strings.Join(args, " "))
	}
	var shown string
	for _, b := range readmeBlocks(t, "text") {
		if strings.HasPrefix(b, "Shape of the answer") {
			shown = b
		}
	}
	if shown == "" {
		t.Fatal("the README shows no doctor --shape report")
	}
	var out, errOut bytes.Buffer
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errOut, func(string) string { return "" }); code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errOut.String())
	}
	got := out.String()[strings.Index(out.String(), "Shape of the answer"):]
	if strings.TrimSpace(got) != strings.TrimSpace(shown) {
		t.Errorf("the README's report differs from the demo's:\nREADME:\n%s\nreal:\n%s", shown, got)
	}
}

func TestDoctorShapeArguments(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"doctor", "--date", "2026-11-07"}, "--date goes with --shape"},
		{[]string{"doctor", "--shape", "--date", "2026-02-30"}, "use a real date as YYYY-MM-DD"},
		{[]string{"doctor", "--shape", "now"}, "usage: stammer-mcp doctor"},
		{[]string{"doctor", "--shap"}, "usage: stammer-mcp doctor"},
	} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), tc.args, strings.NewReader(""), &out, &errOut, func(string) string { return "" })
		if code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut.String(), tc.want)
		}
	}
}

// TestDebugLogShapeCarriesNoUpstreamText: keys are upstream text too; ones
// with control characters, escapes or data in them reach neither the log
// line nor the report as they are.
func TestDebugLogShapeCarriesNoUpstreamText(t *testing.T) {
	fake := stammertest.NewServer(t)
	fake.SetFault(stammertest.Fault{Status: 200, Body: `{"data":[{"conversation_number":7770901,"\u001b[2J\u001b[31mred":1,` +
		`"x\nlevel=ERROR msg=forged":2,"jane.roe@example.org":3,"messages":[]}]}`})
	env := map[string]string{"STAMMER_BASE_URL": fake.URL, "STAMMER_API_TOKEN": stammertest.DefaultToken, "LOG_LEVEL": "debug"}
	var out, errOut bytes.Buffer
	args := []string{"call", "list_conversations", `{"startDate":"2026-11-07","endDate":"2026-11-07","onlyDeletedConversations":false}`}
	run(t.Context(), args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	line := regexp.MustCompile(`(?m)^.*shape of the first API answer.*$`).FindString(errOut.String())
	if !strings.Contains(line, "{data:[{conversation_number ‹data-like key› messages:[]}]}") {
		t.Errorf("log line = %q", line)
	}
	for _, bad := range []string{"\x1b", "forged", "jane"} {
		if strings.Contains(errOut.String(), bad) {
			t.Errorf("the log holds %q:\n%s", bad, errOut.String())
		}
	}
}

// TestDoctorShapeNeverPrintsTheToken: an API that echoes the token as a
// key (of the envelope, a conversation or a message) must not get it
// printed by doctor --shape, even when the token looks like a field name
// (letters, '_' and '-', at most three digits, 40 characters or fewer),
// which the report otherwise shows as it is.
func TestDoctorShapeNeverPrintsTheToken(t *testing.T) {
	for _, tok := range []string{"stt_OnlyLettersAndUnderscores_xyz", "abcdefghij-klmnopqrst-uvw123"} {
		t.Run(tok, func(t *testing.T) {
			body, err := json.Marshal(map[string]any{tok: 1, "data": []any{map[string]any{
				"id": 1, "uuid": "0b9e6c1e-5a4e-4c3e-9f1e-2d3c4b5a6978", "conversation_number": 1, "chatbot_id": 17,
				"created_at": shapeDay + "T10:00:00Z", strings.ToUpper(tok): "x",
				"messages": []any{map[string]any{"query": "hi", "answer": "hello", tok: true}},
			}}})
			if err != nil {
				t.Fatal(err)
			}
			srv := stammertest.NewServer(t, stammertest.WithToken(tok))
			srv.SetFault(stammertest.Fault{Status: 200, Body: string(body)})
			env := map[string]string{"STAMMER_BASE_URL": srv.URL, "STAMMER_API_TOKEN": tok}
			var out, errOut bytes.Buffer
			run(t.Context(), []string{"doctor", "--shape", "--date", shapeDay}, strings.NewReader(""), &out, &errOut,
				func(k string) string { return env[k] })
			all := out.String() + errOut.String()
			if strings.Contains(strings.ToLower(all), strings.ToLower(tok)) {
				t.Errorf("doctor --shape printed the token:\n%s", all)
			}
			if !strings.Contains(out.String(), "Conversations:") {
				t.Errorf("no report:\n%s", all)
			}
		})
	}
}
