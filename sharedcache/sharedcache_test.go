package sharedcache

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/stammer-mcp/stammer-mcp/sharedcache/cachetest"
	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// answer fetches n generated conversations through the real client, so
// the codec sees what the client decodes.
func answer(t testing.TB, n int) *stammer.ListResult {
	t.Helper()
	fake := stammertest.NewServer(t, stammertest.WithFixtures(stammertest.Generate(stammertest.GenerateOptions{Seed: 7, N: n})),
		stammertest.WithAllOnNotDeleted())
	c, err := stammer.New(stammer.Config{BaseURL: fake.URL, Token: stammertest.DefaultToken})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.ListConversations(context.Background(), stammer.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// normalised makes empty message slices nil, and leaves out
// DecodedBytes, the differences the codec allows: no caller tells empty
// slices apart, and decode counts the memory it holds itself
// (TestDecodeCountsWhatItHolds).
func normalised(r *stammer.ListResult) *stammer.ListResult {
	cp := *r
	cp.DecodedBytes = 0
	cp.Conversations = append([]stammer.Conversation(nil), r.Conversations...)
	for i := range cp.Conversations {
		if len(cp.Conversations[i].Messages) == 0 {
			cp.Conversations[i].Messages = nil
		}
	}
	return &cp
}

func TestCodecRoundTripEmpty(t *testing.T) {
	res := &stammer.ListResult{Count: -1, Shape: "envelope", Pages: 1}
	got, _, err := decode(encode(res, time.Now()), 1<<20)
	if err != nil || !reflect.DeepEqual(normalised(got), normalised(res)) {
		t.Fatalf("empty answer: %+v, %v", got, err)
	}
}

func TestCodecRoundTrip(t *testing.T) {
	res := answer(t, 500)
	res.Message, res.Next, res.Skipped, res.Duplicates, res.Truncated = "ok ✓", "https://x/?page=2", 2, 3, stammer.TruncatedPageCap
	at := time.UnixMilli(1_790_000_000_123)
	data := encode(res, at)
	got, gotAt, err := decode(data, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if !gotAt.Equal(at) {
		t.Errorf("fetched at %v, want %v", gotAt, at)
	}
	if !reflect.DeepEqual(normalised(got), normalised(res)) {
		t.Fatal("decoded answer differs from the encoded one")
	}
	t.Logf("%d conversations: %d bytes decoded, %d bytes of body, %d bytes stored", len(res.Conversations), res.DecodedBytes, res.Bytes, len(data))
	if int64(len(data))*5 > res.Bytes {
		t.Errorf("stored %d bytes for a %d-byte body: want under a fifth", len(data), res.Bytes)
	}
	// The decompressed size is bounded by the caller's limit.
	if _, _, err := decode(data, 1000); !errors.Is(err, errCorrupt) {
		t.Errorf("decode over the limit: %v, want errCorrupt", err)
	}
}

// TestDecodeRejectsDamage: anyone who can write to the server can write
// an entry; a damaged or forged one is an error, never a panic or a huge
// allocation.
func TestDecodeRejectsDamage(t *testing.T) {
	data := encode(answer(t, 8), time.Now())
	for n := 0; n < len(data); n += 1 + n/8 {
		if _, _, err := decode(data[:n], 1<<30); err == nil {
			t.Fatalf("a %d-byte prefix of a %d-byte entry decoded", n, len(data))
		}
	}
	for i := 0; i < len(data); i += 3 {
		bad := bytes.Clone(data)
		bad[i] ^= 0x55
		decode(bad, 1<<30) // must not panic; some flips are harmless
	}
	// A payload that lies about its counts, in a well-formed entry.
	forged := payloadOf(&stammer.ListResult{Conversations: make([]stammer.Conversation, 3)})
	forged[len(forged)-1-3*12] = 0x7f // the message total, now 127 with no messages
	if _, _, err := decode(entryOf(forged, 1), 1<<30); !errors.Is(err, errCorrupt) || !strings.Contains(err.Error(), "bad length") {
		t.Errorf("forged counts: %v, want errCorrupt for a bad length", err)
	}
}

// TestDecodeCountsWhatItHolds: the local cache sizes itself by
// DecodedBytes, so a decoded entry reports the memory it holds, whatever
// its writer stored: an older replica's estimate for a larger message
// layout, or a value that claims almost nothing.
func TestDecodeCountsWhatItHolds(t *testing.T) {
	res := answer(t, 300)
	msgs := 0
	for _, c := range res.Conversations {
		msgs += len(c.Messages)
	}
	var counted int64
	for _, stored := range []int64{1, res.DecodedBytes, 1 << 40} {
		claim := *res
		claim.DecodedBytes = stored
		payload := payloadOf(&claim)
		got, _, err := decode(entryOf(payload, 1), 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		// At least the decompressed payload, which backs every string,
		// and one struct per conversation and per message.
		floor := int64(len(payload)) + int64(len(res.Conversations))*int64(unsafe.Sizeof(stammer.Conversation{})) + int64(msgs)*int64(unsafe.Sizeof(stammer.Message{}))
		if got.DecodedBytes < floor || got.DecodedBytes > floor+1024 {
			t.Errorf("stored %d: decoded answer counts %d bytes, want %d to %d", stored, got.DecodedBytes, floor, floor+1024)
		}
		if counted == 0 {
			counted = got.DecodedBytes - int64(len(payload))
		} else if c := got.DecodedBytes - int64(len(payload)); c != counted {
			t.Errorf("stored %d: %d bytes besides the payload, %d with another stored value", stored, c, counted)
		}
	}
}

// payloadOf is the encoding of res, before compression.
func payloadOf(res *stammer.ListResult) []byte {
	var raw bytes.Buffer
	e := encoder{w: bufio.NewWriter(&raw)}
	e.result(res)
	e.w.Flush()
	return raw.Bytes()
}

// entryOf wraps any bytes as the encoding of a well-formed entry, as
// encode writes one: the header, then a zstd frame that declares their
// size.
func entryOf(payload []byte, fetchedMs uint64) []byte {
	var out bytes.Buffer
	h := encoder{w: bufio.NewWriter(&out)}
	h.write([]byte(magic))
	h.write([]byte{formatVersion})
	h.uvarint(fetchedMs)
	h.uvarint(uint64(len(payload)))
	h.w.Flush()
	zw := zstdEncoders.Get().(*zstd.Encoder)
	defer zstdEncoders.Put(zw)
	zw.ResetContentSize(&out, int64(len(payload)))
	zw.Write(payload)
	zw.Close()
	return out.Bytes()
}

// FuzzDecode: whatever the encoding inside a well-formed entry holds,
// decoding returns an answer or errCorrupt and never panics, and an answer
// it returns encodes and decodes to itself. The fuzzer writes the encoding
// and the test seals it in a valid zstd frame, whose checksum would
// otherwise stop nearly every mutation before the decoder (the frame and
// header themselves: TestDecodeRejectsDamage). Entries carry an HMAC keyed
// by the token, checked before decode; decode is the defence behind it.
func FuzzDecode(f *testing.F) {
	for _, n := range []int{0, 1, 3} {
		f.Add(payloadOf(answer(f, n)))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		checkDecode(t, entryOf(payload, 1_790_000_000_000), 1<<20)
	})
}

// FuzzDecodeEntry: whole entries, header and zstd frame included, where
// FuzzDecode fuzzes only what the frame holds. A mutation that breaks the
// frame must be errCorrupt, never a panic or an allocation past the
// limit, which is kept small here so that a forged declared size meets it.
func FuzzDecodeEntry(f *testing.F) {
	for _, n := range []int{0, 1, 3} {
		f.Add(encode(answer(f, n), time.UnixMilli(1_790_000_000_000)))
	}
	f.Add(entryOf(nil, 0))
	// 20,000 messages whose role is stored as "": 60 KB within the limit,
	// 160 KB once encoded again with each role written as "other".
	many := &stammer.ListResult{Conversations: []stammer.Conversation{{Messages: make([]stammer.Message, 20_000)}}}
	for i := range many.Conversations[0].Messages {
		many.Conversations[0].Messages[i].Role = stammer.RoleUser
	}
	f.Add(entryOf(bytes.ReplaceAll(payloadOf(many), []byte("\x04user\x00\x00"), []byte{0, 0, 0}), 1))
	f.Fuzz(func(t *testing.T, entry []byte) {
		checkDecode(t, entry, 64<<10)
	})
}

// checkDecode is the fuzzers' property: entry decodes to an answer that
// survives encode and decode, or fails with errCorrupt. The second decode
// has no tight limit: encoding can grow an answer (a role stored as "" is
// written back as "other").
func checkDecode(t *testing.T, entry []byte, limit int64) {
	res, at, err := decode(entry, limit)
	if err != nil {
		if !errors.Is(err, errCorrupt) {
			t.Fatalf("error %v is not errCorrupt", err)
		}
		return
	}
	again, againAt, err := decode(encode(res, at), 1<<30)
	if err != nil || !againAt.Equal(at) || !reflect.DeepEqual(normalised(again), normalised(res)) {
		t.Fatalf("a decoded answer does not survive encode and decode: %v", err)
	}
}

// rig is a real cache server and replicas of the cache in front of it.
type rig struct {
	srv *cachetest.Server
	log *logBuffer
}

func newRig(t *testing.T) *rig {
	return &rig{srv: cachetest.Start(t), log: &logBuffer{}}
}

// replica is one replica's Cache, with short lease and fault pauses.
func (r *rig) replica(t *testing.T, mut ...func(*Config)) *Cache {
	cfg := Config{URL: r.srv.URL, Upstream: "https://app.stammer.ai/en/chatbot/api/v1/conversations/", Token: "tok",
		TTL: time.Minute, MaxDecoded: 1 << 30, MaxWait: 5 * time.Second,
		Logger: slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, m := range mut {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.lease, c.downFor = 600*time.Millisecond, 300*time.Millisecond
	t.Cleanup(func() { c.Close() })
	return c
}

// upstream counts fetches of res, each taking delay.
type upstream struct {
	res   *stammer.ListResult
	delay time.Duration
	err   error
	calls atomic.Int32
}

func (u *upstream) fetch(ctx context.Context) (*stammer.ListResult, time.Time, error) {
	u.calls.Add(1)
	select {
	case <-time.After(u.delay):
	case <-ctx.Done():
		return nil, time.Time{}, ctx.Err()
	}
	if u.err != nil {
		return nil, time.Time{}, u.err
	}
	return u.res, time.Now(), nil
}

var q17 = stammer.Query{ChatbotID: 17}

func TestReplicasShareOneFetch(t *testing.T) {
	r := newRig(t)
	a, b := r.replica(t), r.replica(t)
	up := &upstream{res: answer(t, 200)}
	got, at, err := a.List(context.Background(), "", q17, up.fetch)
	if err != nil || got != up.res {
		t.Fatalf("first call: %v", err)
	}
	got2, at2, err := b.List(context.Background(), "", q17, up.fetch)
	if err != nil {
		t.Fatal(err)
	}
	if n := up.calls.Load(); n != 1 {
		t.Errorf("%d upstream fetches for two replicas, want 1", n)
	}
	if !reflect.DeepEqual(normalised(got2), normalised(up.res)) {
		t.Error("the second replica read a different answer")
	}
	if at2.UnixMilli() != at.UnixMilli() {
		t.Errorf("second replica says fetched at %v, want the first's %v", at2, at)
	}
	// Another query, another scope or another token is another entry.
	other := []func() (*Cache, string, stammer.Query){
		func() (*Cache, string, stammer.Query) { return b, "", stammer.Query{ChatbotID: 18} },
		func() (*Cache, string, stammer.Query) { return b, "user:x", q17 },
		func() (*Cache, string, stammer.Query) {
			return r.replica(t, func(c *Config) { c.Token = "other" }), "", q17
		},
	}
	for i, o := range other {
		c, scope, q := o()
		if _, _, err := c.List(context.Background(), scope, q, up.fetch); err != nil {
			t.Fatal(err)
		}
		if n := up.calls.Load(); n != int32(2+i) {
			t.Errorf("case %d: %d fetches, want %d (a separate entry)", i, n, 2+i)
		}
	}
}

func TestConcurrentCallsOverReplicasFetchOnce(t *testing.T) {
	r := newRig(t)
	replicas := []*Cache{r.replica(t), r.replica(t), r.replica(t)}
	up := &upstream{res: answer(t, 100), delay: 200 * time.Millisecond}
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range 20 {
		wg.Go(func() {
			res, _, err := replicas[i%3].List(context.Background(), "", q17, up.fetch)
			if err == nil && len(res.Conversations) != 100 {
				err = errors.New("wrong answer")
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if n := up.calls.Load(); n != 1 {
		t.Errorf("%d upstream fetches for 20 concurrent calls over 3 replicas, want 1", n)
	}
}

// TestDeadHolderIsReplaced: a replica that took the lock and died leaves
// it for at most a lease; then another fetches.
func TestDeadHolderIsReplaced(t *testing.T) {
	r := newRig(t)
	c := r.replica(t)
	r.srv.Do(t, "SET", c.keysFor("", q17).lock, "dead-replica", "PX", "600")
	up := &upstream{res: answer(t, 10)}
	start := time.Now()
	if _, _, err := c.List(context.Background(), "", q17, up.fetch); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 400*time.Millisecond || waited > 3*time.Second {
		t.Errorf("waited %v for a dead holder's 600ms lease", waited)
	}
	if up.calls.Load() != 1 {
		t.Errorf("%d fetches, want 1", up.calls.Load())
	}
}

// TestLiveHolderKeepsItsLease: a fetch longer than the lease is not
// duplicated, because the holder renews it.
func TestLiveHolderKeepsItsLease(t *testing.T) {
	r := newRig(t)
	a, b := r.replica(t), r.replica(t)
	up := &upstream{res: answer(t, 10), delay: 1500 * time.Millisecond}
	var wg sync.WaitGroup
	wg.Go(func() { a.List(context.Background(), "", q17, up.fetch) })
	time.Sleep(100 * time.Millisecond)
	if _, _, err := b.List(context.Background(), "", q17, up.fetch); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if n := up.calls.Load(); n != 1 {
		t.Errorf("%d fetches for a fetch that outlived the lease, want 1", n)
	}
}

// TestFailedFetchIsNotShared: an upstream error is returned to the
// caller and not stored; the next call fetches again.
func TestFailedFetchIsNotShared(t *testing.T) {
	r := newRig(t)
	a, b := r.replica(t), r.replica(t)
	up := &upstream{err: &stammer.APIError{Status: 500, Message: "boom"}}
	if _, _, err := a.List(context.Background(), "", q17, up.fetch); err == nil {
		t.Fatal("no error")
	}
	up.err, up.res = nil, answer(t, 5)
	if _, _, err := b.List(context.Background(), "", q17, up.fetch); err != nil {
		t.Fatal(err)
	}
	if n := up.calls.Load(); n != 2 {
		t.Errorf("%d fetches, want 2", n)
	}
}

// TestTooLargeStaysLocal: an answer over the entry limit is not stored,
// and the other replicas fetch for themselves at once instead of waiting.
func TestTooLargeStaysLocal(t *testing.T) {
	r := newRig(t)
	small := func(c *Config) { c.MaxBytes = 4 << 10 } // entries up to 1 KiB
	a, b := r.replica(t, small), r.replica(t, small)
	up := &upstream{res: answer(t, 200)}
	a.List(context.Background(), "", q17, up.fetch)
	a.pending.Wait()
	start := time.Now()
	if _, _, err := b.List(context.Background(), "", q17, up.fetch); err != nil {
		t.Fatal(err)
	}
	if n := up.calls.Load(); n != 2 {
		t.Errorf("%d fetches, want 2 (too large to share)", n)
	}
	if d := time.Since(start); d > 300*time.Millisecond {
		t.Errorf("the second replica took %v; it should not wait for an entry that will not come", d)
	}
	if !strings.Contains(r.log.String(), "keeping an answer in this replica only") {
		t.Errorf("no log line about the local answer:\n%s", r.log)
	}
	if got := r.srv.Do(t, "EXISTS", a.keysFor("", q17).entry); got != ":0" {
		t.Errorf("EXISTS entry = %s, want :0", got)
	}
}

// TestTotalIsBounded: entries that together exceed MaxBytes are refused.
func TestTotalIsBounded(t *testing.T) {
	r := newRig(t)
	res := answer(t, 60)
	data := encode(res, time.Now())
	data = append(data, make([]byte, sha256.Size)...)                  // the seal
	limit := func(c *Config) { c.MaxBytes = int64(len(data))*4 + 100 } // room for four
	a := r.replica(t, limit)
	up := &upstream{res: res}
	for i := range 6 {
		a.List(context.Background(), "", stammer.Query{ChatbotID: int64(i + 1)}, up.fetch)
		a.pending.Wait()
	}
	stored := 0
	for i := range 6 {
		if r.srv.Do(t, "EXISTS", a.keysFor("", stammer.Query{ChatbotID: int64(i + 1)}).entry) == ":1" {
			stored++
		}
	}
	if stored != 4 {
		t.Errorf("%d entries of %d bytes stored under a %d-byte limit, want 4", stored, len(data), len(data)*4+100)
	}
}

// TestRetryAfterIsShared: a Retry-After one replica saw makes another wait
// before its request, or fail at once as a 429 when it is too long.
func TestRetryAfterIsShared(t *testing.T) {
	r := newRig(t)
	a, b := r.replica(t), r.replica(t, func(c *Config) { c.MaxWait = 2 * time.Second })
	up := &upstream{res: answer(t, 5)}
	a.RateLimited(800 * time.Millisecond)
	start := time.Now()
	if _, _, err := b.List(context.Background(), "", q17, up.fetch); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 600*time.Millisecond {
		t.Errorf("the other replica fetched after %v, before the shared Retry-After of 800ms", d)
	}
	a.RateLimited(time.Minute)
	_, _, err := b.List(context.Background(), "", stammer.Query{ChatbotID: 18}, up.fetch)
	var ae *stammer.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusTooManyRequests || ae.RetryAfter < 50*time.Second {
		t.Fatalf("err = %v, want a 429 with about a minute to wait", err)
	}
	if n := up.calls.Load(); n != 1 {
		t.Errorf("%d fetches, want 1 (none while rate limited)", n)
	}
	// Requests outside List (a transcript by uuid) wait the same way.
	if err := b.Backoff(context.Background()); !errors.As(err, &ae) || ae.Status != http.StatusTooManyRequests {
		t.Errorf("Backoff while rate limited for a minute: %v, want a 429", err)
	}
	// A shorter Retry-After does not cut a longer one short.
	a.RateLimited(time.Second)
	if ttl, _ := strconv.Atoi(strings.TrimPrefix(r.srv.Do(t, "PTTL", a.backoffKey()), ":")); ttl < 50000 {
		t.Errorf("PTTL of the backoff = %dms after a shorter Retry-After, want about a minute", ttl)
	}
}

// TestFaults: the cache server killed, hung or full never fails a call,
// is logged, and is used again once it is back.
func TestFaults(t *testing.T) {
	r := newRig(t)
	a := r.replica(t)
	up := &upstream{res: answer(t, 20)}
	call := func(q stammer.Query) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		res, _, err := a.List(ctx, "", q, up.fetch)
		if err != nil || len(res.Conversations) != 20 {
			t.Fatalf("call failed with the cache server in trouble: %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("call took %v", d)
		}
	}
	call(q17)
	r.srv.Kill()
	call(stammer.Query{ChatbotID: 2})
	call(stammer.Query{ChatbotID: 3}) // within downFor: not even tried
	if !strings.Contains(r.log.String(), "shared cache unavailable") {
		t.Errorf("no warning when the server died:\n%s", r.log)
	}
	if n := strings.Count(r.log.String(), "shared cache unavailable"); n != 1 {
		t.Errorf("%d warnings for one outage, want 1", n)
	}
	r.srv.Restart(t)
	time.Sleep(a.downFor)
	call(stammer.Query{ChatbotID: 4})
	a.pending.Wait()
	if !strings.Contains(r.log.String(), "shared cache is reachable again") {
		t.Errorf("no line saying the server is back:\n%s", r.log)
	}
	if got := r.srv.Do(t, "EXISTS", a.keysFor("", stammer.Query{ChatbotID: 4}).entry); got != ":1" {
		t.Errorf("after the restart the answer was not stored (EXISTS = %s)", got)
	}

	// Hung: the server sleeps through every command for two seconds.
	go r.srv.Do(t, "DEBUG", "SLEEP", "2")
	time.Sleep(50 * time.Millisecond)
	call(stammer.Query{ChatbotID: 5})
	time.Sleep(2 * time.Second)

	// Full: no memory for writes.
	r.srv.Do(t, "CONFIG", "SET", "maxmemory-policy", "noeviction")
	r.srv.Do(t, "CONFIG", "SET", "maxmemory", "1")
	time.Sleep(a.downFor)
	call(stammer.Query{ChatbotID: 6})
	r.srv.Do(t, "CONFIG", "SET", "maxmemory", "0")
	if strings.Contains(r.log.String(), "tok") {
		t.Errorf("the token reached the log:\n%s", r.log)
	}
}

// TestCorruptEntryIsAMiss: an entry that does not decode is logged,
// removed and fetched again.
func TestCorruptEntryIsAMiss(t *testing.T) {
	r := newRig(t)
	a := r.replica(t)
	r.srv.Do(t, "SET", a.keysFor("", q17).entry, "SMC\x03garbage")
	up := &upstream{res: answer(t, 3)}
	res, _, err := a.List(context.Background(), "", q17, up.fetch)
	if err != nil || len(res.Conversations) != 3 || up.calls.Load() != 1 {
		t.Fatalf("err %v, %d fetches", err, up.calls.Load())
	}
	if !strings.Contains(r.log.String(), "does not decode") {
		t.Errorf("no warning about the corrupt entry:\n%s", r.log)
	}
}

func TestBadURL(t *testing.T) {
	_, err := New(Config{URL: "redis://:s3cret@host:notaport", TTL: time.Minute})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("err = %v, want an error without the password", err)
	}
}

// logBuffer collects log lines from many goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// aclRules is the ACL user the README recommends, word for word: only the
// cache's keys, only the commands it sends (its scripts' included).
const aclRules = "on resetkeys ~stammer-mcp:* resetchannels -@all +@connection +get +set +strlen +exists +del +eval +evalsha +pexpire +pttl +time +zadd +zrangebyscore +zremrangebyscore +hget +hset +hdel +hvals"

// TestACLUserSuffices: a user limited as the README says can do all the
// cache does (sharing, locking, the size bound, Retry-After) without a
// single refusal.
func TestACLUserSuffices(t *testing.T) {
	r := newRig(t)
	r.srv.Do(t, append([]string{"ACL", "SETUSER", "stammer-mcp", ">acl-test-password"}, strings.Fields(aclRules)...)...)
	url := strings.Replace(r.srv.URL, "redis://", "redis://stammer-mcp:acl-test-password@", 1)
	acl := func(c *Config) { c.URL = url }
	a, b := r.replica(t, acl), r.replica(t, acl)
	up := &upstream{res: answer(t, 20)}
	a.RateLimited(10 * time.Millisecond)
	if _, _, err := a.List(context.Background(), "", q17, up.fetch); err != nil {
		t.Fatal(err)
	}
	a.pending.Wait()
	if _, _, err := b.List(context.Background(), "", q17, up.fetch); err != nil {
		t.Fatal(err)
	}
	if n := up.calls.Load(); n != 1 {
		t.Errorf("%d fetches with the ACL user, want 1", n)
	}
	for _, bad := range []string{"unavailable", "keeping an answer", "NOPERM", "does not decode"} {
		if strings.Contains(r.log.String(), bad) {
			t.Errorf("the ACL user was refused something (%q):\n%s", bad, r.log)
		}
	}
}

// TestReadmeACL: the README recommends exactly the rules tested above.
func TestReadmeACL(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "ACL SETUSER stammer-mcp >a-long-random-password " + aclRules
	if !strings.Contains(string(readme), want) {
		t.Errorf("README.md lacks the tested ACL rules:\n%s", want)
	}
}

// TestForgedEntryIsRefused: an entry moved to another query's key, or
// written by someone without the token, is not read.
func TestForgedEntryIsRefused(t *testing.T) {
	r := newRig(t)
	a := r.replica(t)
	up := &upstream{res: answer(t, 5)}
	if _, _, err := a.List(context.Background(), "", q17, up.fetch); err != nil {
		t.Fatal(err)
	}
	a.pending.Wait()
	entry := r.srv.Do(t, "GET", a.keysFor("", q17).entry)
	q18 := stammer.Query{ChatbotID: 18}
	r.srv.Do(t, "SET", a.keysFor("", q18).entry, entry)
	// A valid encoding sealed with another token's key, at a's key.
	other := r.replica(t, func(c *Config) { c.Token = "another-token" })
	r.srv.Do(t, "SET", a.keysFor("", stammer.Query{ChatbotID: 19}).entry, string(other.seal(a.keysFor("", stammer.Query{ChatbotID: 19}).entry, encode(up.res, time.Now()))))
	for _, q := range []stammer.Query{q18, {ChatbotID: 19}} {
		if _, _, err := a.List(context.Background(), "", q, up.fetch); err != nil {
			t.Fatal(err)
		}
	}
	if n := up.calls.Load(); n != 3 {
		t.Errorf("%d fetches, want 3: a moved or forged entry was read", n)
	}
	if c := strings.Count(r.log.String(), "seal does not match"); c != 2 {
		t.Errorf("%d warnings about the seal, want 2:\n%s", c, r.log)
	}
}
