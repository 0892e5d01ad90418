// Package chart draws conversations per period, stacked by platform, as a
// small PNG that a tool can return to a model as MCP image content.
//
// The image is built for two readers at once: a person looking at it in a
// client or in the docs, and a model that counts it against its context
// window. So it is small (at most MaxWidth×MaxHeight pixels and MaxBytes
// bytes), uses a fixed palette (flat colours compress to a few kilobytes and
// the bytes are the same on every run, which keeps golden tests and caches
// honest), and prints the numbers a reader most wants (the total and the
// peak) as text rather than leaving them to be estimated from bar heights.
//
// Everything is drawn with the standard library's image packages and the
// Go fonts embedded in golang.org/x/image; nothing touches the network or
// the fonts installed on the machine, so the output does not depend on where
// the server runs.
//
// For the caller: every chart is exactly MaxWidth×MaxHeight, so it costs a
// fixed number of image tokens (about 900×450/750 = 540 with the common
// estimate for Claude) whatever the data; typical files are 4–15 KB and
// rendering takes about 5–15 ms. A series with no periods is an error
// (ErrNoPeriods), not an empty picture. Colours follow the order of the
// stacks, so keep that order stable between calls.
package chart

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"image"
	"image/png"
	"slices"
	"sync"
)

// Limits on the image. The caller counts the image against the model's
// output budget, so the bounds are fixed and documented rather than derived
// from the data: every chart is exactly MaxWidth×MaxHeight pixels (about
// 540 tokens at the common width×height/750 estimate) and at most MaxBytes
// bytes.
const MaxWidth, MaxHeight = 900, 450

// MaxBytes is the largest PNG that PNG returns. Real charts are far below it
// (see the package tests); it is a guard, not a target.
const MaxBytes = 80 << 10

// MaxStacks is how many stacks (platforms) get a colour of their own. Beyond
// it, the smallest stacks are folded into one grey "other (n)" stack so that
// the colours stay distinguishable and the legend fits.
const MaxStacks = 12

// MaxPeriods is the most periods PNG accepts. Above the plot's width in
// pixels (about 830) neighbouring periods already share a pixel column, so
// longer series should be aggregated by week or month before drawing; the
// hard limit only keeps work bounded against a runaway caller.
const MaxPeriods = 5000

// maxTotal bounds one period's total so that every pixel computation fits in
// int64 with room to spare (total × plot height). A quadrillion conversations
// a day is not a real chatbot.
const maxTotal = 1_000_000_000_000_000

// Errors returned by PNG. They are sentinels so the caller can tell "nothing
// to draw" (say so in text, spend no tokens on an image) from a bug in the
// series it built.
var (
	// ErrNoPeriods: the series has no periods. PNG returns this instead of
	// an empty picture because an empty chart costs the model as many
	// tokens as a full one and says nothing the text does not.
	ErrNoPeriods = errors.New("chart: no periods to draw")
	// ErrInvalid: the series is malformed (counts of the wrong length,
	// negative counts, too many periods, totals beyond any real chatbot).
	ErrInvalid = errors.New("chart: invalid series")
	// ErrTooLarge: even the simplified rendering would exceed MaxBytes.
	ErrTooLarge = errors.New("chart: image exceeds the size limit")
)

// Series is conversations per period, stacked by platform.
type Series struct {
	// Title is printed at the top left, e.g. "Conversations per day ·
	// chatbot 17 · 2026-11-01 to 2026-11-24". It is truncated with "…" if it
	// does not fit beside the total and peak.
	Title string
	// Periods are the x axis labels in order: "2026-11-01" (days, or the
	// Mondays of weeks) or "2026-11" (months). Dates are shown as "Nov 1" or,
	// for long ranges, as month names; anything else is shown as given.
	Periods []string
	// Stacks are drawn bottom-up in this order, and the legend follows the
	// same order. Colours are assigned by position, so a caller that wants a
	// platform to keep its colour across calls should order the stacks the
	// same way every time (for example by name).
	Stacks []Stack
}

// Stack is one platform's counts, one per period.
type Stack struct {
	// Name is shown in the legend (cut to fit, and characters the Go fonts
	// lack drawn as "?"). An empty name is shown as "(none)".
	Name string
	// Counts has one count per period: len(Counts) == len(Series.Periods),
	// every count ≥ 0.
	Counts []int
}

// PNG renders s as a stacked bar chart: a title line with the total and the
// peak, a legend with each stack's colour and total, a y axis with round
// tick values (1.2k, 3M for large counts), and x labels thinned so that they
// never overlap. The result is exactly MaxWidth×MaxHeight pixels, at most
// MaxBytes bytes, and the same bytes for the same input.
//
// A series with no periods returns ErrNoPeriods; a series whose counts are
// all zero is drawn, with "no conversations" across the plot, because its x
// axis still tells the reader which range was empty.
//
// PNG is safe for concurrent use.
func PNG(s Series) ([]byte, error) {
	return render(s, MaxBytes)
}

// render is PNG with the byte limit as a parameter, so that the fallback to
// a simpler drawing can be tested without manufacturing an 80 KB chart.
func render(s Series, limit int) ([]byte, error) {
	d, err := prepare(s)
	if err != nil {
		return nil, err
	}
	f := newFaces()
	size := 0
	for _, simple := range []bool{false, true} {
		img := d.draw(f, simple)
		b, err := encode(img)
		if err != nil {
			return nil, err
		}
		if len(b) <= limit {
			return b, nil
		}
		size = len(b)
	}
	return nil, fmt.Errorf("%w: %d bytes even without gridlines, limit %d", ErrTooLarge, size, limit)
}

// encode writes img as PNG at the default compression level. Best
// compression was measured and rejected: on these images (long runs of the
// same palette index, repeated row after row, which PNG's unfiltered
// paletted rows leave to deflate) it is 3–10× slower (30–120 ms against
// 8–15 ms) for files only 5–15 % smaller, and the model's token cost
// depends on the pixel size, not the byte size. The bytes are deterministic
// at any level because compress/flate is.
func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(16 << 10)
	enc := png.Encoder{CompressionLevel: png.DefaultCompression, BufferPool: encoderPool{}}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("chart: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// encoderPool lets PNG encoders reuse their deflate state (about 1 MB of
// tables) across calls instead of allocating it for every chart.
type encoderPool struct{}

var encoderBuffers sync.Pool

func (encoderPool) Get() *png.EncoderBuffer {
	b, _ := encoderBuffers.Get().(*png.EncoderBuffer)
	return b // nil means "make a new one", as png.EncoderBufferPool allows
}

func (encoderPool) Put(b *png.EncoderBuffer) { encoderBuffers.Put(b) }

// data is a validated series: at most MaxStacks stacks, per-period and
// per-stack totals computed once.
type data struct {
	title   string
	periods []string
	stacks  []stack
	totals  []int64 // per period
	sum     int64
	peak    int // index of the first period with the largest total
}

type stack struct {
	name   string
	counts []int
	total  int64
	color  uint8 // palette index
}

// prepare validates s and folds surplus stacks into "other".
func prepare(s Series) (*data, error) {
	n := len(s.Periods)
	if n == 0 {
		return nil, ErrNoPeriods
	}
	if n > MaxPeriods {
		return nil, fmt.Errorf("%w: %d periods, at most %d; aggregate by week or month", ErrInvalid, n, MaxPeriods)
	}
	d := &data{title: s.Title, periods: s.Periods, totals: make([]int64, n)}
	stacks := make([]stack, 0, len(s.Stacks))
	for si, st := range s.Stacks {
		if len(st.Counts) != n {
			return nil, fmt.Errorf("%w: stack %d (%q) has %d counts for %d periods", ErrInvalid, si, st.Name, len(st.Counts), n)
		}
		var total int64
		for i, c := range st.Counts {
			if c < 0 {
				return nil, fmt.Errorf("%w: stack %d (%q) has a negative count at period %d", ErrInvalid, si, st.Name, i)
			}
			if int64(c) > maxTotal-d.totals[i] {
				return nil, fmt.Errorf("%w: period %d totals more than %d", ErrInvalid, i, int64(maxTotal))
			}
			d.totals[i] += int64(c)
			total += int64(c)
		}
		stacks = append(stacks, stack{name: st.Name, counts: st.Counts, total: total})
	}
	d.stacks = fold(stacks, n)
	for i := range d.stacks {
		d.stacks[i].color = stackColor(i)
	}
	if len(s.Stacks) > MaxStacks {
		d.stacks[len(d.stacks)-1].color = otherIndex
	}
	for i, t := range d.totals {
		d.sum += t
		if t > d.totals[d.peak] {
			d.peak = i
		}
	}
	return d, nil
}

// fold keeps the MaxStacks-1 largest stacks (in their original order) and
// sums the rest into one "other (k)" stack drawn last. Ties keep the earlier
// stack, so the result does not depend on sort stability.
func fold(stacks []stack, n int) []stack {
	if len(stacks) <= MaxStacks {
		return stacks
	}
	order := make([]int, len(stacks))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(stacks[b].total, stacks[a].total); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	keep := make([]bool, len(stacks))
	for _, i := range order[:MaxStacks-1] {
		keep[i] = true
	}
	out := make([]stack, 0, MaxStacks)
	other := stack{counts: make([]int, n)}
	folded := 0
	for i, st := range stacks {
		if keep[i] {
			out = append(out, st)
			continue
		}
		folded++
		other.total += st.total
		for p, c := range st.counts {
			other.counts[p] += c // cannot overflow: bounded by the period total
		}
	}
	other.name = fmt.Sprintf("other (%d)", folded)
	return append(out, other)
}
