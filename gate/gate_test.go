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
	doneA()
	doneB()
	if n := g.InFlight(); n != 0 {
		t.Errorf("%d bytes in flight after both are done", n)
	}
	select {
	case <-released:
	case <-time.After(time.Second):
		t.Error("the burst's memory was not released")
	}
}
