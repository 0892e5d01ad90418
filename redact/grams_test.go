package redact

import (
	"slices"
	"strings"
	"testing"
)

// TestGramsEveryAlignment plants each form of a token at every offset
// around the filter's sampled places, in its own case and upper-cased when
// it is matched ignoring case: the filter must let each through, and find
// must report its span.
func TestGramsEveryAlignment(t *testing.T) {
	for _, tok := range []string{"stt_0123456789abcdef0123456789abcdef", "Ab3dEf9hIj2kLm5nOp7qRs1tUv4wXy8z/+Q=", "abc123"} {
		r := New(tok)
		sec := r.secrets[0]
		step := sec.grams.shortest - gramLen + 1
		var planted []string
		for _, f := range slices.Concat(sec.folded, sec.exact) {
			planted = append(planted, f.text)
			if f.fold {
				planted = append(planted, strings.ToUpper(f.text))
			}
		}
		for _, p := range planted {
			for off := 0; off <= 2*step+1; off++ {
				s := strings.Repeat(" ", off) + p + " tail"
				if !sec.grams.mayHold(s) {
					t.Errorf("%q at %d: the filter skips it", p, off)
				}
				if spans := r.find(s); !slices.Contains(spans, [2]int{off, off + len(p)}) {
					t.Errorf("%q at %d: find %v", p, off, spans)
				}
			}
		}
	}
}

// TestGramsSkipCleanText holds the filter to its purpose: ordinary
// messages, short and long, are not searched form by form.
func TestGramsSkipCleanText(t *testing.T) {
	r := New("stt_0123456789abcdef0123456789abcdef")
	for _, s := range []string{
		"",
		"Hi!",
		"How much does the Premium plan cost per month, and can I pay by card?",
		strings.Repeat("Hello! How much does the Premium plan cost per month, and can I pay by card? ¿Cuánto cuesta? 😀 ", 8),
		"The default settings are described in our help center: https://example.com/help/settings#defaults (updated 2024-05-01).",
	} {
		if r.secrets[0].grams.mayHold(s) {
			t.Errorf("the filter lets %q through", s)
		}
	}
	if !New("x").secrets[0].grams.mayHold("y") {
		t.Error("a secret too short to filter skips text")
	}
}
