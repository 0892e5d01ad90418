// Package inert makes text from the Stammer API inert before it is shown
// to a person or a model: no escape sequences, control, bidirectional or
// zero-width characters, white space collapsed, cut to a length with an
// ellipsis. The Stammer client cleans error messages and identifiers with it;
// the tools, which cut message text to their own lengths, find escape
// sequences with EscapeLen.
package inert

import (
	"strings"
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

// Message makes text from a response safe to show: valid UTF-8, no
// control or bidirectional-override characters, whitespace collapsed, at
// most MessageRunes runes (an ellipsis marks a cut).
func Message(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(min(len(s), MessageRunes*4))
	n := 0
	space := false
	for _, r := range s {
		switch {
		case isInvisible(r):
			continue // zero-width and bidi controls vanish
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		}
		need := 1
		if space {
			need++
		}
		if n+need > MessageRunes {
			b.WriteString("…")
			return b.String()
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// isInvisible reports format characters that can reorder or hide text
// (bidirectional overrides, zero-width characters, the BOM).
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x2069, r == 0xFEFF, r == 0x061C:
		return true
	}
	return false
}

// Field removes ANSI escape sequences, control, bidirectional and
// zero-width characters, collapses white space and cuts to FieldRunes.
func Field(s string) string {
	s = Message(stripEscapes(s))
	if utf8.RuneCountInString(s) <= FieldRunes {
		return s
	}
	r := []rune(s)
	return string(r[:FieldRunes-1]) + "…"
}

// stripEscapes drops whole ANSI escape sequences (see EscapeLen), so
// that no "[31m" is left behind when the ESC itself is removed.
func stripEscapes(s string) string {
	i := strings.IndexByte(s, 0x1b)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i+EscapeLen(s[i:]):]
		i = strings.IndexByte(s, 0x1b)
	}
	b.WriteString(s)
	return b.String()
}

// EscapeLen returns the length of the escape sequence at the start of s
// (which begins with ESC): CSI "ESC [ ... final", OSC "ESC ] ... BEL|ST",
// or a two-byte escape. Text from the API is cleaned of whole sequences,
// here and in the tools, not just of the ESC byte.
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
