package stammer

import (
	"testing"
	"time"
)

// TestBackoffIsExponentialWithFullJitter: each wait is uniform in
// [0, base·2ⁿ] (capped), so the waits of clients that failed together
// spread over the whole interval rather than clustering near its top.
func TestBackoffIsExponentialWithFullJitter(t *testing.T) {
	base := 500 * time.Millisecond
	for attempt, ceil := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second} {
		var lo, hi time.Duration = ceil, 0
		for range 2000 {
			d := backoff(base, attempt)
			if d < 0 || d > ceil {
				t.Fatalf("attempt %d: wait %v outside [0, %v]", attempt, d, ceil)
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		// With 2000 uniform draws, both ends of the interval are reached
		// within 1% (failure odds about e^-20).
		if lo > ceil/100 || hi < ceil-ceil/100 {
			t.Errorf("attempt %d: waits span [%v, %v], want about [0, %v]", attempt, lo, hi, ceil)
		}
	}
	if d := backoff(base, 1000); d > maxBackoff {
		t.Errorf("a late attempt waits %v, over the cap", d)
	}
	if d := backoff(0, 3); d != 0 {
		t.Errorf("zero base waits %v", d)
	}
}
