package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stammer-mcp/stammer-mcp/sharedcache/cachetest"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// The shared cache measurement (STAMMER_CACHE_URL): two fresh replicas and
// a real valkey-server or redis-server on loopback, emptied before each
// repetition. Replica A makes the first call, which fetches the answer
// and stores it; replica B, another fresh process, makes one unmeasured
// call of another query (so that its first-call costs are paid, as they
// are in the in-process figures), then asks for the next page of A's
// query, which it reads from the shared cache, and for the page after,
// which its in-process cache serves. It is measured when a server is on
// PATH, and reported as not measured otherwise.

// paged2Args is the page after pagedArgs; warmArgs is another query.
const (
	paged2Args = `{"onlyDeletedConversations":false,"offset":40}`
	warmArgs   = `{"onlyDeletedConversations":true,"limit":1}`
)

// sharedResult is the shared cache measurement at one K.
type sharedResult struct {
	fetched    sample // A's first call: fetched upstream (stored after)
	publish    sample // from A's answer to the entry being readable
	fromShared sample // B's first call, a next page, from the shared cache
	fromLocal  sample // B's second call, the page after, from its own cache
	stored     sample // growth of the server's used_memory, bytes
	rssA, rssB sample // VmHWM, bytes
}

// startCache starts the cache server when one is installed; without one
// the shared cache rows say so.
func (b *bench) startCache() {
	if cachetest.Binary() == "" {
		b.logf("shared cache: neither valkey-server nor redis-server is on PATH; not measured")
		return
	}
	s, err := cachetest.Launch()
	if err != nil {
		b.logf("shared cache: %v; not measured", err)
		return
	}
	b.cache = s
	b.logf("shared cache: %s on %s", cachetest.Binary(), s.Addr)
}

// sharedRun is one repetition of the shared cache measurement.
func (b *bench) sharedRun(ctx context.Context, fake *stammertest.Server, r *kResult) error {
	ctx, cancel := context.WithTimeout(ctx, 3*b.o.timeout)
	defer cancel()
	if r.shared == nil {
		r.shared = &sharedResult{}
	}
	s := r.shared
	if _, err := b.cache.Command("FLUSHALL"); err != nil {
		return fmt.Errorf("shared cache: FLUSHALL: %w", err)
	}
	base, err := b.usedMemory()
	if err != nil {
		return err
	}
	env := append(b.oursEnvFor(fake.URL), "STAMMER_CACHE_URL="+b.cache.URL)
	// A publishes in the background: wait for the entry before stopping
	// A (which would cut the publishing short), and time it.
	published := func(context.Context, *proc) error {
		start := time.Now()
		for {
			keys, err := b.cache.Command("KEYS", "stammer-mcp:*:e:*")
			if err != nil {
				return fmt.Errorf("shared cache: KEYS: %w", err)
			}
			if keys == "*1" {
				s.publish.addDuration(time.Since(start))
				return nil
			}
			if time.Since(start) > b.o.timeout {
				return fmt.Errorf("shared cache: replica A stored no entry within %s (KEYS answered %s)", b.o.timeout, keys)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	if err := b.repetition(ctx, "stammer-mcp replica A", b.bins.ours, env, timed(firstArgs, &s.fetched, nil), published, peak(&s.rssA)); err != nil {
		return err
	}
	used, err := b.usedMemory()
	if err != nil {
		return err
	}
	s.stored = append(s.stored, float64(used-base))
	before := len(fake.Requests())
	var warm sample
	if err := b.repetition(ctx, "stammer-mcp replica B", b.bins.ours, env, timed(warmArgs, &warm, nil), timed(pagedArgs, &s.fromShared, nil), timed(paged2Args, &s.fromLocal, nil), peak(&s.rssB)); err != nil {
		return err
	}
	if n := len(fake.Requests()) - before; n != 1 {
		return fmt.Errorf("shared cache: replica B made %d upstream requests, want 1 (its warm-up call): it did not read the shared cache (run with -v for its log)", n)
	}
	return nil
}

// usedMemory reads used_memory from the server's INFO.
func (b *bench) usedMemory() (int64, error) {
	info, err := b.cache.Command("INFO", "memory")
	if err != nil {
		return 0, fmt.Errorf("shared cache: INFO: %w", err)
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("shared cache: no used_memory in INFO memory")
}

// sharedReport renders the shared cache table.
func (b *bench) sharedReport(w *strings.Builder) {
	fmt.Fprintf(w, "\n### Shared cache (STAMMER_CACHE_URL, two replicas)\n\n")
	if b.cache == nil {
		fmt.Fprintf(w, "Not measured: neither valkey-server nor redis-server is on PATH.\n")
		return
	}
	fmt.Fprintf(w, "Two fresh stammer-mcp processes and %s on loopback, emptied before each repetition. Replica A's first call fetches the answer, returns it (*fetched, A*), and stores it in the background (*published* after the answer: until the entry is readable); replica B, after one unmeasured call of another query (its first-call costs), asks for the next page (`offset` 20) of A's query and reads it from the shared cache (*paged, shared*: read, decompressed, decoded; B makes no request for it, checked); B's next call (`offset` 40) is served by its in-process cache (*paged, in-process*). *fetched* is stammer-mcp's first call without a shared cache, from the latency table. *stored* is the growth of the server's `used_memory`. RSS is each replica's peak after its calls.\n\n", "`"+filepath.Base(cachetest.Binary())+"`")
	t := &table{head: []string{"K", "raw body", "fetched", "fetched (A)", "published", "**paged, shared (B)**", "paged, in-process (B)", "fetched ÷ shared", "shared ÷ in-process", "stored", "RSS A", "RSS B", "RSS, no shared cache"}}
	for _, r := range b.perK {
		s := r.shared
		if s == nil {
			continue
		}
		t.add(fmtInt(r.k), fmtBytes(float64(r.body)), durCell(r.oursFirst), durCell(s.fetched), durCell(s.publish), durCell(s.fromShared), durCell(s.fromLocal),
			ratio(r.oursFirst.median(), s.fromShared.median()), ratio(s.fromShared.median(), s.fromLocal.median()),
			fmtBytes(s.stored.median()), bytesCell(s.rssA), bytesCell(s.rssB), bytesCell(r.oursRSS))
	}
	w.WriteString(t.String())
}
