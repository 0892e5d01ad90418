package tools

import (
	"unicode"
	"unicode/utf8"
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
			i += escapeLen(s[i:])
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

// escapeLen returns the length of the escape sequence at the start of s
// (which begins with ESC): CSI "ESC [ ... final", OSC "ESC ] ... BEL|ST",
// or a two-byte escape.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		for j := 2; j < len(s); j++ {
			if c := s[j]; c >= 0x40 && c <= 0x7e {
				return j + 1
			}
		}
		return len(s)
	case ']':
		for j := 2; j < len(s); j++ {
			if s[j] == 0x07 {
				return j + 1
			}
			if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
				return j + 2
			}
		}
		return len(s)
	default:
		return 2
	}
}
