package stammer

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stammer-mcp/stammer-mcp/jsonlex"
)

// The conversation body is undocumented, so these tables hold the
// spellings shared/reference/stammer-api-notes.md gives evidence for
// (Stammer's own vocabulary) and no others: a key outside them is ignored,
// and doctor --shape says so. Keys match whatever their case and '_'/'-'
// (normKey). When several keys fill one field, the one listed first wins
// whatever order they come in; a key listed under two fields fills the one
// its value fits ("chatbot" holding a uuid is the chatbot uuid).
var conversationFields = [nFields]spellings{
	fID:          {"ID", []string{"id"}},
	fUUID:        {"UUID", []string{"uuid"}},
	fNumber:      {"Number", []string{"conversation_number"}},
	fChatbotID:   {"ChatbotID", []string{"chatbot_id", "chatbot"}},
	fChatbotUUID: {"ChatbotUUID", []string{"chatbot_uuid", "chatbot", "chatbot_id"}},
	fUserKey:     {"UserKey", []string{"user_key"}},
	fPlatform:    {"Platform", []string{"source_platform"}},
	fState:       {"State", []string{"is_active", "deleted", "is_deleted"}},
	fCreated:     {"CreatedAt", []string{"created_at"}},
	fUpdated:     {"UpdatedAt", []string{"updated_at"}},
	fMessages:    {"Messages", []string{"messages"}},
}

// messageFields are the members of one message: a Stammer turn (query and
// answer in one object) or a role-style message (role and content).
var messageFields = [nSlots]spellings{
	mUser:    {"user text", []string{"query"}},
	mBot:     {"bot text", []string{"answer"}},
	mRole:    {"role", []string{"role"}},
	mContent: {"text", []string{"content"}},
	mTime:    {"time", []string{"created_at", "timestamp"}},
}

// Conversation fields (f…) and message slots (m…), indexes of the tables.
const (
	fID = iota
	fUUID
	fNumber
	fChatbotID
	fChatbotUUID
	fUserKey
	fPlatform
	fState
	fCreated
	fUpdated
	fMessages
	nFields
)

const (
	mUser = iota
	mBot
	mRole
	mContent
	mTime
	nSlots
)

// spellings is one row of a field table, at the index of its field.
type spellings struct {
	name string // the field, as FieldUse names it
	keys []string
}

// use is one field a normalised key may fill, at a rank (0 = best).
type use struct {
	field int
	rank  int8
}

// fieldIndex maps normalised keys to their uses. It is built on first use
// rather than at start-up, which most runs of the server never reach.
type fieldIndex map[string][]use

var (
	conversationIndex = sync.OnceValue(func() fieldIndex { return indexOf(conversationFields[:]) })
	messageIndex      = sync.OnceValue(func() fieldIndex { return indexOf(messageFields[:]) })
)

func indexOf(table []spellings) fieldIndex {
	idx := fieldIndex{}
	for field, row := range table {
		for rank, k := range row.keys {
			nk := string(normKey(nil, []byte(k)))
			idx[nk] = append(idx[nk], use{field, int8(rank)})
		}
	}
	return idx
}

// normKey appends k lower-cased, without '_', '-' or spaces, to dst:
// "created_at", "createdAt" and "CreatedAt" are one key.
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

// lookup returns the uses of key kb in idx.
func lookup(idx fieldIndex, kb []byte) []use {
	var nb [32]byte
	return idx[string(normKey(nb[:0], kb))]
}

// keyMemo remembers the keys at each position of the last object of one
// kind: objects are spelt alike, so a key costs one comparison, not a hash.
type keyMemo struct {
	keys [8]string
	uses [8][]use
}

// find returns the uses of kb, the i-th key of its object, in idx.
func (m *keyMemo) find(idx fieldIndex, i int, kb []byte) []use {
	if i >= len(m.keys) || len(kb) > 64 {
		return lookup(idx, kb)
	}
	if m.keys[i] != string(kb) {
		m.keys[i], m.uses[i] = string(kb), lookup(idx, kb)
	}
	return m.uses[i]
}

// ranks keeps, per field, the rank+1 of the value held (0 = none yet).
type ranks [nFields]int8

// take reports whether a value at u's rank replaces what its field holds,
// and if so records the rank.
func (r *ranks) take(u use) bool {
	if r[u.field] != 0 && r[u.field] <= u.rank+1 {
		return false
	}
	r[u.field] = u.rank + 1
	return true
}

// convBuilder accumulates one conversation.
type convBuilder struct {
	c    Conversation
	have ranks
	seen bool // at least one member was recognised
	n    int  // members read
}

func (b *convBuilder) finish() Conversation { return b.c }

// field reads member kb of a conversation into b, or skips it.
func (b *convBuilder) field(d *decoder, kb []byte) error {
	uses := d.convKeys.find(conversationIndex(), b.n, kb)
	if b.n++; len(uses) == 0 {
		return d.lx.SkipValue()
	}
	k, err := d.lx.Next()
	if err != nil {
		return err
	}
	switch k {
	case jsonlex.Array:
		if uses[0].field != fMessages {
			return d.lx.SkipRest()
		}
		msgs, err := d.messages()
		if err == nil && b.have.take(uses[0]) {
			b.seen, b.c.Messages = true, msgs
		}
		return err
	case jsonlex.Object:
		return d.lx.SkipRest()
	}
	for _, u := range uses {
		if b.set(d, u, scalar{k, d.lx.Val}) {
			b.seen = true
		}
	}
	return nil
}

// set stores scalar v in u's field when it is a value of the field's type
// and outranks what the field holds; it reports whether v was usable.
func (b *convBuilder) set(d *decoder, u use, v scalar) bool {
	c := &b.c
	switch u.field {
	case fID, fNumber, fChatbotID:
		n, ok := toInt(v)
		if ok && b.have.take(u) {
			*[...]*int64{fID: &c.ID, fNumber: &c.Number, fChatbotID: &c.ChatbotID}[u.field] = n
		}
		return ok
	case fUUID, fChatbotUUID:
		ok := v.kind == jsonlex.String && IsUUID(bytes.TrimSpace(v.b))
		if ok && b.have.take(u) {
			if u.field == fUUID {
				c.UUID = string(bytes.TrimSpace(v.b))
			} else {
				c.ChatbotUUID = d.intern(v.b)
			}
		}
		return ok
	case fUserKey, fPlatform:
		s := ""
		if v.kind == jsonlex.String {
			s = d.intern(v.b)
		} else if n, ok := toInt(v); ok && u.field == fUserKey {
			s = strconv.FormatInt(n, 10)
		}
		if s != "" && b.have.take(u) {
			*[...]*string{&c.UserKey, &c.Platform}[u.field-fUserKey] = s
		}
		return s != ""
	case fState:
		flag, ok := toBool(v)
		if ok && b.have.take(u) {
			// is_active (rank 0) is the one key that says the opposite.
			c.State = StateDeleted
			if flag == (u.rank == 0) {
				c.State = StateLive
			}
		}
		return ok
	case fCreated, fUpdated:
		at, ok := toTime(v)
		if ok && b.have.take(u) {
			*[...]*Instant{&c.CreatedAt, &c.UpdatedAt}[u.field-fCreated] = at
		}
		return ok
	}
	return false
}

// toInt reads an integer in int64 from a JSON number or a numeric string
// (Stammer sends decimals as strings).
func toInt(v scalar) (int64, bool) {
	b := bytes.TrimSpace(v.b)
	if _, ok := jsonlex.CheckNumber(b); !ok || v.kind != jsonlex.Number && v.kind != jsonlex.String {
		return 0, false
	}
	return jsonlex.ParseInt(b)
}

// toBool reads a flag sent as a boolean, "true"/"false" (any case), or 0
// and 1 as a number or string (Django serialisers send both).
func toBool(v scalar) (bool, bool) {
	switch v.kind {
	case jsonlex.True, jsonlex.False:
		return v.kind == jsonlex.True, true
	case jsonlex.Number, jsonlex.String:
		switch strings.ToLower(string(bytes.TrimSpace(v.b))) {
		case "true", "1":
			return true, true
		case "false", "0":
			return false, true
		}
	}
	return false, false
}

// toTime reads a timestamp as an Instant, so that all conversations compare
// and print alike: ISO 8601 as Django REST Framework writes it (with or
// without fractions and offset; no offset is UTC), or Unix epoch seconds
// (which older data may use) as a number or numeric string. Zero, negative
// and out-of-range (before 1970, after 2261: InstantOf) values are absent.
func toTime(v scalar) (Instant, bool) {
	if v.kind != jsonlex.Number && v.kind != jsonlex.String {
		return 0, false
	}
	s := string(bytes.TrimSpace(v.b))
	var at time.Time
	if sec, frac, ok := strings.Cut(s, "."); allDigits(sec) && (!ok || allDigits(frac)) {
		n, err := strconv.ParseInt(sec, 10, 64)
		if err != nil || n <= 0 || n >= 1e11 {
			return 0, false
		}
		ns, _ := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
		at = time.Unix(n, ns)
	} else {
		var err error
		if at, err = time.Parse(time.RFC3339, s); err != nil {
			if at, err = time.Parse("2006-01-02T15:04:05", s); err != nil {
				return 0, false
			}
		}
	}
	i := InstantOf(at)
	return i, i != 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// FieldUse names the Conversation field(s) or message part a member of a
// conversation (message false) or message fills, e.g. "Number" or
// "ChatbotID or ChatbotUUID"; "" when the key is ignored. doctor --shape
// reports with it, so that it cannot disagree with the decoder's tables.
func FieldUse(key string, message bool) string {
	table, idx := conversationFields[:], conversationIndex()
	if message {
		table, idx = messageFields[:], messageIndex()
	}
	var names []string
	for _, u := range idx[string(normKey(nil, []byte(key)))] {
		names = append(names, table[u.field].name)
	}
	return strings.Join(names, " or ")
}

// ReadsTime reports whether the decoder reads s, the text of a JSON string
// or number, as a time (for doctor --shape).
func ReadsTime(s string) bool {
	_, ok := toTime(scalar{jsonlex.String, []byte(s)})
	return ok
}
