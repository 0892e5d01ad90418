// Package shape describes the structure of a JSON answer without keeping
// any of its values: which keys appear where, with which JSON types, in how
// many of the objects at that place, the time layouts of date-like strings
// and which documented source platforms occur.
//
// Stammer does not document its conversations answer, so the first real
// user's answer is the best evidence there is; this package turns that
// answer into something safe to paste into a public issue (see doctor
// --shape). What it keeps is chosen so that no text, id, number, name or
// e-mail of the answer can come out: strings become their length (or, for
// the documented source platforms, themselves), numbers their kind, and
// keys that look like data (uuids, e-mails, long numbers) are merged under
// one placeholder.
package shape

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// Kind is a JSON type as the report names it.
type Kind int

// The kinds, in the order a report lists them.
const (
	Object Kind = iota
	Array
	String
	Int
	Float
	Bool
	Null
	nKinds
)

var kindNames = [nKinds]string{"object", "array", "string", "number(int)", "number(float)", "bool", "null"}

// String names the kind as the report prints it.
func (k Kind) String() string {
	if k < 0 || k >= nKinds {
		return "Kind(?)"
	}
	return kindNames[k]
}

// maxDepth bounds nesting, as the decoder does: past it the walk stops
// with an error instead of growing the tree without bound.
const maxDepth = 64

// maxKeys bounds the distinct keys kept per position; an object used as a
// map (one key per user, say) would otherwise grow the report with the
// data. Keys past it are counted in Node.MoreKeys.
const maxKeys = 100

// DataKey is the name under which keys that look like data rather than
// field names (see safeKey) are merged.
const DataKey = "‹data-like key›"

// Node aggregates every value found at one position of the answer, e.g.
// the "created_at" member of every list item. It holds no value of the
// answer, only counts, lengths and layouts.
type Node struct {
	// N is how many values were found here.
	N int
	// Kinds counts the values of each JSON kind.
	Kinds [nKinds]int
	// StrMin and StrMax bound the strings' lengths, in characters.
	StrMin, StrMax int
	// ArrMin and ArrMax bound the arrays' lengths.
	ArrMin, ArrMax int
	// Layouts counts the time layouts (Go reference-time form) of the
	// strings that are timestamps.
	Layouts map[string]int
	// Epochs counts integers by the Unix time unit their magnitude would
	// mean ("unix seconds", ...); it says nothing unless the key holds a
	// time, which only the caller knows.
	Epochs map[string]int
	// Words counts the strings that are documented source platforms; any
	// other string is only counted in Kinds.
	Words map[string]int
	// Keys are the members of the objects found here, in first-seen order.
	Keys []string
	// Fields holds the member positions by key; Fields[k].N is how many of
	// the objects had k (a key repeated within one object counts once).
	Fields map[string]*Node
	// MoreKeys counts members whose keys were past maxKeys distinct ones.
	MoreKeys int
	// Elem aggregates the elements of the arrays found here.
	Elem *Node
}

// platforms is the closed vocabulary whose members a report may show as
// they are: the documented source platforms. Every other string is
// withheld.
var platforms = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range stammer.SourcePlatforms {
		m[p] = true
	}
	return m
}()

// Walk reads one JSON value from r and returns the structure of
// everything in it. On malformed or truncated JSON it returns what it saw
// before the fault together with the error, so that a cut-off prefix still
// yields its keys.
func Walk(r io.Reader) (*Node, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	root := &Node{}
	err := value(dec, root, 0)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("more data after the JSON value")
		}
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return root, err
}

// value reads one value into n; tok is its first token when already read.
func value(dec *json.Decoder, n *Node, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	n.N++
	switch v := tok.(type) {
	case json.Delim:
		if depth >= maxDepth {
			return fmt.Errorf("nested deeper than %d levels", maxDepth)
		}
		if v == '{' {
			n.Kinds[Object]++
			return object(dec, n, depth+1)
		}
		n.Kinds[Array]++
		return array(dec, n, depth+1)
	case string:
		n.Kinds[String]++
		n.str(v)
	case json.Number:
		n.number(v)
	case bool:
		n.Kinds[Bool]++
	case nil:
		n.Kinds[Null]++
	}
	return nil
}

func object(dec *json.Decoder, n *Node, depth int) error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := safeKey(tok.(string))
		f := n.Fields[key]
		if f == nil {
			if len(n.Keys) >= maxKeys {
				n.MoreKeys++
				if err := skip(dec); err != nil {
					return err
				}
				continue
			}
			if n.Fields == nil {
				n.Fields = map[string]*Node{}
			}
			f = &Node{}
			n.Fields[key] = f
			n.Keys = append(n.Keys, key)
		}
		if seen[key] {
			// A repeated key: its value still shapes the position, but
			// the object is counted once among those that have the key.
			f.N--
		}
		seen[key] = true
		if err := value(dec, f, depth); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

func array(dec *json.Decoder, n *Node, depth int) error {
	count := 0
	for dec.More() {
		if n.Elem == nil {
			n.Elem = &Node{}
		}
		if err := value(dec, n.Elem, depth); err != nil {
			return err
		}
		count++
	}
	if n.Kinds[Array] == 1 || count < n.ArrMin {
		n.ArrMin = count
	}
	n.ArrMax = max(n.ArrMax, count)
	_, err := dec.Token()
	return err
}

// skip reads and discards one value.
func skip(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}

func (n *Node) str(s string) {
	l := utf8.RuneCountInString(s)
	if n.Kinds[String] == 1 || l < n.StrMin {
		n.StrMin = l
	}
	n.StrMax = max(n.StrMax, l)
	if layout, ok := Layout(s); ok {
		if n.Layouts == nil {
			n.Layouts = map[string]int{}
		}
		if !stammer.ReadsTime(s) {
			layout += notRead
		}
		n.Layouts[layout]++
	}
	if platforms[s] {
		if n.Words == nil {
			n.Words = map[string]int{}
		}
		n.Words[s]++
	}
}

func (n *Node) number(v json.Number) {
	i, err := v.Int64()
	if err != nil {
		n.Kinds[Float]++
		return
	}
	n.Kinds[Int]++
	if unit := epochUnit(i); unit != "" {
		if n.Epochs == nil {
			n.Epochs = map[string]int{}
		}
		if !stammer.ReadsTime(v.String()) {
			unit += notRead
		}
		n.Epochs[unit]++
	}
}

// notRead marks a time layout or epoch unit the decoder does not read.
const notRead = " (not read by the decoder)"

// epochUnit names the Unix time unit under which i would be a date
// between 1973 and 5138 (the decoder reads seconds and milliseconds).
func epochUnit(i int64) string {
	switch {
	case i >= 1e8 && i < 1e11:
		return "unix seconds"
	case i >= 1e11 && i < 1e14:
		return "unix milliseconds"
	case i >= 1e14 && i < 1e17:
		return "unix microseconds"
	case i >= 1e17:
		return "unix nanoseconds"
	}
	return ""
}

// safeKey returns k when it looks like a field name: 1 to 40 characters,
// a letter or '_' first, then letters, digits, '_' or '-', with at most
// three digits. Anything else (a uuid, an e-mail, a phone number, a name
// with a space, a long number) may be data used as a key and becomes
// DataKey.
func safeKey(k string) string {
	if len(k) == 0 || len(k) > 40 {
		return DataKey
	}
	digits := 0
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case '0' <= c && c <= '9' && i > 0:
			digits++
		case c == '-' && i > 0:
		default:
			return DataKey
		}
	}
	if digits > 3 {
		return DataKey
	}
	return k
}
