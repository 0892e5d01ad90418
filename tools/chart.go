package tools

import (
	"errors"

	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// renderChart draws conversations per period stacked by platform.
// (Placeholder until the chart package lands.)
func renderChart(cs []stammer.Conversation, idx []int, t Totals, f Filters) (string, string, int, error) {
	return "", "", 0, errors.New("charts are not available in this build")
}
