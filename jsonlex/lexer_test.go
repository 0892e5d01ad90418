package jsonlex

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// lexTree builds a generic value from the Lexer's tokens, the way
// json.Unmarshal into any (with UseNumber) would, so the two can be
// compared.
func lexTree(l *Lexer, k Kind) (any, error) {
	switch k {
	case String:
		return string(l.Val), nil
	case Number:
		return json.Number(string(l.Val)), nil
	case True:
		return true, nil
	case False:
		return false, nil
	case Null:
		return nil, nil
	case Array:
		out := []any{}
		for l.More() {
			k, err := l.Next()
			if err != nil {
				return nil, err
			}
			v, err := lexTree(l, k)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		_, err := l.Next()
		return out, err
	case Object:
		out := map[string]any{}
		for l.More() {
			kb, err := l.Key()
			if err != nil {
				return nil, err
			}
			key := string(kb)
			k, err := l.Next()
			if err != nil {
				return nil, err
			}
			v, err := lexTree(l, k)
			if err != nil {
				return nil, err
			}
			out[key] = v
		}
		_, err := l.Next()
		return out, err
	}
	return nil, errors.New("unexpected token")
}

// lexAll parses a whole document with the Lexer.
func lexAll(r io.Reader) (any, error) {
	l := New(r)
	k, err := l.Next()
	if err != nil {
		return nil, err
	}
	if k == EOF {
		return nil, errors.New("empty")
	}
	v, err := lexTree(l, k)
	if err != nil {
		return nil, err
	}
	if k, err := l.Next(); err != nil || k != EOF {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

// stdAll parses with encoding/json, the reference.
func stdAll(b []byte) (any, bool) {
	if !json.Valid(b) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// checkLexerAgainstStd fails when the Lexer and encoding/json disagree on
// validity or on the decoded value, reading b whole and one byte at a time
// (which exercises every refill boundary).
func checkLexerAgainstStd(t *testing.T, b []byte) {
	t.Helper()
	want, wantOK := stdAll(b)
	for _, r := range []io.Reader{bytes.NewReader(b), iotest.OneByteReader(bytes.NewReader(b)), iotest.HalfReader(bytes.NewReader(b)), iotest.DataErrReader(bytes.NewReader(b))} {
		got, err := lexAll(r)
		if errors.Is(err, ErrTooDeep) {
			return // deeper than our limit; encoding/json allows 10000
		}
		if (err == nil) != wantOK {
			t.Fatalf("%q: Lexer err = %v, encoding/json valid = %v", b, err, wantOK)
		}
		if wantOK && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: Lexer = %#v, encoding/json = %#v", b, got, want)
		}
	}
}

var lexerSeeds = []string{
	``, ` `, `null`, `true`, `false`, `tru`, `nul`, `falsey`, `0`, `-0`, `1`, `-1`, `12`, `01`, `-01`, `1.`, `.5`, `1.5`, `1e5`, `1E+5`, `1e-5`, `1e`, `1e+`, `+1`, `-`, `--1`, `1.2.3`, `0x10`,
	`123456789012345678901234567890`, `1e400`,
	`""`, `"a"`, `"\""`, `"\\"`, `"\/"`, `"\b\f\n\r\t"`, `"\u00e9"`, `"\u00E9"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\u12"`, `"\u12g4"`, `"\x"`, `"\`, `"abc`, "\"a\x00b\"", "\"a\x1fb\"", "\"\x7f\"",
	"\"caf\xe9\"", "\"\xff\xfe\"", "\"\xe2\x82\"", "\"\xf0\x9f\x98\x80\"", "\"\xed\xa0\x80\"",
	`[]`, `[ ]`, `[1]`, `[1,]`, `[,1]`, `[1 2]`, `[1,2`, `[`, `]`, `[[]]`, `[[],[]]`, `[{}]`,
	`{}`, `{ }`, `{"a":1}`, `{"a":1,}`, `{"a"}`, `{"a":}`, `{a:1}`, `{"a":1 "b":2}`, `{"a":1,"a":2}`, `{"a":{"b":[1,{"c":null}]}}`, `{"\u0061":1}`, `{"a\"b":1}`, `{1:2}`, `{"a":1}}`, `{"a":1]`, `[1}`,
	" \t\r\n[ 1 , 2 ] \n", "[1]\x00", "\xef\xbb\xbf[]", `[] []`, `1 2`, `"a" "b"`,
}

func TestLexerMatchesEncodingJSON(t *testing.T) {
	for _, s := range lexerSeeds {
		checkLexerAgainstStd(t, []byte(s))
	}
	// A long string and a long number across many buffer refills.
	long := `{"k": "` + strings.Repeat(`abc\n\u00e9`, 40000) + `", "n": 1` + strings.Repeat("0", 18) + `}`
	checkLexerAgainstStd(t, []byte(long))
}

func FuzzLexer(f *testing.F) {
	for _, s := range lexerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkLexerAgainstStd(t, b)
	})
}

func TestLexerDepthLimit(t *testing.T) {
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if _, err := lexAll(strings.NewReader(ok)); err != nil {
		t.Errorf("depth %d refused: %v", MaxDepth, err)
	}
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	if _, err := lexAll(strings.NewReader(deep)); !errors.Is(err, ErrTooDeep) {
		t.Errorf("depth %d: err = %v, want ErrTooDeep", MaxDepth+1, err)
	}
	// Skipping counts depth too.
	l := New(strings.NewReader(`{"a": ` + deep + `}`))
	if _, err := l.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Key(); err != nil {
		t.Fatal(err)
	}
	if err := l.SkipValue(); !errors.Is(err, ErrTooDeep) {
		t.Errorf("skipValue: err = %v, want ErrTooDeep", err)
	}
}

func TestLexerSyntaxErrorsAreShort(t *testing.T) {
	body := "[" + strings.Repeat(`"secret body text", `, 100) + "\x01]"
	_, err := lexAll(strings.NewReader(body))
	var se *syntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *syntaxError", err)
	}
	if strings.Contains(err.Error(), "secret") || strings.ContainsRune(err.Error(), '\x01') {
		t.Errorf("error leaks body content: %q", err)
	}
	if want := "invalid character '\\x01' looking for beginning of value (at byte 2001)"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestParseIntBytes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"17", 17, true}, {"-17", -17, true}, {"+5", 5, true}, {"", 0, false}, {"-", 0, false}, {"1a", 0, false},
		{"9223372036854775807", 9223372036854775807, true}, {"9223372036854775808", 0, false}, {"-9223372036854775808", -9223372036854775808, true},
		{"123456789012345678", 123456789012345678, true},
	} {
		got, ok := ParseInt([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
