package chart

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/ and docs/chart-example.png")

// days returns n consecutive dates from start, as the tools send them.
func days(start string, n int) []string {
	t, err := time.Parse("2006-01-02", start)
	if err != nil {
		panic(err)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = t.AddDate(0, 0, i).Format("2006-01-02")
	}
	return out
}

// lcg is a tiny deterministic generator, so fixtures are the same on every
// run and every Go version (math/rand's streams are not a promise).
type lcg uint32

func (g *lcg) next(n int) int {
	*g = *g*1664525 + 1013904223
	return int(uint32(*g)>>8) % n
}

// example is the chart shown in the docs: November 2026 for a chatbot on
// five platforms, quieter at weekends, with a Black Friday spike on
// Nov 27 (index 26) that makes it the tallest bar by a clear margin.
func example() Series {
	periods := days("2026-11-01", 30)
	platforms := []struct {
		name string
		mean int
	}{{"website", 52}, {"whatsapp", 34}, {"messenger", 15}, {"instagram", 9}, {"telegram", 3}}
	g := lcg(2026)
	s := Series{Title: "Conversations per day · chatbot 17 · 2026-11-01 to 2026-11-30", Periods: periods}
	for _, p := range platforms {
		counts := make([]int, len(periods))
		for i, day := range periods {
			t, _ := time.Parse("2006-01-02", day)
			v := p.mean * (75 + g.next(50)) / 100 // ±25 %
			if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
				v = v * 55 / 100
			}
			switch i {
			case 26: // Black Friday
				v = v * 23 / 10
			case 27:
				v = v * 14 / 10
			}
			counts[i] = v
		}
		s.Stacks = append(s.Stacks, Stack{Name: p.name, Counts: counts})
	}
	return s
}

// synthetic is n periods of noisy counts for the given stacks.
func synthetic(periods []string, names []string, scale int) Series {
	g := lcg(len(periods)*31 + len(names))
	s := Series{Title: fmt.Sprintf("Conversations · %d periods", len(periods)), Periods: periods}
	for k, name := range names {
		counts := make([]int, len(periods))
		for i := range counts {
			counts[i] = scale * (len(names) - k) * (50 + g.next(50)) / 100
		}
		s.Stacks = append(s.Stacks, Stack{Name: name, Counts: counts})
	}
	return s
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("platform-%02d", i)
	}
	return out
}

// plot is where the axes are in a decoded chart, found from the pixels
// rather than from the renderer's own arithmetic, so the pixel checks test
// the picture and not the code that drew it.
type plot struct {
	left, right, bottom int // right is exclusive; bottom is the axis row
}

func same(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

func findPlot(t *testing.T, img image.Image) plot {
	t.Helper()
	b := img.Bounds()
	x := b.Max.X - pad - 1
	for y := b.Max.Y - 1; y >= 0; y-- {
		if same(img.At(x, y), axisColor) {
			p := plot{bottom: y, left: -1}
			for x := 0; x < b.Max.X; x++ {
				if same(img.At(x, y), axisColor) {
					if p.left < 0 {
						p.left = x
					}
					p.right = x + 1
				}
			}
			return p
		}
	}
	t.Fatal("no x axis line found")
	return plot{}
}

// barCentre is the column at the middle of period i's slot.
func (p plot) barCentre(i, n int) int {
	return p.left + (2*i+1)*(p.right-p.left)/(2*n)
}

// barHeight counts the bar-coloured pixels above the axis at column x.
func (p plot) barHeight(img image.Image, x int) int {
	h := 0
	for y := p.bottom - 1; y >= 0 && isSeries(img.At(x, y)); y-- {
		h++
	}
	return h
}

func isSeries(c color.Color) bool {
	if same(c, otherColor) {
		return true
	}
	for _, s := range seriesColors {
		if same(c, s) {
			return true
		}
	}
	return false
}

// findColor reports whether colour c appears inside r.
func findColor(img image.Image, r image.Rectangle, c color.Color) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if same(img.At(x, y), c) {
				return true
			}
		}
	}
	return false
}

// legendArea is the band between the title and the plot where the legend
// swatches are.
var legendArea = image.Rect(0, pad+4, MaxWidth, 90)

// peak is the index of the first period with the largest total.
func peak(s Series) int {
	best, bestTotal := 0, -1
	for i := range s.Periods {
		t := 0
		for _, st := range s.Stacks {
			t += st.Counts[i]
		}
		if t > bestTotal {
			best, bestTotal = i, t
		}
	}
	return best
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding the PNG: %v", err)
	}
	return img
}

// checkBasics holds for every chart: the promised size, the byte limit,
// and the background in the corners.
func checkBasics(t *testing.T, b []byte) image.Image {
	t.Helper()
	if len(b) > MaxBytes {
		t.Errorf("PNG is %d bytes, limit %d", len(b), MaxBytes)
	}
	img := decode(t, b)
	if got := img.Bounds(); got != image.Rect(0, 0, MaxWidth, MaxHeight) { // at most 900×450, and exactly that by design
		t.Errorf("bounds %v, want 0,0-%d,%d", got, MaxWidth, MaxHeight)
	}
	for _, pt := range []image.Point{{0, 0}, {MaxWidth - 1, 0}, {0, MaxHeight - 1}, {MaxWidth - 1, MaxHeight - 1}} {
		if c := img.At(pt.X, pt.Y); !same(c, color.White) {
			t.Errorf("corner %v is %v, want the white background", pt, c)
		}
	}
	return img
}

// checkTallest asserts that the tallest bar is where the data puts it, that
// the first stack with a count there is at its foot and the last one at its
// top, and that the legend shows the first stack's swatch. Columns are
// found from the pixels; the expected column of a period is only known to
// within a slot (the renderer rounds slots its own way), so the peak is
// searched for within one slot of it.
func checkTallest(t *testing.T, s Series, img image.Image) {
	t.Helper()
	p := findPlot(t, img)
	n := len(s.Periods)
	pk := peak(s)
	slotW := (p.right-p.left)/n + 1
	tallest := 0
	for x := p.left; x < p.right; x++ {
		tallest = max(tallest, p.barHeight(img, x))
	}
	cx, h := -1, 0
	for x := max(p.left, p.barCentre(pk, n)-slotW); x < min(p.right, p.barCentre(pk, n)+slotW+1); x++ {
		if hx := p.barHeight(img, x); hx > h {
			cx, h = x, hx
		}
	}
	if cx < 0 || h != tallest {
		t.Fatalf("the peak period %d (around column %d) is %d px high, but the tallest bar is %d px", pk, p.barCentre(pk, n), h, tallest)
	}
	var first, last color.Color
	for k, st := range s.Stacks {
		if st.Counts[pk] > 0 {
			if first == nil {
				first = seriesColors[k]
			}
			last = seriesColors[k]
		}
	}
	if c := img.At(cx, p.bottom-1); !same(c, first) {
		t.Errorf("foot of the peak bar is %v, want the first stack's colour %v", c, first)
	}
	if c := img.At(cx, p.bottom-tallest); !same(c, last) {
		t.Errorf("top of the peak bar is %v, want the last stack's colour %v", c, last)
	}
	if !findColor(img, legendArea, seriesColors[0]) {
		t.Errorf("no legend swatch in the first stack's colour %v", seriesColors[0])
	}
}

func TestGolden(t *testing.T) {
	zero := synthetic(days("2026-11-01", 30), []string{"website", "whatsapp"}, 0)
	tests := []struct {
		name  string
		s     Series
		check func(*testing.T, Series, image.Image)
	}{
		{"days1", synthetic(days("2026-11-24", 1), []string{"website", "whatsapp"}, 10), checkTallest},
		{"days30", example(), checkTallest},
		{"days365", synthetic(days("2026-01-01", 365), []string{"website", "whatsapp", "messenger"}, 400), checkTallest},
		{"zero", zero, func(t *testing.T, s Series, img image.Image) {
			p := findPlot(t, img)
			if findColor(img, image.Rect(p.left, legendArea.Max.Y, p.right, p.bottom), seriesColors[0]) {
				t.Error("an all-zero chart has bar pixels")
			}
			if !findColor(img, legendArea, seriesColors[1]) {
				t.Error("the legend of an all-zero chart is missing")
			}
		}},
		{"folded", synthetic(days("2026-11-01", 30), names(15), 3), func(t *testing.T, s Series, img image.Image) {
			for k, c := range seriesColors[:MaxStacks-1] {
				if !findColor(img, legendArea, c) {
					t.Errorf("legend lacks the colour of kept stack %d", k)
				}
			}
			if findColor(img, legendArea, seriesColors[MaxStacks-1]) {
				t.Error("a twelfth series colour is drawn although the twelfth stack is 'other'")
			}
			p := findPlot(t, img)
			cx := p.barCentre(0, len(s.Periods))
			if c := img.At(cx, p.bottom-p.barHeight(img, cx)); !same(c, otherColor) {
				t.Errorf("top of the first bar is %v, want the 'other' grey drawn last", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PNG(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			img := checkBasics(t, got)
			tt.check(t, tt.s, img)

			path := filepath.Join("testdata", tt.name+".png")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./chart -update to create it)", err)
			}
			if bytes.Equal(got, want) {
				return
			}
			// Tell a drawing change from an encoder change: the first is
			// a review matter, the second only needs -update.
			gi, wi := decode(t, got).(*image.Paletted), decode(t, want).(*image.Paletted)
			if bytes.Equal(gi.Pix, wi.Pix) {
				t.Fatalf("same pixels as %s but different bytes (%d vs %d): the PNG encoder changed; run go test ./chart -update", path, len(got), len(want))
			}
			t.Fatalf("the drawing differs from %s; look at it, then run go test ./chart -update", path)
		})
	}
}

// TestDocsExample keeps docs/chart-example.png the picture this code draws.
func TestDocsExample(t *testing.T) {
	got, err := PNG(example())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "docs", "chart-example.png")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./chart -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not what the code draws; run go test ./chart -update", path)
	}
}

func TestPeriods(t *testing.T) {
	months := make([]string, 120)
	for i := range months {
		months[i] = fmt.Sprintf("%04d-%02d", 2017+i/12, i%12+1)
	}
	weeks := make([]string, 104)
	for i := range weeks {
		weeks[i] = days("2025-01-06", 104*7)[i*7]
	}
	generic := make([]string, 800)
	for i := range generic {
		generic[i] = fmt.Sprintf("p%d", i)
	}
	tests := []struct {
		name    string
		periods []string
	}{
		{"1 day", days("2026-11-24", 1)},
		{"30 days", days("2026-11-01", 30)},
		{"365 days", days("2026-01-01", 365)},
		{"800 days", days("2024-10-01", 800)},
		{"104 weeks", weeks},
		{"120 months", months},
		{"800 generic periods", generic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := synthetic(tt.periods, []string{"website", "whatsapp", "messenger"}, 50)
			b, err := PNG(s)
			if err != nil {
				t.Fatal(err)
			}
			img := checkBasics(t, b)
			checkTallest(t, s, img)
			p := findPlot(t, img)
			// Every period has a bar: with gaps between bars (slots of 4 px
			// or more) count the runs at the foot; without, the plot's
			// width must be covered.
			n, runs, cols, in := len(tt.periods), 0, 0, false
			for x := p.left; x < p.right; x++ {
				bar := isSeries(img.At(x, p.bottom-1))
				if bar {
					cols++
				}
				if bar && !in {
					runs++
				}
				in = bar
			}
			if (p.right-p.left)/n >= 4 {
				if runs != n {
					t.Errorf("%d bars drawn, want %d", runs, n)
				}
			} else if cols < (p.right-p.left)*95/100 {
				t.Errorf("bars cover %d of %d columns", cols, p.right-p.left)
			}
			t.Logf("%d bytes", len(b))
		})
	}
}

// TestXLabelsNeverOverlap sweeps lengths and kinds of period and checks the
// placement rule: labels inside the image, in order, at least labelGap
// apart, and at least one (two from ten periods on, so the axis can be
// read).
func TestXLabelsNeverOverlap(t *testing.T) {
	f := newFaces()
	kinds := map[string]func(n int) []string{
		"days":            func(n int) []string { return days("2026-03-14", n) },
		"days over years": func(n int) []string { return days("2025-12-20", n) },
		"weeks": func(n int) []string {
			d := days("2025-01-06", 7*n)
			out := make([]string, n)
			for i := range out {
				out[i] = d[7*i]
			}
			return out
		},
		"months": func(n int) []string {
			out := make([]string, n)
			for i := range out {
				out[i] = fmt.Sprintf("%04d-%02d", 1900+i/12, i%12+1)
			}
			return out
		},
		"generic": func(n int) []string {
			out := make([]string, n)
			for i := range out {
				out[i] = strings.Repeat("W", 1+i%14) // widest letter, varying length
			}
			return out
		},
	}
	const plotW = 830
	for kind, gen := range kinds {
		for _, n := range []int{1, 2, 3, 5, 7, 10, 14, 29, 30, 31, 45, 60, 90, 120, 180, 365, 366, 500, 800, 1200, 2000, MaxPeriods} {
			periods := gen(n)
			slot := func(i int) (int, int) { return 50 + i*plotW/n, 50 + max((i+1)*plotW/n, i*plotW/n+1) }
			labels := placeXLabels(f.small, periods, plotW, slot)
			if len(labels) == 0 || (n >= 10 && len(labels) < 2) {
				t.Errorf("%s, n=%d: %d labels", kind, n, len(labels))
			}
			right := -MaxWidth
			for _, l := range labels {
				if l.x < 0 || l.x+l.w > MaxWidth {
					t.Errorf("%s, n=%d: label %q at %d..%d leaves the image", kind, n, l.text, l.x, l.x+l.w)
				}
				if l.x < right+labelGap {
					t.Errorf("%s, n=%d: label %q at %d overlaps the previous one ending at %d", kind, n, l.text, l.x, right)
				}
				right = l.x + l.w
			}
		}
	}
}

func TestXLabelTexts(t *testing.T) {
	f := newFaces()
	months := []string{"2026-11", "2026-12", "2027-01", "2027-02"}
	tests := []struct {
		name    string
		periods []string
		want    []string // the first labels
	}{
		{"30 days: every other day", days("2026-11-01", 30), []string{"Nov 1", "Nov 3", "Nov 5"}},
		{"across new year: year on the first label of each year, wider so every third day", days("2026-12-20", 30), []string{"Dec 20 2026", "Dec 23", "Dec 26", "Dec 29", "Jan 1 2027", "Jan 4"}},
		{"365 days: month starts, year on January", days("2026-01-01", 365), []string{"Jan 2026", "Feb", "Mar"}},
		{"range starting mid-month: no label for a half month", days("2026-11-14", 365), []string{"Dec 2026", "Jan 2027", "Feb"}},
		{"months", months, []string{"Nov 2026", "Dec", "Jan 2027", "Feb"}},
		{"other labels as given", []string{"Q1", "Q2", "Q3"}, []string{"Q1", "Q2", "Q3"}},
		{"out of order dates are not a date axis", []string{"2026-11-02", "2026-11-01"}, []string{"2026-11-02", "2026-11-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, l := range xLabels(f.small, tt.periods, 830) {
				got = append(got, l.text)
			}
			if len(got) < len(tt.want) || !equal(got[:len(tt.want)], tt.want) {
				t.Errorf("labels %q, want them to start %q", got, tt.want)
			}
		})
	}
}

func equal(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

func TestInvalid(t *testing.T) {
	ok := days("2026-11-01", 3)
	tests := []struct {
		name string
		s    Series
		want error
	}{
		{"no periods", Series{Stacks: []Stack{{Name: "web"}}}, ErrNoPeriods},
		{"too many periods", Series{Periods: make([]string, MaxPeriods+1)}, ErrInvalid},
		{"short counts", Series{Periods: ok, Stacks: []Stack{{Name: "web", Counts: []int{1, 2}}}}, ErrInvalid},
		{"negative count", Series{Periods: ok, Stacks: []Stack{{Name: "web", Counts: []int{1, -2, 3}}}}, ErrInvalid},
		{"total beyond any chatbot", Series{Periods: ok, Stacks: []Stack{
			{Name: "a", Counts: []int{maxTotal, 0, 0}}, {Name: "b", Counts: []int{1, 0, 0}}}}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := PNG(tt.s)
			if !errors.Is(err, tt.want) || b != nil {
				t.Errorf("PNG = %d bytes, %v; want %v", len(b), err, tt.want)
			}
		})
	}
}

// TestLargeCounts: totals up to the limit draw, with compact axis labels.
func TestLargeCounts(t *testing.T) {
	s := Series{Title: "huge", Periods: days("2026-11-01", 3), Stacks: []Stack{
		{Name: "a", Counts: []int{maxTotal / 2, 1_234_567, 0}},
		{Name: "b", Counts: []int{maxTotal / 2, 0, 1}},
	}}
	b, err := PNG(s)
	if err != nil {
		t.Fatal(err)
	}
	checkBasics(t, b)
	checkTallest(t, s, decode(t, b))
}

func TestFold(t *testing.T) {
	s := Series{Periods: days("2026-11-01", 2)}
	// Stack i has total i+1, except s3, which ties with s4 for the last
	// place kept: the earlier stack wins the tie.
	for i := range 15 {
		total := i + 1
		if i == 3 {
			total = 5
		}
		s.Stacks = append(s.Stacks, Stack{Name: fmt.Sprintf("s%d", i), Counts: []int{total, 0}})
	}
	d, err := prepare(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.stacks) != MaxStacks {
		t.Fatalf("%d stacks after folding, want %d", len(d.stacks), MaxStacks)
	}
	// Kept: s3 and s5..s14, in input order. Folded: s0, s1, s2, s4 = 1+2+3+5.
	var kept []string
	for _, st := range d.stacks[:MaxStacks-1] {
		kept = append(kept, st.name)
	}
	if want := "s3 s5 s6 s7 s8 s9 s10 s11 s12 s13 s14"; strings.Join(kept, " ") != want {
		t.Errorf("kept %q, want %q", kept, want)
	}
	other := d.stacks[MaxStacks-1]
	if other.name != "other (4)" || other.total != 11 || other.counts[0] != 11 || other.color != otherIndex {
		t.Errorf("other = %+v, want other (4) with 11 in the first period and the grey", other)
	}
	if d.sum != 1+2+3+5+5+6+7+8+9+10+11+12+13+14+15 {
		t.Errorf("sum %d changed by folding", d.sum)
	}

	// Exactly MaxStacks stacks are all kept, each with its own colour.
	s.Stacks = s.Stacks[:MaxStacks]
	d, _ = prepare(s)
	if d.stacks[MaxStacks-1].color == otherIndex || d.stacks[MaxStacks-1].name != "s11" {
		t.Errorf("the twelfth of twelve stacks was folded: %+v", d.stacks[MaxStacks-1])
	}
}

// TestSizeLimit drives the fallback with lowered limits, since no real
// chart comes near 80 KB (see TestWorstCaseSize).
func TestSizeLimit(t *testing.T) {
	s := example()
	full, err := render(s, MaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	simple, err := render(s, len(full)-1)
	if err != nil {
		t.Fatalf("limit just below the full chart: %v, want the simpler chart", err)
	}
	if len(simple) >= len(full) {
		t.Fatalf("simplified chart %d bytes, full %d", len(simple), len(full))
	}
	if img := decode(t, simple); findColor(img, img.Bounds(), gridColor) {
		t.Error("the simplified chart still has gridlines")
	}
	if img := decode(t, full); !findColor(img, img.Bounds(), gridColor) {
		t.Error("the full chart has no gridlines")
	}
	if _, err := render(s, 1000); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit 1000 bytes: %v, want ErrTooLarge", err)
	}
}

// TestWorstCaseSize draws the noisiest chart a caller can ask for: 800
// periods of random counts over twelve stacks with long non-ASCII names.
// It must stay under MaxBytes in its full form, not through the fallback.
func TestWorstCaseSize(t *testing.T) {
	var longNames []string
	for i := range 20 {
		longNames = append(longNames, fmt.Sprintf("Плаформа-%02d «mañana» 微信 %s", i, strings.Repeat("x", i)))
	}
	for _, n := range []int{800, MaxPeriods} {
		s := synthetic(days("2024-01-01", n), longNames, 1000)
		s.Title = strings.Repeat("Conversations per day · ", 20)
		b, err := render(s, MaxBytes)
		if err != nil {
			t.Fatal(err)
		}
		img := checkBasics(t, b)
		if !findColor(img, img.Bounds(), gridColor) {
			t.Errorf("%d periods: the worst case needed the fallback", n)
		}
		t.Logf("%d periods, 20 stacks folded to 12: %d bytes", n, len(b))
	}
}

func TestNonASCIINames(t *testing.T) {
	s := synthetic(days("2026-11-01", 30), []string{"Мессенджер", "Ελληνικά", "Ñandú café", "微信", "💬", "e\u0301cole", "x\u202etxt.exe", ""}, 5)
	b, err := PNG(s)
	if err != nil {
		t.Fatal(err)
	}
	checkBasics(t, b)

	f := newFaces()
	tests := []struct{ in, want string }{
		{"Мессенджер", "Мессенджер"},
		{"Ñandú", "Ñandú"},
		{"微信", "??"},                                             // no CJK in the Go fonts: visibly missing, not blank
		{"n\u0303", "n"},                                         // an unsupported combining mark drops, the letter stays
		{"x\u202etxt.exe", "xtxt.exe"},                           // bidi override cannot reorder the text
		{"a\tb\n\nc  d", "a b c d"},                              // one line
		{"  padded  ", "padded"},                                 //
		{"\xff\xfe", "??"},                                       // invalid UTF-8
		{"\x1b[31mred\x1b[0m", "red"},                            // a whole escape sequence goes, not just ESC
		{strings.Repeat("é", 50), strings.Repeat("é", 39) + "…"}, // a cut shows
	}
	for _, tt := range tests {
		if got := clean(f.text, tt.in, 40); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLegendFits: however many and however long the names, the legend
// stays within maxLegendRows rows and the image's width.
func TestLegendFits(t *testing.T) {
	f := newFaces()
	for _, n := range []int{1, 5, 12} {
		for _, nameLen := range []int{1, 10, 40, 200} {
			stacks := make([]stack, n)
			for i := range stacks {
				stacks[i] = stack{name: strings.Repeat("W", nameLen), total: maxTotal}
			}
			entries := legend(f, stacks)
			if len(entries) != n {
				t.Fatalf("%d stacks, %d legend entries", n, len(entries))
			}
			for _, e := range entries {
				if e.row >= maxLegendRows {
					t.Errorf("%d names of %d runes: entry on row %d", n, nameLen, e.row)
				}
				if end := e.x + capHeight(f.text) + 1 + 5 + e.nameW + 5 + width(f.small, e.total); end > MaxWidth-pad {
					t.Errorf("%d names of %d runes: entry ends at %d", n, nameLen, end)
				}
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	s := synthetic(days("2026-01-01", 365), names(15), 20)
	first, err := PNG(s)
	if err != nil {
		t.Fatal(err)
	}
	// Concurrent renders share the parsed fonts and the palette; each must
	// still produce the same bytes (and -race checks the sharing).
	var wg sync.WaitGroup
	results := make([][]byte, 8)
	for i := range results {
		wg.Go(func() { results[i], _ = PNG(s) })
	}
	wg.Wait()
	for i, b := range results {
		if !bytes.Equal(b, first) {
			t.Errorf("render %d differs from the first (%d vs %d bytes)", i, len(b), len(first))
		}
	}
}

func TestNiceAxis(t *testing.T) {
	tests := []struct{ max, top, step int64 }{
		{0, 1, 1},
		{1, 1, 1},
		{3, 3, 1},
		{7, 8, 2},
		{10, 10, 2},
		{16, 20, 5},
		{270, 300, 100},
		{412, 500, 100},
		{1725, 2000, 500},
		{1_234_567, 1_500_000, 500_000},
		{maxTotal, maxTotal, 200_000_000_000_000},
	}
	for _, tt := range tests {
		top, step := niceAxis(tt.max)
		if top != tt.top || step != tt.step {
			t.Errorf("niceAxis(%d) = %d, %d; want %d, %d", tt.max, top, step, tt.top, tt.step)
		}
		if top < tt.max || top/step > 10 {
			t.Errorf("niceAxis(%d): top %d step %d does not cover or has too many ticks", tt.max, top, step)
		}
	}
}

func TestNumberLabels(t *testing.T) {
	ticks := map[int64]string{0: "0", 5: "5", 750: "750", 1000: "1k", 1250: "1.25k", 1500: "1.5k",
		20_000: "20k", 1_500_000: "1.5M", 2_000_000_000: "2B", maxTotal: "1000T"}
	for v, want := range ticks {
		if got := tickLabel(v); got != want {
			t.Errorf("tickLabel(%d) = %q, want %q", v, got, want)
		}
	}
	counts := map[int64]string{0: "0", 999: "999", 1000: "1,000", 5704: "5,704", 999_999: "999,999",
		1_000_000: "1M", 1_249_999: "1.2M", 1_250_000: "1.3M", 4_500_000_000: "4.5B", 5 * maxTotal: "5000T"}
	for v, want := range counts {
		if got := countLabel(v); got != want {
			t.Errorf("countLabel(%d) = %q, want %q", v, got, want)
		}
	}
}

func BenchmarkPNG(b *testing.B) {
	for _, n := range []int{30, 365} {
		s := synthetic(days("2026-01-01", n), []string{"website", "whatsapp", "messenger", "instagram", "telegram"}, 40)
		b.Run(fmt.Sprintf("periods=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for b.Loop() {
				out, err := PNG(s)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(size), "png-bytes")
		})
	}
}
