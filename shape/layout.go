package shape

import (
	"strings"
	"time"
)

// Layout returns the layout of s in Go's reference-time form when s looks
// like a timestamp — an ISO 8601 date or date-time, with a space or "T",
// optional seconds, fraction and zone, or an HTTP date — and false
// otherwise (stammer.ReadsTime says whether the decoder reads it). It describes the form only: "2026-09-01T08:12:33.25Z"
// gives "2006-01-02T15:04:05.99Z07:00", whatever the date.
func Layout(s string) (string, bool) {
	layout, ok := isoLayout(s)
	if !ok {
		for _, l := range []string{time.RFC1123Z, time.RFC1123} {
			if _, err := time.Parse(l, s); err == nil {
				return l, true
			}
		}
		return "", false
	}
	if _, err := time.Parse(layout, s); err != nil {
		return "", false // the right form but not a real time (month 13)
	}
	return layout, true
}

// isoLayout derives the layout of an ISO 8601-like string by its form.
func isoLayout(s string) (string, bool) {
	if !form(s, "dddd-dd-dd") {
		return "", false
	}
	var b strings.Builder
	b.WriteString("2006-01-02")
	s = s[10:]
	if s == "" {
		return b.String(), true
	}
	if (s[0] != 'T' && s[0] != ' ') || !form(s[1:], "dd:dd") {
		return "", false
	}
	b.WriteByte(s[0])
	b.WriteString("15:04")
	s = s[6:]
	if form(s, ":dd") {
		b.WriteString(":05")
		s = s[3:]
		if s != "" && (s[0] == '.' || s[0] == ',') {
			n := 1
			for n < len(s) && isDigit(s[n]) {
				n++
			}
			if n == 1 {
				return "", false
			}
			b.WriteByte(s[0])
			b.WriteString(strings.Repeat("9", n-1))
			s = s[n:]
		}
	}
	zone, ok := zoneLayout(s)
	if !ok {
		return "", false
	}
	b.WriteString(zone)
	return b.String(), true
}

// zoneLayout maps a zone suffix to its layout element.
func zoneLayout(s string) (string, bool) {
	sign := func(s, pattern string) bool {
		return len(s) == len(pattern) && (s[0] == '+' || s[0] == '-') && form(s[1:], pattern[1:])
	}
	switch {
	case s == "":
		return "", true
	case s == "Z" || sign(s, "+dd:dd"):
		return "Z07:00", true
	case sign(s, "+dddd"):
		return "Z0700", true
	case len(s) > 1 && s[0] == ' ' && sign(s[1:], "+dddd"):
		return " -0700", true
	}
	return "", false
}

// form reports whether s starts with pattern, 'd' standing for a digit.
func form(s, pattern string) bool {
	if len(s) < len(pattern) {
		return false
	}
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == 'd' {
			if !isDigit(s[i]) {
				return false
			}
		} else if s[i] != pattern[i] {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
