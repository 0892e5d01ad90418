package stammer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// item is a conversation with one user/assistant turn, used by the shape
// tests; the shape tests only care that it is found.
const item = `{"id": 1, "conversation_number": 7, "source_platform": "whatsapp", "messages": [{"query": "hi", "answer": "hello"}]}`

func TestDecodeListShapes(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantShape   string
		wantN       int
		wantCount   int
		wantNext    string
		wantMessage string
		wantSkipped int
	}{
		{name: "envelope", body: `{"message": "Conversations fetched.", "data": [` + item + `]}`, wantShape: "envelope", wantN: 1, wantCount: -1, wantMessage: "Conversations fetched."},
		{name: "envelope, message after data", body: `{"data": [` + item + `,` + item + `], "message": "ok"}`, wantShape: "envelope", wantN: 2, wantCount: -1, wantMessage: "ok"},
		{name: "data.results", body: `{"message": "ok", "data": {"count": 3, "next": "https://app.stammer.ai/en/chatbot/api/v1/conversations/?page=2", "results": [` + item + `]}}`, wantShape: "data.results", wantN: 1, wantCount: 3, wantNext: "https://app.stammer.ai/en/chatbot/api/v1/conversations/?page=2", wantMessage: "ok"},
		{name: "data.conversations", body: `{"data": {"conversations": [` + item + `], "count": 1}}`, wantShape: "data.conversations", wantN: 1, wantCount: 1},
		{name: "data.data", body: `{"data": {"data": [` + item + `]}}`, wantShape: "data.data", wantN: 1, wantCount: -1},
		{name: "data.results null", body: `{"data": {"results": null, "count": 0}}`, wantShape: "data.results", wantN: 0, wantCount: 0},
		{name: "bare array", body: `[` + item + `,` + item + `]`, wantShape: "array", wantN: 2, wantCount: -1},
		{name: "empty array", body: `[]`, wantShape: "array", wantN: 0, wantCount: -1},
		{name: "DRF page", body: `{"count": 2, "next": null, "previous": null, "results": [` + item + `,` + item + `]}`, wantShape: "results", wantN: 2, wantCount: 2},
		{name: "DRF page, count last", body: `{"results": [` + item + `], "next": "/en/chatbot/api/v1/conversations/?page=2", "count": "12"}`, wantShape: "results", wantN: 1, wantCount: 12, wantNext: "/en/chatbot/api/v1/conversations/?page=2"},
		{name: "conversations", body: `{"conversations": [` + item + `], "count": 1}`, wantShape: "conversations", wantN: 1, wantCount: 1},
		{name: "data null", body: `{"message": "No conversations found.", "data": null}`, wantShape: "envelope", wantN: 0, wantCount: -1, wantMessage: "No conversations found."},
		{name: "data empty list", body: `{"message": "ok", "data": []}`, wantShape: "envelope", wantN: 0, wantCount: -1, wantMessage: "ok"},
		{name: "data empty object", body: `{"data": {}}`, wantShape: "envelope", wantN: 0, wantCount: -1},
		{name: "data only count", body: `{"data": {"count": 0}}`, wantShape: "envelope", wantN: 0, wantCount: 0},
		{name: "message only", body: `{"message": "No conversations found for this chatbot."}`, wantShape: "message", wantN: 0, wantCount: -1, wantMessage: "No conversations found for this chatbot."},
		{name: "one bare conversation", body: item, wantShape: "object", wantN: 1, wantCount: -1},
		{name: "data is one conversation", body: `{"message": "ok", "data": ` + item + `}`, wantShape: "data.object", wantN: 1, wantCount: -1, wantMessage: "ok"},
		{name: "upper-case keys", body: `{"Data": {"Results": [` + item + `], "Count": 1}}`, wantShape: "data.results", wantN: 1, wantCount: 1},
		{name: "first list wins", body: `{"results": [` + item + `], "data": [` + item + `,` + item + `]}`, wantShape: "results", wantN: 1, wantCount: -1},
		{name: "non-list results skipped, data used", body: `{"results": {"x": 1}, "data": [` + item + `]}`, wantShape: "envelope", wantN: 1, wantCount: -1},
		{name: "unknown top-level keys ignored", body: `{"status": true, "meta": {"a": [1, {"b": 2}]}, "data": [` + item + `], "extra": "x"}`, wantShape: "envelope", wantN: 1, wantCount: -1},
		{name: "negative count ignored", body: `{"count": -4, "results": []}`, wantShape: "results", wantN: 0, wantCount: -1},
		{
			name:        "non-object items skipped",
			body:        `[1, "x", null, true, [1, [2]], ` + item + `, {"unrelated": 1}, {}]`,
			wantShape:   "array",
			wantN:       1,
			wantCount:   -1,
			wantSkipped: 7,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := DecodeList(strings.NewReader(tt.body), 0)
			if err != nil {
				t.Fatalf("DecodeList: %v", err)
			}
			if res.Shape != tt.wantShape {
				t.Errorf("Shape = %q, want %q", res.Shape, tt.wantShape)
			}
			if len(res.Conversations) != tt.wantN {
				t.Errorf("%d conversations, want %d", len(res.Conversations), tt.wantN)
			}
			if res.Count != tt.wantCount {
				t.Errorf("Count = %d, want %d", res.Count, tt.wantCount)
			}
			if res.Next != tt.wantNext {
				t.Errorf("Next = %q, want %q", res.Next, tt.wantNext)
			}
			if res.Message != tt.wantMessage {
				t.Errorf("Message = %q, want %q", res.Message, tt.wantMessage)
			}
			if res.Skipped != tt.wantSkipped {
				t.Errorf("Skipped = %d, want %d", res.Skipped, tt.wantSkipped)
			}
			if res.Bytes != int64(len(tt.body)) {
				t.Errorf("Bytes = %d, want %d", res.Bytes, len(tt.body))
			}
			for i, c := range res.Conversations {
				if c.Number != 7 || c.Platform != "whatsapp" || len(c.Messages) != 2 {
					t.Errorf("conversation %d decoded wrongly: %+v", i, c)
				}
			}
		})
	}
}

func utc(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
}

// ins is t as an Instant, computed apart from InstantOf, which would
// otherwise check itself.
func ins(t time.Time) Instant { return Instant(t.UnixNano()) }

// decodeOne decodes a single conversation object through DecodeList.
func decodeOne(t *testing.T, obj string) Conversation {
	t.Helper()
	res, err := DecodeList(strings.NewReader("["+obj+"]"), 0)
	if err != nil {
		t.Fatalf("DecodeList: %v", err)
	}
	if len(res.Conversations) != 1 {
		t.Fatalf("got %d conversations (skipped %d), want 1", len(res.Conversations), res.Skipped)
	}
	return res.Conversations[0]
}

func TestDecodeConversationFields(t *testing.T) {
	const u1 = "05b5e310-4a22-4a53-b440-1922ca9815cf"
	const u2 = "5f88e692-ede2-4241-91bb-2dae22a2535c"
	tests := []struct {
		name string
		obj  string
		want Conversation // only the fields compared by check
		// check picks the compared field(s); nil compares ID..UpdatedAt.
	}{
		// id
		{"id int", `{"id": 17}`, Conversation{ID: 17}},
		{"id numeric string", `{"id": "19"}`, Conversation{ID: 19}},
		{"id float 17.0 refused", `{"id": 17.0, "uuid": "` + u1 + `"}`, Conversation{UUID: u1}},
		{"id exponent refused", `{"id": 1e3, "uuid": "` + u1 + `"}`, Conversation{UUID: u1}},
		{"id beyond 2^53 stays exact", `{"id": 9007199254740993}`, Conversation{ID: 9007199254740993}},
		{"id fraction refused", `{"id": 17.5, "uuid": "` + u1 + `"}`, Conversation{UUID: u1}},
		{"id huge refused", `{"id": 1e400, "uuid": "` + u1 + `"}`, Conversation{UUID: u1}},
		{"id as uuid is not read", `{"id": "` + u1 + `", "conversation_number": 9}`, Conversation{Number: 9}},
		{"id non-numeric string ignored", `{"id": "abc", "conversation_number": 4}`, Conversation{Number: 4}},
		// uuid
		{"uuid", `{"uuid": "` + u1 + `"}`, Conversation{UUID: u1}},
		{"uuid not a uuid ignored", `{"id": 1, "uuid": "4812"}`, Conversation{ID: 1}},
		// number
		{"conversation_number", `{"conversation_number": 4812}`, Conversation{Number: 4812}},
		{"conversation_number string", `{"conversation_number": "4812"}`, Conversation{Number: 4812}},
		{"camelCase conversationNumber", `{"conversationNumber": 5}`, Conversation{Number: 5}},
		// chatbot
		{"chatbot_id", `{"chatbot_id": 17}`, Conversation{ChatbotID: 17}},
		{"chatbot int", `{"chatbot": 23}`, Conversation{ChatbotID: 23}},
		{"chatbot numeric string", `{"chatbot": "23"}`, Conversation{ChatbotID: 23}},
		{"chatbot uuid string", `{"chatbot": "` + u2 + `"}`, Conversation{ChatbotUUID: u2}},
		{"chatbot_id uuid string", `{"chatbot_id": "` + u2 + `"}`, Conversation{ChatbotUUID: u2}},
		{"chatbot_uuid", `{"chatbot_uuid": "` + u2 + `"}`, Conversation{ChatbotUUID: u2}},
		{"chatbot_id beats chatbot", `{"chatbot": 1, "chatbot_id": 2}`, Conversation{ChatbotID: 2}},
		{"chatbot_uuid beats chatbot", `{"chatbot_uuid": "` + u1 + `", "chatbot": "` + u2 + `"}`, Conversation{ChatbotUUID: u1}},
		// user key
		{"user_key", `{"user_key": "u-123"}`, Conversation{UserKey: "u-123"}},
		{"user_key number", `{"user_key": 99}`, Conversation{UserKey: "99"}},
		{"user_key object ignored (personal data)", `{"user_key": {"email": "a@b.c"}, "id": 2}`, Conversation{ID: 2}},
		// platform
		{"source_platform", `{"source_platform": "embeded"}`, Conversation{Platform: "embeded"}},
		{"sourcePlatform", `{"sourcePlatform": "API"}`, Conversation{Platform: "API"}},
		{"source_platform number ignored", `{"source_platform": 3, "id": 4}`, Conversation{ID: 4}},
		// state
		{"is_active false is deleted", `{"id": 1, "is_active": false}`, Conversation{ID: 1, State: StateDeleted}},
		{"is_active true is live", `{"id": 1, "is_active": true}`, Conversation{ID: 1, State: StateLive}},
		{"is_active string False", `{"id": 1, "is_active": "False"}`, Conversation{ID: 1, State: StateDeleted}},
		{"is_active 0", `{"id": 1, "is_active": 0}`, Conversation{ID: 1, State: StateDeleted}},
		{"deleted true", `{"id": 1, "deleted": true}`, Conversation{ID: 1, State: StateDeleted}},
		{"deleted false", `{"id": 1, "deleted": false}`, Conversation{ID: 1, State: StateLive}},
		{"is_deleted string", `{"id": 1, "is_deleted": "true"}`, Conversation{ID: 1, State: StateDeleted}},
		{"is_deleted 0", `{"id": 1, "is_deleted": 0}`, Conversation{ID: 1, State: StateLive}},
		{"is_deleted \"1\"", `{"id": 1, "is_deleted": "1"}`, Conversation{ID: 1, State: StateDeleted}},
		{"is_active beats deleted", `{"id": 1, "deleted": true, "is_active": true}`, Conversation{ID: 1, State: StateLive}},
		{"no flag is unknown", `{"id": 1}`, Conversation{ID: 1, State: StateUnknown}},
		{"unreadable flag is unknown", `{"id": 1, "is_active": "maybe"}`, Conversation{ID: 1, State: StateUnknown}},
		// times
		{"created_at RFC3339 Z", `{"created_at": "2026-11-01T09:30:00Z"}`, Conversation{CreatedAt: ins(utc(2026, 11, 1, 9, 30, 0, 0))}},
		{"created_at with micros", `{"created_at": "2026-11-01T09:30:00.123456Z"}`, Conversation{CreatedAt: ins(utc(2026, 11, 1, 9, 30, 0, 123456000))}},
		{"created_at offset", `{"created_at": "2026-11-01T09:30:00-03:00"}`, Conversation{CreatedAt: ins(utc(2026, 11, 1, 12, 30, 0, 0))}},
		{"created_at no zone is UTC", `{"created_at": "2026-11-01T09:30:00"}`, Conversation{CreatedAt: ins(utc(2026, 11, 1, 9, 30, 0, 0))}},
		{"created_at fractions and offset", `{"created_at": "2026-11-01T09:30:00.5+01:00"}`, Conversation{CreatedAt: ins(utc(2026, 11, 1, 8, 30, 0, 500000000))}},
		{"created_at no zone with fraction", `{"created_at": "2026-11-01T09:30:00.25"}`, Conversation{CreatedAt: ins(utc(2026, 11, 1, 9, 30, 0, 250000000))}},
		{"created_at epoch seconds", `{"created_at": 1793525400}`, Conversation{CreatedAt: ins(time.Unix(1793525400, 0).UTC())}},
		{"created_at epoch string", `{"created_at": "1793525400"}`, Conversation{CreatedAt: ins(time.Unix(1793525400, 0).UTC())}},
		{"created_at epoch float", `{"created_at": 1793525400.25}`, Conversation{CreatedAt: ins(time.Unix(1793525400, 250000000).UTC())}},
		{"createdAt camelCase", `{"createdAt": 1793525400}`, Conversation{CreatedAt: ins(time.Unix(1793525400, 0).UTC())}},
		{"garbage time is unknown", `{"id": 1, "created_at": "soon"}`, Conversation{ID: 1}},
		{"python str time is unknown", `{"id": 1, "created_at": "2026-11-01 09:30:00"}`, Conversation{ID: 1}},
		{"epoch millis are unknown", `{"id": 1, "created_at": 1793525400123}`, Conversation{ID: 1}},
		{"zero epoch is unknown", `{"id": 1, "created_at": 0}`, Conversation{ID: 1}},
		{"time before 1970 is unknown", `{"id": 1, "created_at": "1969-12-31T23:59:59Z"}`, Conversation{ID: 1}},
		{"time after 2261 is unknown", `{"id": 1, "created_at": "2262-06-01T00:00:00Z"}`, Conversation{ID: 1}},
		{"updated_at", `{"updated_at": "2026-11-03T00:00:00Z"}`, Conversation{UpdatedAt: ins(utc(2026, 11, 3, 0, 0, 0, 0))}},
		{"updatedAt", `{"updatedAt": "2026-11-03T00:00:00Z"}`, Conversation{UpdatedAt: ins(utc(2026, 11, 3, 0, 0, 0, 0))}},
		// spellings without evidence in stammer-api-notes.md are ignored,
		// not guessed at: the fields stay empty and the rest decodes
		{"dropped spellings ignored", `{"id": 1, "pk": 2, "conversation_id": 3, "number": 4, "bot_id": 5, "user_id": "u", "session_id": "s", "platform": "API", "channel": "x", "created": 1793525400, "timestamp": 1793525400, "last_message_at": 1793525400, "message_count": 12}`, Conversation{ID: 1}},
		{"chatbot object ignored", `{"id": 1, "chatbot": {"id": 42, "uuid": "` + u2 + `"}}`, Conversation{ID: 1}},
		{"only dropped spellings", `{"pk": 2, "chatbot": {"id": 42}, "id": 7}`, Conversation{ID: 7}},
		{"null values are absent", `{"id": 5, "uuid": null, "chatbot": null, "messages": null, "created_at": null}`, Conversation{ID: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeOne(t, tt.obj)
			if got.Messages != nil {
				t.Errorf("Messages = %v, want none", got.Messages)
			}
			got.Messages = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decoded\n  %+v\nwant\n  %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeMessages(t *testing.T) {
	at := utc(2026, 11, 1, 9, 30, 0, 0)
	u := func(s string) Message { return Message{Role: RoleUser, Text: s} }
	a := func(s string) Message { return Message{Role: RoleAssistant, Text: s} }
	o := func(s string) Message { return Message{Role: RoleOther, Text: s} }
	withAt := func(m Message) Message { m.At = ins(at); return m }
	tests := []struct {
		name string
		obj  string
		want []Message
	}{
		{"stammer turns", `{"messages": [{"query": "Hi", "answer": "Hello!", "created_at": "2026-11-01T09:30:00Z"}, {"query": "Open?", "answer": "Yes"}]}`,
			[]Message{withAt(u("Hi")), withAt(a("Hello!")), u("Open?"), a("Yes")}},
		{"turn without answer", `{"messages": [{"query": "anyone?", "answer": ""}, {"query": "hello?", "answer": null}]}`,
			[]Message{u("anyone?"), u("hello?")}},
		{"turn without query", `{"messages": [{"query": "", "answer": "Welcome!"}]}`,
			[]Message{a("Welcome!")}},
		{"turn alt names ignored", `{"messages": [{"question": "q", "response": "r"}, {"user_message": "q2", "bot_message": "r2"}, {"query": "q3"}]}`,
			[]Message{u("q3")}},
		{"role style", `{"messages": [{"role": "user", "content": "a", "timestamp": 1793525400}, {"role": "assistant", "content": "b"}, {"role": "system", "content": "c"}]}`,
			[]Message{{Role: RoleUser, Text: "a", At: ins(time.Unix(1793525400, 0).UTC())}, a("b"), o("c")}},
		{"role names", `{"messages": [{"role": "human", "content": "1"}, {"role": "Bot", "content": "2"}, {"role": "ai", "content": "4"}, {"role": "agent", "content": "6"}, {"role": "operator", "content": "8"}, {"role": 3, "content": "9"}]}`,
			[]Message{u("1"), a("2"), a("4"), a("6"), o("8"), o("9")}},
		{"role alt names ignored", `{"messages": [{"sender": "human", "text": "1"}, {"from": "bot", "body": "2"}, {"type": "ai", "content": "4"}]}`,
			[]Message{o("4")}},
		{"role key priority", `{"messages": [{"type": "text", "role": "assistant", "content": "x"}]}`,
			[]Message{a("x")}},
		// content-part arrays, content objects and LangChain's nested
		// {"type","data":{"content"}} have no evidence: such messages are
		// skipped whole, and the ones beside them still decode
		{"content parts ignored", `{"messages": [{"role": "user", "content": [{"type": "text", "text": "line 1"}, {"type": "image_url", "image_url": {"url": "x"}}, "line 2"]}, {"role": "user", "content": "ok"}]}`,
			[]Message{u("ok")}},
		{"content object ignored", `{"messages": [{"role": "assistant", "content": {"text": "inner"}}, {"query": [1], "answer": {"a": "b"}}]}`,
			[]Message{}},
		{"langchain dict ignored", `{"messages": [{"type": "human", "data": {"content": "q", "type": "human"}}, {"type": "ai", "data": {"content": "a"}}, {"query": "q"}]}`,
			[]Message{u("q")}},
		{"plain strings ignored", `{"messages": ["first", "", {"query": "q"}, "second"]}`,
			[]Message{u("q")}},
		{"garbage elements skipped", `{"messages": [1, null, true, [1, 2], {}, {"unrelated": 1}, {"role": "user", "content": "ok"}]}`,
			[]Message{u("ok")}},
		{"role with no content dropped", `{"messages": [{"role": "assistant", "content": null}, {"role": "user", "content": "  "}, {"role": "user", "content": "x"}]}`,
			[]Message{u("x")}},
		{"other list keys ignored", `{"history": [{"query": "old"}], "chat_history": [{"query": "old"}], "conversation": [{"query": "old"}], "messages": [{"query": "new"}]}`,
			[]Message{u("new")}},
		{"messages keep text as sent", `{"messages": [{"query": "  spaced\u0000 ", "answer": "\u202eevil"}]}`,
			[]Message{u("  spaced\x00 "), a("\u202eevil")}},
		{"message_count ignored", `{"message_count": 10, "messages": []}`,
			[]Message{}},
		{"messages as string ignored", `{"id": 1, "messages": "n/a"}`,
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeOne(t, tt.obj)
			if len(got.Messages) != len(tt.want) {
				t.Fatalf("got %d messages %+v, want %d %+v", len(got.Messages), got.Messages, len(tt.want), tt.want)
			}
			for i := range tt.want {
				g, w := got.Messages[i], tt.want[i]
				if g.Role != w.Role || g.Text != w.Text || g.At != w.At {
					t.Errorf("message %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestDecodeFullConversation(t *testing.T) {
	body := `{
	  "message": "Conversations retrieved successfully.",
	  "data": [{
	    "id": 9001, "uuid": "05b5e310-4a22-4a53-b440-1922ca9815cf", "conversation_number": 4812,
	    "chatbot": 17, "chatbot_uuid": "5f88e692-ede2-4241-91bb-2dae22a2535c",
	    "user_key": "visitor-1", "source_platform": "whatsapp", "is_active": false,
	    "created_at": "2026-11-01T09:30:00Z", "updated_at": "2026-11-01T09:31:00Z",
	    "lead": {"name": "Ana", "email": "ana@example.com", "phone": "+351"},
	    "messages": [{"query": "Olá", "answer": "Olá! Como posso ajudar?", "created_at": "2026-11-01T09:30:00Z"}]
	  }]
	}`
	res, err := DecodeList(strings.NewReader(body), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := Conversation{
		ID: 9001, UUID: "05b5e310-4a22-4a53-b440-1922ca9815cf", Number: 4812,
		ChatbotID: 17, ChatbotUUID: "5f88e692-ede2-4241-91bb-2dae22a2535c",
		UserKey: "visitor-1", Platform: "whatsapp", State: StateDeleted,
		CreatedAt: ins(utc(2026, 11, 1, 9, 30, 0, 0)), UpdatedAt: ins(utc(2026, 11, 1, 9, 31, 0, 0)),
		Messages: []Message{
			{Role: RoleUser, Text: "Olá", At: ins(utc(2026, 11, 1, 9, 30, 0, 0))},
			{Role: RoleAssistant, Text: "Olá! Como posso ajudar?", At: ins(utc(2026, 11, 1, 9, 30, 0, 0))},
		},
	}
	if len(res.Conversations) != 1 || !reflect.DeepEqual(res.Conversations[0], want) {
		t.Errorf("got %+v\nwant %+v", res.Conversations, want)
	}
}

func TestDecodeConversation(t *testing.T) {
	const conv = `{"id": 3, "uuid": "05b5e310-4a22-4a53-b440-1922ca9815cf", "messages": [{"query": "q", "answer": "a"}]}`
	good := []struct{ name, body string }{
		{"envelope", `{"message": "ok", "data": ` + conv + `}`},
		{"bare object", conv},
		{"one-element list", `[` + conv + `]`},
		{"data one-element list", `{"data": [` + conv + `]}`},
		{"upper-case data", `{"Data": ` + conv + `}`},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeConversation(strings.NewReader(tt.body), 0)
			if err != nil {
				t.Fatalf("DecodeConversation: %v", err)
			}
			if c.ID != 3 || c.UUID != "05b5e310-4a22-4a53-b440-1922ca9815cf" || len(c.Messages) != 2 {
				t.Errorf("got %+v", c)
			}
		})
	}
	bad := []struct{ name, body, want string }{
		{"string", `"x"`, "expected a conversation, found a JSON string"},
		{"data null", `{"message": "gone", "data": null}`, `found null`},
		{"two conversations", `[` + conv + `,` + conv + `]`, "found a list of 2"},
		{"empty list", `[]`, "found a list of 0"},
		{"unrelated object", `{"foo": 1, "bar": 2}`, `keys "foo", "bar"`},
		{"error object", `{"error": "Conversation not found"}`, `"Conversation not found"`},
		{"empty body", ``, "empty"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeConversation(strings.NewReader(tt.body), 0)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %+v, %v; want *DecodeError", c, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestDecodeListErrors(t *testing.T) {
	deep := func(n int, open, close string) string {
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	tests := []struct {
		name string
		body string
		want string // substring of the DecodeError
	}{
		{"empty", ``, "empty"},
		{"whitespace", " \n\t ", "empty"},
		{"string", `"hello"`, "expected a list of conversations, found a JSON string"},
		{"number", `42`, "found a JSON number"},
		{"null", `null`, "found null"},
		{"bool", `true`, "found a JSON boolean"},
		{"truncated object", `{`, "cut off"},
		{"truncated array", `[`, "cut off"},
		{"truncated item", `[{"id": 1, "messages": [{"query": "hi`, "cut off"},
		{"truncated after key", `{"data":`, "cut off"},
		{"trailing garbage", `[] x`, "invalid character"},
		{"second value", `[] []`, "after top-level value"},
		{"extra close", `[]]`, "invalid character"},
		{"missing comma", `[{"id": 1} {"id": 2}]`, "invalid character"},
		{"trailing comma", `[{"id": 1},]`, "invalid character"},
		{"bare words", `hello`, "invalid character"},
		{"NUL bytes", "[\x00]", "invalid character"},
		{"data string", `{"data": "none"}`, `in "data", found a JSON string`},
		{"data number", `{"data": 5}`, `in "data", found a JSON number`},
		{"unknown object", `{"foo": 1, "bar": [1, 2]}`, `found a JSON object with keys "foo", "bar"`},
		{"error with 200", `{"success": false, "error": "Chatbot not found"}`, `"Chatbot not found"`},
		{"empty object", `{}`, "found an empty JSON object"},
		{"data object without list", `{"data": {"foo": 1}}`, `in "data", found a JSON object with keys "foo"`},
		{"html page", "<!DOCTYPE html><html><head><title>Login</title></head><body>secret page</body></html>", "HTML page"},
		{"html after whitespace", "\n\n  <html>", "HTML page"},
		{"deep array", deep(100000, "[", "]"), "nested deeper than 64"},
		{"deep in skipped field", `{"data": [], "meta": ` + deep(70, "[", "]") + `}`, "nested deeper than 64"},
		{"deep in item", `[{"id": 1, "x": ` + strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70) + `}]`, "nested deeper than 64"},
		{"deep in content", `[{"messages": [{"role": "user", "content": ` + deep(70, "[", "]") + `}]}]`, "nested deeper than 64"},
		{"deep in chatbot", `[{"chatbot": {"x": ` + deep(70, "[", "]") + `}}]`, "nested deeper than 64"},
		{"invalid escape", `["\x"]`, "invalid character"},
		{"lone surrogate ok but bad number", `[{"id": 01}]`, "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := DecodeList(strings.NewReader(tt.body), 0)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %+v, %v (%T); want *DecodeError", res, err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if len(err.Error()) > 400 {
				t.Errorf("error message too long (%d): %q", len(err.Error()), err)
			}
			if strings.Contains(err.Error(), "secret page") {
				t.Errorf("error dumps the body: %q", err)
			}
		})
	}
}

func TestDecodeListTolerates(t *testing.T) {
	// Inputs that look odd but are fine: nesting up to the limit in fields
	// nobody reads, invalid UTF-8 (replaced, not fatal), huge numbers in
	// ignored places, escaped characters.
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, res *ListResult)
	}{
		{"nesting 60 in a skipped field", `[{"id": 1, "meta": ` + strings.Repeat("[", 60) + strings.Repeat("]", 60) + `}]`, func(t *testing.T, res *ListResult) {
			if len(res.Conversations) != 1 {
				t.Errorf("got %d conversations", len(res.Conversations))
			}
		}},
		{"invalid UTF-8 in text", "[{\"id\": 1, \"messages\": [{\"query\": \"caf\xe9 \xff\"}]}]", func(t *testing.T, res *ListResult) {
			if got := res.Conversations[0].Messages[0].Text; got != "caf\uFFFD \uFFFD" {
				t.Errorf("text = %q", got)
			}
		}},
		{"invalid UTF-8 in key", "[{\"id\xff\": 1, \"conversation_number\": 2}]", func(t *testing.T, res *ListResult) {
			if c := res.Conversations[0]; c.Number != 2 || c.ID != 0 {
				t.Errorf("got %+v", c)
			}
		}},
		{"huge number ignored", `[{"id": 123456789012345678901234567890, "conversation_number": 3, "extra": -1e999}]`, func(t *testing.T, res *ListResult) {
			if c := res.Conversations[0]; c.ID != 0 || c.Number != 3 {
				t.Errorf("got %+v", c)
			}
		}},
		{"escapes", `[{"id": 1, "messages": [{"query": "a\nb\u00e9\ud83d\ude00\"", "answer": "\u0000"}]}]`, func(t *testing.T, res *ListResult) {
			ms := res.Conversations[0].Messages
			if len(ms) != 2 || ms[0].Text != "a\nbé😀\"" || ms[1].Text != "\x00" {
				t.Errorf("got %+v", ms)
			}
		}},
		{"leading and trailing whitespace", "\r\n [ ] \n", func(t *testing.T, res *ListResult) {
			if res.Shape != "array" {
				t.Errorf("shape %q", res.Shape)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := DecodeList(strings.NewReader(tt.body), 0)
			if err != nil {
				t.Fatalf("DecodeList: %v", err)
			}
			tt.check(t, res)
		})
	}
}

func TestDecodeListBodyCap(t *testing.T) {
	body := `{"data": [` + item + `]}`
	n := int64(len(body))
	if _, err := DecodeList(strings.NewReader(body), n); err != nil {
		t.Errorf("body exactly at the cap: %v", err)
	}
	tests := []struct {
		name  string
		body  string
		limit int64
	}{
		{"one byte over", body, n - 1},
		{"far over", body, 10},
		{"trailing whitespace counts", body + "   ", n},
		{"cut inside a string", `[{"messages": [{"query": "` + strings.Repeat("x", 5000) + `"}]}]`, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeList(strings.NewReader(tt.body), tt.limit)
			var tl *BodyTooLargeError
			if !errors.As(err, &tl) {
				t.Fatalf("err = %v (%T), want *BodyTooLargeError", err, err)
			}
			if tl.Limit != tt.limit {
				t.Errorf("Limit = %d, want %d", tl.Limit, tt.limit)
			}
		})
	}
	// The cap stops reading: a reader that never ends is read only up to
	// the cap (plus one byte).
	var read bytes.Buffer
	_, err := DecodeList(io.TeeReader(io.MultiReader(strings.NewReader(`[{"messages": ["`), infiniteX{}), &read), 1<<16)
	var tl *BodyTooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("endless body: err = %v", err)
	}
	if read.Len() > 1<<16+1 {
		t.Errorf("read %d bytes past a cap of %d", read.Len(), 1<<16)
	}
}

func TestBodyTooLargeMessage(t *testing.T) {
	got := (&BodyTooLargeError{Limit: DefaultMaxBodyBytes}).Error()
	want := "the Stammer API response was larger than 256 MiB; narrow the query with startDate/endDate"
	if !strings.HasPrefix(got, want) {
		t.Errorf("Error() = %q, want prefix %q", got, want)
	}
	for n, s := range map[int64]string{1 << 30: "1 GiB", 1536: "1536 bytes", 1000: "1000 bytes", 64 << 10: "64 KiB", 256 << 20: "256 MiB"} {
		if got := formatSize(n); got != s {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, s)
		}
	}
}

type infiniteX struct{}

func (infiniteX) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// failingReader returns its data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestDecodeListReadErrorIsNotDecodeError(t *testing.T) {
	boom := errors.New("connection reset by peer")
	_, err := DecodeList(&failingReader{data: []byte(`[{"id": 1}, {"id"`), err: boom}, 0)
	var de *DecodeError
	if errors.As(err, &de) {
		t.Fatalf("read failure reported as DecodeError: %v", err)
	}
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want it to wrap the read error", err)
	}
}

func TestDecodeErrorMessage(t *testing.T) {
	e := &DecodeError{Status: 200, Bytes: 12, Err: errors.New("expected a list of conversations, found a JSON string")}
	want := "could not use the Stammer API response (status 200, 12 bytes): expected a list of conversations, found a JSON string"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	if !errors.Is(e, e.Err) {
		t.Error("DecodeError does not unwrap")
	}
}

func TestUnknownKeysAreCappedInMessages(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 50 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"%s%d": 1`, strings.Repeat("k", 200), i)
	}
	b.WriteString("}")
	_, err := DecodeList(strings.NewReader(b.String()), 0)
	if err == nil || len(err.Error()) > 1200 {
		t.Errorf("error too long or missing: %d bytes", len(fmt.Sprint(err)))
	}
}

// TestDecodeNeverPanics feeds mutations of valid bodies (every prefix and
// some byte flips) to both decoders. Any panic fails the test.
func TestDecodeNeverPanics(t *testing.T) {
	seeds := []string{
		`{"message": "ok", "data": [` + item + `, {"id": "x", "chatbot": {"id": [1]}, "messages": [{"content": [{"text": 1}]}, "s", 1]}]}`,
		`{"data": {"results": [{"conversation_id": "05b5e310-4a22-4a53-b440-1922ca9815cf", "created_at": 1e300}], "count": "x"}}`,
		`[{"messages": [{"type": "human", "data": {"data": {"content": "deep"}}}]}]`,
	}
	for _, s := range seeds {
		for i := 0; i <= len(s); i++ {
			_, _ = DecodeList(strings.NewReader(s[:i]), 0)
			_, _ = DecodeConversation(strings.NewReader(s[:i]), 0)
		}
		for i := 0; i < len(s); i++ {
			for _, c := range []byte{'{', '}', '[', ']', '"', ',', ':', '0', 'n', '\\', 0xff} {
				b := []byte(s)
				b[i] = c
				_, _ = DecodeList(bytes.NewReader(b), 0)
				_, _ = DecodeConversation(bytes.NewReader(b), 0)
			}
		}
	}
}

func FuzzDecodeList(f *testing.F) {
	f.Add([]byte(`{"message": "ok", "data": [` + item + `]}`))
	f.Add([]byte(`{"count": 1, "results": [{"pk": "2", "chatbot": {"id": 3}, "history": [{"role": "bot", "content": [{"type": "text", "text": "x"}]}]}]}`))
	f.Add([]byte(`[1, "x", null, {"created_at": "2026-11-01 09:30:00"}]`))
	f.Add([]byte(`<html>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := DecodeList(bytes.NewReader(b), 1<<20)
		if err == nil && res == nil {
			t.Fatal("nil result without error")
		}
		if err == nil && res.Bytes != int64(len(b)) {
			t.Fatalf("Bytes = %d, want %d", res.Bytes, len(b))
		}
		_, _ = DecodeConversation(bytes.NewReader(b), 1<<20)
	})
}

// syntheticBody builds a realistic list body of n conversations with m
// turns each, in the {"message","data":[…]} envelope.
func syntheticBody(n, m int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"message": "Conversations retrieved successfully.", "data": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id": %d, "uuid": "05b5e310-4a22-4a53-b440-%012d", "conversation_number": %d, "chatbot_id": 17, "chatbot_uuid": "5f88e692-ede2-4241-91bb-2dae22a2535c", "user_key": "user-%d", "source_platform": "whatsapp", "is_active": %t, "created_at": "2026-11-01T09:30:00.123456Z", "updated_at": "2026-11-01T10:00:00Z", "lead": {"name": "Someone", "email": "someone@example.com"}, "messages": [`,
			i+1, i, i+1, i%97, i%10 != 0)
		for j := 0; j < m; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"query": "Hello, I would like to book an appointment for next Tuesday at %d, is that possible? \u00e9\u00e8", "answer": "Of course! We have availability on Tuesday. Could you share your name and phone number so I can confirm the booking for you? Reference %d.", "created_at": "2026-11-01T09:%02d:00Z"}`, j, i*m+j, j%60)
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func TestSyntheticBodyDecodes(t *testing.T) {
	body := syntheticBody(50, 4)
	res, err := DecodeList(bytes.NewReader(body), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Conversations) != 50 || len(res.Conversations[49].Messages) != 8 || res.Conversations[10].State != StateDeleted {
		t.Errorf("unexpected result: %d conversations, last %+v", len(res.Conversations), len(res.Conversations[49].Messages))
	}
}

func BenchmarkDecodeList(b *testing.B) {
	for _, size := range []struct{ n, m int }{{100, 10}, {2000, 10}} {
		body := syntheticBody(size.n, size.m)
		b.Run(strconv.Itoa(size.n)+"x"+strconv.Itoa(size.m), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				res, err := DecodeList(bytes.NewReader(body), 0)
				if err != nil || len(res.Conversations) != size.n {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDecodeListIndependentOfReads checks that how the body arrives (one
// byte per read, half reads, data with EOF) does not change the result:
// every token boundary falls across a refill somewhere.
func TestDecodeListIndependentOfReads(t *testing.T) {
	bodies := [][]byte{
		syntheticBody(20, 3),
		[]byte(`{"data": {"count": "2", "next": "/x", "results": [` + item + `, {"id": "05b5e310-4a22-4a53-b440-1922ca9815cf", "chatbot": {"id": 3.0}, "messages": [{"role": "bot", "content": [{"type": "text", "text": "a\u00e9\ud83d\ude00"}]}, "plain"]}]}}`),
	}
	for i, body := range bodies {
		want, err := DecodeList(bytes.NewReader(body), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []io.Reader{iotest.OneByteReader(bytes.NewReader(body)), iotest.HalfReader(bytes.NewReader(body)), iotest.DataErrReader(bytes.NewReader(body))} {
			got, err := DecodeList(r, 0)
			if err != nil {
				t.Fatalf("body %d: %v", i, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("body %d: result depends on read sizes", i)
			}
		}
	}
}

// TestDecodeKeysInAnyOrder: the decoder remembers each position's key from
// the previous object (keyMemo); objects that spell or order their keys
// differently from the one before must decode as if read alone.
func TestDecodeKeysInAnyOrder(t *testing.T) {
	const u1, u2 = "0b9e6c1e-5a4e-4c3e-9f1e-2d3c4b5a6978", "1c9e6c1e-5a4e-4c3e-9f1e-2d3c4b5a6978"
	objs := []string{
		`{"id": 1, "uuid": "` + u1 + `", "source_platform": "API", "messages": [{"query": "q1", "answer": "a1"}, {"role": "user", "content": "c2"}, {"answer": "a3", "query": "q3"}]}`,
		`{"uuid": "` + u2 + `", "id": 2, "messages": [{"content": "c4", "role": "assistant"}, {"query": "q5"}], "source_platform": "whatsapp"}`,
		`{"messages": [], "ID": 3, "Source-Platform": "instagram", "uuid": "not a uuid"}`,
		`{"id": 1, "uuid": "` + u1 + `", "source_platform": "API", "messages": [{"query": "q1", "answer": "a1"}, {"role": "user", "content": "c2"}, {"answer": "a3", "query": "q3"}]}`,
	}
	all, err := DecodeList(strings.NewReader("["+strings.Join(objs, ",")+"]"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Conversations) != len(objs) {
		t.Fatalf("%d conversations, want %d", len(all.Conversations), len(objs))
	}
	for i, obj := range objs {
		alone, err := DecodeList(strings.NewReader("["+obj+"]"), 0)
		if err != nil || len(alone.Conversations) != 1 {
			t.Fatalf("object %d alone: %v", i, err)
		}
		if got, want := all.Conversations[i], alone.Conversations[0]; !reflect.DeepEqual(got, want) {
			t.Errorf("object %d in a list:\n got %+v\nwant %+v (decoded alone)", i, got, want)
		}
	}
	if c := all.Conversations[1]; c.ID != 2 || c.UUID != u2 || c.Platform != "whatsapp" || len(c.Messages) != 2 {
		t.Errorf("second conversation: %+v", c)
	}
}
