// Package sharedcache lets replicas of stammer-mcp behind a load balancer
// share what they fetched from the Stammer API through a Valkey or Redis
// server (STAMMER_CACHE_URL): each answer is fetched once by one replica,
// stored compactly for the rest of its time to live, and read by the
// others; replicas asking for the same query at once make one upstream
// request between them; and a Retry-After seen by one replica makes every
// replica wait.
//
// The shared cache is an optimisation, never a dependency: when the server
// is down, slow, full or sends garbage, calls go to the upstream as if it
// were not configured, with a warning in the logs, and the cache is tried
// again a few seconds later.
package sharedcache

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// Defaults of Config.
const (
	// DefaultMaxBytes bounds what all replicas keep in the server
	// together, compressed. An entry is at most a quarter of it.
	DefaultMaxBytes int64 = 512 << 20
	// defaultLease is how long a lock outlives a replica that died while
	// fetching: the others wait at most this long before one takes over.
	// A live holder renews it every third of it.
	defaultLease = 5 * time.Second
	// opTimeout bounds one small command (a lock, a lookup); a slow server
	// costs a call at most this much before it goes upstream.
	opTimeout = 500 * time.Millisecond
	// transferRate is the slowest rate at which an entry is expected to
	// move to or from the server; big entries get time in proportion.
	transferRate = 20 << 20 // bytes per second
	// defaultDownFor is how long a replica leaves the server alone after
	// a fault before trying it again.
	defaultDownFor = 5 * time.Second
	// Polling for another replica's answer starts at pollMin and backs off
	// to pollMax.
	pollMin = 5 * time.Millisecond
	pollMax = 100 * time.Millisecond
	// keyPrefix starts every key; the number is the entry format, so that
	// replicas of different versions never read each other's entries.
	keyPrefix = "stammer-mcp:1:"
)

// Config configures a Cache.
type Config struct {
	// URL is redis://[user:password@]host:port[/db] or rediss://… for TLS.
	URL string
	// Upstream and Token identify the account whose answers are cached:
	// keys hold a hash of both, never the token, so two agencies sharing a
	// server never read each other's entries.
	Upstream, Token string
	// TTL is how long an answer is served after it was fetched (the
	// in-process cache's TTL).
	TTL time.Duration
	// MaxBytes bounds the compressed entries of all replicas together;
	// 0 means DefaultMaxBytes. An answer over a quarter of it stays local.
	MaxBytes int64
	// MaxDecoded bounds the decompressed size of an entry read back; it is
	// the client's cap on one upstream answer.
	MaxDecoded int64
	// MaxWait is the longest a call waits for another replica's request
	// or for a shared Retry-After before going on: the call timeout.
	MaxWait time.Duration
	// Logger receives warnings about the cache server; nil discards.
	Logger *slog.Logger
}

// Cache is a connection to the shared cache. It is safe for concurrent use.
type Cache struct {
	rdb        *redis.Client
	id         string // hash of upstream and token
	macKey     []byte // authenticates entries; derived from the token
	ttl        time.Duration
	maxBytes   int64
	maxEntry   int64
	maxDecoded int64
	maxWait    time.Duration
	lease      time.Duration
	downFor    time.Duration
	log        *slog.Logger
	lua        scripts

	pending sync.WaitGroup // answers being published

	mu      sync.Mutex
	down    bool      // a command failed and none has succeeded since
	retryAt time.Time // when down, the next time to try the server
}

// New checks the configuration and builds a Cache. It does not connect:
// the first call does, and a server that is down at start is no reason not
// to serve.
func New(c Config) (*Cache, error) {
	opt, err := redis.ParseURL(c.URL)
	if err != nil {
		// The error may quote the URL, password and all: keep only why.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("STAMMER_CACHE_URL: %s; use redis://[user:password@]host:port[/db], or rediss:// for TLS", redactURL(err.Error(), c.URL))
	}
	// Short timeouts: a slow cache must cost a call little, since the
	// upstream can always answer instead. Contexts carry the per-command
	// budget; these are the floor for commands without one.
	opt.DialTimeout = time.Second
	opt.ReadTimeout = 2 * time.Second
	opt.WriteTimeout = 2 * time.Second
	opt.ContextTimeoutEnabled = true
	opt.MaxRetries = 0 // a failed command falls back to the upstream at once
	opt.PoolSize = 16
	opt.DisableIdentity = true // no CLIENT SETINFO: older servers and proxies refuse it
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	if c.TTL <= 0 {
		return nil, errors.New("sharedcache: TTL must be positive")
	}
	maxBytes := c.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	sum := sha256.Sum256([]byte(c.Upstream + "\x00" + c.Token))
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	setRedisLogger(log)
	return &Cache{
		rdb:        redis.NewClient(opt),
		id:         hex.EncodeToString(sum[:16]),
		macKey:     macKey(c.Upstream, c.Token),
		ttl:        c.TTL,
		maxBytes:   maxBytes,
		maxEntry:   maxBytes / 4,
		maxDecoded: max(c.MaxDecoded, 1<<20),
		maxWait:    max(c.MaxWait, time.Second),
		lease:      defaultLease,
		downFor:    defaultDownFor,
		log:        log,
		lua:        newScripts(),
	}, nil
}

// Close waits for answers being published, then closes the connections.
func (c *Cache) Close() error {
	c.pending.Wait()
	return c.rdb.Close()
}

// keys are the server keys of one query.
type keys struct {
	entry, lock, local string
}

// keysFor hashes the account, the policy scope and the query into the
// keys: what was asked is not readable from the server either.
func (c *Cache) keysFor(scope string, q stammer.Query) keys {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%q\x00%q\x00%q\x00%q\x00%t\x00%d", c.id, scope,
		q.ChatbotID, q.ChatbotUUID, q.StartDate, q.EndDate, q.SourcePlatform, q.OnlyDeletedConversations, q.ConversationNumber)
	k := hex.EncodeToString(h.Sum(nil)[:16])
	return keys{entry: keyPrefix + "e:" + k, lock: keyPrefix + "l:" + k, local: keyPrefix + "n:" + k}
}

// backoffKey holds the account's shared Retry-After.
func (c *Cache) backoffKey() string { return keyPrefix + "b:" + c.id }

// fetchFunc is one upstream request; it returns when it was answered.
// List takes it as a plain func type so that callers need not import this
// package to name it.
type fetchFunc = func(ctx context.Context) (*stammer.ListResult, time.Time, error)

// List returns the answer to q: from the shared cache when a replica
// fetched it within the TTL, else from fetch, which runs on one replica at
// a time for the same query (the others wait for its answer). scope is the
// caller's access-policy scope, "" for none; answers are shared only
// within one scope. The result is shared: callers must not modify it.
//
// Faults of the cache server never fail the call: it falls back to fetch.
func (c *Cache) List(ctx context.Context, scope string, q stammer.Query, fetch fetchFunc) (*stammer.ListResult, time.Time, error) {
	if !c.healthy() {
		return fetch(ctx)
	}
	k := c.keysFor(scope, q)
	token := rand.Text()
	giveUp := time.Now().Add(c.maxWait + c.lease)
	for poll := pollMin; ; poll = min(poll*2, pollMax) {
		res, at, state, err := c.lookup(ctx, k)
		switch {
		case err != nil:
			return c.fault(ctx, "reading", err, fetch)
		case res != nil:
			return res, at, nil
		case state == "local":
			// Another replica found the answer too large to share.
			return fetch(ctx)
		}
		ok, err := c.command(ctx, opTimeout, func(ctx context.Context) error {
			return c.rdb.SetArgs(ctx, k.lock, token, redis.SetArgs{Mode: "NX", TTL: c.lease}).Err()
		})
		if err != nil {
			return c.fault(ctx, "locking", err, fetch)
		}
		if ok {
			return c.lead(ctx, k, token, fetch)
		}
		// Another replica is fetching: wait for its answer, within reason.
		if time.Now().After(giveUp) {
			c.log.Warn("shared cache: another replica has been fetching the same query for too long; fetching it here",
				"waited", c.maxWait+c.lease)
			return fetch(ctx)
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, time.Time{}, ctx.Err()
		case <-t.C:
		}
	}
}

// lookup reads the entry and the too-large marker of k: first their
// sizes, in one round trip within opTimeout, then an entry that exists
// within a time in proportion to its size, so that a slow server costs a
// miss little. A corrupt entry is logged, deleted and reported as a miss.
func (c *Cache) lookup(ctx context.Context, k keys) (*stammer.ListResult, time.Time, string, error) {
	var size, local *redis.IntCmd
	if _, err := c.command(ctx, opTimeout, func(ctx context.Context) error {
		_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			size, local = p.StrLen(ctx, k.entry), p.Exists(ctx, k.local)
			return nil
		})
		return err
	}); err != nil {
		return nil, time.Time{}, "", err
	}
	if local.Val() > 0 {
		return nil, time.Time{}, "local", nil
	}
	n := size.Val()
	if n == 0 || n > c.maxEntry {
		return nil, time.Time{}, "", nil
	}
	var data []byte
	found, err := c.command(ctx, opTimeout+time.Duration(n)*time.Second/transferRate, func(ctx context.Context) error {
		var err error
		data, err = c.rdb.Get(ctx, k.entry).Bytes()
		return err
	})
	if err != nil || !found {
		return nil, time.Time{}, "", err // expired between the two: a miss
	}
	data, err = c.open(k.entry, data)
	var res *stammer.ListResult
	var at time.Time
	if err == nil {
		res, at, err = decode(data, c.maxDecoded)
	}
	if err != nil {
		c.log.Warn("shared cache: ignoring an entry that does not decode", "error", err)
		c.command(ctx, opTimeout, func(ctx context.Context) error { return c.rdb.Del(ctx, k.entry).Err() })
		return nil, time.Time{}, "", nil
	}
	return res, at, "", nil
}

// lead fetches as the lock holder: it waits out a shared Retry-After,
// fetches with the lease renewed, and unlocks; an answer is returned at
// once and published in the background, the lock held (and renewed) until
// it is, so that the others wait for the entry instead of fetching.
func (c *Cache) lead(ctx context.Context, k keys, token string, fetch fetchFunc) (*stammer.ListResult, time.Time, error) {
	// The caller's context ends when it has its answer; the lock's
	// housekeeping must not.
	bg := context.WithoutCancel(ctx)
	unlock := func() {
		c.command(bg, opTimeout, func(ctx context.Context) error {
			return c.lua.unlock.Run(ctx, c.rdb, []string{k.lock}, token).Err()
		})
	}
	if err := c.waitBackoff(ctx); err != nil {
		unlock()
		return nil, time.Time{}, err
	}
	stop := c.renew(bg, k.lock, token)
	res, at, err := fetch(ctx)
	if err != nil {
		stop()
		unlock()
		return nil, at, err
	}
	c.pending.Go(func() {
		c.store(bg, k, res, at)
		stop()
		unlock()
	})
	return res, at, nil
}

// renew keeps the lock while the fetch runs; the returned func stops it.
func (c *Cache) renew(ctx context.Context, lock, token string) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(c.lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				c.command(ctx, opTimeout, func(ctx context.Context) error {
					return c.lua.renew.Run(ctx, c.rdb, []string{lock}, token, c.lease.Milliseconds()).Err()
				})
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// store publishes an answer for the rest of its TTL, within the bounds; an
// answer too large to share is marked so that waiting replicas fetch it
// themselves rather than wait for an entry that will not come.
func (c *Cache) store(ctx context.Context, k keys, res *stammer.ListResult, at time.Time) {
	left := c.ttl - time.Since(at)
	if left < 10*time.Millisecond {
		return
	}
	data := c.seal(k.entry, encode(res, at))
	var err error
	if int64(len(data)) > c.maxEntry {
		err = fmt.Errorf("%d bytes compressed, over the %d-byte limit of one entry", len(data), c.maxEntry)
	}
	if err == nil {
		var stored bool
		_, err = c.command(ctx, opTimeout+time.Duration(len(data))*time.Second/transferRate, func(ctx context.Context) error {
			n, err := c.lua.store.Run(ctx, c.rdb, []string{k.entry, keyPrefix + "index", keyPrefix + "sizes"},
				data, left.Milliseconds(), c.maxBytes).Int()
			stored = n == 1
			return err
		})
		if err == nil && !stored {
			err = fmt.Errorf("the shared cache holds its limit of %d bytes", c.maxBytes)
		}
	}
	if err != nil {
		c.log.Info("shared cache: keeping an answer in this replica only", "conversations", len(res.Conversations), "reason", err)
		c.command(ctx, opTimeout, func(ctx context.Context) error {
			return c.rdb.Set(ctx, k.local, "1", left).Err()
		})
	}
}

// RateLimited records a Retry-After the upstream sent, so that every
// replica waits it out before its next request (stammer.Config.RetryAfter
// calls it). Faults are logged and otherwise ignored; a nil Cache ignores
// it, so the hook can be set before the Cache exists.
func (c *Cache) RateLimited(wait time.Duration) {
	if c == nil || wait <= 0 || !c.healthy() {
		return
	}
	ctx := context.Background()
	_, err := c.command(ctx, opTimeout, func(ctx context.Context) error {
		until := strconv.FormatInt(time.Now().Add(wait).UnixMilli(), 10)
		return c.lua.backoff.Run(ctx, c.rdb, []string{c.backoffKey()}, until, wait.Milliseconds()).Err()
	})
	if err != nil {
		c.markDown("recording a Retry-After", err)
	}
}

// Backoff waits out a Retry-After another replica was sent, before a
// request that does not go through List (a transcript by uuid): within
// MaxWait it waits, beyond it fails as a 429 would. A fault of the server
// is ignored.
func (c *Cache) Backoff(ctx context.Context) error {
	if !c.healthy() {
		return nil
	}
	return c.waitBackoff(ctx)
}

// waitBackoff waits out a shared Retry-After when it ends within MaxWait;
// a longer one fails the call as a 429 would, without a request.
func (c *Cache) waitBackoff(ctx context.Context) error {
	var v string
	if _, err := c.command(ctx, opTimeout, func(ctx context.Context) error {
		var err error
		v, err = c.rdb.Get(ctx, c.backoffKey()).Result()
		return err
	}); err != nil || v == "" {
		return nil
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil
	}
	wait := time.Until(time.UnixMilli(ms))
	if wait <= 0 {
		return nil
	}
	if wait > c.maxWait {
		return &stammer.APIError{Status: http.StatusTooManyRequests, RetryAfter: wait,
			Message: "rate limited: another replica of this server was told to wait (Retry-After), so this call did not ask again"}
	}
	c.log.Info("shared cache: waiting out the Retry-After another replica was sent", "wait", wait.Round(time.Millisecond))
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// command runs one command within d and reports whether it succeeded with
// a value (false for a nil answer, such as SET NX on a taken key). A fault
// of the server (not a caller that went away) is returned for the caller
// to fall back; a success after faults is logged.
func (c *Cache) command(ctx context.Context, d time.Duration, f func(context.Context) error) (bool, error) {
	cctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	err := f(cctx)
	if errors.Is(err, redis.Nil) {
		c.up()
		return false, nil
	}
	if err == nil {
		c.up()
	}
	return err == nil, err
}

// fault logs a failure of the server, leaves it alone for a while, and
// answers the call from the upstream. A call whose caller went away ends.
func (c *Cache) fault(ctx context.Context, doing string, err error, fetch fetchFunc) (*stammer.ListResult, time.Time, error) {
	if ctx.Err() != nil {
		return nil, time.Time{}, ctx.Err()
	}
	c.markDown(doing, err)
	return fetch(ctx)
}

// markDown records a fault: the first of a run is logged as a warning.
func (c *Cache) markDown(doing string, err error) {
	c.mu.Lock()
	first := !c.down
	c.down, c.retryAt = true, time.Now().Add(c.downFor)
	c.mu.Unlock()
	if first {
		c.log.Warn("shared cache unavailable; calls go to the Stammer API directly until it is back",
			"while", doing, "error", err, "retry_in", c.downFor)
	}
}

// up records a success, logging the end of a run of faults.
func (c *Cache) up() {
	c.mu.Lock()
	was := c.down
	c.down = false
	c.mu.Unlock()
	if was {
		c.log.Info("shared cache is reachable again")
	}
}

// healthy reports whether to use the server: not within downFor of a
// fault. After that, calls try it again (the client reconnects by itself)
// at most once per downFor until one succeeds.
func (c *Cache) healthy() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.down || time.Now().Before(c.retryAt) {
		return !c.down
	}
	c.retryAt = time.Now().Add(c.downFor)
	return true
}

// macKey derives the key that authenticates entries from the token, which
// every replica has and the cache server does not: whoever can write to the
// server can delete entries but not forge one the replicas would read. It
// is not derivable from the id in the key names (another hash input).
func macKey(upstream, token string) []byte {
	sum := sha256.Sum256([]byte("stammer-mcp shared cache entry key\x00" + token + "\x00" + upstream))
	return sum[:]
}

// seal appends to data an HMAC of the key name and data, so that an entry
// cannot be forged or moved to another query's key.
func (c *Cache) seal(key string, data []byte) []byte {
	m := hmac.New(sha256.New, c.macKey)
	m.Write([]byte(key))
	m.Write(data)
	return m.Sum(data)
}

// open checks and strips the HMAC seal put.
func (c *Cache) open(key string, sealed []byte) ([]byte, error) {
	if len(sealed) < sha256.Size {
		return nil, errCorrupt
	}
	data, sum := sealed[:len(sealed)-sha256.Size], sealed[len(sealed)-sha256.Size:]
	m := hmac.New(sha256.New, c.macKey)
	m.Write([]byte(key))
	m.Write(data)
	if !hmac.Equal(m.Sum(nil), sum) {
		return nil, fmt.Errorf("%w: its seal does not match (written by something other than a replica with this token)", errCorrupt)
	}
	return data, nil
}
