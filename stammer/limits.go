package stammer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync/atomic"
)

// DefaultMaxConcurrent is how many calls may talk to the Stammer API at
// once, per process. Others wait their turn (the wait counts in their own
// deadline) rather than each reading a large answer at the same time: the
// body cap is per call, and six calls each at the cap would need six times
// the memory.
const DefaultMaxConcurrent = 4

// DefaultMaxInFlightBytes bounds the answer bytes being read at once by all
// calls together (each call's own cap is MaxBodyBytes). When the cap of one
// call is larger, the budget is raised to it so that one call alone can
// always use its whole cap.
const DefaultMaxInFlightBytes int64 = 256 << 20

// burstBytes is how large a burst of reading must have been for the memory
// it left behind to be handed back to the system at once when it ends.
const burstBytes = 64 << 20

// BusyError is a call refused because of what other calls were doing: it
// waited for a turn to talk to the API until its deadline, or the answers
// being read at once passed the process's in-flight budget. Nothing about
// the query itself was wrong; another attempt later may succeed.
type BusyError struct {
	// InFlight is true when the byte budget was spent, false when the
	// wait for a turn ran out of time.
	InFlight bool
	// Limit is the budget in bytes (InFlight) or the number of calls that
	// may talk to the API at once.
	Limit int64
}

// Error says what the server was busy with and what to do.
func (e *BusyError) Error() string {
	if e.InFlight {
		return "the answers being read from the Stammer API at once (this call's and others') passed this server's limit of " +
			formatSize(e.Limit) + "; try again when the other calls have finished, or narrow the query with startDate/endDate (or chatbot_id, sourcePlatform)"
	}
	return fmt.Sprintf("this server was already making %d calls to the Stammer API, and this call's time ran out while it waited for one of them to finish; try again in a moment, or narrow the other queries", e.Limit)
}

// errInFlight is what a budgeted body's reader returns when the budget is
// spent; the client turns it into a *BusyError.
var errInFlight = errors.New("stammer: in-flight byte budget spent")

// limits are the process-wide bounds a Client shares among its calls: turns
// to talk to the API, and the bytes being read at once.
type limits struct {
	slots    chan struct{}
	budget   int64
	inFlight atomic.Int64
	peak     atomic.Int64 // largest inFlight since it was last zero
	burst    int64        // a peak from which the memory is released at once
	// release hands memory back to the system after a burst; tests
	// replace it.
	release func()
}

func newLimits(maxConcurrent int, budget int64) *limits {
	return &limits{slots: make(chan struct{}, maxConcurrent), budget: budget,
		burst: min(burstBytes, budget/2), release: debug.FreeOSMemory}
}

// acquire waits for a turn to talk to the API, or for ctx to end: a
// cancelled call that was still waiting makes no request at all.
func (l *limits) acquire(ctx context.Context) (func(), error) {
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	default:
	}
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	case <-ctx.Done():
		if errors.Is(context.Cause(ctx), errCallTimeout) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, &BusyError{Limit: int64(cap(l.slots))}
		}
		return nil, ctx.Err()
	}
}

// body wraps a response body so that its bytes count against the budget
// while it is read; done returns them when the attempt is over.
func (l *limits) body(r io.Reader) (_ io.Reader, done func()) {
	b := &budgetReader{r: r, l: l}
	return b, b.done
}

// budgetReader charges what it reads to the shared budget.
type budgetReader struct {
	r io.Reader
	l *limits
	n int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.l.inFlight.Load() > b.l.budget {
		return 0, errInFlight
	}
	k, err := b.r.Read(p)
	if k > 0 {
		b.n += int64(k)
		now := b.l.inFlight.Add(int64(k))
		for p := b.l.peak.Load(); now > p && !b.l.peak.CompareAndSwap(p, now); p = b.l.peak.Load() {
		}
		if now > b.l.budget {
			return k, errInFlight
		}
	}
	return k, err
}

// done returns the bytes read to the budget. When nothing is being read
// any more after a burst, the memory the burst left is handed back to the
// system at once rather than minutes later.
func (b *budgetReader) done() {
	if b.n == 0 {
		return
	}
	now := b.l.inFlight.Add(-b.n)
	b.n = 0
	if now == 0 && b.l.peak.Swap(0) >= b.l.burst {
		go b.l.release()
	}
}
