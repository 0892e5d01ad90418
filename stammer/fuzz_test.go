package stammer_test

import (
	"bytes"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// fuzzLimit is the body cap under fuzzing: small enough that the cap
// itself is exercised by large inputs.
const fuzzLimit = 256 << 10

// FuzzDecodeConversations feeds arbitrary bodies to both decoders (list
// and single conversation). For every input: no panic; an answer in
// bounded time and bounded memory (allocations within a fixed budget plus
// a small multiple of the input); the same result however the body is
// split into reads; and errors that are short, valid UTF-8 and of the
// documented types. Seeds are in testdata/fuzz/FuzzDecodeConversations,
// plus the fake's own bodies in every shape and style.
func FuzzDecodeConversations(f *testing.F) {
	// The fake's bodies in every shape and style, with its smallest
	// fixture: small seeds keep mutation fast and minimisation short.
	fx := smallestFixture()
	for _, sh := range stammertest.Shapes() {
		for _, st := range stammertest.Styles() {
			f.Add(stammertest.Encode(fx, sh, st))
		}
	}
	f.Add([]byte(`{"count": 2, "next": "?page=2", "results": [{"id": "7", "chatbot": {"id": 17.0}, "messages": [{"role": "bot", "content": [{"type": "text", "text": "hi"}]}]}]}`))
	f.Add([]byte(strings.Repeat("[", 70) + strings.Repeat("]", 70)))
	f.Add([]byte("{\"data\": [{\"messages\": [{\"query\": \"caf\xe9 \\ud83d\", \"answer\": \"\\u0000\"}]}]}"))
	f.Add([]byte(`{"data": {"id": 1, "messages": []}}`))
	f.Add([]byte(`<!DOCTYPE html><html>`))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		res, err := stammer.DecodeList(bytes.NewReader(body), fuzzLimit)
		one, oneErr := stammer.DecodeConversation(bytes.NewReader(body), fuzzLimit)
		took := time.Since(start)
		runtime.ReadMemStats(&after)

		if took > 2*time.Second {
			t.Errorf("decoding %d bytes took %v", len(body), took)
		}
		// Two decoders, each with a 64 KiB buffer, an intern table and
		// scratch; then what the input decodes to, which is a bounded
		// multiple of its size (a message struct per few bytes at worst).
		if alloc, budget := after.TotalAlloc-before.TotalAlloc, uint64(1<<20+96*len(body)); alloc > budget {
			t.Errorf("decoding %d bytes allocated %d bytes, over %d", len(body), alloc, budget)
		}
		checkErr := func(name string, err error) {
			if err == nil {
				return
			}
			var de *stammer.DecodeError
			var tl *stammer.BodyTooLargeError
			if !errors.As(err, &de) && !errors.As(err, &tl) {
				t.Errorf("%s: error of type %T: %v", name, err, err)
			}
			if msg := err.Error(); len(msg) > 2000 || !utf8.ValidString(msg) || strings.ContainsAny(msg, "\x00\r\n\x1b") {
				t.Errorf("%s: error is long, invalid or has control characters: %q", name, msg)
			}
		}
		checkErr("DecodeList", err)
		checkErr("DecodeConversation", oneErr)
		if err == nil {
			if res == nil || res.Bytes != int64(len(body)) || res.Count < -1 || res.Skipped < 0 {
				t.Fatalf("result %+v for %d bytes", res, len(body))
			}
			if res.DecodedBytes > fuzzLimit && res.DecodedBytes > 1<<20 {
				t.Errorf("the result keeps %d bytes, over the cap", res.DecodedBytes)
			}
		}
		if oneErr == nil && one == nil {
			t.Fatal("DecodeConversation: no conversation and no error")
		}

		// Splitting the body into one-byte reads changes nothing (but
		// DecodeError.Bytes, how far reading got, which depends on reads).
		res2, err2 := stammer.DecodeList(iotest.OneByteReader(bytes.NewReader(body)), fuzzLimit)
		if (err == nil) != (err2 == nil) || (err != nil && cause(err) != cause(err2)) {
			t.Fatalf("one-byte reads: err %v, whole: %v", err2, err)
		}
		if err == nil && !reflect.DeepEqual(res, res2) {
			t.Fatal("one-byte reads decode differently")
		}
	})
}

// cause is an error's message without the read position of a DecodeError.
func cause(err error) string {
	var de *stammer.DecodeError
	if errors.As(err, &de) {
		return de.Err.Error()
	}
	return err.Error()
}

// smallestFixture returns the fixture conversation whose body is smallest.
func smallestFixture() []stammertest.Conversation {
	all := stammertest.Fixtures()
	best, size := 0, -1
	for i := range all {
		if n := len(stammertest.Encode(all[i:i+1], stammertest.ShapeEnvelope, stammertest.StyleTurns)); size < 0 || n < size {
			best, size = i, n
		}
	}
	return all[best : best+1]
}
