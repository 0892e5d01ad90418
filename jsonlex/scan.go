package jsonlex

import (
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// Scanning of number and string literals.

// numByte marks bytes that can occur in a number literal.
var numByte = [256]bool{'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true, '-': true, '+': true, '.': true, 'e': true, 'E': true}

// scanNumber reads a number literal into l.Val and checks it against the
// JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (l *Lexer) scanNumber() error {
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
	if bad, ok := CheckNumber(lit); !ok {
		l.pos += bad
		if l.pos >= len(l.buf) {
			return io.ErrUnexpectedEOF
		}
		return l.syntax(l.buf[l.pos], "in numeric literal")
	}
	l.Val = lit
	l.pos = i
	return nil
}

// CheckNumber validates a number literal; on failure it returns the index
// of the first offending byte (len(b) when the literal stops short).
func CheckNumber(b []byte) (int, bool) {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i, _ = digits(b, i)
	default:
		return i, false
	}
	var ok bool
	if i < len(b) && b[i] == '.' {
		if i, ok = digits(b, i+1); !ok {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i, ok = digits(b, i); !ok {
			return i, false
		}
	}
	return i, i == len(b)
}

// digits skips the ASCII digits from i and reports whether there was one.
func digits(b []byte, i int) (int, bool) {
	j := i
	for j < len(b) && '0' <= b[j] && b[j] <= '9' {
		j++
	}
	return j, j > i
}

// strStop marks bytes that end the fast path of a string: the closing
// quote, a backslash, and control characters (invalid inside strings).
// A literal, so that the linker lays it out and no code runs at start.
var strStop = [256]bool{
	0x00: true, 0x01: true, 0x02: true, 0x03: true, 0x04: true, 0x05: true, 0x06: true, 0x07: true,
	0x08: true, 0x09: true, 0x0a: true, 0x0b: true, 0x0c: true, 0x0d: true, 0x0e: true, 0x0f: true,
	0x10: true, 0x11: true, 0x12: true, 0x13: true, 0x14: true, 0x15: true, 0x16: true, 0x17: true,
	0x18: true, 0x19: true, 0x1a: true, 0x1b: true, 0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true,
	'"': true, '\\': true,
}

// scanString reads the string starting at l.pos (a '"') into l.Val.
// Strings without escapes and with valid UTF-8 are returned in place;
// others are unescaped into scratch, with invalid UTF-8 and unpaired
// surrogates replaced by U+FFFD, as encoding/json does.
func (l *Lexer) scanString() error {
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
		l.Val = raw
		return nil
	}
	out, bad := unescape(l.scratch[:0], raw)
	if bad >= 0 {
		l.pos = start + 1 + bad
		return l.syntax(l.buf[l.pos], "in string escape code")
	}
	l.scratch = out
	l.Val = out
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
