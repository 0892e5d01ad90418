package redact

import (
	"slices"
	"strings"
	"testing"
)

// findByCopy is the search find replaced, kept as the reference: lower-case
// a copy of s, then look for each lower-cased form with strings.Index.
func findByCopy(r *Redactor, s string) [][2]int {
	lower := asciiLower(s)
	var spans [][2]int
	index := func(s, f string, whole bool) {
		for from := 0; from <= len(s)-len(f); {
			i := strings.Index(s[from:], f)
			if i < 0 {
				return
			}
			i += from
			j := i + len(f)
			if !whole || ((i == 0 || !isWordByte(s[i-1])) && (j == len(s) || !isWordByte(s[j]))) {
				spans = append(spans, [2]int{i, j})
			}
			from = i + 1
		}
	}
	for _, sec := range r.secrets {
		for _, f := range sec.folded {
			index(lower, f.text, sec.whole)
		}
		for _, f := range sec.exact {
			index(s, f.text, false)
		}
		if !sec.whole {
			for from := 0; ; {
				i := strings.Index(lower[from:], "…")
				if i < 0 {
					break
				}
				i += from
				for k := min(len(sec.lower)-1, i); k >= minPartial; k-- {
					if lower[i-k:i] == sec.lower[:k] {
						spans = append(spans, [2]int{i - k, i})
						break
					}
				}
				from = i + len("…")
			}
		}
	}
	return spans
}

// FuzzFind holds find to the reference search on any secret and text: the
// same spans, in the same order.
func FuzzFind(f *testing.F) {
	const tok = "stt_0123456789abcdef0123456789abcdef"
	f.Add(tok, "Invalid token "+strings.ToUpper(tok)+" and "+tok[:9]+"…")
	f.Add("Ab3dEf9hIj2kLm5nOp7qRs1tUv4wXy8z/+Q=", "token=Ab3dEf9hIj2kLm5nOp7qRs1tUv4wXy8z%2F%2BQ%3D")
	f.Add("abc123", "ABC123 abc1234 xabc123 abc123.")
	f.Add("zzzzzzzzzzzzzzzzzz", "ZzZzZzZzZzZzZzZzZzZzZ zzzz… zZzZz…")
	f.Add("x", "x X xx x.")
	f.Add(tok, "টোকেন দদদদদ ЦЦ "+tok[:7]+"… ‘"+tok[:5]+"…’")
	f.Fuzz(func(t *testing.T, secret, text string) {
		r := New(secret)
		got, want := r.find(text), findByCopy(r, text)
		if !slices.Equal(got, want) {
			t.Errorf("secret %q in %q: find %v, the reference %v", secret, text, got, want)
		}
	})
}

// FuzzFindPlanted holds find to the reference search on text that holds
// a form of the secret (one chosen by which, its letters' case flipped by
// flips where it is matched ignoring case), or a prefix of it cut by an
// ellipsis, at any offset: random text almost never does, and the filter
// that lets find skip a secret's forms decides only there. What is planted
// for a long secret must be found.
func FuzzFindPlanted(f *testing.F) {
	f.Add("stt_0123456789abcdef0123456789abcdef", "Invalid token: please check it", uint(15), uint(0), uint64(0))
	f.Add("stt_0123456789abcdef0123456789abcdef", "basic "+strings.Repeat("x", 40), uint(40), uint(2), uint64(0))
	f.Add("Ab3dEf9hIj2kLm5nOp7qRs1tUv4wXy8z/+Q=", "url=/x?token=", uint(13), uint(1), uint64(0xf0f0))
	f.Add("abc123", "xx yy", uint(3), uint(0), uint64(5))
	f.Fuzz(func(t *testing.T, secret, text string, at, which uint, flips uint64) {
		r := New(secret)
		if !r.Active() {
			return
		}
		sec := r.secrets[0]
		forms := slices.Concat(sec.folded, sec.exact)
		if !sec.whole { // and what a cut leaves of it
			cut := sec.lower[:minPartial+int(which/2)%(len(sec.lower)-minPartial)]
			forms = append(forms, form{text: cut + "…", fold: true})
		}
		form := forms[which%uint(len(forms))]
		p := []byte(form.text)
		for i := range p {
			if form.fold && flips>>(i%64)&1 != 0 {
				p[i] = upperIf(p[i], true)
			}
		}
		at %= uint(len(text)) + 1
		text = text[:at] + string(p) + text[at:]
		got, want := r.find(text), findByCopy(r, text)
		if !slices.Equal(got, want) {
			t.Errorf("secret %q in %q: find %v, the reference %v", secret, text, got, want)
		}
		// A cut prefix may start before at, where the text goes on with it.
		cut, isCut := strings.CutSuffix(string(p), "…")
		found := func(sp [2]int) bool {
			return sp[1] == int(at)+len(cut) && (sp[0] == int(at) || isCut && sp[0] < int(at))
		}
		if !sec.whole && !slices.ContainsFunc(got, found) {
			t.Errorf("secret %q planted at %d in %q: not found (%v)", secret, at, text, got)
		}
	})
}

// BenchmarkFind compares find with the reference search it replaced on
// message-like text without a secret, the case of almost every message.
func BenchmarkFind(b *testing.B) {
	r := New("stt_0123456789abcdef0123456789abcdef")
	text := strings.Repeat("Hello! How much does the Premium plan cost per month, and can I pay by card? ¿Cuánto cuesta? 😀 ", 8)
	for _, bc := range []struct {
		name string
		find func(*Redactor, string) [][2]int
	}{{"copy", findByCopy}, {"fold", (*Redactor).find}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				if bc.find(r, text) != nil {
					b.Fatal("found a secret in clean text")
				}
			}
		})
	}
}
