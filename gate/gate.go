// Package gate holds the bounds that every call of a process shares when
// it talks to an upstream API: how many calls may talk to it at once, and
// how many answer bytes may be read at once by all of them together. The
// body cap of one call is per call; six calls each at the cap would need
// six times the memory, so the Stammer client passes its calls through one
// Gate.
package gate

import (
	"context"
	"errors"
	"io"
	"runtime/debug"
	"sync/atomic"
)

// burstBytes is how much a burst of reading must have left behind for the
// memory to be handed back to the system at once when it ends.
const burstBytes = 64 << 20

// ErrInFlight is what a budgeted body's reader returns when the byte budget
// is spent.
var ErrInFlight = errors.New("gate: in-flight byte budget spent")

// Gate is the process-wide bounds: turns to talk to the API, and the bytes
// being read at once.
type Gate struct {
	slots    chan struct{}
	budget   int64
	inFlight atomic.Int64
	// dropped is the bytes read, since inFlight was last zero, by reads
	// whose answer was not kept: what the burst left behind as garbage.
	dropped atomic.Int64
	burst   int64 // dropped bytes from which the memory is released at once
	// Release hands memory back to the system after a burst
	// (debug.FreeOSMemory); tests replace it before the first call.
	Release func()
}

// New returns a Gate of maxConcurrent turns and a budget of bytes.
func New(maxConcurrent int, budget int64) *Gate {
	return &Gate{slots: make(chan struct{}, maxConcurrent), budget: budget,
		burst: min(burstBytes, budget/2), Release: debug.FreeOSMemory}
}

// Turns is how many calls may talk to the API at once.
func (g *Gate) Turns() int { return cap(g.slots) }

// Budget is how many answer bytes may be read at once.
func (g *Gate) Budget() int64 { return g.budget }

// InFlight is how many answer bytes are being read now.
func (g *Gate) InFlight() int64 { return g.inFlight.Load() }

// Acquire waits for a turn to talk to the API, or for ctx to end (then it
// returns ctx.Err()): a cancelled call that was still waiting makes no
// request at all. The returned func gives the turn back.
func (g *Gate) Acquire(ctx context.Context) (func(), error) {
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	default:
	}
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Body wraps a response body so that its bytes count against the budget
// while it is read (past the budget its reads fail with ErrInFlight); done
// returns them when the attempt is over, saying whether what was read is
// kept (a decoded answer, now cached and being answered from).
func (g *Gate) Body(r io.Reader) (_ io.Reader, done func(kept bool)) {
	b := &budgetReader{r: r, g: g}
	return b, b.done
}

// budgetReader charges what it reads to the shared budget.
type budgetReader struct {
	r io.Reader
	g *Gate
	n int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.g.inFlight.Load() > b.g.budget {
		return 0, ErrInFlight
	}
	k, err := b.r.Read(p)
	if k > 0 {
		b.n += int64(k)
		if b.g.inFlight.Add(int64(k)) > b.g.budget {
			return k, ErrInFlight
		}
	}
	return k, err
}

// done returns the bytes read to the budget. When nothing is being read
// any more after a burst of reads that failed (an answer too large, a
// budget spent, a broken connection), the memory they left is garbage and
// is handed back to the system at once rather than minutes later. A kept
// answer does not count: it is still held, so the full collection that
// hands memory back would free next to nothing and cost a mark of the whole
// answer during the call (K = 50,000: 114 MB before and after, 66–131 ms).
func (b *budgetReader) done(kept bool) {
	if b.n == 0 {
		return
	}
	if !kept {
		b.g.dropped.Add(b.n)
	}
	now := b.g.inFlight.Add(-b.n)
	b.n = 0
	if now == 0 && b.g.dropped.Swap(0) >= b.g.burst {
		go b.g.Release()
	}
}
