// Package redact removes secrets (the Stammer API token, the HTTP bearer
// token) from text that leaves the process, in any case and in the
// encodings a server or a library may put them in.
package redact

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Mark replaces a secret wherever Redact finds one.
const Mark = "[redacted]"

// minLongSecret is the length from which a secret is redacted wherever it
// appears, in any case and in its encoded forms. A shorter one (a test
// token, a careless MCP_HTTP_TOKEN) would match inside ordinary words, so
// it is redacted only where it stands whole, and only as itself.
const minLongSecret = 16

// minPartial is the shortest prefix of a long secret that is redacted when
// a cut ("…") ends it: a message cut to its length must not show the
// token's first characters either.
const minPartial = 4

// Redactor removes secrets (the Stammer API token, the HTTP bearer token)
// from text that leaves the process: error messages, tool results, log
// lines. It is the one redaction of the program; every boundary that can
// carry text from the API calls it. The zero value and nil redact nothing.
// It is safe for concurrent use.
type Redactor struct {
	secrets []secret
	mark    string // "" means Mark
}

// secret is one secret and the forms it is searched in.
type secret struct {
	lower string // the secret, ASCII lower-cased
	whole bool   // short: only whole occurrences, as itself
	// folded are forms matched ignoring ASCII case: the secret, and its
	// URL- and JSON-escaped spellings (hex digits may come in either case).
	folded []form
	// exact are base64 spellings, matched as they are: the characters
	// that encode the secret alone, at each of the three alignments it can
	// have inside a longer encoded text, in the standard and URL alphabets.
	exact []form
	grams grams // skips folded and exact in text that cannot hold them
}

// New returns a Redactor for the given secrets; empty ones are
// ignored.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		sec := secret{lower: asciiLower(s), whole: len(s) < minLongSecret}
		lowered := []string{sec.lower}
		if !sec.whole {
			forms := []string{url.QueryEscape(s), url.PathEscape(s)}
			if j, err := json.Marshal(s); err == nil {
				// Go's escaping, and PHP's, which also escapes "/".
				j := string(j[1 : len(j)-1])
				forms = append(forms, j, strings.ReplaceAll(j, "/", `\/`))
			}
			for _, f := range forms {
				if f = asciiLower(f); !slices.Contains(lowered, f) {
					lowered = append(lowered, f)
				}
			}
			for _, f := range base64Cores(s) {
				sec.exact = append(sec.exact, newForm(f, false))
			}
		}
		for _, f := range lowered {
			sec.folded = append(sec.folded, newForm(f, true))
		}
		sec.grams = newGrams(slices.Concat(sec.folded, sec.exact))
		r.secrets = append(r.secrets, sec)
	}
	return r
}

// base64Cores returns the base64 characters that depend only on s, for s
// starting at byte offset 0, 1 or 2 of a 3-byte group, in both alphabets;
// each at least minLongSecret long.
func base64Cores(s string) []string {
	var out []string
	for k := 0; k < 3; k++ {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, k), s...))
		start, end := 0, len(enc)
		if k > 0 {
			start = 4 // the first group mixes the bytes before s
		}
		if (k+len(s))%3 != 0 {
			end -= 4 // the last group mixes the bytes after s (or padding)
		}
		if end-start < minLongSecret {
			continue
		}
		core := enc[start:end]
		urlCore := strings.NewReplacer("+", "-", "/", "_").Replace(core)
		out = append(out, core)
		if urlCore != core {
			out = append(out, urlCore)
		}
	}
	return out
}

// WithMark returns a copy of r that writes mark in place of a secret.
func (r *Redactor) WithMark(mark string) *Redactor {
	if r == nil {
		return nil
	}
	c := *r
	c.mark = mark
	return &c
}

// Active reports whether there is anything to redact.
func (r *Redactor) Active() bool { return r != nil && len(r.secrets) > 0 }

// Redact returns s with every occurrence of a secret replaced by
// Mark: in any letter case, URL-, JSON- or base64-encoded (for
// secrets of at least 16 characters), and a prefix of one cut short by an
// ellipsis.
func (r *Redactor) Redact(s string) string {
	if !r.Active() || s == "" {
		return s
	}
	spans := r.find(s)
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var b strings.Builder
	b.Grow(len(s))
	at := 0
	for i := 0; i < len(spans); {
		start, end := spans[i][0], spans[i][1]
		for i++; i < len(spans) && spans[i][0] <= end; i++ {
			end = max(end, spans[i][1])
		}
		b.WriteString(s[at:start])
		b.WriteString(cmp.Or(r.mark, Mark))
		at = end
	}
	b.WriteString(s[at:])
	return b.String()
}

// Contains reports whether Redact would change s.
func (r *Redactor) Contains(s string) bool {
	return r.Active() && len(r.find(s)) > 0
}

// find returns the byte spans of s that hold a secret. It runs on every
// message the API sends, so it searches s as it is: a lower-cased copy of
// each message cost as much again as decoding it, and its garbage raised
// the peak memory of a large answer by about half.
func (r *Redactor) find(s string) [][2]int {
	var spans [][2]int
	for _, sec := range r.secrets {
		if sec.grams.mayHold(s) {
			for _, f := range sec.folded {
				spans = f.appendMatches(spans, s, sec.whole)
			}
			for _, f := range sec.exact {
				spans = f.appendMatches(spans, s, false)
			}
		}
		if !sec.whole {
			spans = appendCutPrefixes(spans, s, sec.lower)
		}
	}
	return spans
}

// form is one spelling of a secret, searched for as it is or, if fold, in
// any ASCII case (then text is lower-case). The search jumps between
// occurrences of one byte of it, its anchor (found with strings.IndexByte,
// which is vectorised), and compares the rest there; the anchor is the byte
// least likely in ordinary text, so that few places are compared.
type form struct {
	text   string
	fold   bool
	at     int  // the anchor's offset in text
	lo, up byte // the anchor in either case (equal unless a folded letter)
}

// byFrequency ranks bytes by how common they are in text, most common
// first; any other byte (digits, punctuation, non-ASCII) ranks rarer.
const byFrequency = " etaoinsrhldcumfpgwybvkxjqz"

func newForm(text string, fold bool) form {
	f := form{text: text, fold: fold}
	rank := -1
	for i := 0; i < len(text); i++ {
		r := strings.IndexByte(byFrequency, text[i])
		if r < 0 {
			r = len(byFrequency)
		}
		if rank < 0 || r > rank {
			f.at, rank = i, r
		}
		if r == len(byFrequency) {
			break
		}
	}
	f.lo, f.up = text[f.at], text[f.at]
	if fold && f.lo >= 'a' && f.lo <= 'z' {
		f.up = f.lo - 'a' + 'A'
	}
	return f
}

// appendMatches adds the spans of every occurrence of f in s; whole keeps
// only occurrences not joined to a letter or digit on either side.
func (f form) appendMatches(spans [][2]int, s string, whole bool) [][2]int {
	n := len(f.text)
	if n == 0 || n > len(s) {
		return spans
	}
	// Anchors lie in s[f.at:limit]; lo and up are the next occurrence of
	// each case at or after from (limit: none), kept between steps so that
	// s is scanned once for each.
	limit := len(s) - n + f.at + 1
	lo, up := -1, -1
	if f.up == f.lo {
		up = limit
	}
	for from := f.at; ; {
		if lo < from {
			lo = nextByte(s, from, limit, f.lo)
		}
		if up < from {
			up = nextByte(s, from, limit, f.up)
		}
		a := min(lo, up)
		if a == limit {
			break
		}
		i, j := a-f.at, a-f.at+n
		if (f.fold && equalFold(s[i:j], f.text) || !f.fold && s[i:j] == f.text) &&
			(!whole || (i == 0 || !isWordByte(s[i-1])) && (j == len(s) || !isWordByte(s[j]))) {
			spans = append(spans, [2]int{i, j})
		}
		from = a + 1
	}
	return spans
}

// nextByte returns the index of the first c in s[from:limit], or limit.
func nextByte(s string, from, limit int, c byte) int {
	if i := strings.IndexByte(s[from:limit], c); i >= 0 {
		return from + i
	}
	return limit
}

// equalFold reports whether s equals the lower-case lower, ignoring ASCII
// case in s.
func equalFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// appendCutPrefixes adds the spans of a secret's prefix (at least
// minPartial bytes, in any ASCII case) that directly precedes an ellipsis:
// what is left of a secret in a message cut to length. sec is lower-case.
func appendCutPrefixes(spans [][2]int, s, sec string) [][2]int {
	strays := 0
	for from := minPartial; ; {
		i := nextEllipsis(s, from, &strays)
		if i < 0 {
			return spans
		}
		for k := min(len(sec)-1, i); k >= minPartial; k-- {
			if equalFold(s[i-k:i], sec[:k]) {
				spans = append(spans, [2]int{i - k, i})
				break
			}
		}
		from = i + len(ellipsis)
	}
}

const ellipsis = "…"

// nextEllipsis returns the index of the first ellipsis in s[from:], or -1.
// It looks for the ellipsis's last byte with strings.IndexByte, faster on
// a short message than strings.Index, which looks for its first: ordinary
// text has the last rarely (the first starts every curly quote and dash).
// Once the last byte has been found alone a few times (strays counts them;
// in Bengali it is every letter's middle byte), it calls strings.Index.
func nextEllipsis(s string, from int, strays *int) int {
	for ; *strays < 4; *strays++ {
		if from+len(ellipsis) > len(s) {
			return -1
		}
		j := strings.IndexByte(s[from+len(ellipsis)-1:], ellipsis[len(ellipsis)-1])
		if j < 0 {
			return -1
		}
		if i := from + j; s[i:i+len(ellipsis)] == ellipsis {
			return i
		}
		from += j + 1
	}
	if i := strings.Index(s[from:], ellipsis); i >= 0 {
		return from + i
	}
	return -1
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// asciiLower lower-cases ASCII letters only, so byte offsets are kept.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
