package tools

import (
	"encoding/json"
	"math"
	"unicode"
	"unicode/utf8"
)

// The output budget is counted in tokens of a real BPE tokenizer (o200k,
// the vocabulary of current OpenAI models; Claude's tokenizer is not
// public and counts Latin text within a few percent of it). Characters ÷ 4
// undercounts our results by a third or more: counts, dates, ids, JSON
// punctuation and accented words all cost more than a letter each.
//
// The estimate below mirrors how o200k splits text before merging: a word
// (with the space before it), each group of up to three digits, a run of
// punctuation, and so on; every such piece is at least one token, and
// long or accented words are more. Its constants were fitted on this
// server's own outputs and then scaled so that it never undercounts them;
// tokens_test.go counts every golden output and generated results at many
// sizes with the real tokenizer and fails when the estimate is below the
// real count or more than 20% above it. docs/budget.md gives the measured
// error.

// Costs, in o200k tokens, of what a piece holds beyond its first token.
const (
	// costLongWord is per letter past the sixth in one word: most words
	// of up to 6–10 letters are one token, longer ones are split.
	costLongWord = 0.08
	// costAccent is per non-ASCII Latin letter ("é", "ñ", "ç"): words
	// with them are often split around the letter.
	costAccent = 1.2
	// costLongPunct is per punctuation character past the third in one
	// run: JSON's `":"` or `","` is one token, a run of ten is several.
	costLongPunct = 0.5
	// costNewline is per line break not already joined to punctuation.
	costNewline = 0.5
	// costSpace is a run of spaces that does not join the next piece: two
	// or more spaces, or one before digits or at a line's end.
	costSpace = 1.25
	// tokenScale lifts the sum so that the least costly of our measured
	// outputs is still counted at or above its real size.
	tokenScale = 1.05
)

// Costs of a character outside ASCII and Latin letters, by its UTF-8
// length. A token is at least one byte, so four bytes is never under; the
// other values were measured on sentences in Cyrillic, Greek, Arabic,
// Chinese, Japanese and Hindi, and on emoji (tokens_test.go).
var (
	otherLetterCost = [utf8.UTFMax + 1]float64{2: 0.6, 3: 1.5, 4: 4}
	otherSymbolCost = [utf8.UTFMax + 1]float64{2: 1.3, 3: 2, 4: 2.5}
)

// tokens estimates the tokens of a result: its text plus the JSON of its
// structured content, as a client receives them.
func tokens(text string, structured any) (int, error) {
	js, err := json.Marshal(structured)
	if err != nil {
		return 0, err
	}
	return EstimateTokens(text, string(js)), nil
}

// EstimateTokens is the budget's count of what a model reads: the o200k
// token estimate of the parts together, rounded up. The benchmarks use it
// so that their numbers are the server's own.
func EstimateTokens(parts ...string) int {
	t := 0.0
	for _, p := range parts {
		t += estimateTokens(p)
	}
	return int(math.Ceil(t))
}

// estimateTokens is the calibrated o200k estimate of s (see above). One
// pass, no allocation: fit calls it on every shrink step.
func estimateTokens(s string) float64 {
	const (
		none = iota
		word
		digits
		punct
	)
	t := 0.0
	state, n, accents, spaces := none, 0, 0, 0
	prevLower := false
	end := func() {
		switch state {
		case word:
			t += 1 + costLongWord*float64(max(0, n-6)) + costAccent*float64(accents)
		case digits:
			t += float64((n + 2) / 3) // o200k splits digits in threes
		case punct:
			t += 1 + costLongPunct*float64(max(0, n-3))
		}
		state, n, accents = none, 0, 0
	}
	// One space before a word or punctuation joins that piece; any other
	// run of spaces is a piece of its own.
	flushSpaces := func(joins bool) {
		if spaces > 1 || spaces == 1 && !joins {
			t += costSpace
		}
		spaces = 0
	}
	for i := 0; i < len(s); {
		c := s[i]
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || r >= 0xC0 && r < 0x250 && unicode.IsLetter(r):
			upper := 'A' <= c && c <= 'Z' || r >= 0xC0 && unicode.IsUpper(r)
			// o200k starts a new piece at a capital after a small letter:
			// "aZ3kQ" is five pieces, not one.
			if state != word || upper && prevLower {
				end()
				flushSpaces(true)
				state = word
			}
			n++
			if r >= utf8.RuneSelf {
				accents++
			}
			prevLower = !upper
		case c == '\'' && state == word:
			n++
		case '0' <= c && c <= '9':
			if state != digits {
				end()
				flushSpaces(false)
				state = digits
			}
			n++
		case c == '\n' || c == '\r':
			if state == punct {
				continue // line breaks after punctuation join it
			}
			end()
			flushSpaces(true)
			t += costNewline
		case c == ' ' || c == '\t':
			end()
			spaces++
		case c < utf8.RuneSelf:
			if state != punct {
				end()
				flushSpaces(true)
				state = punct
			}
			n++
		default:
			end()
			flushSpaces(true)
			if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) {
				t += otherLetterCost[size]
			} else {
				t += otherSymbolCost[size]
			}
		}
	}
	end()
	flushSpaces(false)
	return t * tokenScale
}
