package chart

import "image/color"

// The image is paletted: one byte per pixel, a fixed palette, no alpha.
// Flat colours from a small palette compress to a few kilobytes, and
// because nothing is dithered or quantised from the data, the same input
// gives the same bytes.
//
// Series colours are the Tableau 10 palette (minus its grey, kept for
// "other") extended with three darker hues. Tableau 10 was designed for
// categorical data: neighbours in the list differ in hue and lightness, so
// adjacent stacks stay apart, and the first few (the usual number of
// platforms) remain distinguishable with the common colour-vision
// deficiencies. The order matters more than the set: most charts use only
// the first three to six.
var seriesColors = [MaxStacks]color.RGBA{
	{0x4e, 0x79, 0xa7, 0xff}, // blue
	{0xf2, 0x8e, 0x2b, 0xff}, // orange
	{0x59, 0xa1, 0x4f, 0xff}, // green
	{0xe1, 0x57, 0x59, 0xff}, // red
	{0xb0, 0x7a, 0xa1, 0xff}, // purple
	{0x76, 0xb7, 0xb2, 0xff}, // teal
	{0xed, 0xc9, 0x48, 0xff}, // yellow
	{0x9c, 0x75, 0x5f, 0xff}, // brown
	{0xff, 0x9d, 0xa7, 0xff}, // pink
	{0x2f, 0x4b, 0x7c, 0xff}, // navy
	{0xb6, 0x99, 0x2d, 0xff}, // olive
	{0x8c, 0x3b, 0x6e, 0xff}, // plum
}

// Fixed palette indexes. Text is antialiased, so the palette also holds a
// ramp of greys between the darkest text and the white background: a glyph's
// edge pixels blend to the nearest grey instead of snapping to a series
// colour. Every text colour is a grey, so one ramp serves them all. The
// axis and gridline colours are faintly blue rather than grey, so that no
// text pixel can ever equal them: a pixel in those colours is an axis or a
// gridline, which is what the tests (and a reader zooming in) rely on.
const (
	bgIndex     = 0
	titleIndex  = 1 // title and legend names
	labelIndex  = 2 // axis labels, legend totals, notes
	axisIndex   = 3 // x axis line and tick marks
	gridIndex   = 4 // horizontal gridlines
	otherIndex  = 5 // the folded "other" stack
	firstSeries = 6
	firstRamp   = firstSeries + MaxStacks
	rampSteps   = 14
)

var (
	bgColor    = color.RGBA{0xff, 0xff, 0xff, 0xff}
	titleColor = color.RGBA{0x26, 0x26, 0x26, 0xff}
	labelColor = color.RGBA{0x5e, 0x5e, 0x5e, 0xff}
	axisColor  = color.RGBA{0x9a, 0xa0, 0xa6, 0xff}
	gridColor  = color.RGBA{0xe8, 0xea, 0xed, 0xff}
	otherColor = color.RGBA{0xba, 0xb0, 0xac, 0xff}
)

// palette is shared by every image and never modified; red is each
// entry's red channel, which for the greys is their level (text blending
// works on levels). They, the grey lookup and the fonts are made by the
// first chart (loadShared), not at start: most processes never draw one.
var (
	palette color.Palette
	red     [256]uint8
)

func buildPalette() color.Palette {
	p := color.Palette{bgColor, titleColor, labelColor, axisColor, gridColor, otherColor}
	for _, c := range seriesColors {
		p = append(p, c)
	}
	// Greys strictly between the title colour and white.
	lo, hi := int(titleColor.R), 0xff
	for i := 1; i <= rampSteps; i++ {
		v := uint8(lo + (hi-lo)*i/(rampSteps+1))
		p = append(p, color.RGBA{v, v, v, 0xff})
	}
	return p
}

// stackColor is the palette index of the i-th stack's colour.
func stackColor(i int) uint8 { return uint8(firstSeries + i) }
