package tools

import (
	"unicode"
	"unicode/utf8"

	"github.com/stammer-mcp/stammer-mcp/inert"
)

// clean turns untrusted conversation text into a short, inert string for
// the model: ANSI escape sequences, control, format and bidirectional
// override characters are removed (they can hide text or reorder it on
// screen), runs of white space become one space, and the result is cut to at
// most max runes with an ellipsis. Invalid UTF-8 becomes U+FFFD. Callers
// quote the result Go-style (strconv.Quote) so a quote inside the text cannot
// end the quotation early.
//
// It stops reading once it has more than max runes, so a megabyte message
// costs no more than a short one.
func clean(s string, max int) string {
	out, _ := cleanCut(s, max)
	return out
}

// cleanCut is clean that also reports whether the text was cut.
func cleanCut(s string, max int) (string, bool) {
	if max < 1 {
		max = 1
	}
	out := make([]rune, 0, min(len(s), max+1))
	space := false
	for i := 0; i < len(s) && len(out) <= max; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0x1b { // ESC: drop a whole CSI/OSC sequence, not just the byte
			i += inert.EscapeLen(s[i:])
			continue
		}
		i += size
		switch {
		case unicode.IsSpace(r) || r == '\u00a0':
			space = len(out) > 0
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r):
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, r) // invalid UTF-8 decodes as U+FFFD
	}
	if len(out) > max {
		return string(append(out[:max-1], '…')), true
	}
	return string(out), false
}
