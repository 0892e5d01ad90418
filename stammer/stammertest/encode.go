package stammertest

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Shape is the envelope around the conversation list. The real one is
// undocumented, so the server can speak every plausible variant and the
// client must decode them all.
type Shape int

const (
	// ShapeEnvelope is Stammer's usual {"message": "...", "data": [...]}.
	// It is the zero value, hence the default.
	ShapeEnvelope Shape = iota
	// ShapeArray is a bare JSON array [...].
	ShapeArray
	// ShapeResults is Django REST Framework paging:
	// {"count": N, "next": null, "previous": null, "results": [...]}.
	ShapeResults
	// ShapeConversations is {"count": N, "conversations": [...]}.
	ShapeConversations
	// ShapeDataResults is {"message": "...", "data": {"count": N, "results": [...]}}.
	ShapeDataResults
)

// Shapes returns every Shape, for table-driven tests that must cover all.
func Shapes() []Shape {
	return []Shape{ShapeEnvelope, ShapeArray, ShapeResults, ShapeConversations, ShapeDataResults}
}

// String names the shape as stammer.ListResult.Shape does ("envelope",
// "array", "results", "conversations", "data.results"), so a test can
// compare what the client recognised with what was sent.
func (sh Shape) String() string {
	return enumName([]string{"envelope", "array", "results", "conversations", "data.results"}, "Shape", int(sh))
}

// enumName is names[i], or kind(i) for a value without a name.
func enumName(names []string, kind string, i int) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return kind + "(" + strconv.Itoa(i) + ")"
}

// Style is how each conversation and its messages are spelt. The real
// field names are undocumented guesses, so the server offers the likely
// ones and the client must normalise them all.
type Style int

const (
	// StyleTurns is Stammer's own vocabulary and the default (zero value):
	// id, uuid, conversation_number, chatbot_id, chatbot_uuid, user_key,
	// source_platform, is_active, created_at/updated_at as RFC 3339, and
	// "messages": [{"query", "answer" (null when unanswered), "created_at"}].
	StyleTurns Style = iota
	// StyleRoles has the same conversation fields, with chat-style messages
	// "messages": [{"role": "user"|"assistant", "content", "timestamp"}]: a
	// turn becomes two messages, and an unanswered turn only the user's.
	StyleRoles
	// StyleAlt uses the variants stammer-api-notes.md gives evidence for,
	// to exercise tolerant decoding: "conversation_number" as a string
	// ("4812": Stammer sends decimals as strings), "chatbot" (the id),
	// "deleted" (not "is_active"), and "created_at"/"updated_at" and each
	// turn's "created_at" as epoch seconds (older data).
	StyleAlt
)

// Styles returns every Style, for table-driven tests that must cover all.
func Styles() []Style { return []Style{StyleTurns, StyleRoles, StyleAlt} }

// String names the style ("turns", "roles", "alt") for test names and logs.
func (st Style) String() string {
	return enumName([]string{"turns", "roles", "alt"}, "Style", int(st))
}

// Messages the server puts in envelopes, as Stammer's other endpoints do.
const (
	listMessage     = "Conversations retrieved successfully."
	retrieveMessage = "Conversation retrieved successfully."
)

// Encode returns the exact body the server would send for a list response
// holding cs, in shape sh and style st (unknown values fall back to the
// defaults). It is compact JSON, UTF-8 without HTML escaping, as Django
// REST Framework renders it, so decode benchmarks measure a realistic body.
func Encode(cs []Conversation, sh Shape, st Style) []byte {
	ps := make([]*Conversation, len(cs))
	for i := range cs {
		ps[i] = &cs[i]
	}
	return encodeList(ps, sh, st)
}

// encodeList is Encode over pointers, so the server can encode a filtered
// view of its data without copying conversations.
func encodeList(cs []*Conversation, sh Shape, st Style) []byte {
	b := make([]byte, 0, estimateSize(cs))
	count := func(b []byte) []byte { return strconv.AppendInt(b, int64(len(cs)), 10) }
	switch sh {
	case ShapeArray:
		b = appendArray(b, cs, st)
	case ShapeResults:
		b = append(b, `{"count":`...)
		b = count(b)
		b = append(b, `,"next":null,"previous":null,"results":`...)
		b = appendArray(b, cs, st)
		b = append(b, '}')
	case ShapeConversations:
		b = append(b, `{"count":`...)
		b = count(b)
		b = append(b, `,"conversations":`...)
		b = appendArray(b, cs, st)
		b = append(b, '}')
	case ShapeDataResults:
		b = append(b, `{"message":`...)
		b = appendString(b, listMessage)
		b = append(b, `,"data":{"count":`...)
		b = count(b)
		b = append(b, `,"results":`...)
		b = appendArray(b, cs, st)
		b = append(b, `}}`...)
	default:
		b = append(b, `{"message":`...)
		b = appendString(b, listMessage)
		b = append(b, `,"data":`...)
		b = appendArray(b, cs, st)
		b = append(b, '}')
	}
	return b
}

// encodePage is one DRF page: {"count", "next", "previous", "results"},
// with null for an absent link.
func encodePage(cs []*Conversation, count int, next, prev string, st Style) []byte {
	b := make([]byte, 0, estimateSize(cs)+len(next)+len(prev))
	link := func(b []byte, s string) []byte {
		if s == "" {
			return append(b, "null"...)
		}
		return appendString(b, s)
	}
	b = append(b, `{"count":`...)
	b = strconv.AppendInt(b, int64(count), 10)
	b = append(b, `,"next":`...)
	b = link(b, next)
	b = append(b, `,"previous":`...)
	b = link(b, prev)
	b = append(b, `,"results":`...)
	b = appendArray(b, cs, st)
	return append(b, '}')
}

// encodeOne is the retrieve endpoint's body: always the envelope, with the
// conversation object as data.
func encodeOne(c *Conversation, st Style) []byte {
	b := make([]byte, 0, estimateSize([]*Conversation{c}))
	b = append(b, `{"message":`...)
	b = appendString(b, retrieveMessage)
	b = append(b, `,"data":`...)
	b = appendConversation(b, c, st)
	return append(b, '}')
}

// estimateSize over-approximates the body so it is built in one allocation.
func estimateSize(cs []*Conversation) int {
	n := 128
	for _, c := range cs {
		n += 400
		for _, t := range c.Turns {
			n += len(t.Query) + len(t.Answer) + 160
		}
	}
	return n
}

func appendArray(b []byte, cs []*Conversation, st Style) []byte {
	b = append(b, '[')
	for i, c := range cs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendConversation(b, c, st)
	}
	return append(b, ']')
}

func appendConversation(b []byte, c *Conversation, st Style) []byte {
	// StyleAlt differs only in spellings: conversation_number as a string,
	// chatbot, deleted, and epoch-second times.
	alt := st == StyleAlt
	at := appendTime
	if alt {
		at = appendEpoch
	}
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, c.ID, 10)
	b = append(b, `,"uuid":`...)
	b = appendString(b, c.UUID)
	if alt {
		b = append(b, `,"conversation_number":"`...)
		b = strconv.AppendInt(b, c.Number, 10)
		b = append(b, `","chatbot":`...)
	} else {
		b = append(b, `,"conversation_number":`...)
		b = strconv.AppendInt(b, c.Number, 10)
		b = append(b, `,"chatbot_id":`...)
	}
	b = strconv.AppendInt(b, c.ChatbotID, 10)
	b = append(b, `,"chatbot_uuid":`...)
	b = appendString(b, c.ChatbotUUID)
	b = append(b, `,"user_key":`...)
	b = appendString(b, c.UserKey)
	b = append(b, `,"source_platform":`...)
	b = appendString(b, c.Platform)
	if alt {
		b = append(b, `,"deleted":`...)
		b = strconv.AppendBool(b, c.Deleted)
	} else {
		b = append(b, `,"is_active":`...)
		b = strconv.AppendBool(b, !c.Deleted)
	}
	b = append(b, `,"created_at":`...)
	b = at(b, c.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = at(b, c.UpdatedAt)
	b = append(b, `,"messages":[`...)
	if st == StyleRoles {
		first := true
		msg := func(role, text string, at time.Time) {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, `{"role":"`...)
			b = append(b, role...)
			b = append(b, `","content":`...)
			b = appendString(b, text)
			b = append(b, `,"timestamp":`...)
			b = appendTime(b, at)
			b = append(b, '}')
		}
		for _, t := range c.Turns {
			msg("user", t.Query, t.At)
			if t.Answer != "" {
				msg("assistant", t.Answer, t.At)
			}
		}
	} else {
		for i, t := range c.Turns {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"query":`...)
			b = appendString(b, t.Query)
			b = append(b, `,"answer":`...)
			if t.Answer == "" {
				b = append(b, `null`...) // a nullable text column: no reply stored
			} else {
				b = appendString(b, t.Answer)
			}
			b = append(b, `,"created_at":`...)
			b = at(b, t.At)
			b = append(b, '}')
		}
	}
	return append(b, `]}`...)
}

// appendTime writes t as an RFC 3339 string in UTC ("2026-09-01T08:12:33Z").
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

// appendEpoch writes t as whole seconds since 1970, the other time the
// decoder reads.
func appendEpoch(b []byte, t time.Time) []byte { return strconv.AppendInt(b, t.Unix(), 10) }

// appendString writes s as a JSON string the way encoding/json does with
// HTML escaping off (as Django REST Framework does): quotes, backslashes
// and control characters escaped, U+2028/U+2029 escaped, invalid UTF-8
// replaced by U+FFFD, everything else raw UTF-8. Control characters and
// ANSI escapes in the fixtures must reach the client intact, as \u0007 and
// \u001b, so that its sanitising is exercised.
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
