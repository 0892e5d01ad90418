package stammer

import (
	"bytes"
	"strings"
	"time"

	"github.com/stammer-mcp/stammer-mcp/jsonlex"
)

// messages decodes a message list whose "[" has been read into an exactly
// sized slice, accounting the texts as they come (so a giant conversation
// is stopped at the cap, not after it). Plain strings are messages of
// unknown role; objects are read by msgAcc; anything else is skipped.
func (d *decoder) messages() ([]Message, error) {
	msgs := d.msgs[:0]
	defer func() {
		clear(msgs) // the scratch must not keep texts alive
		d.msgs = msgs[:0]
	}()
	for d.lx.More() {
		had := len(msgs)
		k, err := d.lx.Next()
		if err != nil {
			return nil, err
		}
		switch k {
		case jsonlex.String:
			if len(bytes.TrimSpace(d.lx.Val)) > 0 {
				msgs = append(msgs, Message{Role: RoleOther, Text: string(d.lx.Val)})
			}
		case jsonlex.Object:
			var acc msgAcc
			if err := acc.object(d); err != nil {
				return nil, err
			}
			msgs = acc.appendTo(msgs)
		default:
			if err := d.lx.Finish(k); err != nil {
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
	if _, err := d.lx.Next(); err != nil {
		return nil, err
	}
	out := make([]Message, len(msgs))
	copy(out, msgs)
	return out, d.account(heapSize(int64(len(out)) * sizeofMessage))
}

// msgAcc accumulates one message object (see messageFields).
type msgAcc struct {
	text    [nSlots]string // user, bot, role, content
	at      time.Time
	turn    bool // a query/answer-style key was present
	roleSet bool // a role-style key was present
	have    ranks
}

// object reads the members of a message object whose "{" has been read.
// A nested "data" object (LangChain's {"type","data":{"content"}}) is read
// into the same message; the jsonlex.Lexer's depth limit bounds that recursion.
func (m *msgAcc) object(d *decoder) error {
	for d.lx.More() {
		kb, err := d.lx.Key()
		if err != nil {
			return err
		}
		uses := lookup(messageIndex(), kb)
		if len(uses) == 0 {
			if !strings.EqualFold(string(kb), "data") {
				err = d.lx.SkipValue()
			} else if k, err2 := d.lx.Next(); err2 != nil {
				err = err2
			} else if k == jsonlex.Object {
				err = m.object(d)
			} else {
				err = d.lx.Finish(k)
			}
			if err != nil {
				return err
			}
			continue
		}
		u := uses[0]
		if u.field == mUser || u.field == mBot || u.field == mContent {
			s, present, err := d.text()
			if err != nil {
				return err
			}
			m.turn = m.turn || u.field != mContent
			if present && m.have.take(u) {
				m.text[u.field] = s
			}
			continue
		}
		k, err := d.lx.Next()
		if err != nil {
			return err
		}
		if u.field == mTime {
			if at, ok := toTime(scalar{k, d.lx.Val}); ok && m.have.take(u) {
				m.at = at
			}
		} else if role := roleValue(d, k, kb); role != "" {
			m.roleSet = true
			if m.have.take(u) {
				m.text[mRole] = role
			}
		}
		if err := d.lx.Finish(k); err != nil {
			return err
		}
	}
	_, err := d.lx.Next()
	return err
}

// roleValue reads a role: a name, or the boolean of is_bot / is_user.
func roleValue(d *decoder, k jsonlex.Kind, kb []byte) string {
	switch k {
	case jsonlex.String:
		return d.intern(d.lx.Val)
	case jsonlex.True, jsonlex.False:
		var nb [32]byte
		if (k == jsonlex.True) == (string(normKey(nb[:0], kb)) == "isbot") {
			return "assistant"
		}
		return "user"
	}
	return ""
}

// appendTo appends the message(s) m stands for: a turn gives a user message
// then an assistant message, each only when not empty; a role-style message
// gives one message when its content is not empty. Messages without text
// are dropped in every style, so counts agree whichever way the API spells
// a conversation.
func (m *msgAcc) appendTo(msgs []Message) []Message {
	if m.turn {
		user := m.text[mUser]
		if strings.TrimSpace(user) == "" && !m.roleSet {
			// {"message": "hi", "response": "hello"}: the content is the
			// user's side of the turn.
			user = m.text[mContent]
		}
		if strings.TrimSpace(user) != "" {
			msgs = append(msgs, Message{Role: RoleUser, Text: user, At: m.at})
		}
		if strings.TrimSpace(m.text[mBot]) != "" {
			msgs = append(msgs, Message{Role: RoleAssistant, Text: m.text[mBot], At: m.at})
		}
		return msgs
	}
	if strings.TrimSpace(m.text[mContent]) == "" {
		return msgs
	}
	return append(msgs, Message{Role: roleOf(m.text[mRole]), Text: m.text[mContent], At: m.at})
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
// a text, content or value string. present is false for null and for
// values with no text at all.
func (d *decoder) text() (s string, present bool, err error) {
	k, err := d.lx.Next()
	if err != nil {
		return "", false, err
	}
	switch k {
	case jsonlex.String:
		return string(d.lx.Val), true, nil
	case jsonlex.Object:
		return d.partObject()
	case jsonlex.Array:
	default:
		return "", false, nil // numbers, booleans, null: no text
	}
	var parts []string
	for d.lx.More() {
		k, err := d.lx.Next()
		if err != nil {
			return "", false, err
		}
		switch k {
		case jsonlex.String:
			parts = append(parts, string(d.lx.Val))
		case jsonlex.Object:
			s, ok, err := d.partObject()
			if err != nil {
				return "", false, err
			}
			if ok {
				parts = append(parts, s)
			}
		default:
			if err := d.lx.Finish(k); err != nil {
				return "", false, err
			}
		}
	}
	if _, err := d.lx.Next(); err != nil {
		return "", false, err
	}
	return strings.Join(parts, "\n"), len(parts) > 0, nil
}

// partObject reads a content part whose "{" has been read and returns its
// first text, content or value string; parts without text (images, tool
// calls) give ok false.
func (d *decoder) partObject() (s string, ok bool, err error) {
	for d.lx.More() {
		kb, err := d.lx.Key()
		if err != nil {
			return "", false, err
		}
		var nb [32]byte
		switch string(normKey(nb[:0], kb)) {
		case "text", "content", "value":
			k, err := d.lx.Next()
			if err != nil {
				return "", false, err
			}
			if k == jsonlex.String && !ok {
				s, ok = string(d.lx.Val), true
			}
			if err := d.lx.Finish(k); err != nil {
				return "", false, err
			}
		default:
			if err := d.lx.SkipValue(); err != nil {
				return "", false, err
			}
		}
	}
	_, err = d.lx.Next()
	return s, ok, err
}
