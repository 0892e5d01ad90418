package chart_test

import (
	"bytes"
	"fmt"
	"image/png"

	"github.com/stammer-mcp/stammer-mcp/chart"
)

// A tool turns its per-day counts into a Series and returns the PNG as MCP
// image content next to its text. The image is always the same size, so
// its token cost is known up front.
func ExamplePNG() {
	b, err := chart.PNG(chart.Series{
		Title:   "Conversations per day · chatbot 17 · 2026-11-01 to 2026-11-03",
		Periods: []string{"2026-11-01", "2026-11-02", "2026-11-03"},
		Stacks: []chart.Stack{
			{Name: "website", Counts: []int{40, 52, 47}},
			{Name: "whatsapp", Counts: []int{21, 30, 0}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, _ := png.DecodeConfig(bytes.NewReader(b))
	fmt.Printf("%d×%d, under %d KB: %v, about %d tokens\n",
		cfg.Width, cfg.Height, chart.MaxBytes>>10, len(b) <= chart.MaxBytes, cfg.Width*cfg.Height/750)
	// Output: 900×450, under 80 KB: true, about 540 tokens
}
