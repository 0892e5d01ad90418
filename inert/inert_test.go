package inert

import (
	"strings"
	"testing"
)

func TestMessage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  plain  ", "plain"},
		{"a\r\nb\tc", "a b c"},
		{"\x1b[2Jclear", "[2Jclear"},
		{"zero\u200bwidth", "zerowidth"},
		{"bidi\u202eevil\u202c", "bidievil"},
		{"\ufeffbom", "bom"},
		{"c1\u0085ctl", "c1 ctl"},
		{"bad\xffbyte", "bad\uFFFDbyte"},
		{"emoji 😀 ok", "emoji 😀 ok"},
	}
	for _, tt := range tests {
		if got := Message(tt.in); got != tt.want {
			t.Errorf("Message(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestField(t *testing.T) {
	tests := []struct{ in, want string }{
		{"user\x1b]0;title\x07 \u200b42\n", "user 42"},
		{"red\x1b[31m text\x1b[0m", "red text"},
		{"a\x1b", "a"},
		{strings.Repeat("k", 500), strings.Repeat("k", FieldRunes-1) + "…"},
	}
	for _, tt := range tests {
		if got := Field(tt.in); got != tt.want {
			t.Errorf("Field(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
