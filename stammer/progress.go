package stammer

import (
	"context"
	"time"
)

// Progress is how far a ListConversations call has got, for a caller that
// shows progress (the MCP tools turn it into notifications/progress).
type Progress struct {
	// Page is the page being read (1 without paging).
	Page int
	// Conversations is how many conversations have been decoded so far,
	// over every page.
	Conversations int
	// Total is the API's own total count when it sent one, else -1.
	Total int
	// Bytes is how many response bytes have been read so far.
	Bytes int64
	// PageDone is true when a page has been read completely (one report
	// per page), false for a report from the middle of a long page.
	PageDone bool
}

// ProgressFunc receives Progress reports. It is called on the goroutine of
// the ListConversations call, so it must return quickly.
type ProgressFunc func(Progress)

type progressKey struct{}

// WithProgress returns a context that makes ListConversations report its
// progress to fn: once per page, and every half second or so while a long
// page is being read. The context carries it rather than Config because it
// belongs to one call (one client's progress token), not to the client.
func WithProgress(ctx context.Context, fn ProgressFunc) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

// progressEvery spaces the reports from inside one long page: often enough
// for a client that resets its timeout on progress, rarely enough to cost
// nothing.
var progressEvery = 500 * time.Millisecond

// progressor throttles and accumulates reports for one call.
type progressor struct {
	fn   ProgressFunc
	last time.Time
}

func newProgressor(ctx context.Context) *progressor {
	fn, _ := ctx.Value(progressKey{}).(ProgressFunc)
	if fn == nil {
		return nil
	}
	return &progressor{fn: fn, last: time.Now()}
}

// during returns the decoder's hook for page (after the pages in before),
// which reports at most every progressEvery.
func (p *progressor) during(page int, before *ListResult) itemHook {
	prev := ListResult{Count: -1}
	if before != nil {
		prev = *before
	}
	return func(convs, count int, n int64) {
		if time.Since(p.last) < progressEvery {
			return
		}
		p.last = time.Now()
		if count < 0 {
			count = prev.Count
		}
		p.fn(Progress{Page: page, Conversations: len(prev.Conversations) + convs, Total: count, Bytes: prev.Bytes + n})
	}
}

// pageDone reports a completed page; total holds every page so far.
func (p *progressor) pageDone(page int, total *ListResult) {
	p.last = time.Now()
	p.fn(Progress{Page: page, Conversations: len(total.Conversations), Total: total.Count, Bytes: total.Bytes, PageDone: true})
}
