package stammer

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// TestQueuedCallsWaitTheirTurn: with one turn, a second call waits; when its
// deadline passes while waiting it fails with a BusyError that says so, and
// when it is cancelled while waiting it sends no request at all.
func TestQueuedCallsWaitTheirTurn(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetFault(stammertest.Fault{Delay: 3 * time.Second})
	c, err := New(Config{BaseURL: srv.URL, Token: stammertest.DefaultToken, MaxConcurrent: 1, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	go c.ListConversations(context.Background(), Query{}) //nolint:errcheck // holds the only turn
	if !srv.WaitRequests(1, 5*time.Second) {
		t.Fatal("the first call never reached the fake")
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.ListConversations(ctx, Query{ChatbotID: 17}); done <- err }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("a call cancelled while waiting: %v", err)
	}

	short, err := New(Config{BaseURL: srv.URL, Token: stammertest.DefaultToken, MaxConcurrent: 1, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	short.lim = c.lim // the same process-wide turns
	_, err = short.GetConversation(context.Background(), "0b9e6c1e-5a4e-4c3e-9f1e-2d3c4b5a6978")
	var be *BusyError
	if !errors.As(err, &be) || be.InFlight || !strings.Contains(err.Error(), "already making 1 calls") {
		t.Errorf("a call whose deadline passed while waiting: %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests reached the fake, want only the first", n)
	}
}

// TestInFlightBudgetIsShared: calls that read large answers at once share
// one byte budget; past it a call fails with a BusyError naming the
// limit, the bytes are returned when the calls end, and the memory of the
// burst is released.
func TestInFlightBudgetIsShared(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetFault(stammertest.Fault{HugeBody: 1 << 30, Chunked: true})
	const budget = 8 << 20
	c, err := New(Config{BaseURL: srv.URL, Token: stammertest.DefaultToken, MaxBodyBytes: 6 << 20, MaxInFlightBytes: budget, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var released atomic.Int32
	c.lim.Release = func() { released.Add(1) }
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.ListConversations(context.Background(), Query{ChatbotID: int64(i + 1)}) })
	}
	wg.Wait()
	busy := 0
	for _, err := range errs {
		var be *BusyError
		var tl *BodyTooLargeError
		switch {
		case errors.As(err, &be) && be.InFlight && be.Limit == budget:
			busy++
			if !strings.Contains(err.Error(), "passed this server's limit of 8 MiB") {
				t.Errorf("BusyError text: %v", err)
			}
		case errors.As(err, &tl):
		default:
			t.Errorf("err = %v, want BusyError or BodyTooLargeError", err)
		}
	}
	if busy == 0 {
		t.Error("four calls of 6 MiB each never met the shared 8 MiB budget")
	}
	if n := c.lim.InFlight(); n != 0 {
		t.Errorf("%d bytes still counted in flight after every call ended", n)
	}
	time.Sleep(50 * time.Millisecond)
	if released.Load() == 0 {
		t.Error("the memory of the burst was not released")
	}
}
