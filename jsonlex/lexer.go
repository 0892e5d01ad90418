// Package jsonlex is a streaming JSON tokenizer: it reads a body once
// through a reusable buffer, hands out strings without copying when they
// need no unescaping, skips values nobody reads without unescaping them,
// and enforces encoding/json's grammar plus a nesting limit. The Stammer
// response decoder is built on it.
package jsonlex

import (
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Lexer tokenizes one JSON value from a reader.
//
// Why not encoding/json's Decoder.Token: it decodes every scalar through a
// full Decode call (a fresh decode state, an interface value, and an error
// value built and discarded at the end of each scalar), which measured at
// about 30 MB/s on a realistic conversation list — ten seconds for the
// hundreds of megabytes a busy agency's unfiltered query can return.
// encoding/json/v2 would do, but is still behind GOEXPERIMENT in Go 1.26.
// This Lexer reads the body once, through a reusable buffer, hands out
// strings without copying when they need no unescaping, and enforces the
// same grammar as encoding/json (the differential fuzz test checks that it
// accepts exactly what json.Valid accepts) plus a nesting limit.
//
// Token values (l.Val) alias the buffer and are valid only until the next
// call; callers copy what they keep.
type Lexer struct {
	r     io.Reader
	buf   []byte
	pos   int   // next unread byte of buf
	off   int64 // body offset of buf[0], for error messages
	rerr  error // sticky error from r (io.EOF at the end)
	stack []byte
	state lexState
	// Val is the last string (unescaped) or number literal.
	Val []byte
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

// Kind is the kind of a token.
type Kind uint8

// The kinds of tokens.

const (
	EOF       Kind = iota // end of input after the top-level value (or an empty body)
	Object                // {
	ObjectEnd             // }
	Array                 // [
	ArrayEnd              // ]
	String                // a string (value or key); l.Val holds it unescaped
	Number                // a number; l.Val holds the literal
	True
	False
	Null
)

const lexBufSize = 64 << 10

// maxTokenBytes bounds one string or number literal. A token must sit
// whole in the buffer, so without a bound one giant string (a 1 GiB body
// that is a single value) would grow the buffer by doubling up to the body
// cap, and briefly to one and a half times it. Real messages are
// kilobytes; 16 MiB is absurd already.
const maxTokenBytes = 16 << 20

// errTokenTooLong refuses a string or number over maxTokenBytes.
var errTokenTooLong error = limitError(0)

// MaxDepth bounds JSON nesting anywhere in a body. Real conversation
// lists nest about six levels; anything past 64 is an attack or a bug,
// refused rather than walked.
const MaxDepth = 64

// ErrTooDeep refuses JSON nested beyond MaxDepth, so that no input can
// make a reader do unbounded work or recursion on values nobody reads.
var ErrTooDeep error = limitError(1)

// limitError is a refusal past one of the limits above. Its message is
// written when it is read: built with fmt.Errorf as a package variable, it
// ran fmt at every start of the server (docs/benchmarks.md, cold start).
type limitError uint8

func (e limitError) Error() string {
	if e == 0 {
		return fmt.Sprintf("a single JSON string or number is longer than %d MiB", maxTokenBytes>>20)
	}
	return fmt.Sprintf("JSON nested deeper than %d levels", MaxDepth)
}

// New returns a Lexer reading r.
func New(r io.Reader) *Lexer {
	return &Lexer{r: r, buf: make([]byte, 0, lexBufSize), stack: make([]byte, 0, 16)}
}

// syntaxError is malformed JSON at a byte offset of the body.
type syntaxError struct {
	msg string
	off int64
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s (at byte %d)", e.msg, e.off) }

func (l *Lexer) syntax(c byte, context string) error {
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
func (l *Lexer) fill() (shift int, err error) {
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
func (l *Lexer) peek() (byte, error) {
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

// More reports whether the current container has another element, like
// json.Decoder.More. Errors are left for Next to report.
func (l *Lexer) More() bool {
	c, err := l.peek()
	return err == nil && c != ']' && c != '}'
}

// Next reads the next token. At the end of input it returns EOF when the
// top-level value is complete (or never started: an empty body), and
// io.ErrUnexpectedEOF inside a value.
func (l *Lexer) Next() (Kind, error) {
	for {
		c, err := l.peek()
		if err != nil {
			if err == io.EOF {
				if l.state == sTop || l.state == sTopEnd {
					return EOF, nil
				}
				return EOF, io.ErrUnexpectedEOF
			}
			return EOF, err
		}
		switch l.state {
		// sArrNext and sObjNext mirror each other on purpose: one case per
		// state keeps the machine readable against the JSON grammar, and a
		// merged case would add a test to every element on the hot path.
		case sArrNext:
			switch c {
			case ',':
				l.pos++
				l.state = sArrValue
				continue
			case ']':
				l.pos++
				l.pop()
				return ArrayEnd, nil
			}
			return EOF, l.syntax(c, "after array element")
		case sObjNext:
			switch c {
			case ',':
				l.pos++
				l.state = sObjKey
				continue
			case '}':
				l.pos++
				l.pop()
				return ObjectEnd, nil
			}
			return EOF, l.syntax(c, "after object key:value pair")
		case sObjColon:
			if c != ':' {
				return EOF, l.syntax(c, "after object key")
			}
			l.pos++
			l.state = sObjValue
			continue
		case sObjFirst, sObjKey:
			if c == '}' && l.state == sObjFirst {
				l.pos++
				l.pop()
				return ObjectEnd, nil
			}
			if c != '"' {
				return EOF, l.syntax(c, "looking for beginning of object key string")
			}
			if err := l.scanString(); err != nil {
				return EOF, err
			}
			l.state = sObjColon
			return String, nil
		case sArrFirst:
			if c == ']' {
				l.pos++
				l.pop()
				return ArrayEnd, nil
			}
		case sTopEnd:
			return EOF, l.syntax(c, "after top-level value")
		}
		return l.value(c)
	}
}

// value reads a value starting with c (not yet consumed).
func (l *Lexer) value(c byte) (Kind, error) {
	switch c {
	case '{', '[':
		if len(l.stack) >= MaxDepth {
			return EOF, ErrTooDeep
		}
		l.pos++
		l.stack = append(l.stack, c)
		if c == '{' {
			l.state = sObjFirst
			return Object, nil
		}
		l.state = sArrFirst
		return Array, nil
	case '"':
		if err := l.scanString(); err != nil {
			return EOF, err
		}
		l.afterValue()
		return String, nil
	case 't':
		return l.literal("true", True)
	case 'f':
		return l.literal("false", False)
	case 'n':
		return l.literal("null", Null)
	}
	if c == '-' || ('0' <= c && c <= '9') {
		if err := l.scanNumber(); err != nil {
			return EOF, err
		}
		l.afterValue()
		return Number, nil
	}
	return EOF, l.syntax(c, "looking for beginning of value")
}

func (l *Lexer) pop() {
	l.stack = l.stack[:len(l.stack)-1]
	l.afterValue()
}

func (l *Lexer) afterValue() {
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
func (l *Lexer) ensure(n int) error {
	for len(l.buf)-l.pos < n {
		if _, err := l.fill(); err != nil {
			return err
		}
	}
	return nil
}

func (l *Lexer) literal(word string, kind Kind) (Kind, error) {
	if err := l.ensure(len(word)); err != nil && err != io.EOF {
		return EOF, err
	}
	for i := 0; i < len(word); i++ {
		if l.pos >= len(l.buf) {
			return EOF, io.ErrUnexpectedEOF
		}
		if l.buf[l.pos] != word[i] {
			return EOF, l.syntax(l.buf[l.pos], "in literal "+word+" (expecting "+quoteByte(word[i])+")")
		}
		l.pos++
	}
	l.afterValue()
	return kind, nil
}

// SkipRest skips the rest of the container whose opening delimiter was
// just read, through its closing delimiter.
func (l *Lexer) SkipRest() error {
	target := len(l.stack) - 1
	l.skipping = true
	defer func() { l.skipping = false }()
	for len(l.stack) > target {
		if _, err := l.Next(); err != nil {
			return err
		}
	}
	return nil
}

// SkipValue skips the next value (after a key, or an array element).
func (l *Lexer) SkipValue() error {
	l.skipping = true
	k, err := l.Next()
	l.skipping = false
	if err != nil {
		return err
	}
	return l.Finish(k)
}

// Finish completes a value whose first token k has been read: containers
// are skipped to their end; scalars are already complete.
func (l *Lexer) Finish(k Kind) error {
	if k == Object || k == Array {
		return l.SkipRest()
	}
	return nil
}

// errNotKey guards the walker's assumption that a key follows; the state
// machine makes it unreachable.
var errNotKey = errors.New("internal error: expected an object key")

// Key reads an object key; the state machine guarantees a string here
// when More reported another member.
func (l *Lexer) Key() ([]byte, error) {
	k, err := l.Next()
	if err != nil {
		return nil, err
	}
	if k != String {
		return nil, errNotKey
	}
	return l.Val, nil
}

// ParseInt parses a decimal integer without allocating for the
// common case.
func ParseInt(b []byte) (int64, bool) {
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
