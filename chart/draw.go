package chart

import (
	"image"

	"golang.org/x/image/font"
)

// Layout, in pixels. The chart is always MaxWidth×MaxHeight so that its
// token cost is known before it is drawn.
const (
	pad        = 16 // outer margin
	legendRow  = 18 // height of one legend row
	legendSkip = 18 // space after a legend entry
	maxBarW    = 48 // a single period is a bar, not a wall
	maxName    = 40 // runes of a stack name kept before measuring
	// The legend takes at most maxLegendRows rows, so that the plot keeps
	// most of the height; names are cut to the first width in
	// legendNameWidths that achieves it.
	maxLegendRows = 3
)

var legendNameWidths = []int{200, 140, 100, 70, 48}

// draw renders d. simple leaves out the gridlines and tick marks, the first
// things to go if the PNG is too large (they are decoration; the labels and
// bars are the data).
func (d *data) draw(f *faces, simple bool) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, MaxWidth, MaxHeight), palette)
	// The zero value of every pixel is palette index 0, the background.

	// Title line: the caller's title on the left, total and peak on the
	// right. The numbers come first because they are what a reader (or a
	// model reading the image) would otherwise have to estimate.
	titleBase := pad + capHeight(f.title)
	note := "total " + countLabel(d.sum)
	if d.sum > 0 {
		note += " · peak " + countLabel(d.totals[d.peak]) + " on " + clean(f.small, d.periods[d.peak], 24)
	}
	noteW := width(f.small, note)
	drawText(img, f.small, note, MaxWidth-pad-noteW, titleBase, labelIndex)
	title := fit(f.title, clean(f.title, d.title, 300), MaxWidth-2*pad-noteW-24)
	drawText(img, f.title, title, pad, titleBase, titleIndex)

	// Legend: one entry per stack, in stack order, wrapping onto at most
	// maxLegendRows rows (names are cut shorter until they fit).
	capH := capHeight(f.text)
	legendTop := titleBase + legendRow + 4
	entries := legend(f, d.stacks)
	for _, e := range entries {
		x, base := e.x, legendTop+e.row*legendRow
		fill(img, image.Rect(x, base-capH, x+capH+1, base+1), e.color)
		drawText(img, f.text, e.name, x+capH+1+5, base, titleIndex)
		drawText(img, f.small, e.total, x+capH+1+5+e.nameW+5, base, labelIndex)
	}
	base := legendTop - legendRow // no legend: the plot moves up
	if len(entries) > 0 {
		base = legendTop + entries[len(entries)-1].row*legendRow
	}

	// Plot area. The top leaves room for half a tick label above the top
	// gridline; the bottom leaves room for tick marks and x labels.
	small := capHeight(f.small)
	plotTop := base + legendRow
	xBase := MaxHeight - 12
	plotBottom := xBase - small - 9
	top, step := niceAxis(d.totals[d.peak])
	labelW := 0
	for v := int64(0); v <= top; v += step {
		labelW = max(labelW, width(f.small, tickLabel(v)))
	}
	plotLeft, plotRight := pad+labelW+8, MaxWidth-pad
	plotW, plotH := plotRight-plotLeft, int64(plotBottom-plotTop)
	yOf := func(v int64) int {
		// Rounded, in int64: v ≤ top ≤ maxTotal, times plotH < 2^63.
		return plotBottom - int((v*plotH+top/2)/top)
	}

	// Y axis: gridlines under the bars, labels centred on them.
	for v := int64(0); v <= top; v += step {
		y := yOf(v)
		if v > 0 && !simple {
			fill(img, image.Rect(plotLeft, y, plotRight, y+1), gridIndex)
		}
		s := tickLabel(v)
		drawText(img, f.small, s, plotLeft-8-width(f.small, s), y+small/2, labelIndex)
	}

	// Bars. Period i owns the columns [x0, x1); the bar leaves a quarter of
	// its slot as a gap when the slot is wide enough for a gap to show.
	n := len(d.periods)
	slot := func(i int) (int, int) {
		x0, x1 := plotLeft+i*plotW/n, plotLeft+(i+1)*plotW/n
		if x1 == x0 {
			x1++ // more periods than columns: neighbours share a column
		}
		return x0, x1
	}
	for i := range n {
		x0, x1 := slot(i)
		if w := x1 - x0; w >= 4 {
			bw := min(w-max(1, w/4), maxBarW)
			x0 += (w - bw) / 2
			x1 = x0 + bw
		}
		var cum int64
		for _, st := range d.stacks {
			c := int64(st.counts[i])
			if c == 0 {
				continue
			}
			fill(img, image.Rect(x0, yOf(cum+c), x1, yOf(cum)), st.color)
			cum += c
		}
	}
	fill(img, image.Rect(plotLeft, plotBottom, plotRight, plotBottom+1), axisIndex)

	// X labels and their tick marks.
	for _, l := range placeXLabels(f.small, d.periods, plotW, slot) {
		if !simple {
			fill(img, image.Rect(l.tick, plotBottom+1, l.tick+1, plotBottom+5), axisIndex)
		}
		drawText(img, f.small, l.text, l.x, xBase, labelIndex)
	}

	if d.sum == 0 {
		msg := "no conversations"
		w := width(f.text, msg)
		drawText(img, f.text, msg, plotLeft+(plotW-w)/2, (plotTop+plotBottom)/2+capH/2, labelIndex)
	}
	return img
}

// fill paints r (clipped to the image) with palette index c. Writing
// indexes directly avoids the nearest-colour search image/draw would do.
func fill(img *image.Paletted, r image.Rectangle, c uint8) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)]
		for i := range row {
			row[i] = c
		}
	}
}

// placedLabel is an x label at its final position: text from x to x+w,
// tick mark at column tick.
type placedLabel struct {
	text       string
	x, w, tick int
}

// labelGap is the least space between two drawn x labels, in pixels.
const labelGap = 8

// placeXLabels positions the labels chosen by xLabels, centred under their
// period's slot, kept inside the image, and skips any that would come
// within labelGap of the previous one: the thinning in xLabels is an
// estimate, this is the rule that makes "never overlap" true.
func placeXLabels(face font.Face, periods []string, plotW int, slot func(int) (int, int)) []placedLabel {
	var out []placedLabel
	right := -MaxWidth
	for _, l := range xLabels(face, periods, plotW) {
		x0, x1 := slot(l.i)
		cx := (x0 + x1) / 2
		w := width(face, l.text)
		lx := min(max(cx-w/2, pad/2), MaxWidth-pad/2-w)
		if lx < right+labelGap {
			continue
		}
		out = append(out, placedLabel{text: l.text, x: lx, w: w, tick: cx})
		right = lx + w
	}
	return out
}

// legendEntry is one legend entry laid out: row, left edge, and its texts.
type legendEntry struct {
	row, x      int
	name, total string
	nameW       int
	color       uint8
}

// legend lays out the legend entries, left to right, wrapping at the right
// margin. Twelve entries with 48-pixel names fit in two rows, so the last
// width always fits within maxLegendRows.
func legend(f *faces, stacks []stack) []legendEntry {
	capH := capHeight(f.text)
	var out []legendEntry
	for _, maxW := range legendNameWidths {
		out = out[:0]
		x, row := pad, 0
		for _, st := range stacks {
			name := clean(f.text, st.name, maxName)
			if name == "" {
				name = "(none)"
			}
			name = fit(f.text, name, maxW)
			total := countLabel(st.total)
			nameW := width(f.text, name)
			w := capH + 1 + 5 + nameW + 5 + width(f.small, total)
			if x > pad && x+w > MaxWidth-pad {
				x, row = pad, row+1
			}
			out = append(out, legendEntry{row: row, x: x, name: name, total: total, nameW: nameW, color: st.color})
			x += w + legendSkip
		}
		if row < maxLegendRows {
			break
		}
	}
	return out
}
