package gate

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestAcquireWaitsAndGivesBack: a second caller waits for the only turn,
// gives up with its context's error, and gets the turn once it is given
// back.
func TestAcquireWaitsAndGivesBack(t *testing.T) {
	g := New(1, 1<<20)
	release, err := g.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := g.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the deadline: %v", err)
	}
	release()
	again, err := g.Acquire(context.Background())
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
}

// TestBodyBudget: reading past the shared budget fails with ErrInFlight,
// done returns the bytes, and the end of a burst releases memory.
func TestBodyBudget(t *testing.T) {
	g := New(2, 10)
	released := make(chan struct{}, 1)
	g.Release = func() { released <- struct{}{} }
	a, doneA := g.Body(strings.NewReader("0123456"))
	b, doneB := g.Body(strings.NewReader("0123456"))
	if _, err := io.ReadAll(a); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(b); !errors.Is(err, ErrInFlight) {
		t.Fatalf("14 bytes against a budget of 10: %v", err)
	}
	doneA(true)
	doneB(false)
	if n := g.InFlight(); n != 0 {
		t.Errorf("%d bytes in flight after both are done", n)
	}
	select {
	case <-released:
	case <-time.After(time.Second):
		t.Error("the burst's memory was not released")
	}
}

// TestKeptAnswersAreNotReleased: a burst of reads whose answers are kept
// ends without handing memory back (it is still held; a collection would
// free nothing), however large; one that failed past the burst size does.
func TestKeptAnswersAreNotReleased(t *testing.T) {
	g := New(2, 100)
	released := make(chan struct{}, 1)
	g.Release = func() { released <- struct{}{} }
	read := func(n int, kept bool) {
		r, done := g.Body(strings.NewReader(strings.Repeat("x", n)))
		if _, err := io.ReadAll(r); err != nil {
			t.Fatal(err)
		}
		done(kept)
	}
	read(90, true) // burst size is 50 (half the budget)
	select {
	case <-released:
		t.Error("memory released after a kept answer")
	case <-time.After(50 * time.Millisecond):
	}
	read(40, false) // dropped, but under the burst size
	select {
	case <-released:
		t.Error("memory released after 40 dropped bytes, under the burst size")
	case <-time.After(50 * time.Millisecond):
	}
	read(60, false)
	select {
	case <-released:
	case <-time.After(time.Second):
		t.Error("memory not released after 60 dropped bytes")
	}
}
