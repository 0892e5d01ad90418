package tools

import (
	"strings"
	"unicode/utf8"

	"github.com/stammer-mcp/stammer-mcp/inert"
	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// maxSearchRunes bounds the search text: a search is a word or a phrase,
// and a bounded needle keeps matching cheap and the echo in the output short.
const maxSearchRunes = 200

// checkSearch validates the search option shared by the listing tools.
func checkSearch(s string) error {
	if utf8.RuneCountInString(s) > maxSearchRunes {
		return argErrorf("search must be at most %d characters: send a word or short phrase", maxSearchRunes)
	}
	return nil
}

// hitContext is how many runes of context an excerpt keeps on each side of
// a match.
const hitContext = 60

// matcher finds a case-insensitive text in conversations. ASCII needles
// (the common case) are matched without allocating; others fall back to
// lower-casing each message.
type matcher struct {
	needle string // lower-cased
	ascii  bool
}

// newMatcher prepares a search for s (already trimmed and non-empty).
func newMatcher(s string) *matcher {
	m := &matcher{needle: strings.ToLower(s), ascii: true}
	for i := 0; i < len(m.needle); i++ {
		if m.needle[i] >= utf8.RuneSelf {
			m.ascii = false
			break
		}
	}
	return m
}

// index returns the byte offset and length of the first match in s, or -1.
func (m *matcher) index(s string) (int, int) {
	if m.ascii {
		return indexFoldASCII(s, m.needle), len(m.needle)
	}
	// Lower-casing can change byte lengths, so map the match back by
	// walking both strings rune by rune.
	lower := strings.ToLower(s)
	at := strings.Index(lower, m.needle)
	if at < 0 {
		return -1, 0
	}
	start, end := mapOffset(s, lower, at), mapOffset(s, lower, at+len(m.needle))
	return start, end - start
}

// mapOffset converts a byte offset in strings.ToLower(s) to one in s.
func mapOffset(s, lower string, off int) int {
	i, j := 0, 0
	for i < len(s) && j < off {
		_, n := utf8.DecodeRuneInString(s[i:])
		_, k := utf8.DecodeRuneInString(lower[j:])
		i, j = i+n, j+k
	}
	return i
}

// indexFoldASCII is strings.Index with ASCII case folding; needle is lower
// case ASCII.
func indexFoldASCII(s, needle string) int {
	n := len(needle)
	if n == 0 {
		return 0
	}
	first := needle[0]
	upper := first
	if 'a' <= first && first <= 'z' {
		upper = first - 'a' + 'A'
	}
	for i := 0; i+n <= len(s); i++ {
		if c := s[i]; c != first && c != upper {
			continue
		}
		j := 1
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				break
			}
		}
		if j == n {
			return i
		}
	}
	return -1
}

// hit is where a conversation matched.
type hit struct {
	role    stammer.Role
	excerpt string // cleaned, bounded, with context on both sides
}

// find returns the first message of c that matches, with an excerpt.
func (m *matcher) find(c *stammer.Conversation) (hit, bool) {
	for _, msg := range c.Messages {
		at, n := m.index(msg.Text)
		if at < 0 {
			continue
		}
		return hit{role: msg.Role, excerpt: around(msg.Text, at, n)}, true
	}
	return hit{}, false
}

// around cuts a window of hitContext runes either side of s[at:at+n] and
// cleans it, marking cuts with an ellipsis.
func around(s string, at, n int) string {
	start := at
	for k := 0; k < hitContext && start > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:start])
		start -= size
	}
	end := at + n
	for k := 0; k < hitContext && end < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	out := inert.Clean(s[start:end], 2*hitContext+maxSearchRunes)
	if start > 0 {
		out = "…" + out
	}
	if end < len(s) {
		out += "…"
	}
	return out
}

// matching returns the indexes of the conversations that contain search,
// with where each matched (all of them, and no hits, when search is empty).
func matching(cs []stammer.Conversation, search string) ([]int, map[int]hit) {
	idx := make([]int, 0, len(cs))
	if search == "" {
		for i := range cs {
			idx = append(idx, i)
		}
		return idx, nil
	}
	m := newMatcher(search)
	hits := map[int]hit{}
	for i := range cs {
		if h, ok := m.find(&cs[i]); ok {
			idx = append(idx, i)
			hits[i] = h
		}
	}
	return idx, hits
}
