package redact

// grams lets find skip a secret's forms in text that cannot hold any of
// them, the case of almost every message, with a few table lookups instead
// of one search for each form (the redaction runs on every message the API
// sends, and most messages are short: its cost was per message, not per
// byte).
//
// Every form is at least shortest bytes long, so an occurrence covers
// step = shortest-gramLen+1 consecutive starting places of a gramLen-byte
// window, and exactly one of them is a multiple of step. The window there
// lies inside the occurrence and is one of the form's own windows (in some
// letter case, for a form matched ignoring case). So text whose windows at
// 0, step, 2·step, … are none of the forms' windows holds no form; any
// other text is searched in full. The set is a hashed bitset: a collision
// only costs a search, never a miss.
type grams struct {
	shortest int                // the shortest form's length; 0: no filter, search always
	set      *[gramWords]uint64 // bit gramHash(w) set for every window w of a form
}

// gramLen is the window's length: three bytes are rarely shared by
// ordinary words and the forms of a token (two are, "st" or "de").
const gramLen = 3

const (
	gramBits  = 15 // 4 KiB; a 36-byte token sets 0.4–1% of the bits
	gramWords = 1 << gramBits / 64
)

func gramHash(a, b, c byte) uint32 {
	return (uint32(a)<<16 | uint32(b)<<8 | uint32(c)) * 0x9e3779b1 >> (32 - gramBits)
}

// newGrams returns the filter for a secret's forms: folded ones are
// lower-case and match text in any ASCII case, so all eight cases of each
// of their windows are added; exact ones are added as they are.
func newGrams(forms []form) grams {
	g := grams{}
	for _, f := range forms {
		if g.shortest == 0 || len(f.text) < g.shortest {
			g.shortest = len(f.text)
		}
	}
	if g.shortest < gramLen {
		return grams{}
	}
	g.set = new([gramWords]uint64)
	for _, f := range forms {
		for i := 0; i+gramLen <= len(f.text); i++ {
			for c := range 1 << gramLen {
				if c > 0 && !f.fold {
					break
				}
				h := gramHash(upperIf(f.text[i], c&1 != 0), upperIf(f.text[i+1], c&2 != 0), upperIf(f.text[i+2], c&4 != 0))
				g.set[h/64] |= 1 << (h % 64)
			}
		}
	}
	return g
}

// upperIf returns c upper-cased if up and c is a lower-case ASCII letter.
func upperIf(c byte, up bool) byte {
	if up && c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// mayHold reports whether s may hold one of the forms; false is certain.
func (g grams) mayHold(s string) bool {
	if g.set == nil {
		return true
	}
	if len(s) < g.shortest {
		return false
	}
	step := g.shortest - gramLen + 1
	for p := 0; p+gramLen <= len(s); p += step {
		if h := gramHash(s[p], s[p+1], s[p+2]); g.set[h/64]&(1<<(h%64)) != 0 {
			return true
		}
	}
	return false
}
