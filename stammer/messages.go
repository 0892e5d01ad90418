package stammer

import (
	"strings"

	"github.com/stammer-mcp/stammer-mcp/jsonlex"
)

// messages decodes a message list whose "[" has been read into an exactly
// sized slice, accounting the texts as they come (so a giant conversation
// is stopped at the cap, not after it). Objects are read by msgAcc;
// anything else is skipped.
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
		if k == jsonlex.Object {
			var acc msgAcc
			err = acc.object(d)
			msgs = acc.appendTo(msgs)
		} else {
			err = d.lx.Finish(k)
		}
		if err != nil {
			return nil, err
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
	text [nSlots]string // user, bot, role, content
	at   Instant
	turn bool // a query or answer key was present
	have ranks
	n    int // members read
}

// object reads the members of a message object whose "{" has been read.
// Only string texts are read: a content given as an array of parts or as
// an object is not a shape the notes give evidence for, and is ignored.
func (m *msgAcc) object(d *decoder) error {
	for d.lx.More() {
		kb, err := d.lx.Key()
		if err != nil {
			return err
		}
		uses := d.msgKeys.find(messageIndex(), m.n, kb)
		if m.n++; len(uses) == 0 {
			if err := d.lx.SkipValue(); err != nil {
				return err
			}
			continue
		}
		u := uses[0]
		k, err := d.lx.Next()
		if err != nil {
			return err
		}
		m.turn = m.turn || u.field == mUser || u.field == mBot
		switch {
		case u.field == mTime:
			if at, ok := toTime(scalar{k, d.lx.Val}); ok && m.have.take(u) {
				m.at = at
			}
		case k == jsonlex.String && m.have.take(u):
			if u.field == mRole {
				m.text[mRole] = d.intern(d.lx.Val)
			} else {
				m.text[u.field] = string(d.lx.Val)
			}
		}
		if err := d.lx.Finish(k); err != nil {
			return err
		}
	}
	_, err := d.lx.Next()
	return err
}

// appendTo appends the message(s) m stands for: a turn gives a user message
// then an assistant message, each only when not empty; a role-style message
// gives one message when its content is not empty. Messages without text
// are dropped in every style, so counts agree whichever way the API spells
// a conversation.
func (m *msgAcc) appendTo(msgs []Message) []Message {
	if m.turn {
		if strings.TrimSpace(m.text[mUser]) != "" {
			msgs = append(msgs, Message{Role: RoleUser, Text: m.text[mUser], At: m.at})
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

// roleOf normalises a sender name: the chat roles user and assistant, and
// Stammer's own words for its side (its chatbots are "AI agents"); "system"
// and unknown names are RoleOther.
func roleOf(s string) Role {
	var nb [32]byte
	switch string(normKey(nb[:0], []byte(s))) {
	case "user", "human":
		return RoleUser
	case "assistant", "bot", "ai", "agent", "aiagent":
		return RoleAssistant
	}
	return RoleOther
}
