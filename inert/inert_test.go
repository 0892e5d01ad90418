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
		{"\x1b[2Jclear", "clear"},
		{"zero\u200bwidth", "zerowidth"},
		{"bidi\u202eevil\u202c", "bidievil"},
		{"\ufeffbom", "bom"},
		{"c1\u0085ctl", "c1 ctl"},
		{"bad\xffbyte", "bad\uFFFDbyte"},
		{"emoji 😀 ok", "emoji 😀 ok"},
		{strings.Repeat("m ", 400), strings.Repeat("m ", MessageRunes/2-1) + "m…"},
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

func TestClean(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"plain", "Hello there", 50, "Hello there"},
		{"whitespace folded", "  Hi,\n\n\tcan   I book?  ", 50, "Hi, can I book?"},
		{"control chars dropped", "ring\u0007 the\u0000 bell", 50, "ring the bell"},
		{"ANSI colour dropped", "\u001b[31mred\u001b[0m text", 50, "red text"},
		{"OSC title dropped", "\u001b]0;pwned\u0007ok", 50, "ok"},
		{"zero width and bidi dropped", "a\u200bb\u202ec\u2066d\ufeff", 50, "abcd"},
		{"tag characters dropped", "ok\U000E0069\U000E0067\U000E006Eok", 50, "okok"},
		{"private use dropped", "a\ue000b", 50, "ab"},
		{"cut with ellipsis", "abcdefghij", 5, "abcd…"},
		{"exact fit not cut", "abcde", 5, "abcde"},
		{"runes not bytes", "áéíóúñ", 4, "áéí…"},
		{"emoji kept", "Hola 👋😀", 20, "Hola 👋😀"},
		{"invalid utf8 replaced", "ok\xffok", 20, "ok\ufffdok"},
		{"only junk", "\u0007\u200b  \n", 20, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Clean(tc.in, tc.max); got != tc.want {
				t.Errorf("Clean(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

// FuzzCleanCut holds CleanCut, which returns plain text as it is, to the
// rune-by-rune cleaning every other text gets.
func FuzzCleanCut(f *testing.F) {
	for _, s := range []string{"", "user-42", "a b", " a", "a ", "a  b", "a\tb", "a\x7fb", "tab\x00", "olá", strings.Repeat("k", FieldRunes), strings.Repeat("k", FieldRunes+1)} {
		f.Add(s, FieldRunes)
	}
	f.Add("abc", 1)
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = max%200 + 1
		if max < 1 {
			max += 200
		}
		got, gotCut := CleanCut(s, max)
		want, wantCut := cleanRunes(s, max)
		if got != want || gotCut != wantCut {
			t.Errorf("CleanCut(%q, %d) = %q, %v; cleaning rune by rune: %q, %v", s, max, got, gotCut, want, wantCut)
		}
	})
}

// TestPlainFieldIsNotCopied: a clean identifier costs no allocation.
func TestPlainFieldIsNotCopied(t *testing.T) {
	key := "wa:+5511987654321 user_42"
	if n := testing.AllocsPerRun(100, func() { _ = Field(key) }); n != 0 {
		t.Errorf("Field of a plain key: %v allocations, want 0", n)
	}
}
