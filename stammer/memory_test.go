package stammer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// heapObjects is the runtime metric of heap memory held by objects, live
// or not yet swept: what HeapAlloc reports, without stopping the world.
const heapObjects = "/memory/classes/heap/objects:bytes"

// peakHeap runs f and returns the peak of heap objects above what was in
// use before it (after a GC), sampled every half millisecond. It measures
// what f costs the process, garbage the collector has not yet reclaimed
// included: what a user's machine has to provide.
func peakHeap(f func()) (peak uint64) {
	runtime.GC()
	s := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(s)
	base := s[0].Value.Uint64()
	stop, done := make(chan struct{}), make(chan struct{})
	var max uint64
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: heapObjects}}
		t := time.NewTicker(500 * time.Microsecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			max = mx(max, s[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	<-done
	metrics.Read(s)
	max = mx(max, s[0].Value.Uint64())
	if max < base {
		return 0
	}
	return max - base
}

func mx(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// hugeCap is the body cap of the memory tests: the product's default
// normally; 32 MiB under the race detector or -short, where reading
// 256 MiB would take most of a minute.
func hugeCap() int64 {
	if raceEnabled || testing.Short() {
		return 32 << 20
	}
	return stammer.DefaultMaxBodyBytes
}

// TestHugeBodyStaysUnderTheCap offers the client a 1 GiB body three ways
// and checks it stops at the cap with the size error (or, for one giant
// string, the token limit) while the heap it used stays under the cap.
func TestHugeBodyStaysUnderTheCap(t *testing.T) {
	limit := hugeCap()
	giant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// {"data":[{"messages":[{"query":"xxxx… for a gigabyte.
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":[{"messages":[{"query":"`)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for sent := 0; sent < 1<<30; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer giant.Close()

	tests := []struct {
		name     string
		fault    stammertest.Fault
		base     string // instead of the fake
		maxHeap  uint64
		maxTime  time.Duration
		tooLarge bool
	}{
		{name: "declared length", fault: stammertest.Fault{HugeBody: 1 << 30}, maxHeap: 8 << 20, maxTime: time.Second, tooLarge: true},
		{name: "chunked", fault: stammertest.Fault{HugeBody: 1 << 30, Chunked: true}, maxHeap: uint64(limit), maxTime: time.Minute, tooLarge: true},
		{name: "one giant string", base: giant.URL, maxHeap: 64 << 20, maxTime: 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := stammertest.NewServer(t)
			srv.SetFault(tt.fault)
			c := newClient(t, srv, func(cfg *stammer.Config) {
				cfg.MaxBodyBytes = limit
				cfg.Timeout = 2 * time.Minute
				if tt.base != "" {
					cfg.BaseURL = tt.base
				}
			})
			var err error
			start := time.Now()
			peak := peakHeap(func() { _, err = c.ListConversations(context.Background(), stammer.Query{}) })
			took := time.Since(start)
			t.Logf("cap %d MiB: %v after %v, peak heap +%.1f MiB", limit>>20, err, took.Round(time.Millisecond), float64(peak)/(1<<20))
			var tl *stammer.BodyTooLargeError
			var de *stammer.DecodeError
			switch {
			case tt.tooLarge && (!errors.As(err, &tl) || tl.Limit != limit):
				t.Errorf("err = %v, want BodyTooLargeError{%d}", err, limit)
			case !tt.tooLarge && (!errors.As(err, &de) || !strings.Contains(err.Error(), "longer than 16 MiB")):
				t.Errorf("err = %v, want the token-size DecodeError", err)
			}
			if peak >= tt.maxHeap {
				t.Errorf("peak heap +%d MiB, want under %d MiB", peak>>20, tt.maxHeap>>20)
			}
			if took > tt.maxTime {
				t.Errorf("took %v", took)
			}
			if tt.base == "" {
				if r := waitComplete(t, srv); r.BodyBytes > limit+64<<20 {
					t.Errorf("the fake wrote %d MiB", r.BodyBytes>>20)
				}
			}
		})
	}
}

// BenchmarkDecode50k decodes 50,000 generated conversations (the fixture
// mix: five languages, 3,000-character messages, hostile text; about
// 88 MB of JSON) and reports, from one measured run, the peak heap the
// decoding took above the body it reads (peak-MB), what the result keeps
// (kept-MB, and the decoder's own estimate, accounted-MB) and the body
// size (body-MB). The body is held in memory only to be read from; the
// client itself never holds a body.
func BenchmarkDecode50k(b *testing.B) {
	for _, st := range []stammertest.Style{stammertest.StyleTurns, stammertest.StyleRoles} {
		b.Run(st.String(), func(b *testing.B) {
			body := stammertest.Encode(stammertest.Generate(stammertest.GenerateOptions{Seed: 1, N: 50000}), stammertest.ShapeEnvelope, st)
			var res *stammer.ListResult
			var err error
			peak := peakHeap(func() { res, err = stammer.DecodeList(bytes.NewReader(body), 0) })
			if err != nil || len(res.Conversations) != 50000 {
				b.Fatalf("%v, %d conversations", err, len(res.Conversations))
			}
			runtime.GC()
			s := []metrics.Sample{{Name: heapObjects}}
			metrics.Read(s)
			withResult := s[0].Value.Uint64()
			accounted := res.DecodedBytes
			res = nil
			runtime.GC()
			metrics.Read(s)
			kept := withResult - s[0].Value.Uint64()

			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := stammer.DecodeList(bytes.NewReader(body), 0); err != nil {
					b.Fatal(err)
				}
			}
			const mb = 1 << 20
			b.ReportMetric(float64(peak)/mb, "peak-MB")
			b.ReportMetric(float64(kept)/mb, "kept-MB")
			b.ReportMetric(float64(accounted)/mb, "accounted-MB")
			b.ReportMetric(float64(len(body))/mb, "body-MB")
		})
	}
}
