package tools

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/stammer-mcp/stammer-mcp/chart"
	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// imageTokens estimates what an image costs a model: Claude counts about
// width×height/750 tokens, whatever the PNG's size in bytes, so that is
// what the output budget is charged for a chart.
func imageTokens(w, h int) int { return (w*h + 749) / 750 }

// image is a PNG attached to a result, and what it costs of the budget.
type image struct {
	png    string // base64, for image content
	tokens int
}

// chartFor draws conversations per period (the totals' period) stacked by
// platform. It returns a one-line description for the result's text and
// the image, or why there is no chart and nil.
func chartFor(cs []stammer.Conversation, idx []int, t Totals, f Filters) (string, *image) {
	png, desc, err := renderChart(cs, idx, t, f)
	if err != nil {
		return "no chart: " + err.Error(), nil
	}
	return desc, &image{png: png, tokens: imageTokens(chart.MaxWidth, chart.MaxHeight)}
}

// renderChart draws the chart as base64 PNG with its description.
func renderChart(cs []stammer.Conversation, idx []int, t Totals, f Filters) (string, string, error) {
	if len(t.ByPeriod) == 0 {
		return "", "", fmt.Errorf("no conversation has a start time to chart")
	}
	periods := slices.Sorted(maps.Keys(t.ByPeriod))
	at := make(map[string]int, len(periods))
	for i, p := range periods {
		at[p] = i
	}
	counts := map[string][]int{}
	for _, i := range idx {
		c := &cs[i]
		if c.CreatedAt.IsZero() {
			continue
		}
		k := bucket(t.Period, c.CreatedAt.Time().Format(time.DateOnly))
		j, ok := at[k]
		if !ok {
			continue // a period cut from the series
		}
		p := cmp.Or(c.Platform, "unknown")
		if counts[p] == nil {
			counts[p] = make([]int, len(periods))
		}
		counts[p][j]++
	}
	// Platforms in a fixed order (by total, then name) keep colours stable
	// from one call to the next.
	s := chart.Series{
		Title:   chartTitle(t.Period, f),
		Periods: periods,
	}
	for _, pc := range t.ByPlatform {
		if cs := counts[pc.Platform]; cs != nil {
			s.Stacks = append(s.Stacks, chart.Stack{Name: pc.Platform, Counts: cs})
		}
	}
	png, err := chart.PNG(s)
	if err != nil {
		return "", "", err
	}
	desc := fmt.Sprintf("a %d×%d PNG (%d KB) of conversations per %s stacked by platform, %s to %s, is attached as an image",
		chart.MaxWidth, chart.MaxHeight, (len(png)+1023)/1024, t.Period, periods[0], periods[len(periods)-1])
	return base64.StdEncoding.EncodeToString(png), desc, nil
}

// chartTitle names what the chart shows in a line that fits: the chatbot
// and the dates, not every filter.
func chartTitle(period string, f Filters) string {
	title := "Conversations per " + period
	switch {
	case f.ChatbotID > 0:
		title += fmt.Sprintf(" · chatbot %d", f.ChatbotID)
	case f.ChatbotUUID != "":
		title += " · chatbot " + f.ChatbotUUID[:8]
	}
	if f.SourcePlatform != "" {
		title += " · " + f.SourcePlatform
	}
	switch {
	case f.StartDate != "" && f.EndDate != "":
		title += " · " + f.StartDate + " to " + f.EndDate
	case f.StartDate != "":
		title += " · from " + f.StartDate
	case f.EndDate != "":
		title += " · until " + f.EndDate
	}
	if f.OnlyDeletedConversations {
		title += " · deleted"
	}
	return title
}
