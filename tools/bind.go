package tools

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// argError is a problem with the arguments a model sent. Its text is shown
// to the model as a tool error, so it says what to send instead.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

// argErrorf formats an argError.
func argErrorf(format string, a ...any) error { return &argError{msg: fmt.Sprintf(format, a...)} }

// field is what bind knows of one parameter.
type field struct {
	name string
	kind reflect.Kind // after dereferencing pointers
}

// binder decodes a tool call's arguments into T. It forgives the slips
// models commonly make (numbers and booleans sent as strings, whole floats
// for integers) and refuses real mistakes (unknown names, wrong types) with
// an error that lists what is accepted.
type binder[T any] struct {
	fields map[string]field
	names  []string // sorted, for messages
}

// newBinder inspects T's json tags once, at the tool's first call.
func newBinder[T any]() *binder[T] {
	b := &binder[T]{fields: map[string]field{}}
	b.addFields(reflect.TypeFor[T]())
	slices.Sort(b.names)
	return b
}

// addFields records t's parameters, descending into embedded structs the
// way encoding/json does.
func (b *binder[T]) addFields(t reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
			b.addFields(f.Type)
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		b.fields[name] = field{name: name, kind: ft.Kind()}
		b.names = append(b.names, name)
	}
}

// bind decodes raw (the request's arguments: a JSON object, nil or absent)
// into a T.
func (b *binder[T]) bind(raw any) (T, error) {
	var out T
	var args map[string]any
	switch v := raw.(type) {
	case nil:
		return out, nil
	case map[string]any:
		args = v
	case json.RawMessage:
		if len(v) == 0 || string(v) == "null" {
			return out, nil
		}
		if err := json.Unmarshal(v, &args); err != nil {
			return out, argErrorf("arguments must be a JSON object of parameters (%s)", b.list())
		}
	default:
		return out, argErrorf("arguments must be a JSON object of parameters (%s), got %s", b.list(), jsonKind(raw))
	}
	fixed := make(map[string]any, len(args))
	var unknown []string
	for k, v := range args {
		f, ok := b.fields[k]
		if !ok {
			unknown = append(unknown, k)
			continue
		}
		if v == nil { // null means "not set", as omitting it would
			continue
		}
		c, err := coerce(f, v)
		if err != nil {
			return out, err
		}
		fixed[k] = c
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return out, argErrorf("unknown parameter %s. Valid parameters: %s%s",
			quoteList(unknown), b.list(), suggest(unknown, b.names))
	}
	data, err := json.Marshal(fixed)
	if err != nil {
		return out, argErrorf("arguments could not be read: %v", err)
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return out, argErrorf("arguments could not be read: %v", err)
	}
	return out, nil
}

// list names the accepted parameters for error messages.
func (b *binder[T]) list() string { return strings.Join(b.names, ", ") }

// coerce checks v against the field's kind, converting the forgivable slips.
func coerce(f field, v any) (any, error) {
	switch f.kind {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		switch x := v.(type) {
		case int64: // from Go callers, such as the transcript resource
			return x, nil
		case float64:
			if x != math.Trunc(x) {
				return nil, argErrorf("%s must be a whole number, got %v", f.name, x)
			}
			// From 2^53 on, a JSON number has already been rounded
			// (9007199254740993 arrives as …992): refuse it rather than
			// send another id. A string is read exactly.
			if math.Abs(x) >= 1<<53 {
				return nil, argErrorf("%s %.0f is too large to be read exactly as a JSON number (2^53 or more): send it as a string, e.g. \"9007199254740993\"", f.name, x)
			}
			return int64(x), nil
		case json.Number:
			n, err := strconv.ParseInt(string(x), 10, 64)
			if err != nil {
				return nil, argErrorf("%s must be a whole number, got %s", f.name, x)
			}
			return n, nil
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return nil, argErrorf("%s must be a whole number such as 17, got %q", f.name, clip(x, 40))
			}
			return n, nil
		default:
			return nil, argErrorf("%s must be a whole number such as 17, got %s", f.name, jsonKind(v))
		}
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
			return nil, argErrorf("%s must be true or false, got %q", f.name, clip(x, 40))
		default:
			return nil, argErrorf("%s must be true or false, got %s", f.name, jsonKind(v))
		}
	case reflect.String:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, argErrorf("%s must be a string, got %s", f.name, jsonKind(v))
	}
	return v, nil
}

// jsonKind names the JSON type of a decoded value, for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// quoteList renders names as "a", "b".
func quoteList(names []string) string {
	return joinList(names, func(n string) string { return strconv.Quote(clip(n, 40)) })
}

// suggest proposes a valid name for a misspelt one (case or separator
// differences such as "chatbotId" or "start_date"), because "did you mean"
// fixes the next call in one step.
func suggest(unknown, valid []string) string {
	squash := func(s string) string {
		return strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(s))
	}
	var hints []string
	for _, u := range unknown {
		for _, v := range valid {
			if squash(u) == squash(v) {
				hints = append(hints, fmt.Sprintf("%q instead of %q", v, clip(u, 40)))
			}
		}
	}
	if len(hints) == 0 {
		return ""
	}
	return ". Did you mean " + strings.Join(hints, ", ") + "?"
}

// clip cuts s to at most n runes (an ellipsis after them marks the cut): a
// value echoed back in an error or a log line, or text already cleaned.
// Unlike inert.Clean it keeps every character, so that a value quoted back
// (strconv.Quote) shows exactly what was sent.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
