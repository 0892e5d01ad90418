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
// other text is searched in full. The set is a Bloom filter (two hashed
// bits per window in one bitset): a collision only costs a search, never a
// miss. For a 36-byte token a sample collides 0.008–0.04% of the time with
// two bits, 0.4–1% with one (then about one message of 1 KB in seven, in a
// script other than the token's, was searched in full).
type grams struct {
	shortest int                // the shortest form's length; 0: no filter, search always
	set      *[gramWords]uint64 // the bits of gramHashes(w) for every window w of a form
}

// gramLen is the window's length: three bytes are rarely shared by
// ordinary words and the forms of a token (two are, "st" or "de").
const gramLen = 3

const (
	gramBits  = 15 // 4 KiB; a 36-byte token sets 0.9–2% of the bits
	gramWords = 1 << gramBits / 64
)

// gramHashes returns the window's two bits in the set, from one product.
func gramHashes(a, b, c byte) (uint32, uint32) {
	h := (uint64(a)<<16 | uint64(b)<<8 | uint64(c)) * 0x9e3779b97f4a7c15
	return uint32(h >> (64 - gramBits)), uint32(h>>(64-2*gramBits)) & (1<<gramBits - 1)
}

func (g grams) has(a, b, c byte) bool {
	h1, h2 := gramHashes(a, b, c)
	return g.set[h1/64]&(1<<(h1%64)) != 0 && g.set[h2/64]&(1<<(h2%64)) != 0
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
				h1, h2 := gramHashes(upperIf(f.text[i], c&1 != 0), upperIf(f.text[i+1], c&2 != 0), upperIf(f.text[i+2], c&4 != 0))
				g.set[h1/64] |= 1 << (h1 % 64)
				g.set[h2/64] |= 1 << (h2 % 64)
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
		if g.has(s[p], s[p+1], s[p+2]) {
			return true
		}
	}
	return false
}
