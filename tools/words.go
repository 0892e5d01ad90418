package tools

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// Word-level text handling for insights: normalising, tokenising and
// hashing user text without allocating per word, because insights read
// every message of up to tens of thousands of conversations.

// fold maps accented Latin letters to their base letter, so "cuánto" and
// "cuanto" or "não" and "nao" are one word: users type both. Letters whose
// accent changes the word are kept: "ñ" ("años" is not "anos"), and "ß",
// which is folded to "ss" ("weiß" = "weiss") by tokenize and stem.
var fold = [...]rune{
	'à' - 'à': 'a', 'á' - 'à': 'a', 'â' - 'à': 'a', 'ã' - 'à': 'a', 'ä' - 'à': 'a', 'å' - 'à': 'a',
	'ç' - 'à': 'c', 'è' - 'à': 'e', 'é' - 'à': 'e', 'ê' - 'à': 'e', 'ë' - 'à': 'e',
	'ì' - 'à': 'i', 'í' - 'à': 'i', 'î' - 'à': 'i', 'ï' - 'à': 'i',
	'ò' - 'à': 'o', 'ó' - 'à': 'o', 'ô' - 'à': 'o', 'õ' - 'à': 'o', 'ö' - 'à': 'o',
	'ù' - 'à': 'u', 'ú' - 'à': 'u', 'û' - 'à': 'u', 'ü' - 'à': 'u', 'ý' - 'à': 'y', 'ÿ' - 'à': 'y',
}

// foldRune folds one lower-case letter (see fold, indexed from 'à': the
// letters above are all in U+00E0–U+00FF; an array, not a map, so that
// nothing is built at start).
func foldRune(r rune) rune {
	if r >= 'à' && r <= 'ÿ' {
		if f := fold[r-'à']; f != 0 {
			return f
		}
	}
	return r
}

// word is one token: its hash and where it is in the source text.
type word struct {
	h          uint64
	start, end int // byte offsets in the source
	digits     bool
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// tokenize appends the words of s to buf: runs of letters (lower-cased,
// accents folded) or of digits; everything else separates. Apostrophes
// inside a word are dropped so "don't" is "dont". It is the hot loop of
// insights, so ASCII takes a branch-light path and nothing allocates.
func tokenize(s string, buf []word) []word {
	h := uint64(fnvOffset)
	start := 0
	const none, letters, digits = 0, 1, 2
	state := none
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			kind := int(asciiKind[c])
			switch {
			case kind == letters || kind == digits:
				if state != kind {
					if state != none {
						buf = append(buf, word{h: h, start: start, end: i, digits: state == digits})
					}
					h, start, state = fnvOffset, i, kind
				}
				h = (h ^ uint64(c|asciiLower[c])) * fnvPrime
			case c == '\'':
				// inside a word: skip, keep the word going
			default:
				if state != none {
					buf = append(buf, word{h: h, start: start, end: i, digits: state == digits})
					state = none
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '’':
		case unicode.IsLetter(r):
			if state != letters {
				if state != none {
					buf = append(buf, word{h: h, start: start, end: i, digits: state == digits})
				}
				h, start, state = fnvOffset, i, letters
			}
			r = foldRune(unicode.ToLower(r))
			switch {
			case r == 'ß':
				h = (h ^ 's') * fnvPrime
				h = (h ^ 's') * fnvPrime
			case r < utf8.RuneSelf:
				h = (h ^ uint64(r)) * fnvPrime
			default:
				var tmp [utf8.UTFMax]byte
				for _, b := range tmp[:utf8.EncodeRune(tmp[:], r)] {
					h = (h ^ uint64(b)) * fnvPrime
				}
			}
		default:
			if state != none {
				buf = append(buf, word{h: h, start: start, end: i, digits: state == digits})
				state = none
			}
		}
		i += size
	}
	if state != none {
		buf = append(buf, word{h: h, start: start, end: len(s), digits: state == digits})
	}
	return buf
}

// asciiKind classes ASCII bytes: 1 letter, 2 digit, 0 other.
// asciiLower holds the bit that lower-cases an ASCII letter.
var asciiKind, asciiLower = func() (k, l [utf8.RuneSelf]byte) {
	for c := 'a'; c <= 'z'; c++ {
		k[c] = 1
	}
	for c := 'A'; c <= 'Z'; c++ {
		k[c], l[c] = 1, 0x20
	}
	for c := '0'; c <= '9'; c++ {
		k[c] = 2
	}
	return
}()

// hashWord hashes a word as tokenize would (for building stop-word sets).
func hashWord(w string) uint64 {
	ws := tokenize(w, nil)
	if len(ws) != 1 {
		return 0
	}
	return ws[0].h
}

// combine hashes an ordered pair (for two-word phrases).
func combine(a, b uint64) uint64 {
	return (a*fnvPrime ^ b) * fnvPrime
}

// setKey hashes a set of word hashes, independent of order: the grouping
// key of a message whatever order its words come in.
func setKey(hs []uint64) uint64 {
	k := uint64(fnvOffset)
	for _, h := range hs {
		k = (k ^ h) * fnvPrime
	}
	return k
}

// sortedUnique sorts hs and removes duplicates in place.
func sortedUnique(hs []uint64) []uint64 {
	slices.Sort(hs)
	return slices.Compact(hs)
}
