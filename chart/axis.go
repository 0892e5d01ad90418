package chart

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/font"
)

// niceAxis picks the y axis: a step of 1, 2 or 5 times a power of ten that
// gives about five intervals, and the first multiple of the step at or
// above max. Integer arithmetic only, so the axis (and every pixel derived
// from it) is the same on every architecture; floating point may be fused
// differently on arm64 and amd64.
func niceAxis(max int64) (top, step int64) {
	if max <= 0 {
		return 1, 1
	}
	const intervals = 5
	raw := (max + intervals - 1) / intervals
	mag := int64(1)
	for mag*10 <= raw {
		mag *= 10
	}
	step = 10 * mag
	for _, m := range []int64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	top = (max + step - 1) / step * step
	return top, step
}

// units for compact numbers, largest first. "B" rather than "G" because the
// readers are people counting conversations, not engineers counting bytes.
var units = []struct {
	v      int64
	suffix string
}{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}}

// tickLabel formats an axis value exactly and compactly: 750, 1k, 1.25k,
// 1.5M. Tick values are round, so the decimals are few and never rounded
// away; two ticks never print the same text.
func tickLabel(v int64) string {
	for _, u := range units {
		if v >= u.v {
			whole, frac := v/u.v, v%u.v
			s := strconv.FormatInt(whole, 10)
			if frac != 0 {
				f := strconv.FormatInt(frac+u.v, 10)[1:] // zero-padded
				s += "." + strings.TrimRight(f, "0")
			}
			return s + u.suffix
		}
	}
	return strconv.FormatInt(v, 10)
}

// countLabel formats a total for the legend and the title line: exact with
// thousands separators below a million (a reader may quote it), compact
// with one decimal above (1.2M).
func countLabel(v int64) string {
	if v < 1e6 {
		s := strconv.FormatInt(v, 10)
		var b strings.Builder
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		return b.String()
	}
	for _, u := range units {
		if v >= u.v {
			tenth := u.v / 10
			tenths := (v + tenth/2) / tenth // rounded; no overflow, unlike v*10
			s := strconv.FormatInt(tenths/10, 10)
			if tenths%10 != 0 {
				s += "." + strconv.FormatInt(tenths%10, 10)
			}
			return s + u.suffix
		}
	}
	return strconv.FormatInt(v, 10) // unreachable: v ≥ 1e6
}

// xLabel is one label under the x axis, centred under period i.
type xLabel struct {
	i    int
	text string
}

// xGap is the least space between two x labels, in pixels.
const xGap = 14

// xLabels chooses which periods get a label and what it says, so that at
// most one label fits in each label's width plus xGap. Dates get calendar
// treatment: short ranges are labelled every 1, 2, 3, 4, 5, 7 or 14
// periods as "Nov 3"; long ranges (and month periods) are labelled at month
// starts, every 1, 2, 3, 4, 6 or 12 months, as "Nov", with the year on
// January and on the first label. Anything else is labelled as given every
// k-th period with k a round number. The caller still skips any label that
// would overlap its neighbour, so the promise "never overlap" does not rest
// on these estimates.
func xLabels(face font.Face, periods []string, plotW int) []xLabel {
	n := len(periods)
	if dates, ok := parseDates(periods); ok {
		return dateLabels(face, dates, plotW)
	}
	texts := make([]string, n)
	maxW := 0
	for i, p := range periods {
		texts[i] = clean(face, p, 12)
		maxW = max(maxW, width(face, texts[i]))
	}
	k := niceStride(strideFor(maxW, n, plotW), []int{1, 2, 3, 4, 5, 6, 7, 10, 12, 14, 15, 20, 25, 30})
	var out []xLabel
	for i := 0; i < n; i += k {
		out = append(out, xLabel{i, texts[i]})
	}
	return out
}

// strideFor is the smallest stride k such that k periods span at least a
// label of width w plus the gap.
func strideFor(w, n, plotW int) int {
	return max(1, ((w+xGap)*n+plotW-1)/plotW)
}

// niceStride is the first value of nice at or above k; beyond the list it
// continues with 1, 2 and 5 times powers of ten.
func niceStride(k int, nice []int) int {
	for _, v := range nice {
		if v >= k {
			return v
		}
	}
	for mag := 10; ; mag *= 10 {
		for _, m := range []int{5, 10, 20} {
			if m*mag >= k {
				return m * mag
			}
		}
	}
}

// parseDates reads all periods as days ("2006-01-02") or months
// ("2006-01"), strictly increasing. Anything else is not a date axis.
func parseDates(periods []string) ([]time.Time, bool) {
	layout := "2006-01-02"
	if len(periods[0]) == len("2006-01") {
		layout = "2006-01"
	}
	dates := make([]time.Time, len(periods))
	for i, p := range periods {
		t, err := time.Parse(layout, p)
		if err != nil || (i > 0 && !t.After(dates[i-1])) {
			return nil, false
		}
		dates[i] = t
	}
	return dates, true
}

// dateLabels labels a date axis. Its arithmetic is in integers, like the
// y axis, so the choice of labels cannot differ between architectures.
func dateLabels(face font.Face, dates []time.Time, plotW int) []xLabel {
	n := len(dates)
	first, last := dates[0], dates[n-1]
	multiYear := first.Year() != last.Year()
	// Days per period, as the fraction spanDays/gaps: 1 for days, 7 for
	// weeks, about 30.4 for months. UTC dates are whole days apart.
	spanDays, gaps := int(last.Sub(first).Hours())/24, n-1
	if n == 1 {
		spanDays, gaps = 1, 1
	}

	// The widest day label: digits are tabular in Go Regular, so the month
	// name decides; "Sep 30 2026" covers every day label.
	dayW := 0
	for m := time.January; m <= time.December; m++ {
		s := m.String()[:3] + " 30"
		if multiYear {
			s += " 2026"
		}
		dayW = max(dayW, width(face, s))
	}
	k := strideFor(dayW, n, plotW)
	days := func(k int) []xLabel {
		var out []xLabel
		year := 0
		for i := 0; i < n; i += k {
			d := dates[i]
			s := d.Format("Jan 2")
			if multiYear && d.Year() != year {
				s += " " + strconv.Itoa(d.Year())
			}
			year = d.Year()
			out = append(out, xLabel{i, s})
		}
		return out
	}
	if k*spanDays <= 14*gaps { // labels at most two weeks apart
		return days(niceStride(k, []int{1, 2, 3, 4, 5, 7, 14}))
	}

	// Month starts: the first period in each month (the first period only
	// if it is the 1st, so a range from Nov 14 does not put "Nov" where
	// November is half over), every 1, 2, 3… months so that a month's
	// width in pixels, plotW·30.44·gaps / (spanDays·n), fits a label.
	monthW := 0
	for m := time.January; m <= time.December; m++ {
		monthW = max(monthW, width(face, m.String()[:3]+" 2026"))
	}
	every := 1
	for _, m := range []int{1, 2, 3, 4, 6, 12, 24, 60, 120, 240, 600} {
		every = m
		if plotW*3044*m*gaps >= (monthW+xGap)*100*spanDays*n {
			break
		}
	}
	var out []xLabel
	for i, d := range dates {
		start := d.Day() == 1
		if i > 0 {
			start = d.Month() != dates[i-1].Month() || d.Year() != dates[i-1].Year()
		}
		if !start || (d.Year()*12+int(d.Month())-1)%every != 0 {
			continue
		}
		s := d.Format("Jan")
		if d.Month() == time.January || len(out) == 0 {
			s += " " + strconv.Itoa(d.Year())
		}
		out = append(out, xLabel{i, s})
	}
	if len(out) < 2 {
		// Irregular dates can leave too few month starts; evenly spaced
		// day labels are better than a bare axis.
		return days(niceStride(k, []int{1, 2, 3, 4, 5, 7, 14, 28}))
	}
	return out
}
