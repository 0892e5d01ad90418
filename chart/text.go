package chart

import (
	"image"
	"image/color"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/stammer-mcp/stammer-mcp/inert"
)

// Text uses the Go fonts (BSD licence, the same as Go), which are embedded
// in golang.org/x/image: no system fonts, no network, the same glyphs on
// every machine. They cover Latin (with Latin Extended-A), Greek and
// Cyrillic, which takes in most platform names in practice; anything else
// (CJK, emoji) is drawn as "?" rather than as an empty box, so the reader
// sees that a character is missing. The full name is in the tool's text.

// Font sizes in pixels (the faces use 72 DPI, so points are pixels).
const (
	titleSize = 15
	textSize  = 12
	smallSize = 11
)

// shared holds the parsed fonts; loadShared makes them, the palette and
// the grey lookup once, on the first chart. Parsed fonts are immutable and
// safe to share; faces are not (they hold a rasteriser and scratch
// buffers), so each render makes its own.
var shared struct {
	once          sync.Once
	regular, bold *opentype.Font
}

func loadShared() {
	shared.once.Do(func() {
		palette = buildPalette()
		for i, c := range palette {
			red[i] = c.(color.RGBA).R
		}
		grayIndex = buildGrayIndex()
		var err error
		if shared.regular, err = opentype.Parse(goregular.TTF); err != nil {
			panic("chart: embedded Go Regular font: " + err.Error())
		}
		if shared.bold, err = opentype.Parse(gobold.TTF); err != nil {
			panic("chart: embedded Go Bold font: " + err.Error())
		}
	})
}

// faces are the three text styles of one render.
type faces struct {
	title, text, small font.Face
}

// newFaces makes one render's faces; it also makes what every chart
// shares on the first (loadShared).
func newFaces() *faces {
	loadShared()
	regular, bold := shared.regular, shared.bold
	face := func(f *opentype.Font, size float64) font.Face {
		// Full hinting snaps stems to pixels: at 11–15 px this is the
		// difference between crisp and smudged text, and it reduces the
		// number of grey edge pixels, which keeps the PNG smaller.
		fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			panic("chart: font face: " + err.Error()) // only fails for invalid options
		}
		return fc
	}
	return &faces{
		title: face(bold, titleSize),
		text:  face(regular, textSize),
		small: face(regular, smallSize),
	}
}

// clean makes untrusted text drawable on one line: inert.Clean's rules (the
// same as for the tools' text, so that nothing reorders or hides what is
// drawn), cut to maxRunes with an ellipsis; then, because the Go fonts do not
// cover every script, combining marks the font lacks are dropped (the base
// letter stays) and other characters it lacks, invalid UTF-8 included,
// become "?".
func clean(face font.Face, s string, maxRunes int) string {
	drawable := func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return '?'
		case !unicode.IsGraphic(r) || unicode.IsSpace(r) || hasGlyph(face, r):
			return r // inert.Clean deals with these
		case unicode.Is(unicode.Mn, r):
			return -1
		}
		return '?'
	}
	return inert.Clean(strings.Map(drawable, s), maxRunes)
}

func hasGlyph(face font.Face, r rune) bool {
	if r < 0x7f && r >= 0x20 {
		return true // the Go fonts cover printable ASCII
	}
	_, ok := face.GlyphAdvance(r)
	return ok
}

// width is the advance of s in whole pixels, rounded up.
func width(face font.Face, s string) int {
	return font.MeasureString(face, s).Ceil()
}

// fit cuts s (already cleaned) with "…" so that it is at most maxW pixels
// wide. Cutting rune by rune from the end is quadratic, but strings are
// short (clean bounds them) and this runs a few dozen times per chart.
func fit(face font.Face, s string, maxW int) string {
	if width(face, s) <= maxW {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 {
		rs = rs[:len(rs)-1]
		t := strings.TrimRight(string(rs), " ") + "…"
		if width(face, t) <= maxW {
			return t
		}
	}
	return ""
}

// ascent is the height of the face above the baseline, in pixels; capHeight
// is the height of a capital or digit, used to centre labels on a gridline.
func ascent(face font.Face) int { return face.Metrics().Ascent.Ceil() }

func capHeight(face font.Face) int {
	if h := face.Metrics().CapHeight.Round(); h > 0 {
		return h
	}
	b, _, _ := face.GlyphBounds('0')
	return (-b.Min.Y).Round()
}

// drawText draws s with its left end at x and its baseline at y, in the
// palette colour with index col (a grey). It does what font.Drawer does,
// but blends each antialiased edge pixel into the grey ramp itself instead
// of letting image/draw pick the nearest palette entry: that search could
// land on the axis or gridline grey (or the "other" stack's), and then those
// colours would no longer mark only the structures they name. Text is only
// ever drawn on the white background, but the blend uses the pixel's
// actual grey so that overlapping glyph edges stay correct.
func drawText(img *image.Paletted, face font.Face, s string, x, y int, col uint8) {
	fg := int(red[col])
	dot := fixed.P(x, y)
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			dot.X += face.Kern(prev, r)
		}
		dr, mask, mp, advance, _ := face.Glyph(dot, r)
		dot.X += advance
		prev = r
		alpha, ok := mask.(*image.Alpha)
		if !ok || dr.Empty() {
			continue
		}
		clip := dr.Intersect(img.Rect)
		for py := clip.Min.Y; py < clip.Max.Y; py++ {
			for px := clip.Min.X; px < clip.Max.X; px++ {
				a := int(alpha.AlphaAt(mp.X+px-dr.Min.X, mp.Y+py-dr.Min.Y).A)
				if a == 0 {
					continue
				}
				i := img.PixOffset(px, py)
				bg := int(red[img.Pix[i]])
				img.Pix[i] = grayIndex[(fg*a+bg*(255-a)+127)/255]
			}
		}
	}
}

// grayIndex maps a grey level to the nearest palette entry that text may
// use: the background, the two text colours and the ramp between them.
var grayIndex [256]uint8

func buildGrayIndex() (t [256]uint8) {
	allowed := []uint8{bgIndex, titleIndex, labelIndex}
	for i := range rampSteps {
		allowed = append(allowed, uint8(firstRamp+i))
	}
	for v := range t {
		best := -1
		for _, idx := range allowed {
			d := v - int(red[idx])
			if d < 0 {
				d = -d
			}
			if best < 0 || d < best {
				best, t[v] = d, idx
			}
		}
	}
	return t
}
