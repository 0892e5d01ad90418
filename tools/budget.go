package tools

import (
	"encoding/json"
	"fmt"
)

// DefaultMaxOutputTokens is the default budget of one tool result (text
// plus structured content). It is well under the 25,000-token ceiling some
// clients put on a tool result, leaving the model room to think.
const DefaultMaxOutputTokens = 8000

// minOutputTokens is the smallest budget a call may ask for: below it the
// totals themselves may not fit.
const minOutputTokens = 1500

// budgetFor resolves a call's budget: the server's, lowered by the call's
// max_tokens when that is smaller.
func (d Deps) budgetFor(requested int) int {
	limit := d.MaxOutputTokens
	if limit <= 0 {
		limit = DefaultMaxOutputTokens
	}
	if requested > 0 && requested < limit {
		return requested
	}
	return limit
}

// checkMaxTokens validates a call's max_tokens argument.
func (d Deps) checkMaxTokens(n int) error {
	if n != 0 && n < minOutputTokens {
		return argErrorf("max_tokens must be at least %d (the totals alone need about that); omit it for the server's budget of %d", minOutputTokens, d.budgetFor(0))
	}
	return nil
}

// shaper is a result that can render itself and give up detail step by
// step to fit a budget.
type shaper interface {
	render() (text string, structured any)
	// shrink drops the least useful remaining detail and records the cut;
	// it returns false when nothing more can go.
	shrink() bool
}

// fit renders r within limit tokens, shrinking it as needed. When even the
// smallest form is over (a budget too small for the totals), it returns
// that smallest form and an error saying so, so a caller never sends an
// over-budget result silently.
func fit(r shaper, limit int) (string, any, error) {
	for {
		text, sc := r.render()
		n, err := tokens(text, sc)
		if err != nil {
			return "", nil, err
		}
		if n <= limit {
			return text, sc, nil
		}
		if !r.shrink() {
			return text, sc, fmt.Errorf("the smallest form of this result is about %d tokens, over the budget of %d", n, limit)
		}
	}
}

// NextCall is the exact call that continues a result cut to a page or to
// the budget.
type NextCall struct {
	Tool      string          `json:"tool" jsonschema:"required" jsonschema_description:"The tool to call."`
	Arguments json.RawMessage `json:"arguments" jsonschema:"required" jsonschema_description:"Its arguments, ready to send."`
}

// rest is what remains of total items after a page that ends at end, and
// the call for them (args, a params struct, starting there) when any do.
func rest(total, end int, tool string, args any) (int, *NextCall) {
	if n := total - end; n > 0 {
		return n, nextCall(tool, args)
	}
	return 0, nil
}

// pageCut says that the budget cut a page from n to kept items.
func pageCut(page string, n, kept int, items string) string {
	return fmt.Sprintf("%s cut from %d to %d %s to fit the output budget; the next call continues after them", page, n, kept, items)
}

// nextCall is the call of tool with args (a params struct, which always
// marshals).
func nextCall(tool string, args any) *NextCall {
	b, _ := json.Marshal(args)
	return &NextCall{Tool: tool, Arguments: b}
}
