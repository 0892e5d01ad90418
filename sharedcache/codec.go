package sharedcache

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// An entry is the magic, the format version, when the answer was fetched
// upstream (Unix milliseconds), the size of the encoded answer, and the
// encoded answer compressed as one zstd frame. The encoding is a flat sequence
// of varints and length-prefixed strings, in the order of the fields of
// stammer.ListResult, Conversation and Message: no field names, no
// reflection, and a decoder that allocates one string for all the text.
//
// Anyone who can write to the Valkey/Redis server can write an entry, so
// decode trusts nothing: every length is checked against what is left, and
// the decompressed size against the declared one and the caller's limit.
const (
	magic         = "SMC"
	formatVersion = 3 // 3: without the message count, which was always len(Messages)
)

// zstd at its fastest level: on the generated 10,000-conversation answer
// it stores a tenth of the encoding (DEFLATE at its fastest: 28 %), and
// compresses 3 times and decompresses 5 times as fast as compress/flate
// (measured with klauspost/compress v1.20.4 on this project's 2-core
// machine; see BenchmarkCodec for the codec as a whole). Encoders are
// pooled, decoders kept per size limit; both are made on first use, not
// at start-up.
var (
	zstdEncoders = sync.Pool{New: func() any {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
		if err != nil {
			panic(err) // only for invalid options
		}
		return e
	}}
	zstdDecoders sync.Map // limit (int64) → *zstd.Decoder
)

// zstdDecoder returns a decoder that never allocates more than limit.
func zstdDecoder(limit int64) *zstd.Decoder {
	if d, ok := zstdDecoders.Load(limit); ok {
		return d.(*zstd.Decoder)
	}
	d, err := zstd.NewReader(nil, zstd.WithDecoderMaxMemory(uint64(limit)), zstd.WithDecoderConcurrency(2))
	if err != nil {
		panic(err) // only for invalid options
	}
	actual, _ := zstdDecoders.LoadOrStore(limit, d)
	return actual.(*zstd.Decoder)
}

// errCorrupt is returned for an entry that does not decode; the caller
// treats it as a miss.
var errCorrupt = errors.New("corrupt shared cache entry")

// encode serialises res with when it was fetched. The encoding is
// streamed into the compressor, never held whole: a first pass counts its
// size, which the header and the zstd frame declare.
func encode(res *stammer.ListResult, at time.Time) []byte {
	var count encoder
	count.result(res)
	var out bytes.Buffer
	out.Grow(int(count.n/8) + 64)
	hdr := encoder{w: bufio.NewWriterSize(&out, 32)}
	hdr.write([]byte(magic))
	hdr.write([]byte{formatVersion})
	hdr.uvarint(uint64(max(at.UnixMilli(), 0)))
	hdr.uvarint(uint64(count.n))
	hdr.w.Flush()
	zw := zstdEncoders.Get().(*zstd.Encoder)
	defer zstdEncoders.Put(zw)
	zw.ResetContentSize(&out, count.n)
	e := encoder{w: bufio.NewWriterSize(zw, 64<<10)}
	e.result(res)
	// Writes to a bytes.Buffer cannot fail; a size that differs from the
	// count would, and is a bug.
	if err := e.w.Flush(); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// decode reverses encode. limit bounds the decompressed size, so a forged
// entry cannot make a replica allocate more than an upstream answer could.
func decode(data []byte, limit int64) (*stammer.ListResult, time.Time, error) {
	if len(data) < len(magic)+1 || string(data[:len(magic)]) != magic || data[len(magic)] != formatVersion {
		return nil, time.Time{}, errCorrupt
	}
	d := decoder{b: data[len(magic)+1:]}
	ms := d.uvarint()
	size := d.uvarint()
	if d.err != nil || ms > math.MaxInt64 || size > uint64(limit) {
		return nil, time.Time{}, errCorrupt
	}
	// The frame must declare the same size, so the decoder allocates
	// exactly that, and a forged frame cannot make it allocate more. (The
	// encoder leaves the size out of frames under 256 bytes.)
	var h zstd.Header
	if err := h.Decode(d.b); err != nil || h.HasFCS && h.FrameContentSize != size || !h.HasFCS && size > 1<<10 {
		return nil, time.Time{}, fmt.Errorf("%w: bad frame header", errCorrupt)
	}
	raw, err := zstdDecoder(limit).DecodeAll(d.b, make([]byte, 0, size))
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	if uint64(len(raw)) != size {
		return nil, time.Time{}, fmt.Errorf("%w: %d bytes, declared %d", errCorrupt, len(raw), size)
	}
	// One string holds all the text; every field is a slice of it. raw is
	// never written again, so it can back the string without a copy.
	d = decoder{b: raw, s: unsafe.String(unsafe.SliceData(raw), len(raw))}
	res := d.result()
	if d.err != nil {
		return nil, time.Time{}, d.err
	}
	if len(d.b) != 0 {
		return nil, time.Time{}, fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.b))
	}
	res.DecodedBytes = heldBytes(res, cap(raw))
	return res, time.UnixMilli(int64(ms)), nil
}

// heldBytes is what a decoded answer holds: raw, which backs all its text,
// and the arrays of conversations and messages (without the allocator's
// rounding: within 2% of the heap measured at 300 and 3,000
// conversations). The DecodedBytes stored with an entry is the writer's
// estimate for its own decoding, and may be from an older layout, so the
// local cache, which sizes itself by it, counts this instead.
func heldBytes(r *stammer.ListResult, raw int) int64 {
	msgs := 0
	for i := range r.Conversations {
		msgs += len(r.Conversations[i].Messages)
	}
	return int64(raw) + int64(unsafe.Sizeof(*r)) +
		int64(len(r.Conversations))*int64(unsafe.Sizeof(stammer.Conversation{})) +
		int64(msgs)*int64(unsafe.Sizeof(stammer.Message{}))
}

// encoder writes the fields of a result to w, or, with w nil, only
// counts their bytes in n.
type encoder struct {
	w   *bufio.Writer
	n   int64
	tmp [binary.MaxVarintLen64]byte
}

func (e *encoder) write(p []byte) {
	e.n += int64(len(p))
	if e.w != nil {
		e.w.Write(p)
	}
}

func (e *encoder) uvarint(v uint64) { e.write(binary.AppendUvarint(e.tmp[:0], v)) }
func (e *encoder) varint(v int64)   { e.write(binary.AppendVarint(e.tmp[:0], v)) }

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.n += int64(len(s))
	if e.w != nil {
		e.w.WriteString(s)
	}
}

// time writes 0 for the zero time, else the nanoseconds (shifted, low bit
// set) and the Unix seconds. Decoded times are UTC, as the client's are.
func (e *encoder) time(i stammer.Instant) {
	if i.IsZero() {
		e.uvarint(0)
		return
	}
	t := i.Time()
	e.uvarint(uint64(t.Nanosecond())<<1 | 1)
	e.varint(t.Unix())
}

func (e *encoder) result(r *stammer.ListResult) {
	e.str(r.Message)
	e.varint(int64(r.Count))
	e.str(r.Next)
	e.varint(int64(r.Skipped))
	e.varint(int64(r.Duplicates))
	e.str(r.Shape)
	e.varint(r.Bytes)
	e.varint(r.DecodedBytes)
	e.varint(int64(r.Pages))
	e.str(string(r.Truncated))
	e.uvarint(uint64(len(r.Conversations)))
	msgs := 0
	for i := range r.Conversations {
		msgs += len(r.Conversations[i].Messages)
	}
	e.uvarint(uint64(msgs))
	for i := range r.Conversations {
		c := &r.Conversations[i]
		e.varint(c.ID)
		e.str(c.UUID)
		e.varint(c.Number)
		e.varint(c.ChatbotID)
		e.str(c.ChatbotUUID)
		e.str(c.UserKey)
		e.str(c.Platform)
		e.varint(int64(c.State))
		e.time(c.CreatedAt)
		e.time(c.UpdatedAt)
		e.uvarint(uint64(len(c.Messages)))
		for j := range c.Messages {
			m := &c.Messages[j]
			e.str(m.Role.String())
			e.str(m.Text)
			e.time(m.At)
		}
	}
}

// decoder reads what encoder wrote. The first error sticks; later reads
// return zero values.
type decoder struct {
	b   []byte
	s   string // the same bytes as the whole input, for strings
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s", errCorrupt, what)
	}
	d.b = nil
}

// uvarint and varint read one number; binary gives 0 for one it cannot read.
func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	d.skip(n)
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	d.skip(n)
	return v
}

// skip moves past a number of n bytes; n <= 0 is binary's "none there".
func (d *decoder) skip(n int) {
	if n <= 0 {
		d.fail("number")
		return
	}
	d.b = d.b[n:]
}

// int reads a varint that must fit an int.
func (d *decoder) int() int {
	v := d.varint()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail("count")
		return 0
	}
	return int(v)
}

// count reads a number of items, each of which takes at least min bytes.
func (d *decoder) count(min int) int {
	v := d.uvarint()
	if v > uint64(len(d.b)/min) {
		d.fail("length")
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("string")
		return ""
	}
	start := len(d.s) - len(d.b)
	d.b = d.b[n:]
	return d.s[start : start+int(n)]
}

func (d *decoder) time() stammer.Instant {
	ns := d.uvarint()
	if ns == 0 {
		return 0
	}
	if ns>>1 >= uint64(time.Second) {
		d.fail("time")
		return 0
	}
	return stammer.InstantOf(time.Unix(d.varint(), int64(ns>>1)))
}

func (d *decoder) result() *stammer.ListResult {
	r := &stammer.ListResult{
		Message:      d.str(),
		Count:        d.int(),
		Next:         d.str(),
		Skipped:      d.int(),
		Duplicates:   d.int(),
		Shape:        d.str(),
		Bytes:        d.varint(),
		DecodedBytes: d.varint(),
		Pages:        d.int(),
		Truncated:    stammer.Truncation(d.str()),
	}
	// A conversation takes at least 12 bytes, a message 3.
	if n := d.count(12); n > 0 {
		r.Conversations = make([]stammer.Conversation, n)
	}
	all := make([]stammer.Message, d.count(3))
	for i := range r.Conversations {
		c := &r.Conversations[i]
		c.ID = d.varint()
		c.UUID = d.str()
		c.Number = d.varint()
		c.ChatbotID = d.varint()
		c.ChatbotUUID = d.str()
		c.UserKey = d.str()
		c.Platform = d.str()
		c.State = stammer.State(d.int())
		c.CreatedAt = d.time()
		c.UpdatedAt = d.time()
		n := d.uvarint()
		if n > uint64(len(all)) {
			d.fail("message count")
			return r
		}
		// Every conversation's messages are a slice of one array, capped
		// so that an append by a caller cannot reach the next one's.
		c.Messages, all = all[:n:n], all[n:]
		if n == 0 {
			c.Messages = nil
		}
		for j := range c.Messages {
			m := &c.Messages[j]
			switch d.str() { // the zero Role is RoleOther
			case "user":
				m.Role = stammer.RoleUser
			case "assistant":
				m.Role = stammer.RoleAssistant
			}
			m.Text = d.str()
			m.At = d.time()
		}
	}
	if len(all) != 0 {
		d.fail("message total")
	}
	return r
}
