package tools

import (
	"container/list"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/stammer-mcp/stammer-mcp/policy"
	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// Defaults for the result cache. Sixty seconds is long enough for a model
// to page through a listing or open a transcript it just saw, and short
// enough that a user asking again a minute later sees new conversations.
const (
	DefaultCacheTTL = 60 * time.Second
	// DefaultCacheBytes bounds the cache by the raw size of the cached
	// responses (a decoded result takes about as much memory as its body).
	DefaultCacheBytes int64 = 512 << 20
	// defaultCacheEntries bounds the number of distinct queries kept.
	defaultCacheEntries = 32
)

// lister is the part of the Stammer client the fetcher needs.
type lister interface {
	ListConversations(ctx context.Context, q stammer.Query) (*stammer.ListResult, error)
}

// SharedCache is a cache shared by replicas (package sharedcache). List
// returns q's answer from it, or runs fetch (one replica at a time for the
// same query) and shares the answer; at is when the answer was fetched
// upstream. scope is the caller's access-policy scope ("" for none).
// Faults of the shared cache never fail a call.
type SharedCache interface {
	List(ctx context.Context, scope string, q stammer.Query,
		fetch func(context.Context) (*stammer.ListResult, time.Time, error)) (*stammer.ListResult, time.Time, error)
	// Backoff waits out a Retry-After another replica was sent, before a
	// request that List does not make.
	Backoff(ctx context.Context) error
}

// fetcher fetches conversation lists through a short-lived cache, so that
// paging, searching and opening a transcript of the same query cost one
// upstream request, and identical concurrent calls share one request.
//
// A shared request runs under its own context, cancelled only when every
// caller waiting for it has gone: one client cancelling its call must not
// fail another's, but a request nobody waits for must stop at once.
type fetcher struct {
	client   lister
	shared   SharedCache // nil: this process only
	ttl      time.Duration
	maxBytes int64
	maxItems int
	now      func() time.Time
	// policy limits each caller to their chatbots (access.go); nil
	// allows everything.
	policy *policy.Store

	mu      sync.Mutex
	entries map[cacheKey]*list.Element // of *cacheEntry
	lru     *list.List                 // front = most recently used
	bytes   int64
	flights map[cacheKey]*flight
}

// cacheKey is a query as asked by callers of one access scope: a result is
// only ever served to callers who may read exactly the same chatbots.
type cacheKey struct {
	scope string // policy.Scope.Key()
	q     stammer.Query
}

// cacheEntry is one cached result.
type cacheEntry struct {
	k       cacheKey
	res     *stammer.ListResult
	fetched time.Time
	size    int64
}

// flight is one upstream request that callers are waiting for.
type flight struct {
	done    chan struct{}
	res     *stammer.ListResult
	err     error
	fetched time.Time
	waiters int
	cancel  context.CancelFunc
}

// newFetcher builds a fetcher; ttl <= 0 disables caching (but concurrent
// identical calls still share a request).
func newFetcher(c lister, ttl time.Duration, maxBytes int64) *fetcher {
	return &fetcher{
		client:   c,
		ttl:      ttl,
		maxBytes: maxBytes,
		maxItems: defaultCacheEntries,
		now:      time.Now,
		entries:  map[cacheKey]*list.Element{},
		lru:      list.New(),
		flights:  map[cacheKey]*flight{},
	}
}

// fetched is a result and when it came from upstream.
type fetched struct {
	res    *stammer.ListResult
	at     time.Time
	cached bool // served from the cache, not by a request of this call
	// covers names the chatbots a query without a chatbot covered when
	// the caller may read only some (access.go); "" means all of them.
	covers string
}

// partialNote explains in a sentence for the model why r is partial (the
// client stopped following the API's next links), with r's numbers, or
// returns "" when r is complete.
func partialNote(r *stammer.ListResult) string {
	n := len(r.Conversations)
	switch r.Truncated {
	case stammer.TruncatedPageCap:
		s := fmt.Sprintf("Partial result: the Stammer API answered in pages and only the first %d pages (%d conversations) were read, the most one call fetches", r.Pages, n)
		if r.Count > n {
			s += fmt.Sprintf("; the API reports %d in all", r.Count)
		}
		return s + ". Narrow the query (a shorter startDate–endDate range, one chatbot or one sourcePlatform) to cover everything."
	case stammer.TruncatedOtherHost:
		return fmt.Sprintf("Partial result: after %d page(s) (%d conversations) the Stammer API linked its next page on another host, which was not followed so that the API token is not sent there. Check STAMMER_BASE_URL is the agency's API domain.", r.Pages, n)
	case stammer.TruncatedLoop:
		return fmt.Sprintf("Partial result: after %d page(s) (%d conversations) the Stammer API's next link pointed back at a page already read, so reading stopped.", r.Pages, n)
	}
	return ""
}

// get returns the result for q.q, cached under q. The result is shared:
// callers must not modify it. Callers go through list (access.go), which
// decides the scope.
func (f *fetcher) get(ctx context.Context, q cacheKey) (fetched, error) {
	f.mu.Lock()
	if el, ok := f.entries[q]; ok {
		e := el.Value.(*cacheEntry)
		if f.now().Sub(e.fetched) < f.ttl {
			f.lru.MoveToFront(el)
			f.mu.Unlock()
			return fetched{res: e.res, at: e.fetched, cached: true}, nil
		}
		f.remove(el)
	}
	fl, ok := f.flights[q]
	if !ok {
		// The request outlives any one caller but carries no values of
		// theirs; the client applies its own timeout.
		rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		fl = &flight{done: make(chan struct{}), cancel: cancel}
		f.flights[q] = fl
		go f.run(rctx, q, fl)
	}
	fl.waiters++
	f.mu.Unlock()

	select {
	case <-fl.done:
		f.mu.Lock()
		fl.waiters--
		f.mu.Unlock()
		return fetched{res: fl.res, at: fl.fetched}, fl.err
	case <-ctx.Done():
		f.mu.Lock()
		fl.waiters--
		if fl.waiters == 0 {
			// Nobody wants it any more: stop the request, and let the next
			// caller start a fresh one rather than join a cancelled one.
			fl.cancel()
			if f.flights[q] == fl {
				delete(f.flights, q)
			}
		}
		f.mu.Unlock()
		return fetched{}, ctx.Err()
	}
}

// run performs one upstream request and publishes its result.
func (f *fetcher) run(ctx context.Context, q cacheKey, fl *flight) {
	defer fl.cancel()
	res, at, err := f.fetch(ctx, q)
	f.mu.Lock()
	fl.res, fl.err, fl.fetched = res, err, at
	abandoned := f.flights[q] != fl
	if !abandoned {
		delete(f.flights, q)
	}
	if err == nil && f.ttl > 0 && !abandoned {
		f.store(q, res, at)
	}
	f.mu.Unlock()
	close(fl.done)
}

// fetch asks the shared cache, when there is one, else the upstream.
// Shared entries are keyed by the access scope too, as local ones are.
func (f *fetcher) fetch(ctx context.Context, k cacheKey) (*stammer.ListResult, time.Time, error) {
	upstream := func(ctx context.Context) (*stammer.ListResult, time.Time, error) {
		res, err := f.client.ListConversations(ctx, k.q)
		return res, f.now(), err
	}
	if f.shared == nil {
		return upstream(ctx)
	}
	return f.shared.List(ctx, k.scope, k.q, upstream)
}

// store caches res, evicting least recently used entries to stay within
// the bounds. A result larger than the whole cache is not kept. f.mu held.
func (f *fetcher) store(q cacheKey, res *stammer.ListResult, at time.Time) {
	// Decoded results can take more memory than their body; count the larger.
	size := max(res.Bytes, res.DecodedBytes, 1)
	if size > f.maxBytes {
		return
	}
	for f.lru.Len() > 0 && (f.bytes+size > f.maxBytes || f.lru.Len() >= f.maxItems) {
		f.remove(f.lru.Back())
	}
	f.entries[q] = f.lru.PushFront(&cacheEntry{k: q, res: res, fetched: at, size: size})
	f.bytes += size
}

// remove drops one entry. f.mu held.
func (f *fetcher) remove(el *list.Element) {
	e := el.Value.(*cacheEntry)
	f.lru.Remove(el)
	delete(f.entries, e.k)
	f.bytes -= e.size
}

// backoff waits out a Retry-After another replica was sent, if any.
func (f *fetcher) backoff(ctx context.Context) error {
	if f.shared == nil {
		return nil
	}
	return f.shared.Backoff(ctx)
}

// cachedConversation finds one conversation in the fresh answers cached
// for the caller's scope, so that opening a transcript the model has just
// seen listed costs no request: by uuid in any answer, or by number
// (q.ConversationNumber) in an answer to a broader query of q's chatbot
// (any dates or platform, the same deleted flag). It reports false unless
// exactly one matched. Callers still check the scope allows the result.
func (f *fetcher) cachedConversation(scope string, q stammer.Query, uuid string) (*stammer.Conversation, bool) {
	byNumber := uuid == "" && q.ConversationNumber != 0 && (q.ChatbotID != 0 || q.ChatbotUUID != "")
	if uuid == "" && !byNumber {
		return nil, false
	}
	var lists []*stammer.ListResult
	f.mu.Lock()
	now := f.now()
	for el := f.lru.Front(); el != nil; el = el.Next() {
		e := el.Value.(*cacheEntry)
		if now.Sub(e.fetched) >= f.ttl {
			continue
		}
		if e.k.scope != scope {
			continue
		}
		if eq := e.k.q; uuid != "" || eq.ConversationNumber == 0 && eq.ChatbotID == q.ChatbotID && eq.ChatbotUUID == q.ChatbotUUID &&
			eq.OnlyDeletedConversations == q.OnlyDeletedConversations {
			lists = append(lists, e.res)
		}
	}
	f.mu.Unlock()
	// Cached results are immutable: search them without the lock.
	for _, res := range lists {
		var found *stammer.Conversation
		n := 0
		// Cached answers are kept as the API sent them: in one that
		// ignored the chatbot filter, a row must name q's chatbot itself.
		one := byNumber && oneChatbot(res)
		for i := range res.Conversations {
			c := &res.Conversations[i]
			if uuid != "" && c.UUID == uuid || byNumber && c.Number == q.ConversationNumber && sameChatbot(c, q) && (one || namesChatbot(c, q)) {
				found, n = c, n+1
			}
		}
		if n == 1 {
			return found, true
		}
	}
	return nil, false
}

// namesChatbot reports whether c names q's chatbot in q's own form.
func namesChatbot(c *stammer.Conversation, q stammer.Query) bool {
	return q.ChatbotID != 0 && c.ChatbotID == q.ChatbotID || q.ChatbotUUID != "" && strings.EqualFold(c.ChatbotUUID, q.ChatbotUUID)
}

// sameChatbot reports whether c may belong to q's chatbot: the fields
// both have agree.
func sameChatbot(c *stammer.Conversation, q stammer.Query) bool {
	return (c.ChatbotID == 0 || q.ChatbotID == 0 || c.ChatbotID == q.ChatbotID) &&
		(c.ChatbotUUID == "" || q.ChatbotUUID == "" || strings.EqualFold(c.ChatbotUUID, q.ChatbotUUID))
}
