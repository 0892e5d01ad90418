package stammertest

import (
	"bytes"
	"io"
	"strconv"
	"sync"
)

// Parts of a HugeBody: the envelope, then conversations, then padding.
const (
	hugePrefix = `{"message":"Conversations retrieved successfully.","data":[`
	hugeSuffix = `]}`
)

// HugeBody returns a reader of a valid conversations-list body (the
// {"message","data":[…]} envelope) of exactly n bytes, generated while it
// is read: realistic conversations (two turns each, about 800 bytes, with
// increasing ids), then spaces up to the size. Nothing is held but one
// conversation, so a test can offer a client a gigabyte without the fake
// allocating it. It backs Fault.HugeBody, and lets a benchmark decode a
// large body without holding it. Below 60 bytes the body is "[]" padded
// with spaces (under 2 bytes, only spaces): still valid, just empty.
func HugeBody(n int64) io.Reader {
	return &hugeBody{left: max(n, 0)}
}

// hugeBody produces the body chunk by chunk into buf.
type hugeBody struct {
	left  int64 // bytes not yet produced into buf
	buf   []byte
	pos   int // next unread byte of buf
	state int // 0 prefix, 1 conversations, 2 padding, 3 suffix, 4 done
	id    int64
	open  string // what closes the body: hugeSuffix, or "]" for the tiny form
	item  []byte // the conversation being produced, reused
}

// spaces is the padding, made on first use rather than at every start of
// the server that links this package (for --demo).
var spaces = sync.OnceValue(func() []byte { return bytes.Repeat([]byte{' '}, 32<<10) })

func (h *hugeBody) Read(p []byte) (int, error) {
	for h.pos == len(h.buf) {
		if !h.produce() {
			return 0, io.EOF
		}
	}
	n := copy(p, h.buf[h.pos:])
	h.pos += n
	return n, nil
}

// emit makes b the next chunk.
func (h *hugeBody) emit(b []byte) {
	h.buf, h.pos = b, 0
	h.left -= int64(len(b))
}

// produce fills buf with the next chunk; false at the end.
func (h *hugeBody) produce() bool {
	switch h.state {
	case 0:
		h.state = 1
		switch {
		case h.left >= int64(len(hugePrefix)+len(hugeSuffix)):
			h.open = hugeSuffix
			h.emit([]byte(hugePrefix))
		case h.left >= 2:
			h.open = "]"
			h.state = 2
			h.emit([]byte("["))
		default:
			h.open = ""
			h.state = 2
			return h.produce()
		}
	case 1:
		item := h.next()
		if int64(len(item)+len(h.open)) > h.left {
			h.state = 2
			return h.produce()
		}
		h.emit(item)
	case 2:
		pad := h.left - int64(len(h.open))
		if pad <= 0 {
			h.state = 3
			return h.produce()
		}
		sp := spaces()
		h.emit(sp[:min(pad, int64(len(sp)))])
	case 3:
		h.state = 4
		if h.open == "" {
			return false
		}
		h.emit([]byte(h.open))
	default:
		return false
	}
	return true
}

// next renders the next conversation (with a leading comma after the
// first) into h.item.
func (h *hugeBody) next() []byte {
	h.id++
	id := h.id
	b := h.item[:0]
	if id > 1 {
		b = append(b, ',')
	}
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, 900000+id, 10)
	b = append(b, `,"uuid":"6a1f0c2e-0000-4000-8000-`...)
	b = appendPadded(b, id, 12)
	b = append(b, `","conversation_number":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"chatbot_id":17,"chatbot_uuid":"`+ClinicBotUUID+`","user_key":"wa-`...)
	b = strconv.AppendInt(b, id%977, 10)
	b = append(b, `","source_platform":"whatsapp","is_active":true,"created_at":"2026-11-02T09:30:00Z","updated_at":"2026-11-02T09:34:00Z","messages":[`+
		`{"query":"Hello! I would like to book a check-up and a cleaning for next Tuesday morning, is there anything free before 11?","answer":"Good morning! Tuesday 10 November has a free slot at 09:40 with Dr. Almeida, and the hygienist can see you right after. Shall I book both for you? I only need your full name and phone number.","created_at":"2026-11-02T09:30:00Z"},`+
		`{"query":"Yes please, both. It's Maria Santos, 912 345 678.","answer":"Done: check-up at 09:40 and cleaning at 10:10 on Tuesday. You'll get a WhatsApp reminder the day before. See you then!","created_at":"2026-11-02T09:33:00Z"}]}`...)
	h.item = b
	return b
}

// appendPadded appends n in decimal, zero-padded to width digits.
func appendPadded(b []byte, n int64, width int) []byte {
	s := strconv.FormatInt(n, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
