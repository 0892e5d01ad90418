// Package inert makes text from the Stammer API inert before it is shown
// to a person or a model: no escape sequences, control, bidirectional or
// zero-width characters, white space collapsed, cut to a length with an
// ellipsis. The Stammer client cleans error messages and identifiers with it,
// the tools message text and names, the chart the labels it draws.
package inert

import (
	"unicode"
	"unicode/utf8"
)

// MessageRunes caps a message taken from a response, so that a verbose
// or hostile server cannot fill a model's context through an error.
const MessageRunes = 300

// FieldRunes caps a cleaned identifier (a user key, an unknown
// platform): long enough for any real one, short enough that a field cannot
// carry a paragraph of instructions.
const FieldRunes = 64

// Message cleans text from a response (an error message) and cuts it to
// MessageRunes.
func Message(s string) string { return Clean(s, MessageRunes) }

// Field cleans an identifier (a user key, an unknown platform) and cuts it
// to FieldRunes.
func Field(s string) string { return Clean(s, FieldRunes) }

// Clean turns untrusted text into a short, inert string: whole ANSI escape
// sequences, control, format (bidirectional overrides, zero-width
// characters, the BOM, tag characters) and private-use characters are
// removed, because they can hide text or reorder it on screen; runs of white
// space become one space; the result is cut to at most max runes, the last of
// them an ellipsis. Invalid UTF-8 becomes U+FFFD. Callers that quote the
// result do it Go-style (strconv.Quote), so that a quote inside the text
// cannot end the quotation early.
//
// It is the one cleaner for error messages, identifiers, message text and
// names, so that text is equally inert whichever way it reaches the model.
// It stops reading once it has more than max runes, so a megabyte message
// costs no more than a short one.
func Clean(s string, max int) string {
	out, _ := CleanCut(s, max)
	return out
}

// CleanCut is Clean that also reports whether the text was cut.
func CleanCut(s string, max int) (string, bool) {
	if max < 1 {
		max = 1
	}
	if plain(s, max) {
		// Most identifiers are: the client cleans every user key of an
		// answer, and copying each (twice, as runes and back) added about
		// 6 MiB to the peak memory of a 50,000-conversation answer.
		return s, false
	}
	return cleanRunes(s, max)
}

// plain reports whether Clean leaves s as it is: printable ASCII, at most
// max bytes, words joined by single spaces with none at either end.
func plain(s string, max int) bool {
	if len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
		case c < 0x20 || c > 0x7e:
			return false
		}
	}
	return true
}

// cleanRunes is CleanCut for any text.
func cleanRunes(s string, max int) (string, bool) {
	out := make([]rune, 0, min(len(s), max+1))
	space := false
	for i := 0; i < len(s) && len(out) <= max; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0x1b { // ESC: drop a whole CSI/OSC sequence, not just the byte
			i += EscapeLen(s[i:])
			continue
		}
		i += size
		switch {
		case unicode.IsSpace(r):
			space = len(out) > 0
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r):
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

// EscapeLen returns the length of the escape sequence at the start of s
// (which begins with ESC): CSI "ESC [ ... final", OSC "ESC ] ... BEL|ST",
// or a two-byte escape. Text from the API is cleaned of whole sequences,
// not just of the ESC byte, so that no "[31m" is left behind.
func EscapeLen(s string) int {
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
