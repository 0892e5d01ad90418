package stammer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// TestCancelStopsTheUpstreamRequest: cancelling a call's context closes
// its connection at once, whether the API is still thinking (Delay) or
// halfway through a body (Drip); the fake sees the client leave within
// 100 ms.
func TestCancelStopsTheUpstreamRequest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault stammertest.Fault
	}{
		{"waiting for the answer", stammertest.Fault{Delay: 30 * time.Second}},
		{"reading the body", stammertest.Fault{Drip: 10 * time.Millisecond, DripBytes: 16}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := stammertest.NewServer(t)
			srv.SetFault(tc.fault)
			c := newClient(t, srv, func(cfg *stammer.Config) { cfg.Timeout = time.Minute; cfg.MaxRetries = 2 })
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() {
				_, err := c.ListConversations(ctx, stammer.Query{})
				errc <- err
			}()
			if !srv.WaitRequests(1, 5*time.Second) {
				t.Fatal("the request never arrived")
			}
			time.Sleep(50 * time.Millisecond) // well into the delay or the body
			cancelled := time.Now()
			cancel()
			r, ok := srv.WaitCancelled(2 * time.Second)
			if !ok {
				t.Fatal("the fake never saw the client leave")
			}
			if lag := r.CancelledAt.Sub(cancelled); lag > 100*time.Millisecond {
				t.Errorf("the upstream request stopped %v after the cancel, want under 100ms", lag)
			}
			select {
			case err := <-errc:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err = %v, want Canceled", err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("the call did not return after its cancel")
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("a cancelled call was retried: %d requests", n)
			}
		})
	}
}
