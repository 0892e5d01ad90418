package stammer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// The response body of the conversations endpoint is undocumented, so the
// decoder walks it as a token stream (see lexer) and recognises shapes
// instead of unmarshalling into one assumed struct:
//
//   - the outer structure ({"message","data":[…]}, {"data":{"results":[…]}},
//     a bare array, {"results":[…],"count",…}, {"conversations":[…]}) is
//     walked token by token, so the list is never held as raw bytes;
//   - each conversation is decoded one at a time, field by field, keeping
//     only the normalised Conversation, so memory is bounded by what is kept
//     rather than by body + decoded copy;
//   - values nobody reads are skipped without being unescaped or copied; and
//     no input can make it nest deeper than maxDepth, recurse without bound,
//     or panic.

// maxDepth bounds JSON nesting anywhere in a body. Real conversation lists
// nest about six levels; anything past 64 is an attack or a bug, refused
// with a DecodeError rather than walked.
const maxDepth = 64

// DecodeList decodes a conversations-list response body, reading at most
// limit bytes and keeping at most about seven eighths of limit in decoded
// conversations (limit <= 0 means DefaultMaxBodyBytes). It is exported for
// fuzzing and benchmarks; Client.ListConversations uses it.
//
// Both bounds matter: decoded conversations can take more memory than
// their JSON (a struct per conversation and message, strings rounded up to
// allocation sizes), so a cap on the bytes read alone would let a body
// just under the cap cost well over it.
//
// Errors: *BodyTooLargeError when the body, or what it decodes to, exceeds
// limit; *DecodeError when
// it is not JSON, is truncated, nests too deep, or has no recognisable list
// ("expected a list of conversations, found a JSON string"). A failure of r
// itself is returned wrapped (errors.Is finds it), not as a DecodeError.
func DecodeList(r io.Reader, limit int64) (*ListResult, error) {
	return decodeList(r, limit, limit, nil)
}

// decodeList is DecodeList with separate bounds on the bytes read and the
// memory kept (for the pages after the first), and a hook called after
// each decoded conversation (for progress).
func decodeList(r io.Reader, readLimit, keepLimit int64, hook itemHook) (*ListResult, error) {
	d := newDecoder(r, readLimit)
	if keepLimit > 0 {
		d.keepLimit = keepBound(keepLimit)
	}
	d.onItem = hook
	res := &ListResult{Count: -1, Pages: 1}
	err := d.list(res)
	if err == nil {
		err = d.end()
	}
	res.Bytes = d.lr.n
	res.DecodedBytes = d.kept
	if err != nil {
		return nil, d.wrap(err)
	}
	return res, nil
}

// DecodeConversation decodes a retrieve-one response body: a conversation
// object, bare or inside {"message","data":{…}} (a one-element list is
// accepted too). Errors are as for DecodeList.
func DecodeConversation(r io.Reader, limit int64) (*Conversation, error) {
	d := newDecoder(r, limit)
	c, err := d.single()
	if err == nil {
		err = d.end()
	}
	if err != nil {
		return nil, d.wrap(err)
	}
	return c, nil
}

// limitReader counts what it reads and refuses to go past limit+1 bytes:
// reading one byte more than the cap is how an over-long body is told from
// one exactly at the cap. It remembers the first real read error so that a
// broken connection is reported as such, not as malformed JSON, and the
// first non-blank byte so that an HTML page is recognised.
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
	if l.first == 0 {
		for _, c := range p[:k] {
			if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				l.first = c
				break
			}
		}
	}
	l.n += int64(k)
	if l.n > l.limit {
		l.over = true
	}
	if err != nil && err != io.EOF && l.err == nil {
		l.err = err
	}
	return k, err
}

// bodyReadError is a failure of the body's reader (a dropped connection, a
// deadline) while decoding, kept apart from DecodeError so the client can
// report it as a transport failure.
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return "reading the response body: " + e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

type decoder struct {
	lx *lexer
	lr *limitReader
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
}

// itemHook hears, after each conversation decoded into a list, how many
// the list has, the API's count (or -1) and the bytes read so far.
type itemHook func(convs, count int, bytes int64)

// keepBound is how much a result may hold under a cap of limit bytes:
// seven eighths of it, leaving the rest for the decoder's buffers and for
// garbage the collector has not reclaimed yet, so that the call as a whole
// stays under the cap. At least 1 MiB: a cap of a few hundred bytes (in
// tests) bounds the body, not the structs one conversation needs.
func keepBound(limit int64) int64 {
	return max(limit-limit/8, 1<<20)
}

// maxInterned bounds the intern table; values past it are simply copied.
const maxInterned = 1024

// errKeptOver stops decoding when the result would hold more than the cap.
var errKeptOver = errors.New("decoded conversations over the size limit")

// Sizes of the result's structs, for accounting what it keeps.
var (
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
		if d.strs == nil {
			d.strs = make(map[string]string, 64)
		}
		d.strs[s] = s
	}
	return s
}

// ownSize is what s costs the result: nothing when interned (shared),
// else its allocation.
func (d *decoder) ownSize(s string) int64 {
	if s == "" {
		return 0
	}
	if t, ok := d.strs[s]; ok && unsafe.StringData(t) == unsafe.StringData(s) {
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
func (l *convList) add(c Conversation) int64 {
	var alloc int64
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

// slice returns every conversation in order.
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

func newDecoder(r io.Reader, limit int64) *decoder {
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	if limit >= math.MaxInt64-1 {
		limit = math.MaxInt64 - 1
	}
	lr := &limitReader{r: r, limit: limit}
	return &decoder{lx: newLexer(lr), lr: lr, keepLimit: keepBound(limit)}
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
	_, err := d.lx.next() // in sTopEnd: tEOF, or a syntax error for more data
	return err
}

// describe names what a token starts, for "found …" messages.
func describe(k tokKind) string {
	switch k {
	case tObj:
		return "a JSON object"
	case tArr:
		return "a JSON array"
	case tStr:
		return "a JSON string"
	case tNum:
		return "a JSON number"
	case tTrue, tFalse:
		return "a JSON boolean"
	case tNull:
		return "null"
	}
	return "nothing"
}

// keyList renders up to 10 keys of an unrecognised object, quoted and
// capped, so the message says what was found without dumping the body.
type keyList []string

func (k *keyList) add(key []byte) {
	if len(*k) < 11 {
		*k = append(*k, string(key))
	}
}

func (k keyList) String() string {
	if len(k) == 0 {
		return "an empty JSON object"
	}
	var b strings.Builder
	b.WriteString("a JSON object with keys ")
	for i, s := range k {
		if i == 10 {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteValue(s))
	}
	return b.String()
}

// apiWords builds the tail of a "no list found" message from an error or
// detail string a 2xx body carried, so the API's own explanation survives.
func apiWords(s string) string {
	if s = sanitizeMessage(s); s != "" {
		return ": " + strconv.Quote(s)
	}
	return ""
}

// list decodes the top level of a list response.
func (d *decoder) list(res *ListResult) error {
	k, err := d.lx.next()
	if err != nil {
		return err
	}
	switch k {
	case tEOF:
		return errors.New("the response body is empty")
	case tArr:
		res.Shape = "array"
		return d.items(res)
	case tObj:
		return d.listObject(res)
	}
	return fmt.Errorf("expected a list of conversations, found %s", describe(k))
}

// errorText reads the value of an "error" or "detail" member, keeping it
// in *dst when it is the first string seen.
func (d *decoder) errorText(dst *string) error {
	k, err := d.lx.next()
	if err != nil {
		return err
	}
	if k == tStr && *dst == "" {
		*dst = string(d.lx.val)
	}
	return d.lx.finish(k)
}

// listObject decodes a top-level object: an envelope, a DRF page, a
// {"conversations":…} wrapper, or (tolerated) one bare conversation or a
// message with no list.
func (d *decoder) listObject(res *ListResult) error {
	var (
		b      convBuilder
		found  bool
		keys   keyList
		errTxt string
	)
	for d.lx.more() {
		kb, err := d.lx.key()
		if err != nil {
			return err
		}
		keys.add(kb)
		switch lk := strings.ToLower(string(kb)); lk {
		case "data":
			if found {
				err = d.lx.skipValue()
				break
			}
			found, err = d.dataValue(res)
		case "results", "conversations":
			if found {
				err = d.lx.skipValue()
				break
			}
			found, err = d.listValue(res, lk)
		case "count", "next", "previous", "message":
			err = d.meta(res, lk)
		case "error", "detail":
			err = d.errorText(&errTxt)
		default:
			err = b.field(d, kb)
		}
		if err != nil {
			return err
		}
	}
	if _, err := d.lx.next(); err != nil {
		return err
	}
	switch {
	case found:
	case b.seen:
		res.Shape = "object"
		res.Conversations = append(res.Conversations, b.finish())
	case res.Message != "" && errTxt == "":
		res.Shape = "message"
	default:
		return fmt.Errorf("expected a list of conversations, found %s%s", keys, apiWords(errTxt))
	}
	return nil
}

// listValue reads the value of a list-bearing key (results,
// conversations, data.results, …): an array is the list, null an empty
// one; anything else is not a list and is skipped (found=false).
func (d *decoder) listValue(res *ListResult, shape string) (bool, error) {
	k, err := d.lx.next()
	if err != nil {
		return false, err
	}
	switch k {
	case tArr:
		res.Shape = shape
		return true, d.items(res)
	case tNull:
		res.Shape = shape
		return true, nil
	}
	return false, d.lx.finish(k)
}

// dataValue reads the top-level "data" member: a list (the envelope), null
// (no conversations), or an object holding the list or being one
// conversation.
func (d *decoder) dataValue(res *ListResult) (bool, error) {
	k, err := d.lx.next()
	if err != nil {
		return false, err
	}
	switch k {
	case tArr:
		res.Shape = "envelope"
		return true, d.items(res)
	case tNull:
		res.Shape = "envelope"
		return true, nil
	case tObj:
		return true, d.dataObject(res)
	}
	return false, fmt.Errorf("expected a list of conversations in \"data\", found %s", describe(k))
}

// dataObject decodes {"data": {…}} whose "{" has been read: a container
// with results/conversations/data and count/next, one conversation, or an
// object with nothing else in it (taken as no conversations).
func (d *decoder) dataObject(res *ListResult) error {
	var (
		b     convBuilder
		found bool
		keys  keyList
		other bool
	)
	for d.lx.more() {
		kb, err := d.lx.key()
		if err != nil {
			return err
		}
		keys.add(kb)
		switch lk := strings.ToLower(string(kb)); lk {
		case "results", "conversations", "data":
			if found {
				err = d.lx.skipValue()
				break
			}
			found, err = d.listValue(res, "data."+lk)
		case "count", "next", "previous", "message":
			err = d.meta(res, lk)
		default:
			other = true
			err = b.field(d, kb)
		}
		if err != nil {
			return err
		}
	}
	if _, err := d.lx.next(); err != nil {
		return err
	}
	switch {
	case found:
	case b.seen:
		res.Shape = "data.object"
		res.Conversations = append(res.Conversations, b.finish())
	case !other:
		res.Shape = "envelope" // {"data": {}} or only count/next: nothing listed
	default:
		return fmt.Errorf("expected a list of conversations in \"data\", found %s", keys)
	}
	return nil
}

// meta reads count, next, previous and message, wherever they sit.
func (d *decoder) meta(res *ListResult, key string) error {
	k, err := d.lx.next()
	if err != nil {
		return err
	}
	v := scalar{k, d.lx.val}
	switch key {
	case "count":
		if n, ok := toInt(v); ok && n >= 0 && n <= math.MaxInt32 {
			res.Count = int(n)
		}
	case "next":
		if k == tStr {
			res.Next = string(bytes.TrimSpace(v.b))
		}
	case "message":
		if k == tStr && res.Message == "" {
			res.Message = sanitizeMessage(string(v.b))
		}
	}
	return d.lx.finish(k)
}

// items decodes the elements of a conversation list whose "[" has been
// read. Objects become conversations; anything else, and objects with no
// recognisable field, are counted in Skipped.
func (d *decoder) items(res *ListResult) error {
	var list convList
	for d.lx.more() {
		k, err := d.lx.next()
		if err != nil {
			return err
		}
		if k != tObj {
			res.Skipped++
			if err := d.lx.finish(k); err != nil {
				return err
			}
			continue
		}
		c, ok, err := d.conversation()
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
	_, err := d.lx.next()
	return err
}

// conversation decodes the members of a conversation object whose "{" has
// been read. ok is false when no member was recognised.
func (d *decoder) conversation() (Conversation, bool, error) {
	var b convBuilder
	for d.lx.more() {
		kb, err := d.lx.key()
		if err != nil {
			return Conversation{}, false, err
		}
		if err := b.field(d, kb); err != nil {
			return Conversation{}, false, err
		}
	}
	if _, err := d.lx.next(); err != nil {
		return Conversation{}, false, err
	}
	return b.finish(), b.seen, nil
}

// single decodes the top level of a retrieve-one response.
func (d *decoder) single() (*Conversation, error) {
	k, err := d.lx.next()
	if err != nil {
		return nil, err
	}
	switch k {
	case tEOF:
		return nil, errors.New("the response body is empty")
	case tArr:
		var res ListResult
		if err := d.items(&res); err != nil {
			return nil, err
		}
		return oneOf(res.Conversations)
	case tObj:
	default:
		return nil, fmt.Errorf("expected a conversation, found %s", describe(k))
	}
	var (
		b      convBuilder
		inner  *Conversation
		keys   keyList
		errTxt string
	)
	for d.lx.more() {
		kb, err := d.lx.key()
		if err != nil {
			return nil, err
		}
		keys.add(kb)
		switch strings.ToLower(string(kb)) {
		case "data":
			inner, err = d.singleData()
		case "message":
			err = d.lx.skipValue()
		case "error", "detail":
			err = d.errorText(&errTxt)
		default:
			err = b.field(d, kb)
		}
		if err != nil {
			return nil, err
		}
	}
	if _, err := d.lx.next(); err != nil {
		return nil, err
	}
	switch {
	case inner != nil:
		return inner, nil
	case b.seen:
		c := b.finish()
		return &c, nil
	}
	return nil, fmt.Errorf("expected a conversation, found %s%s", keys, apiWords(errTxt))
}

// singleData reads the "data" member of a retrieve-one response.
func (d *decoder) singleData() (*Conversation, error) {
	k, err := d.lx.next()
	if err != nil {
		return nil, err
	}
	switch k {
	case tObj:
		c, ok, err := d.conversation()
		if err != nil || !ok {
			return nil, err
		}
		return &c, nil
	case tArr:
		var res ListResult
		if err := d.items(&res); err != nil {
			return nil, err
		}
		return oneOf(res.Conversations)
	}
	return nil, fmt.Errorf("expected a conversation in \"data\", found %s", describe(k))
}

func oneOf(cs []Conversation) (*Conversation, error) {
	if len(cs) != 1 {
		return nil, fmt.Errorf("expected one conversation, found a list of %d", len(cs))
	}
	return &cs[0], nil
}

// Field groups of a conversation. Each has several accepted spellings; the
// first spelling in priority order wins, whatever order the members come in.
const (
	gID = iota
	gUUID
	gNumber
	gChatbotID
	gChatbotUUID
	gUser
	gPlatform
	gState
	gCreated
	gUpdated
	gMessages
	gCount
	nGroups
)

// fieldKind says how a recognised key's value is read.
type fieldKind uint8

const (
	kIDish        fieldKind = iota // int → id group; uuid string → uuid group
	kUUID                          // any non-empty string
	kChatbot                       // int, uuid string, or {id, uuid}
	kChatbotUUID                   // any non-empty string
	kUser                          // string or integer
	kPlatform                      // string
	kActive                        // boolean-ish, true = live
	kDeleted                       // boolean-ish, true = deleted
	kCreated                       // time
	kUpdated                       // time
	kMessages                      // array of messages
	kMessageCount                  // integer
)

// fieldSpec is one accepted key: how to read it, and its rank within the
// group(s) it fills (lower wins). For kIDish, group/rank are the integer
// side and uuidRank the uuid side.
type fieldSpec struct {
	kind     fieldKind
	group    int
	rank     int8
	uuidRank int8
}

// convFields maps normalised keys (lower case, no '_' or '-', see normKey)
// to how they are read. Normalising makes "created_at", "createdAt" and
// "CreatedAt" one key, which is the tolerance we want for guessed names.
var convFields = map[string]fieldSpec{
	"id":                 {kIDish, gID, 0, 3},
	"pk":                 {kIDish, gID, 1, 4},
	"uuid":               {kUUID, gUUID, 0, 0},
	"conversationuuid":   {kUUID, gUUID, 1, 0},
	"conversationnumber": {kIDish, gNumber, 0, 2},
	"conversationid":     {kIDish, gNumber, 1, 2},
	"number":             {kIDish, gNumber, 2, 5},
	"chatbotid":          {kChatbot, gChatbotID, 0, 2},
	"chatbot":            {kChatbot, gChatbotID, 1, 1},
	"botid":              {kChatbot, gChatbotID, 2, 3},
	"chatbotuuid":        {kChatbotUUID, gChatbotUUID, 0, 0},
	"userkey":            {kUser, gUser, 0, 0},
	"userid":             {kUser, gUser, 1, 0},
	"user":               {kUser, gUser, 2, 0},
	"sessionid":          {kUser, gUser, 3, 0},
	"sourceplatform":     {kPlatform, gPlatform, 0, 0},
	"platform":           {kPlatform, gPlatform, 1, 0},
	"source":             {kPlatform, gPlatform, 2, 0},
	"channel":            {kPlatform, gPlatform, 3, 0},
	"isactive":           {kActive, gState, 0, 0},
	"deleted":            {kDeleted, gState, 1, 0},
	"isdeleted":          {kDeleted, gState, 2, 0},
	"createdat":          {kCreated, gCreated, 0, 0},
	"created":            {kCreated, gCreated, 1, 0},
	"starttime":          {kCreated, gCreated, 2, 0},
	"timestamp":          {kCreated, gCreated, 3, 0},
	"updatedat":          {kUpdated, gUpdated, 0, 0},
	"updated":            {kUpdated, gUpdated, 1, 0},
	"lastmessageat":      {kUpdated, gUpdated, 2, 0},
	"messages":           {kMessages, gMessages, 0, 0},
	"chathistory":        {kMessages, gMessages, 1, 0},
	"history":            {kMessages, gMessages, 2, 0},
	"conversation":       {kMessages, gMessages, 3, 0},
	"turns":              {kMessages, gMessages, 4, 0},
	"messagecount":       {kMessageCount, gCount, 0, 0},
	"messagescount":      {kMessageCount, gCount, 1, 0},
	"nummessages":        {kMessageCount, gCount, 2, 0},
}

// normKey appends k lower-cased, without '_', '-' or spaces, to dst.
// "created_at", "createdAt" and "CreatedAt" all become "createdat", which
// is the tolerance we want for guessed field names.
func normKey(dst, k []byte) []byte {
	for _, c := range k {
		switch {
		case c == '_' || c == '-' || c == ' ':
		case 'A' <= c && c <= 'Z':
			dst = append(dst, c+'a'-'A')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// convBuilder accumulates one conversation's fields, keeping for each group
// the value of the best-ranked key seen so far.
type convBuilder struct {
	c        Conversation
	have     [nGroups]int8 // rank+1 of the value kept; 0 = none yet
	msgCount int
	seen     bool // at least one key was recognised
}

// take reports whether a value of rank r should replace what group g
// holds, and if so records r.
func (b *convBuilder) take(g int, r int8) bool {
	if b.have[g] != 0 && b.have[g] <= r+1 {
		return false
	}
	b.have[g] = r + 1
	return true
}

func (b *convBuilder) finish() Conversation {
	c := b.c
	c.MessageCount = len(c.Messages)
	if c.MessageCount == 0 && b.have[gCount] != 0 {
		c.MessageCount = b.msgCount
	}
	return c
}

// trimmed returns a string token's value without surrounding space.
func trimmed(v scalar) string { return string(bytes.TrimSpace(v.b)) }

// field reads the value of member kb into b, or skips it when kb is not a
// conversation field.
func (b *convBuilder) field(d *decoder, kb []byte) error {
	var nb [32]byte
	spec, ok := convFields[string(normKey(nb[:0], kb))]
	if !ok {
		return d.lx.skipValue()
	}
	k, err := d.lx.next()
	if err != nil {
		return err
	}
	switch k {
	case tArr:
		if spec.kind != kMessages {
			return d.lx.skipRest()
		}
		msgs, err := d.messages()
		if err != nil {
			return err
		}
		b.seen = true
		if b.take(gMessages, spec.rank) {
			b.c.Messages = msgs
		}
		return nil
	case tObj:
		if spec.kind != kChatbot {
			return d.lx.skipRest()
		}
		b.seen = true
		return b.chatbotObject(d, spec)
	case tNull:
		return nil // the API sent the key without a value
	}
	v := scalar{k, d.lx.val}
	switch spec.kind {
	case kIDish, kChatbot:
		idGroup, uuidGroup := spec.group, gUUID
		if spec.kind == kChatbot {
			uuidGroup = gChatbotUUID
		}
		if n, ok := toInt(v); ok {
			b.seen = true
			if b.take(idGroup, spec.rank) {
				b.setInt(idGroup, n)
			}
		} else if v.isString() {
			if s := trimmed(v); IsUUID(s) {
				b.seen = true
				if uuidGroup == gChatbotUUID {
					s = d.intern(v.b)
				}
				if b.take(uuidGroup, spec.uuidRank) {
					b.setString(uuidGroup, s)
				}
			}
		}
	case kUUID, kChatbotUUID, kPlatform:
		if v.isString() {
			var s string
			if spec.kind == kUUID {
				s = trimmed(v)
			} else {
				s = d.intern(v.b)
			}
			if s != "" {
				b.seen = true
				if b.take(spec.group, spec.rank) {
					b.setString(spec.group, s)
				}
			}
		}
	case kUser:
		var s string
		switch k {
		case tStr:
			s = d.intern(v.b)
		case tNum:
			if n, ok := toInt(v); ok {
				s = strconv.FormatInt(n, 10)
			}
		}
		if s != "" {
			b.seen = true
			if b.take(gUser, spec.rank) {
				b.c.UserKey = s
			}
		}
	case kActive, kDeleted:
		if flag, ok := toBool(v); ok {
			b.seen = true
			if b.take(gState, spec.rank) {
				if flag == (spec.kind == kDeleted) {
					b.c.State = StateDeleted
				} else {
					b.c.State = StateLive
				}
			}
		}
	case kCreated, kUpdated:
		if at, ok := toTime(v); ok {
			b.seen = true
			if b.take(spec.group, spec.rank) {
				if spec.kind == kCreated {
					b.c.CreatedAt = at
				} else {
					b.c.UpdatedAt = at
				}
			}
		}
	case kMessageCount:
		if n, ok := toInt(v); ok && n >= 0 && n <= math.MaxInt32 {
			b.seen = true
			if b.take(gCount, spec.rank) {
				b.msgCount = int(n)
			}
		}
	}
	return nil
}

func (b *convBuilder) setInt(g int, n int64) {
	switch g {
	case gID:
		b.c.ID = n
	case gNumber:
		b.c.Number = n
	case gChatbotID:
		b.c.ChatbotID = n
	}
}

func (b *convBuilder) setString(g int, s string) {
	switch g {
	case gUUID:
		b.c.UUID = s
	case gChatbotUUID:
		b.c.ChatbotUUID = s
	case gPlatform:
		b.c.Platform = s
	}
}

// chatbotObject reads {"id": …, "uuid": …, "name": …} given as the chatbot
// member, at the rank of the key that held it.
func (b *convBuilder) chatbotObject(d *decoder, spec fieldSpec) error {
	for d.lx.more() {
		kb, err := d.lx.key()
		if err != nil {
			return err
		}
		var nb [32]byte
		nk := string(normKey(nb[:0], kb))
		if nk != "id" && nk != "pk" && nk != "chatbotid" && nk != "uuid" && nk != "chatbotuuid" {
			if err := d.lx.skipValue(); err != nil {
				return err
			}
			continue
		}
		k, err := d.lx.next()
		if err != nil {
			return err
		}
		v := scalar{k, d.lx.val}
		if n, ok := toInt(v); ok && nk != "uuid" && nk != "chatbotuuid" {
			if b.take(gChatbotID, spec.rank) {
				b.c.ChatbotID = n
			}
		} else if v.isString() {
			s := d.intern(v.b)
			if s != "" && (IsUUID(s) || nk == "uuid" || nk == "chatbotuuid") && b.take(gChatbotUUID, spec.uuidRank) {
				b.c.ChatbotUUID = s
			}
		}
		if err := d.lx.finish(k); err != nil {
			return err
		}
	}
	_, err := d.lx.next()
	return err
}

// messages decodes a message list whose "[" has been read into an exactly
// sized slice, accounting the texts as they come (so a giant conversation
// is stopped at the cap, not after it).
func (d *decoder) messages() ([]Message, error) {
	msgs := d.msgs[:0]
	defer func() {
		clear(msgs) // the scratch must not keep texts alive
		d.msgs = msgs[:0]
	}()
	for d.lx.more() {
		had := len(msgs)
		k, err := d.lx.next()
		if err != nil {
			return nil, err
		}
		switch k {
		case tStr:
			if len(bytes.TrimSpace(d.lx.val)) > 0 {
				msgs = append(msgs, Message{Role: RoleOther, Text: string(d.lx.val)})
			}
		case tObj:
			var acc msgAcc
			if err := acc.object(d); err != nil {
				return nil, err
			}
			msgs = acc.appendTo(msgs)
		default:
			if err := d.lx.finish(k); err != nil {
				return nil, err
			}
		}
		var n int64
		for _, m := range msgs[had:] {
			n += heapSize(int64(len(m.Text)))
		}
		if err := d.account(n); err != nil {
			return nil, err
		}
	}
	if _, err := d.lx.next(); err != nil {
		return nil, err
	}
	out := make([]Message, len(msgs))
	copy(out, msgs)
	return out, d.account(heapSize(int64(len(out)) * sizeofMessage))
}

// msgAcc accumulates one message object: either a Stammer turn (query and
// answer in one object) or a role-style message. Ranks keep the first
// spelling in priority order, as for conversations.
type msgAcc struct {
	user, bot, role, content string
	at                       time.Time
	turn                     bool    // a query/answer-style key was present
	roleSet                  bool    // a role-style key was present
	r                        [5]int8 // rank+1 per slot: user, bot, role, content, time
}

const (
	mUser = iota
	mBot
	mRole
	mContent
	mTime
)

// msgField maps a normalised message key to its slot and rank. A switch,
// not a map: it runs for every key of every message, and compiles to a
// binary search without hashing.
func msgField(k string) (slot int, rank int8, ok bool) {
	switch k {
	case "query":
		return mUser, 0, true
	case "question":
		return mUser, 1, true
	case "usermessage":
		return mUser, 2, true
	case "answer":
		return mBot, 0, true
	case "response":
		return mBot, 1, true
	case "botmessage":
		return mBot, 2, true
	case "role":
		return mRole, 0, true
	case "sender":
		return mRole, 1, true
	case "from":
		return mRole, 2, true
	case "author":
		return mRole, 3, true
	case "type":
		return mRole, 4, true
	case "isbot":
		return mRole, 5, true
	case "isuser":
		return mRole, 6, true
	case "content":
		return mContent, 0, true
	case "text":
		return mContent, 1, true
	case "message":
		return mContent, 2, true
	case "body":
		return mContent, 3, true
	case "createdat":
		return mTime, 0, true
	case "created":
		return mTime, 1, true
	case "timestamp":
		return mTime, 2, true
	case "time":
		return mTime, 3, true
	case "sentat":
		return mTime, 4, true
	case "date":
		return mTime, 5, true
	case "datetime":
		return mTime, 6, true
	}
	return 0, 0, false
}

func (m *msgAcc) take(slot int, r int8) bool {
	if m.r[slot] != 0 && m.r[slot] <= r+1 {
		return false
	}
	m.r[slot] = r + 1
	return true
}

// object reads the members of a message object whose "{" has been read.
// A nested "data" object (LangChain's {"type","data":{"content"}}) is read
// into the same message; the lexer's depth limit bounds that recursion.
func (m *msgAcc) object(d *decoder) error {
	for d.lx.more() {
		kb, err := d.lx.key()
		if err != nil {
			return err
		}
		var nb [32]byte
		nkb := normKey(nb[:0], kb)
		slot, rank, ok := msgField(string(nkb))
		if !ok {
			if string(nkb) != "data" {
				if err := d.lx.skipValue(); err != nil {
					return err
				}
				continue
			}
			k, err := d.lx.next()
			if err != nil {
				return err
			}
			if k == tObj {
				err = m.object(d)
			} else {
				err = d.lx.finish(k)
			}
			if err != nil {
				return err
			}
			continue
		}
		switch slot {
		case mUser, mBot, mContent:
			s, present, err := d.text()
			if err != nil {
				return err
			}
			if slot != mContent {
				m.turn = true
			}
			if present && m.take(slot, rank) {
				switch slot {
				case mUser:
					m.user = s
				case mBot:
					m.bot = s
				default:
					m.content = s
				}
			}
		case mRole:
			k, err := d.lx.next()
			if err != nil {
				return err
			}
			role, ok := "", false
			switch k {
			case tStr:
				role = d.intern(d.lx.val)
				ok = role != ""
			case tTrue, tFalse:
				isBot := string(nkb) == "isbot"
				if (k == tTrue) == isBot {
					role = "assistant"
				} else {
					role = "user"
				}
				ok = true
			}
			if ok {
				m.roleSet = true
				if m.take(mRole, rank) {
					m.role = role
				}
			}
			if err := d.lx.finish(k); err != nil {
				return err
			}
		case mTime:
			k, err := d.lx.next()
			if err != nil {
				return err
			}
			if at, ok := toTime(scalar{k, d.lx.val}); ok && m.take(mTime, rank) {
				m.at = at
			}
			if err := d.lx.finish(k); err != nil {
				return err
			}
		}
	}
	_, err := d.lx.next()
	return err
}

// appendTo appends the message(s) m stands for: a turn gives a user message
// then an assistant message, each only when not empty; a role-style message
// gives one message when its content is not empty. Messages without text
// are dropped in every style, so counts agree whichever way the API spells
// a conversation.
func (m *msgAcc) appendTo(msgs []Message) []Message {
	if m.turn {
		user := m.user
		if strings.TrimSpace(user) == "" && !m.roleSet {
			// {"message": "hi", "response": "hello"}: the content is the
			// user's side of the turn.
			user = m.content
		}
		if strings.TrimSpace(user) != "" {
			msgs = append(msgs, Message{Role: RoleUser, Text: user, At: m.at})
		}
		if strings.TrimSpace(m.bot) != "" {
			msgs = append(msgs, Message{Role: RoleAssistant, Text: m.bot, At: m.at})
		}
		return msgs
	}
	if strings.TrimSpace(m.content) == "" {
		return msgs // nothing to show; consistent with an empty side of a turn
	}
	return append(msgs, Message{Role: roleOf(m.role), Text: m.content, At: m.at})
}

// roleOf normalises a sender name. Stammer calls its chatbots "AI agents",
// so "agent" is the assistant; "system", human operators and unknown names
// are RoleOther.
func roleOf(s string) Role {
	var nb [32]byte
	switch string(normKey(nb[:0], []byte(s))) {
	case "user", "human", "customer", "client", "visitor", "enduser", "guest", "lead", "contact":
		return RoleUser
	case "assistant", "bot", "ai", "chatbot", "agent", "aiagent", "model", "aimessage":
		return RoleAssistant
	}
	return RoleOther
}

// text reads a message text: a string, an array of parts (strings or
// {"type":"text","text":…} objects, joined with newlines), or an object with
// a text or content string. present is false for null and for values with
// no text at all.
func (d *decoder) text() (s string, present bool, err error) {
	k, err := d.lx.next()
	if err != nil {
		return "", false, err
	}
	switch k {
	case tStr:
		return string(d.lx.val), true, nil
	case tObj:
		return d.partObject()
	case tArr:
	default:
		return "", false, nil // numbers, booleans, null: no text
	}
	var parts []string
	for d.lx.more() {
		k, err := d.lx.next()
		if err != nil {
			return "", false, err
		}
		switch k {
		case tStr:
			parts = append(parts, string(d.lx.val))
		case tObj:
			s, ok, err := d.partObject()
			if err != nil {
				return "", false, err
			}
			if ok {
				parts = append(parts, s)
			}
		default:
			if err := d.lx.finish(k); err != nil {
				return "", false, err
			}
		}
	}
	if _, err := d.lx.next(); err != nil {
		return "", false, err
	}
	return strings.Join(parts, "\n"), len(parts) > 0, nil
}

// partObject reads a content part whose "{" has been read and returns its
// text (or content, or value) string; parts without text (images, tool
// calls) give ok false.
func (d *decoder) partObject() (string, bool, error) {
	var s string
	var ok bool
	for d.lx.more() {
		kb, err := d.lx.key()
		if err != nil {
			return "", false, err
		}
		var nb [32]byte
		switch string(normKey(nb[:0], kb)) {
		case "text", "content", "value":
			k, err := d.lx.next()
			if err != nil {
				return "", false, err
			}
			if k == tStr && !ok {
				s, ok = string(d.lx.val), true
			}
			if err := d.lx.finish(k); err != nil {
				return "", false, err
			}
		default:
			if err := d.lx.skipValue(); err != nil {
				return "", false, err
			}
		}
	}
	_, err := d.lx.next()
	return s, ok, err
}

// toInt reads an integer from a JSON number or numeric string. Integral
// floats (17.0, "1e3") are accepted, since some serialisers emit them;
// fractions and values outside int64 are not.
func toInt(v scalar) (int64, bool) {
	b := v.b
	switch v.kind {
	case tNum:
	case tStr:
		b = bytes.TrimSpace(b)
		if _, ok := checkNumber(b); !ok {
			return 0, false
		}
	default:
		return 0, false
	}
	if n, ok := parseIntBytes(b); ok {
		return n, true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, false
	}
	if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		return 0, false // also NaN and ±Inf
	}
	return int64(f), true
}

// toBool reads a flag sent as a boolean, "true"/"false" (any case),
// "1"/"0", "yes"/"no", or the numbers 0 and 1.
func toBool(v scalar) (bool, bool) {
	switch v.kind {
	case tTrue:
		return true, true
	case tFalse:
		return false, true
	case tNum:
		switch string(v.b) {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	case tStr:
		switch strings.ToLower(trimmed(v)) {
		case "true", "1", "yes", "t", "y":
			return true, true
		case "false", "0", "no", "f", "n":
			return false, true
		}
	}
	return false, false
}

// timeLayouts are the textual timestamp forms accepted, most likely first:
// DRF's ISO 8601 (with "Z", an offset, or no zone, which is read as UTC),
// Python's str(datetime) with a space, a bare date, and HTTP dates. Go
// accepts fractional seconds after the seconds field in any of them.
var timeLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
}

// toTime reads a timestamp: one of timeLayouts, or Unix epoch seconds,
// milliseconds, microseconds or nanoseconds (told apart by magnitude) as a
// number or numeric string. Times are returned in UTC, so that all
// conversations compare and print alike whatever offset the API used. Zero,
// negative and out-of-range (before 1970, after 9999) values are treated as
// absent.
func toTime(v scalar) (time.Time, bool) {
	var s string
	switch v.kind {
	case tNum:
		s = string(v.b)
	case tStr:
		s = trimmed(v)
	default:
		return time.Time{}, false
	}
	if s == "" {
		return time.Time{}, false
	}
	if at, ok, numeric := epoch(s); numeric {
		return at, ok
	}
	for _, layout := range timeLayouts {
		if at, err := time.Parse(layout, s); err == nil {
			at = at.UTC()
			return at, validYear(at)
		}
	}
	return time.Time{}, false
}

func validYear(t time.Time) bool {
	y := t.Year()
	return y >= 1970 && y <= 9999
}

// epoch converts a numeric timestamp; numeric is false when s is not a
// number at all. Magnitude decides the unit: below 1e11 it is seconds
// (until year 5138), below 1e14 milliseconds, below 1e17 microseconds, else
// nanoseconds. Decimal fractions are read digit by digit, so
// 1793525400.25 is exactly a quarter second, not a float's neighbour.
func epoch(s string) (at time.Time, ok, numeric bool) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if !allDigits(intPart) || (hasDot && !allDigits(frac)) {
		// Exponent or signed forms: rare; accept through float.
		if _, ok := checkNumber([]byte(s)); !ok {
			return time.Time{}, false, false
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, false, true
		}
		if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 || f >= 1e18 {
			return time.Time{}, false, true
		}
		intPart, frac = strconv.FormatFloat(math.Trunc(f), 'f', 0, 64), ""
	}
	n, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || n <= 0 && frac == "" {
		return time.Time{}, false, true
	}
	var unitDigits int // fraction digits that fit in nanoseconds
	switch {
	case n < 1e11:
		at, unitDigits = time.Unix(n, 0), 9
	case n < 1e14:
		at, unitDigits = time.UnixMilli(n), 6
	case n < 1e17:
		at, unitDigits = time.UnixMicro(n), 3
	default:
		at, unitDigits = time.Unix(0, n), 0
	}
	if unitDigits > 0 && frac != "" {
		frac = (frac + "000000000")[:unitDigits]
		ns, _ := strconv.ParseInt(frac, 10, 64)
		at = at.Add(time.Duration(ns))
	}
	at = at.UTC()
	return at, validYear(at) && at.Unix() > 0, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
