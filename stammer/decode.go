package stammer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/stammer-mcp/stammer-mcp/inert"
	"github.com/stammer-mcp/stammer-mcp/jsonlex"
)

// The response body is undocumented, so the decoder walks it as a token
// stream (package jsonlex) and recognises shapes instead of unmarshalling
// into one assumed struct. One loop (object) reads the outer structure;
// each conversation is read through the tables of fields.go, keeping only
// the Conversation, so memory is bounded by what is kept, not by the body
// plus a decoded copy. No input can make it nest deeper than
// jsonlex.MaxDepth, recurse without bound, or panic.

// scalar is a token with its value, as passed to the field readers. b
// aliases the lexer's buffer: use it before the next token is read.
type scalar struct {
	kind jsonlex.Kind
	b    []byte
}

// DecodeList decodes a conversations-list response body (for fuzzing and
// benchmarks), reading at most limit bytes and keeping at most about seven
// eighths of limit in decoded conversations, which can take more memory
// than their JSON (limit <= 0 means DefaultMaxBodyBytes).
//
// Errors: *BodyTooLargeError when the body, or what it decodes to, exceeds
// limit; *DecodeError when it is not JSON, is truncated, nests too deep,
// or has no recognisable list ("expected a list of conversations, found a
// JSON string"). A failure of r itself is returned wrapped (errors.Is
// finds it), not as a DecodeError.
func DecodeList(r io.Reader, limit int64) (*ListResult, error) {
	return decodeBody(r, limit, limit, nil, false)
}

// decodeBody is DecodeList with separate bounds on the bytes read and the
// memory kept (for the pages after the first), a hook called after each
// decoded conversation (for progress), and one set for a retrieve-one body,
// which must hold exactly one conversation.
func decodeBody(r io.Reader, readLimit, keepLimit int64, hook itemHook, one bool) (*ListResult, error) {
	d := newDecoder(r, readLimit)
	if keepLimit > 0 {
		d.keepLimit = keepBound(keepLimit)
	}
	d.onItem, d.one = hook, one
	res := &ListResult{Count: -1, Pages: 1}
	err := d.top(res)
	if err == nil {
		err = d.end()
	}
	if n := len(res.Conversations); err == nil && one && n != 1 {
		err = fmt.Errorf("expected one conversation, found a list of %d", n)
		if n == 0 && res.Message != "" {
			err = fmt.Errorf("expected a conversation, found none%s", apiWords(res.Message))
		}
	}
	res.Bytes, res.DecodedBytes = d.lr.n, d.kept
	if err != nil {
		return nil, d.wrap(err)
	}
	return res, nil
}

// limitReader counts what it reads and refuses to go past limit+1 bytes
// (one byte over tells an over-long body from one exactly at the cap). It
// keeps the first real read error, so that a broken connection is reported
// as such rather than as malformed JSON, and the first non-blank byte, so
// that an HTML page is recognised.
type limitReader struct {
	r     io.Reader
	n     int64
	limit int64
	over  bool
	err   error
	first byte
}

var errOverLimit = errors.New("response body over the size limit")

func (l *limitReader) Read(p []byte) (int, error) {
	if l.over {
		return 0, errOverLimit
	}
	if rem := l.limit + 1 - l.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	k, err := l.r.Read(p)
	if rest := bytes.TrimLeft(p[:k], " \t\r\n"); l.first == 0 && len(rest) > 0 {
		l.first = rest[0]
	}
	l.n += int64(k)
	l.over = l.n > l.limit
	if err != nil && err != io.EOF && l.err == nil {
		l.err = err
	}
	return k, err
}

// bodyReadError is a failure of the body's reader (a dropped connection, a
// deadline), which the client reports as a transport failure.
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return "reading the response body: " + e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

type decoder struct {
	lx  *jsonlex.Lexer
	lr  *limitReader
	one bool // a retrieve-one body, which must hold one conversation
	// onItem, when set, hears of each conversation added to a list.
	onItem itemHook
	// kept is about how much heap the decoded result holds, accounted as
	// it grows; past keepLimit decoding stops (keptOver).
	kept      int64
	keepLimit int64
	keptOver  bool
	// msgs is scratch for one message list, reused so that each
	// conversation gets an exactly sized slice and no growth garbage.
	msgs []Message
	// strs interns short values that repeat across conversations
	// (platforms, chatbot uuids, roles, repeat users), up to maxInterned.
	strs map[string]string
	// convKeys and msgKeys remember the last object's keys (keyMemo).
	convKeys, msgKeys keyMemo
}

// itemHook hears, after each conversation decoded into a list, how many
// the list has, the API's count (or -1) and the bytes read so far.
type itemHook func(convs, count int, bytes int64)

func newDecoder(r io.Reader, limit int64) *decoder {
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	limit = min(limit, math.MaxInt64-1)
	lr := &limitReader{r: r, limit: limit}
	return &decoder{lx: jsonlex.New(lr), lr: lr, keepLimit: keepBound(limit), strs: make(map[string]string, 64)}
}

// keepBound is how much a result may hold under a cap of limit bytes:
// seven eighths, leaving the rest for buffers and garbage not yet
// collected, so the call as a whole stays under the cap; at least 1 MiB,
// so that a tiny cap (in tests) bounds the body, not one conversation.
func keepBound(limit int64) int64 { return max(limit-limit/8, 1<<20) }

// maxInterned bounds the intern table; values past it are simply copied.
const maxInterned = 1024

var (
	errKeptOver        = errors.New("decoded conversations over the size limit")
	sizeofConversation = int64(unsafe.Sizeof(Conversation{}))
	sizeofMessage      = int64(unsafe.Sizeof(Message{}))
)

// heapSize approximates, from above, the heap an allocation of n bytes
// takes: Go rounds small objects up to 16-byte steps and larger ones by
// at most an eighth.
func heapSize(n int64) int64 {
	switch {
	case n <= 0:
		return 0
	case n <= 256:
		return (n + 15) &^ 15
	}
	return n + n/8
}

// account adds n bytes to what the result keeps, failing past the cap.
func (d *decoder) account(n int64) error {
	d.kept += n
	if d.kept > d.keepLimit {
		d.keptOver = true
		return errKeptOver
	}
	return nil
}

// intern returns b (trimmed of spaces) as a string, shared with earlier
// equal values while the table has room.
func (d *decoder) intern(b []byte) string {
	b = bytes.TrimSpace(b)
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(b) <= 64 && len(d.strs) < maxInterned {
		d.strs[s] = s
	}
	return s
}

// ownSize is what s costs the result: nothing when interned (shared),
// else its allocation.
func (d *decoder) ownSize(s string) int64 {
	if t, ok := d.strs[s]; s == "" || ok && unsafe.StringData(t) == unsafe.StringData(s) {
		return 0
	}
	return heapSize(int64(len(s)))
}

// convList collects a list's conversations in blocks, so that a long list
// never copies itself while growing (doubling would leave garbage of the
// list's own size and briefly hold it three times over); slice joins the
// blocks once, at the end.
type convList struct {
	blocks [][]Conversation
	cur    []Conversation
	n      int
}

const maxBlock = 1024

// add appends c and returns the bytes of a newly allocated block, if any.
func (l *convList) add(c Conversation) (alloc int64) {
	if len(l.cur) == cap(l.cur) {
		if l.cur != nil {
			l.blocks = append(l.blocks, l.cur)
		}
		size := min(max(8, l.n), maxBlock)
		l.cur = make([]Conversation, 0, size)
		alloc = int64(size) * sizeofConversation
	}
	l.cur = append(l.cur, c)
	l.n++
	return alloc
}

func (l *convList) slice() []Conversation {
	if len(l.blocks) == 0 {
		return l.cur
	}
	out := make([]Conversation, 0, l.n)
	for _, b := range l.blocks {
		out = append(out, b...)
	}
	return append(out, l.cur...)
}

// wrap classifies a decoding failure: over the cap, a read failure, or a
// body we cannot use.
func (d *decoder) wrap(err error) error {
	switch {
	case d.lr.over || d.keptOver:
		return &BodyTooLargeError{Limit: d.lr.limit}
	case d.lr.err != nil:
		return &bodyReadError{err: d.lr.err}
	case d.lr.first == '<':
		err = errHTMLPage
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = fmt.Errorf("the JSON ends early, the response was cut off: %w", io.ErrUnexpectedEOF)
	}
	return &DecodeError{Bytes: d.lr.n, Err: err}
}

// end checks that only whitespace follows the value, reading the rest of
// the body (which also counts it against the cap).
func (d *decoder) end() error {
	_, err := d.lx.Next() // jsonlex.EOF, or a syntax error for more data
	return err
}

// describe names what a token starts, for "found …" messages.
func describe(k jsonlex.Kind) string {
	return [...]string{jsonlex.EOF: "nothing", jsonlex.Object: "a JSON object", jsonlex.Array: "a JSON array",
		jsonlex.String: "a JSON string", jsonlex.Number: "a JSON number", jsonlex.True: "a JSON boolean",
		jsonlex.False: "a JSON boolean", jsonlex.Null: "null"}[k]
}

// keyList renders up to 10 keys of an unrecognised object, quoted and
// capped, so the message says what was found without dumping the body.
type keyList []string

func (k *keyList) add(key []byte) {
	if n := len(*k); n < 10 {
		*k = append(*k, quoteValue(string(key)))
	} else if n == 10 {
		*k = append(*k, "…")
	}
}

func (k keyList) String() string {
	if len(k) == 0 {
		return "an empty JSON object"
	}
	return "a JSON object with keys " + strings.Join(k, ", ")
}

// apiWords builds the tail of a "no list found" message from an error or
// detail string a 2xx body carried, so the API's own explanation survives.
func apiWords(s string) string {
	if s = inert.Message(s); s != "" {
		return ": " + strconv.Quote(s)
	}
	return ""
}

// wanted names what the body should hold, for "expected …" messages.
func (d *decoder) wanted() string {
	if d.one {
		return "a conversation"
	}
	return "a list of conversations"
}

// top decodes the top-level value: a bare array of conversations, or an
// object (see object).
func (d *decoder) top(res *ListResult) error {
	k, err := d.lx.Next()
	if err != nil {
		return err
	}
	switch k {
	case jsonlex.EOF:
		return errors.New("the response body is empty")
	case jsonlex.Array:
		res.Shape = "array"
		return d.items(res)
	case jsonlex.Object:
		return d.object(res, "")
	}
	return fmt.Errorf("expected %s, found %s", d.wanted(), describe(k))
}

// object is the one loop over the outer structure, for the top-level
// object (prefix "") and for an object in its "data" (prefix "data."):
// {"message","data":[…]}, DRF's {"count","next","results"},
// {"data":{"results":[…]}}. The first of data, results or conversations
// holding a list is the list; count, next and message are read wherever
// they sit; error and detail keep the API's words for when no list comes;
// other members may belong to a single conversation sent on its own.
func (d *decoder) object(res *ListResult, prefix string) error {
	var (
		b      convBuilder
		found  bool
		keys   keyList
		errTxt string
		other  bool // a member that is not the list or metadata
	)
	for d.lx.More() {
		kb, err := d.lx.Key()
		if err != nil {
			return err
		}
		keys.add(kb)
		switch lk := strings.ToLower(string(kb)); {
		case found && (lk == "data" || lk == "results" || lk == "conversations"):
			err = d.lx.SkipValue()
		case lk == "data" || lk == "results" || lk == "conversations":
			found, err = d.listValue(res, prefix, lk)
		case lk == "count" || lk == "next" || lk == "previous" || lk == "message" ||
			prefix == "" && (lk == "error" || lk == "detail"):
			err = d.meta(res, lk, &errTxt)
		default:
			other = true
			err = b.field(d, kb)
		}
		if err != nil {
			return err
		}
	}
	if _, err := d.lx.Next(); err != nil {
		return err
	}
	switch {
	case found:
	case b.seen:
		res.Shape = prefix + "object"
		res.Conversations = append(res.Conversations, b.finish())
	case prefix != "" && !other:
		res.Shape = "envelope" // {"data": {}} or only count/next: nothing listed
	case prefix == "" && res.Message != "" && errTxt == "":
		res.Shape = "message"
	case prefix != "":
		return fmt.Errorf("expected %s in \"data\", found %s", d.wanted(), keys)
	default:
		return fmt.Errorf("expected %s, found %s%s", d.wanted(), keys, apiWords(errTxt))
	}
	return nil
}

// listValue reads a member that may hold the list: an array is the list,
// null an empty one (not in a retrieve-one body), and the top-level "data"
// may also be an object, walked by object. Anything else in "data" is an
// error; in results or conversations it is skipped (found false).
func (d *decoder) listValue(res *ListResult, prefix, key string) (found bool, err error) {
	k, err := d.lx.Next()
	if err != nil {
		return false, err
	}
	topData := prefix == "" && key == "data"
	shape := prefix + key
	if topData {
		shape = "envelope"
	}
	switch {
	case k == jsonlex.Array:
		res.Shape = shape
		return true, d.items(res)
	case k == jsonlex.Null && !d.one:
		res.Shape = shape
		return true, nil
	case k == jsonlex.Object && topData:
		return true, d.object(res, "data.")
	case topData:
		return false, fmt.Errorf("expected %s in \"data\", found %s", d.wanted(), describe(k))
	}
	return false, d.lx.Finish(k)
}

// meta reads count, next and message into res, and the first error or
// detail string into *errTxt.
func (d *decoder) meta(res *ListResult, key string, errTxt *string) error {
	k, err := d.lx.Next()
	if err != nil {
		return err
	}
	v := scalar{k, d.lx.Val}
	switch key {
	case "count":
		if n, ok := toInt(v); ok && n >= 0 && n <= math.MaxInt32 {
			res.Count = int(n)
		}
	case "next":
		if k == jsonlex.String {
			res.Next = string(bytes.TrimSpace(v.b))
		}
	case "message":
		if k == jsonlex.String && res.Message == "" {
			res.Message = inert.Message(string(v.b))
		}
	case "error", "detail":
		if k == jsonlex.String && *errTxt == "" {
			*errTxt = string(v.b)
		}
	}
	return d.lx.Finish(k)
}

// items decodes the elements of a conversation list whose "[" has been
// read. Objects become conversations; anything else, and objects with no
// recognisable field, are counted in Skipped.
func (d *decoder) items(res *ListResult) error {
	var list convList
	for d.lx.More() {
		k, err := d.lx.Next()
		if err != nil {
			return err
		}
		ok := false
		var c Conversation
		if k == jsonlex.Object {
			c, ok, err = d.conversation()
		} else {
			err = d.lx.Finish(k)
		}
		if err != nil {
			return err
		}
		if !ok {
			res.Skipped++
			continue
		}
		if err := d.account(list.add(c) + d.ownSize(c.UUID) + d.ownSize(c.ChatbotUUID) + d.ownSize(c.UserKey) + d.ownSize(c.Platform)); err != nil {
			return err
		}
		if d.onItem != nil {
			d.onItem(list.n, res.Count, d.lr.n)
		}
	}
	res.Conversations = append(res.Conversations, list.slice()...)
	_, err := d.lx.Next()
	return err
}

// conversation decodes the members of a conversation object whose "{" has
// been read. ok is false when no member was recognised.
func (d *decoder) conversation() (c Conversation, ok bool, err error) {
	var b convBuilder
	for d.lx.More() {
		kb, err := d.lx.Key()
		if err == nil {
			err = b.field(d, kb)
		}
		if err != nil {
			return c, false, err
		}
	}
	if _, err := d.lx.Next(); err != nil {
		return c, false, err
	}
	return b.finish(), b.seen, nil
}
