package tools

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Grouping questions: which user messages ask something, and which of
// them ask the same thing. Each question becomes a small set of topic
// words (stems, with synonyms mapped to one concept); questions with the
// same set are one group, and groups merge when most of the smaller one's
// words are in the larger one. docs/insights.md describes it and gives its
// precision and recall on a labelled set.

// Grouping thresholds, tuned on testdata/questions_labelled.tsv.
const (
	// overlapToMerge is the share of the smaller group's words that the
	// larger must have: "whitening price" (2 words) joins "how much does
	// teeth whitening cost" (3) at 2/2, but "does whitening hurt" (3)
	// stays apart from it at 2/3.
	overlapToMerge = 0.75
	// minShared words are needed to merge at all, so "cancel my
	// appointment" never joins "book an appointment" through one word.
	minShared = 2
)

// stemBytes is the longest word stemmed; longer words (pasted ids, URLs)
// are hashed as they are.
const stemBytes = 48

// stem hashes a word's stem: lower-cased, accents folded as tokenize folds
// them, apostrophes dropped, then one plural and one common ending removed
// ("prices" → "pric", "booking" → "book", "cancelar" → "cancel",
// "limpiezas" → "limpiez"). It is deliberately crude and the same for
// every language: a stem only has to be shared by the forms users type, and
// wrong stems only cost a missed merge. Nothing allocates.
func stem(w string) uint64 {
	var buf [stemBytes + utf8.UTFMax]byte
	n := 0
	for _, r := range w {
		if r == '\'' || r == '’' {
			continue
		}
		r = foldRune(unicode.ToLower(r))
		if r == 'ß' {
			buf[n], buf[n+1] = 's', 's'
			n += 2
		} else {
			n += utf8.EncodeRune(buf[n:], r)
		}
		if n >= stemBytes {
			break
		}
	}
	b := buf[:n]
	if len(b) > 4 && b[len(b)-1] == 's' && b[len(b)-2] != 's' {
		b = b[:len(b)-1]
	}
	for _, suf := range stemEndings {
		if len(b)-len(suf) >= 4 && string(b[len(b)-len(suf):]) == suf {
			b = b[:len(b)-len(suf)]
			break
		}
	}
	h := uint64(fnvOffset)
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h &^ (1 << 63) // the top bit marks concepts
}

// stemEndings are tried in order; the first that leaves four bytes goes.
var stemEndings = []string{"ing", "ed", "ar", "er", "ir", "en", "e", "a", "o"}

// question reads one user message (text, already tokenised as ws) and
// appends its topic words, sorted and unique, to key. It reports whether
// the message asks something: a question mark, a question word first, or
// a request or problem word anywhere ("I'd like to book", "I forgot my
// password"); and it has a topic word once greetings, thanks, answers to
// the bot ("ok", "el viernes", "8:30 is perfect") and fillers are left out.
// memo (nil for none) remembers each word's topic word across the
// messages of one analysis, so a word is stemmed once, not every time.
func (l *lexicon) question(text string, ws []word, key []uint64, memo map[uint64]uint64) ([]uint64, bool) {
	asks := strings.ContainsAny(text, "?¿？")
	small := true // only greetings, thanks, acks and stop words so far
	// "how much" asks a price ("how much", "wie viel", cuánto, quanto,
	// combien), unless the message asks how long ("cuánto tiempo",
	// "combien de temps"), which the same words open.
	price, long := false, false
	for i, w := range ws {
		info := l.info[w.h]
		asks = asks || i == 0 && info&flagAskFirst != 0 || info&flagAskAnywhere != 0
		if info&flagHowMuch != 0 || i+1 < len(ws) && (w.h == l.how && ws[i+1].h == l.much || w.h == l.wie && ws[i+1].h == l.viel) {
			price = true
		}
		long = long || info&flagTime != 0
		small = small && (w.digits || info&(flagStop|flagGreeting) != 0)
	}
	if !asks || small {
		return key, false
	}
	for _, w := range ws {
		if w.digits || w.end-w.start < 3 {
			continue
		}
		t, ok := memo[w.h]
		if !ok {
			t = l.topic(w.h, text[w.start:w.end])
			if memo != nil {
				memo[w.h] = t
			}
		}
		if t != 0 {
			key = append(key, t)
		}
	}
	if price && !long {
		key = append(key, l.price)
	}
	key = sortedUnique(key)
	return key, len(key) > 0
}

// topic is a word's topic word: its concept, or its stem, or 0 for a word
// that is no topic (stop words, greetings, fillers).
func (l *lexicon) topic(h uint64, w string) uint64 {
	if l.info[h]&(flagStop|flagGreeting) != 0 {
		return 0
	}
	s := stem(w)
	if c, ok := l.concept[s]; ok {
		return c
	}
	if l.filler[s] {
		return 0
	}
	return s
}

// overlap reports how many words sorted, unique a and b share.
func overlap(a, b []uint64) int {
	i, j, n := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

// similar reports whether two topic-word sets ask the same thing, and how
// closely (the share of the smaller set found in the larger). They do when
// most of the smaller set is in the larger, or when all of it is and the
// larger only adds context ("is there parking at the clinic?" is "do you
// have parking?"; "how do I cancel my appointment?" is not "can I book an
// appointment?", because CANCEL is a concept).
func similar(a, b []uint64) (float64, bool) {
	n := overlap(a, b)
	small := min(len(a), len(b))
	s := float64(n) / float64(small)
	if n >= minShared && s >= overlapToMerge {
		return s, true
	}
	if n != small || n == 0 {
		return s, false
	}
	lg, sm := a, b
	if len(b) > len(a) {
		lg, sm = b, a
	}
	// The larger may add context concepts; it may add plain words only to
	// a smaller set with a specific concept: "parking?" takes "parking at
	// the clinic?", but "how much?" does not take "how much is an
	// implant?", or every price question would become one.
	specific := false
	for _, w := range sm {
		specific = specific || isConcept(w) && !isGeneric(w)
	}
	for _, w := range lg {
		if slices.Contains(sm, w) {
			continue
		}
		if isConcept(w) || !specific && !isContext(w) {
			return s, false
		}
	}
	return s, true
}

// Topic words carry their kind in their top two bits: 1x a concept (11
// generic like PRICE, 10 specific), 0x a plain stem or a context concept.
func isConcept(h uint64) bool { return h>>63 == 1 }
func isGeneric(h uint64) bool { return h>>62 == 3 }

// isContext reports whether a plain-kind topic word is a context concept.
func isContext(h uint64) bool { return contextHashes()[h] }

// contextHashes are the context concepts' topic words, hashed on first
// use (the lexicon is built then too, not at start).
var contextHashes = sync.OnceValue(func() map[uint64]bool {
	m := map[uint64]bool{}
	for _, name := range contextConcepts {
		m[conceptHash(name)] = true
	}
	return m
})

// cluster merges groups that ask the same thing. Largest groups first
// become clusters; each smaller group joins the most similar cluster that
// shares an uncommon word with it, or starts its own. Conversation lists
// are merged so a cluster counts each conversation once.
func cluster(groups map[uint64]*group) []*group {
	gs := make([]*group, 0, len(groups))
	for _, g := range groups {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b *group) int { return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.key, b.key)) })
	var clusters []*group
	postings := map[uint64][]int{}
	// seen[ci] == gen marks cluster ci as already compared with group gen:
	// a stamp, so nothing is cleared between groups.
	var seen []int
	for gen, g := range gs {
		gen++
		best, bestSim := -1, 0.0
		for _, w := range g.words {
			if len(postings[w]) > commonPosting {
				continue
			}
			for _, ci := range postings[w] {
				if seen[ci] == gen {
					continue
				}
				seen[ci] = gen
				if s, ok := similar(g.words, clusters[ci].words); ok && s > bestSim {
					best, bestSim = ci, s
				}
			}
		}
		if best >= 0 {
			clusters[best].absorb(g)
			g.cluster = clusters[best]
			continue
		}
		c := &group{key: g.key, words: g.words, count: g.count, text: g.text, examples: slices.Clone(g.examples),
			variants: len(g.wordings), convs: g.convs, parts: [][]int32{g.convs}}
		for _, w := range g.words {
			postings[w] = append(postings[w], len(clusters))
		}
		g.cluster = c
		clusters = append(clusters, c)
		seen = append(seen, 0)
	}
	slices.SortStableFunc(clusters, func(a, b *group) int { return cmp.Compare(b.count, a.count) })
	return clusters
}

// absorb merges group g into cluster c.
func (c *group) absorb(g *group) {
	c.count += g.count
	c.variants += len(g.wordings)
	for _, e := range g.examples {
		if len(c.examples) < maxExamples && !slices.Contains(c.examples, e) {
			c.examples = append(c.examples, e)
		}
	}
	c.parts = append(c.parts, g.convs)
}

// conversations counts the distinct conversations of a cluster. Merging
// the lists as groups are absorbed would copy a large cluster's list again
// for every small group it takes, so they are merged once, and only for
// the clusters shown.
func (c *group) conversations() int {
	if len(c.parts) <= 1 {
		return len(c.convs)
	}
	var all []int32
	for _, p := range c.parts {
		all = append(all, p...)
	}
	slices.Sort(all)
	return len(slices.Compact(all))
}
