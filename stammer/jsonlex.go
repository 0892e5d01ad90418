package stammer

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// lexer is a streaming JSON tokenizer for the response decoder.
//
// Why not encoding/json's Decoder.Token: it decodes every scalar through a
// full Decode call (a fresh decode state, an interface value, and an error
// value built and discarded at the end of each scalar), which measured at
// about 30 MB/s on a realistic conversation list — ten seconds for the
// hundreds of megabytes a busy agency's unfiltered query can return.
// encoding/json/v2 would do, but is still behind GOEXPERIMENT in Go 1.26.
// This lexer reads the body once, through a reusable buffer, hands out
// strings without copying when they need no unescaping, and enforces the
// same grammar as encoding/json (the differential fuzz test checks that it
// accepts exactly what json.Valid accepts) plus a nesting limit.
//
// Token values (l.val) alias the buffer and are valid only until the next
// call; callers copy what they keep.
type lexer struct {
	r     io.Reader
	buf   []byte
	pos   int   // next unread byte of buf
	off   int64 // body offset of buf[0], for error messages
	rerr  error // sticky error from r (io.EOF at the end)
	stack []byte
	state lexState
	val   []byte // last string (unescaped) or number literal
	// scratch holds unescaped strings; reused across tokens.
	scratch []byte
	// skipping is set while skipping a value: strings are validated but
	// not unescaped or UTF-8 checked unless they contain escapes.
	skipping bool
}

type lexState uint8

const (
	sTop      lexState = iota // before the top-level value
	sTopEnd                   // after the top-level value
	sArrFirst                 // after '[': a value or ']'
	sArrValue                 // after ',' in an array: a value
	sArrNext                  // after an element: ',' or ']'
	sObjFirst                 // after '{': a key or '}'
	sObjKey                   // after ',' in an object: a key
	sObjColon                 // after a key: ':'
	sObjValue                 // after ':': a value
	sObjNext                  // after a member: ',' or '}'
)

// tokKind is the kind of a token.
type tokKind uint8

const (
	tEOF    tokKind = iota // end of input after the top-level value (or an empty body)
	tObj                   // {
	tObjEnd                // }
	tArr                   // [
	tArrEnd                // ]
	tStr                   // a string (value or key); l.val holds it unescaped
	tNum                   // a number; l.val holds the literal
	tTrue
	tFalse
	tNull
)

// scalar is a token with its value, as passed to the field readers. b
// aliases the lexer's buffer: use it before the next token is read.
type scalar struct {
	kind tokKind
	b    []byte
}

func (s scalar) isString() bool { return s.kind == tStr }

const lexBufSize = 64 << 10

// maxTokenBytes bounds one string or number literal. A token must sit
// whole in the buffer, so without a bound one giant string (a 1 GiB body
// that is a single value) would grow the buffer by doubling up to the body
// cap, and briefly to one and a half times it. Real messages are
// kilobytes; 16 MiB is absurd already.
const maxTokenBytes = 16 << 20

// errTokenTooLong refuses a string or number over maxTokenBytes.
var errTokenTooLong = fmt.Errorf("a single JSON string or number is longer than %d MiB", maxTokenBytes>>20)

func newLexer(r io.Reader) *lexer {
	return &lexer{r: r, buf: make([]byte, 0, lexBufSize), stack: make([]byte, 0, 16)}
}

// syntaxError is malformed JSON at a byte offset of the body.
type syntaxError struct {
	msg string
	off int64
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s (at byte %d)", e.msg, e.off) }

func (l *lexer) syntax(c byte, context string) error {
	return &syntaxError{msg: "invalid character " + quoteByte(c) + " " + context, off: l.off + int64(l.pos)}
}

// quoteByte renders a byte for an error message without letting control
// or non-ASCII bytes through.
func quoteByte(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c >= 0x20 && c < 0x7f:
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("'\\x%02x'", c)
}

// fill reads more input. When the free space at the end of the buffer runs
// low, it first drops the consumed bytes before l.pos (the current token
// always starts at or after l.pos) if that frees at least half the buffer,
// else it doubles the buffer; either way each byte is moved a bounded number
// of times, even when the body arrives one byte per read. It returns how far
// the unread bytes moved left, so a caller holding indexes can adjust them.
func (l *lexer) fill() (shift int, err error) {
	if l.pos == len(l.buf) && l.pos > 0 {
		// Nothing unread: restart at the front for free.
		l.off += int64(l.pos)
		shift, l.pos, l.buf = l.pos, 0, l.buf[:0]
	}
	if l.rerr != nil {
		return shift, l.rerr
	}
	if cap(l.buf)-len(l.buf) < lexBufSize/4 {
		if l.pos >= cap(l.buf)/2 {
			n := copy(l.buf, l.buf[l.pos:])
			l.buf = l.buf[:n]
			l.off += int64(l.pos)
			shift, l.pos = shift+l.pos, 0
		} else {
			if len(l.buf)-l.pos >= maxTokenBytes {
				return shift, errTokenTooLong
			}
			nb := make([]byte, len(l.buf)-l.pos, 2*cap(l.buf))
			copy(nb, l.buf[l.pos:])
			l.off += int64(l.pos)
			shift, l.pos, l.buf = shift+l.pos, 0, nb
		}
	}
	for tries := 0; tries < 100; tries++ {
		n, err := l.r.Read(l.buf[len(l.buf):cap(l.buf)])
		l.buf = l.buf[:len(l.buf)+n]
		if err != nil {
			l.rerr = err
		}
		if n > 0 {
			return shift, nil
		}
		if err != nil {
			return shift, err
		}
	}
	l.rerr = io.ErrNoProgress
	return shift, l.rerr
}

// peek returns the next non-whitespace byte without consuming it.
func (l *lexer) peek() (byte, error) {
	for {
		for l.pos < len(l.buf) {
			c := l.buf[l.pos]
			if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				return c, nil
			}
			l.pos++
		}
		if _, err := l.fill(); err != nil {
			return 0, err
		}
	}
}

// more reports whether the current container has another element, like
// json.Decoder.More. Errors are left for next to report.
func (l *lexer) more() bool {
	c, err := l.peek()
	return err == nil && c != ']' && c != '}'
}

// next reads the next token. At the end of input it returns tEOF when the
// top-level value is complete (or never started: an empty body), and
// io.ErrUnexpectedEOF inside a value.
func (l *lexer) next() (tokKind, error) {
	for {
		c, err := l.peek()
		if err != nil {
			if err == io.EOF {
				if l.state == sTop || l.state == sTopEnd {
					return tEOF, nil
				}
				return tEOF, io.ErrUnexpectedEOF
			}
			return tEOF, err
		}
		switch l.state {
		case sArrNext:
			switch c {
			case ',':
				l.pos++
				l.state = sArrValue
				continue
			case ']':
				l.pos++
				l.pop()
				return tArrEnd, nil
			}
			return tEOF, l.syntax(c, "after array element")
		case sObjNext:
			switch c {
			case ',':
				l.pos++
				l.state = sObjKey
				continue
			case '}':
				l.pos++
				l.pop()
				return tObjEnd, nil
			}
			return tEOF, l.syntax(c, "after object key:value pair")
		case sObjColon:
			if c != ':' {
				return tEOF, l.syntax(c, "after object key")
			}
			l.pos++
			l.state = sObjValue
			continue
		case sObjFirst, sObjKey:
			if c == '}' && l.state == sObjFirst {
				l.pos++
				l.pop()
				return tObjEnd, nil
			}
			if c != '"' {
				return tEOF, l.syntax(c, "looking for beginning of object key string")
			}
			if err := l.scanString(); err != nil {
				return tEOF, err
			}
			l.state = sObjColon
			return tStr, nil
		case sArrFirst:
			if c == ']' {
				l.pos++
				l.pop()
				return tArrEnd, nil
			}
		case sTopEnd:
			return tEOF, l.syntax(c, "after top-level value")
		}
		return l.value(c)
	}
}

// value reads a value starting with c (not yet consumed).
func (l *lexer) value(c byte) (tokKind, error) {
	switch c {
	case '{', '[':
		if len(l.stack) >= maxDepth {
			return tEOF, errTooDeep
		}
		l.pos++
		l.stack = append(l.stack, c)
		if c == '{' {
			l.state = sObjFirst
			return tObj, nil
		}
		l.state = sArrFirst
		return tArr, nil
	case '"':
		if err := l.scanString(); err != nil {
			return tEOF, err
		}
		l.afterValue()
		return tStr, nil
	case 't':
		return l.literal("true", tTrue)
	case 'f':
		return l.literal("false", tFalse)
	case 'n':
		return l.literal("null", tNull)
	}
	if c == '-' || ('0' <= c && c <= '9') {
		if err := l.scanNumber(); err != nil {
			return tEOF, err
		}
		l.afterValue()
		return tNum, nil
	}
	return tEOF, l.syntax(c, "looking for beginning of value")
}

func (l *lexer) pop() {
	l.stack = l.stack[:len(l.stack)-1]
	l.afterValue()
}

func (l *lexer) afterValue() {
	switch {
	case len(l.stack) == 0:
		l.state = sTopEnd
	case l.stack[len(l.stack)-1] == '[':
		l.state = sArrNext
	default:
		l.state = sObjNext
	}
}

// ensure makes at least n unread bytes available, if the input has them.
func (l *lexer) ensure(n int) error {
	for len(l.buf)-l.pos < n {
		if _, err := l.fill(); err != nil {
			return err
		}
	}
	return nil
}

func (l *lexer) literal(word string, kind tokKind) (tokKind, error) {
	if err := l.ensure(len(word)); err != nil && err != io.EOF {
		return tEOF, err
	}
	for i := 0; i < len(word); i++ {
		if l.pos >= len(l.buf) {
			return tEOF, io.ErrUnexpectedEOF
		}
		if l.buf[l.pos] != word[i] {
			return tEOF, l.syntax(l.buf[l.pos], "in literal "+word+" (expecting "+quoteByte(word[i])+")")
		}
		l.pos++
	}
	l.afterValue()
	return kind, nil
}

// numByte marks bytes that can occur in a number literal.
var numByte = [256]bool{'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true, '-': true, '+': true, '.': true, 'e': true, 'E': true}

// scanNumber reads a number literal into l.val and checks it against the
// JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (l *lexer) scanNumber() error {
	i := l.pos
	for {
		for i < len(l.buf) && numByte[l.buf[i]] {
			i++
		}
		if i < len(l.buf) {
			break
		}
		shift, err := l.fill()
		i -= shift
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	lit := l.buf[l.pos:i]
	if bad, ok := checkNumber(lit); !ok {
		l.pos += bad
		if l.pos >= len(l.buf) {
			return io.ErrUnexpectedEOF
		}
		return l.syntax(l.buf[l.pos], "in numeric literal")
	}
	l.val = lit
	l.pos = i
	return nil
}

// checkNumber validates a number literal; on failure it returns the index
// of the first offending byte (len(b) when the literal stops short).
func checkNumber(b []byte) (int, bool) {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	return i, i == len(b)
}

// strStop marks bytes that end the fast path of a string: the closing
// quote, a backslash, and control characters (invalid inside strings).
var strStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// scanString reads the string starting at l.pos (a '"') into l.val.
// Strings without escapes and with valid UTF-8 are returned in place;
// others are unescaped into scratch, with invalid UTF-8 and unpaired
// surrogates replaced by U+FFFD, as encoding/json does.
func (l *lexer) scanString() error {
	i := l.pos + 1
	escaped := false
	var acc byte
	for {
		for i < len(l.buf) && !strStop[l.buf[i]] {
			acc |= l.buf[i]
			i++
		}
		if i >= len(l.buf) {
			shift, err := l.fill()
			i -= shift
			if err != nil {
				if err == io.EOF {
					return io.ErrUnexpectedEOF
				}
				return err
			}
			continue
		}
		c := l.buf[i]
		if c == '"' {
			break
		}
		if c == '\\' {
			escaped = true
			i += 2 // the escaped byte is checked when unescaping
			continue
		}
		l.pos = i
		return l.syntax(c, "in string literal")
	}
	raw := l.buf[l.pos+1 : i]
	start := l.pos
	l.pos = i + 1
	if !escaped && (acc < utf8.RuneSelf || l.skipping || utf8.Valid(raw)) {
		l.val = raw
		return nil
	}
	out, bad := unescape(l.scratch[:0], raw)
	if bad >= 0 {
		l.pos = start + 1 + bad
		return l.syntax(l.buf[l.pos], "in string escape code")
	}
	l.scratch = out
	l.val = out
	return nil
}

// unescape appends the unescaped form of raw (the inside of a JSON string)
// to dst. bad is the index of an invalid escape's offending byte, or -1.
func unescape(dst, raw []byte) (out []byte, bad int) {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			if i+1 >= len(raw) {
				return dst, i
			}
			switch e := raw[i+1]; e {
			case '"', '\\', '/':
				dst = append(dst, e)
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r, ok := hex4(raw, i+2)
				if !ok {
					return dst, min(i+2, len(raw)-1)
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := hex4(raw, i+2); ok && i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							i += 6
							dst = utf8.AppendRune(dst, dec)
							continue
						}
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default:
				return dst, i + 1
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, raw[i:i+size]...)
			}
			i += size
		}
	}
	return dst, -1
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skipRest skips the rest of the container whose opening delimiter was
// just read, through its closing delimiter.
func (l *lexer) skipRest() error {
	target := len(l.stack) - 1
	l.skipping = true
	defer func() { l.skipping = false }()
	for len(l.stack) > target {
		if _, err := l.next(); err != nil {
			return err
		}
	}
	return nil
}

// skipValue skips the next value (after a key, or an array element).
func (l *lexer) skipValue() error {
	l.skipping = true
	k, err := l.next()
	l.skipping = false
	if err != nil {
		return err
	}
	return l.finish(k)
}

// finish completes a value whose first token k has been read: containers
// are skipped to their end; scalars are already complete.
func (l *lexer) finish(k tokKind) error {
	if k == tObj || k == tArr {
		return l.skipRest()
	}
	return nil
}

// errNotKey guards the walker's assumption that a key follows; the state
// machine makes it unreachable.
var errNotKey = errors.New("internal error: expected an object key")

// key reads an object key; the state machine guarantees a string here
// when more() reported another member.
func (l *lexer) key() ([]byte, error) {
	k, err := l.next()
	if err != nil {
		return nil, err
	}
	if k != tStr {
		return nil, errNotKey
	}
	return l.val, nil
}

// parseIntBytes parses a decimal integer without allocating for the
// common case.
func parseIntBytes(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		n, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			return 0, false
		}
		return n, true
	}
	neg := b[0] == '-'
	if neg || b[0] == '+' {
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
