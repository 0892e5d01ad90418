package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sample is a set of repeated measurements of one figure.
type sample []float64

// median is the middle value (the mean of the two middle ones for an even
// count); NaN when empty.
func (s sample) median() float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	x := slices.Sorted(slices.Values(s))
	n := len(x)
	if n%2 == 1 {
		return x[n/2]
	}
	return (x[n/2-1] + x[n/2]) / 2
}

// p95 is the nearest-rank 95th percentile: with fewer than 20 values it is
// the largest.
func (s sample) p95() float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	x := slices.Sorted(slices.Values(s))
	k := int(math.Ceil(0.95*float64(len(x)))) - 1
	return x[max(k, 0)]
}

// durations collects durations as seconds.
func (s *sample) addDuration(d time.Duration) { *s = append(*s, d.Seconds()) }

// fmtDur renders seconds as a readable duration with three significant
// digits: 812µs, 12.4ms, 1.23s.
func fmtDur(sec float64) string {
	switch {
	case math.IsNaN(sec):
		return "—"
	case sec < 1e-3:
		return sig(sec*1e6) + "µs"
	case sec < 1:
		return sig(sec*1e3) + "ms"
	default:
		return sig(sec) + "s"
	}
}

// sig renders x with three significant digits (no exponent).
func sig(x float64) string {
	switch {
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	default:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
}

// fmtBytes renders a byte count in binary units.
func fmtBytes(b float64) string {
	switch {
	case math.IsNaN(b):
		return "—"
	case b < 1<<10:
		return strconv.FormatFloat(b, 'f', 0, 64) + " B"
	case b < 1<<20:
		return sig(b/(1<<10)) + " KiB"
	case b < 1<<30:
		return sig(b/(1<<20)) + " MiB"
	default:
		return sig(b/(1<<30)) + " GiB"
	}
}

// fmtInt renders an integer with thousands separators.
func fmtInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// medianRatio is the median of a[i] ÷ b[i], for samples taken in pairs
// (round i of an interleaved measurement): unlike the ratio of the medians,
// it is not moved by the machine getting faster or slower during the run.
// NaN without pairs.
func medianRatio(a, b sample) float64 { return pairRatios(a, b).median() }

// pairRatios is a[i] ÷ b[i] for each pair with b[i] > 0.
func pairRatios(a, b sample) sample {
	var r sample
	for i := range min(len(a), len(b)) {
		if b[i] > 0 {
			r = append(r, a[i]/b[i])
		}
	}
	return r
}

// medianInterval is a 95% confidence interval for the median, from order
// statistics (the binomial rank bounds, by their normal approximation):
// with 100 values, the 40th and 61st smallest. It assumes nothing about
// the distribution, which for start-up times has a long right tail. NaN
// under 6 values, where even the whole range covers the median less than
// 95% of the time (5 values: 93.75%).
func (s sample) medianInterval() (lo, hi float64) {
	if len(s) < 6 {
		return math.NaN(), math.NaN()
	}
	x := slices.Sorted(slices.Values(s))
	n := float64(len(x))
	half := 1.96 * math.Sqrt(n) / 2
	l := max(int(math.Floor(n/2-half)), 1)
	u := min(int(math.Ceil(n/2+half+1)), len(x))
	return x[l-1], x[u-1]
}

// ratioVerdict judges the paired ratios rs against limit by their median's
// interval: met when the whole interval is at or under it, missed when it
// is all above, undecided when it spans it; under 6 pairs, by the median
// alone, saying so.
func ratioVerdict(rs sample, limit float64) (verdict, detail string) {
	r := rs.median()
	lo, hi := rs.medianInterval()
	switch {
	case math.IsNaN(r):
		return "**not measured**", "no rounds"
	case math.IsNaN(lo):
		v := "**missed**"
		if r <= limit {
			v = "**met**"
		}
		return v, fmt.Sprintf("median of %d per-round ratios, too few for an interval: run 100 rounds or more", len(rs))
	}
	v := "**undecided**"
	switch {
	case hi <= limit:
		v = "**met**"
	case lo > limit:
		v = "**missed**"
	}
	return v, fmt.Sprintf("median of the per-round ratios; its 95%% interval is %.3f×–%.3f×", lo, hi)
}

// ratio renders a/b as "1.23×", or "—" when it is undefined.
func ratio(a, b float64) string {
	if b == 0 || math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a/b, 0) {
		return "—"
	}
	r := a / b
	if r >= 1000 {
		return fmtInt(int(math.Round(r))) + "×"
	}
	return sig(r) + "×"
}

// durCell renders a sample as "median (p95 x)".
func durCell(s sample) string {
	if len(s) == 0 {
		return "—"
	}
	return fmt.Sprintf("%s (p95 %s)", fmtDur(s.median()), fmtDur(s.p95()))
}

// table is a Markdown table built row by row.
type table struct {
	head []string
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) String() string {
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	line(t.head)
	sep := make([]string, len(t.head))
	for i := range sep {
		sep[i] = "---"
		if i > 0 {
			sep[i] = "---:"
		}
	}
	line(sep)
	for _, r := range t.rows {
		line(r)
	}
	return b.String()
}
