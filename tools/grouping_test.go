package tools

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// labelled is one message of testdata/questions_labelled.tsv.
type labelled struct {
	group string // "" for a message that asks nothing
	text  string
}

func readLabelled(t *testing.T) []labelled {
	return readLabelledFile(t, "testdata/questions_labelled.tsv")
}

func readLabelledFile(t *testing.T, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		g, text, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("line without a tab: %q", line)
		}
		if g == "-" {
			g = ""
		}
		out = append(out, labelled{g, text})
	}
	return out
}

// groupingScores runs the labelled messages through question detection
// and clustering and scores them: detection (questions kept, non-questions
// dropped) and pairwise precision and recall of the clusters against the
// labels: over pairs of messages in one language, and over all pairs with
// the language suffix dropped (a question asked in two languages is one,
// and the grouping does merge across languages through its concepts).
type groupingScores struct {
	questions, kept, others, dropped int
	precision, recall                float64 // per language
	crossPrecision, crossRecall      float64 // languages merged
}

func scoreGrouping(t *testing.T, msgs []labelled) groupingScores {
	lex := newLexicon(nil)
	groups := map[uint64]*group{}
	keyOf := make([]uint64, len(msgs))
	asked := make([]bool, len(msgs))
	var s groupingScores
	for i, m := range msgs {
		ws := tokenize(m.text, nil)
		key, ok := lex.question(m.text, ws, nil, nil)
		asked[i] = ok
		if m.group != "" {
			s.questions++
			if ok {
				s.kept++
			}
		} else {
			s.others++
			if !ok {
				s.dropped++
			}
		}
		if !ok {
			continue
		}
		k := setKey(key)
		keyOf[i] = k
		g := groups[k]
		if g == nil {
			g = &group{key: k, words: key, text: m.text, wordings: map[uint64]struct{}{}}
			groups[k] = g
		}
		g.count++
	}
	cluster(groups)
	pair := func(cross bool) (float64, float64) {
		label := func(i int) string {
			if cross {
				return strings.SplitN(msgs[i].group, ".", 2)[0]
			}
			return msgs[i].group
		}
		lang := func(i int) string { _, l, _ := strings.Cut(msgs[i].group, "."); return l }
		tp, fp, fn := 0, 0, 0
		for i := range msgs {
			for j := i + 1; j < len(msgs); j++ {
				if !cross && lang(i) != lang(j) {
					continue // per language: pairs within one language only
				}
				same := msgs[i].group != "" && label(i) == label(j)
				pred := asked[i] && asked[j] && groups[keyOf[i]].cluster == groups[keyOf[j]].cluster
				switch {
				case same && pred:
					tp++
				case pred:
					fp++
				case same:
					fn++
				}
			}
		}
		return float64(tp) / float64(max(tp+fp, 1)), float64(tp) / float64(max(tp+fn, 1))
	}
	s.precision, s.recall = pair(false)
	s.crossPrecision, s.crossRecall = pair(true)
	return s
}

// TestGroupingOnTheLabelledSet holds the grouping to the precision and
// recall docs/insights.md states, measured on several hundred user
// messages in five languages labelled with the question they ask.
func TestGroupingOnTheLabelledSet(t *testing.T) {
	msgs := readLabelled(t)
	if len(msgs) < 300 {
		t.Fatalf("only %d labelled messages", len(msgs))
	}
	s := scoreGrouping(t, msgs)
	t.Logf("%d messages: %d questions, %d kept (%.1f%%); %d others, %d dropped (%.1f%%)", len(msgs),
		s.questions, s.kept, 100*float64(s.kept)/float64(s.questions), s.others, s.dropped, 100*float64(s.dropped)/float64(s.others))
	t.Logf("pairwise, pairs within one language: precision %.3f, recall %.3f", s.precision, s.recall)
	t.Logf("pairwise, all pairs, a question in any language one group: precision %.3f, recall %.3f", s.crossPrecision, s.crossRecall)
	// The floors are a little under what docs/insights.md states, so a
	// change that loses more than a few pairs fails.
	if s.precision < 0.97 || s.recall < 0.80 || s.crossPrecision < 0.97 || s.crossRecall < 0.77 {
		t.Errorf("grouping worse than docs/insights.md states: %+v", s)
	}
	if s.dropped != s.others {
		t.Errorf("%d of %d greetings, thanks and answers to the bot were taken for questions", s.others-s.dropped, s.others)
	}
	if float64(s.kept) < 0.97*float64(s.questions) {
		t.Errorf("only %d of %d questions recognised", s.kept, s.questions)
	}
}

// TestGroupingDetails pins the cases the issue names.
func TestGroupingDetails(t *testing.T) {
	lex := newLexicon(nil)
	keyOf := func(text string) ([]uint64, bool) { return lex.question(text, tokenize(text, nil), nil, nil) }
	for _, s := range []string{"el viernes", "8:30 is perfect", "Perfect, thank you so much 🙏", "hello?", "thanks!!", "ok", "otra pregunta", "sorry, I was away for a bit"} {
		if _, ok := keyOf(s); ok {
			t.Errorf("%q taken for a question", s)
		}
	}
	same := [][]string{
		{"how much does teeth whitening cost?", "what's the price of teeth whitening", "teeth whitening price??"},
		{"¿cuánto cuesta el blanqueamiento?", "precio del blanqueamiento?"},
		{"quanto custa o clareamento?", "preço do clareamento?"},
		{"combien coûte le blanchiment ?", "prix du blanchiment ?"},
		{"Was kostet Bleaching?", "Preis für Bleaching?", "Bleaching Kosten?"},
	}
	for _, set := range same {
		a, _ := keyOf(set[0])
		for _, other := range set[1:] {
			b, ok := keyOf(other)
			if _, merge := similar(a, b); !ok || !merge {
				t.Errorf("%q and %q are not one question", set[0], other)
			}
		}
	}
	apart := [][2]string{
		{"how much does teeth whitening cost?", "does teeth whitening hurt?"},
		{"how do I cancel my appointment?", "can I book an appointment?"},
		{"¿cuánto cuesta una limpieza?", "¿cuánto dura una limpieza?"},
		{"combien coûte un détartrage ?", "combien de temps dure un détartrage ?"},
	}
	for _, p := range apart {
		a, _ := keyOf(p[0])
		b, _ := keyOf(p[1])
		if _, merge := similar(a, b); merge {
			t.Errorf("%q and %q were merged", p[0], p[1])
		}
	}
	// Folding keeps meaning: "años" is not "anos"; "weiß" is "weiss".
	if hashWord("años") == hashWord("anos") || hashWord("weiß") != hashWord("weiss") || hashWord("cuánto") != hashWord("cuanto") {
		t.Error("accent folding changed a word's meaning or missed a spelling")
	}
}

// TestGroupingOnHeldOutMessages measures the grouping on a set written
// after it was tuned (other businesses, new wordings), so its figures say
// what to expect on an agency's own data; docs/insights.md states them.
// The floors only catch a collapse: the figures themselves are the point.
func TestGroupingOnHeldOutMessages(t *testing.T) {
	msgs := readLabelledFile(t, "testdata/questions_heldout.tsv")
	s := scoreGrouping(t, msgs)
	t.Logf("held out, %d messages: %d of %d questions kept, %d of %d others dropped", len(msgs), s.kept, s.questions, s.dropped, s.others)
	t.Logf("held out, pairs within one language: precision %.3f, recall %.3f", s.precision, s.recall)
	t.Logf("held out, all pairs: precision %.3f, recall %.3f", s.crossPrecision, s.crossRecall)
	if s.precision < 0.8 || s.crossPrecision < 0.8 || s.dropped != s.others {
		t.Errorf("held-out grouping collapsed: %+v", s)
	}
}
