package stammer

import (
	"errors"
	"strings"
	"testing"
)

func TestQueryValues(t *testing.T) {
	tests := []struct {
		name string
		q    Query
		want string
	}{
		{
			name: "zero query sends only the required flag",
			q:    Query{},
			want: "onlyDeletedConversations=false",
		},
		{
			name: "deleted flag true",
			q:    Query{OnlyDeletedConversations: true},
			want: "onlyDeletedConversations=true",
		},
		{
			name: "every parameter, documented names verbatim",
			q: Query{
				ChatbotID:                610,
				StartDate:                "2023-12-01",
				EndDate:                  "2023-12-31",
				SourcePlatform:           "API",
				OnlyDeletedConversations: true,
				ConversationNumber:       42,
			},
			want: "chatbot_id=610&conversation_number=42&endDate=2023-12-31&onlyDeletedConversations=true&sourcePlatform=API&startDate=2023-12-01",
		},
		{
			name: "uuid sent as given",
			q:    Query{ChatbotUUID: "12345678-1234-5678-1234-567812345678"},
			want: "chatbot_uuid=12345678-1234-5678-1234-567812345678&onlyDeletedConversations=false",
		},
		{
			name: "values are url-encoded (Values does not validate)",
			q:    Query{SourcePlatform: "a b&c=d", StartDate: "2026/11/01"},
			want: "onlyDeletedConversations=false&sourcePlatform=a+b%26c%3Dd&startDate=2026%2F11%2F01",
		},
		{
			name: "negative numbers are set, not omitted (Validate refuses them)",
			q:    Query{ChatbotID: -1},
			want: "chatbot_id=-1&onlyDeletedConversations=false",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.Values().Encode(); got != tt.want {
				t.Errorf("Values().Encode() =\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}

func TestQueryValuesAlwaysHasDeletedFlag(t *testing.T) {
	for _, q := range []Query{{}, {ChatbotID: 1}, {OnlyDeletedConversations: true}} {
		v := q.Values()
		if _, ok := v[ParamOnlyDeletedConversations]; !ok {
			t.Errorf("%+v: onlyDeletedConversations missing from %v", q, v)
		}
		if len(v[ParamOnlyDeletedConversations]) != 1 {
			t.Errorf("%+v: onlyDeletedConversations sent %d times", q, len(v[ParamOnlyDeletedConversations]))
		}
	}
}

func TestQueryValidate(t *testing.T) {
	const uuid = "12345678-1234-5678-1234-567812345678"
	tests := []struct {
		name      string
		q         Query
		wantParam string // "" = valid
		wantInMsg string
	}{
		{name: "zero", q: Query{}},
		{name: "all valid", q: Query{ChatbotID: 1, StartDate: "2026-11-01", EndDate: "2026-11-30", SourcePlatform: "whatsapp", ConversationNumber: 3, OnlyDeletedConversations: true}},
		{name: "uuid valid", q: Query{ChatbotUUID: uuid}},
		{name: "uuid upper case valid", q: Query{ChatbotUUID: strings.ToUpper("abcdef01-abcd-abcd-abcd-abcdefabcdef")}},
		{name: "same start and end", q: Query{StartDate: "2026-11-01", EndDate: "2026-11-01"}},
		{name: "leap day", q: Query{StartDate: "2028-02-29"}},
		{name: "only end date", q: Query{EndDate: "2026-11-01"}},
		{name: "every platform spelling", q: Query{SourcePlatform: "AUDIO"}},

		{name: "id and uuid both", q: Query{ChatbotID: 5, ChatbotUUID: uuid}, wantParam: "chatbot_id", wantInMsg: "Send only one of chatbot_id or chatbot_uuid."},
		{name: "negative chatbot_id", q: Query{ChatbotID: -3}, wantParam: "chatbot_id", wantInMsg: "positive integer, got -3. Send the chatbot's positive id, or leave chatbot_id out."},
		{name: "negative conversation_number", q: Query{ConversationNumber: -1}, wantParam: "conversation_number", wantInMsg: "positive integer, got -1. Send the conversation's positive number, or leave conversation_number out."},
		{name: "uuid too short", q: Query{ChatbotUUID: "1234"}, wantParam: "chatbot_uuid", wantInMsg: "8-4-4-4-12"},
		{name: "uuid without hyphens", q: Query{ChatbotUUID: "12345678123456781234567812345678"}, wantParam: "chatbot_uuid"},
		{name: "uuid with braces", q: Query{ChatbotUUID: "{" + uuid + "}"}, wantParam: "chatbot_uuid"},
		{name: "uuid non-hex", q: Query{ChatbotUUID: "1234567g-1234-5678-1234-567812345678"}, wantParam: "chatbot_uuid"},
		{name: "uuid with spaces", q: Query{ChatbotUUID: " " + uuid}, wantParam: "chatbot_uuid"},
		{name: "start not a date", q: Query{StartDate: "yesterday"}, wantParam: "startDate", wantInMsg: "Use YYYY-MM-DD, e.g. 2026-11-01."},
		{name: "start impossible day", q: Query{StartDate: "2026-02-30"}, wantParam: "startDate"},
		{name: "start month 13", q: Query{StartDate: "2026-13-01"}, wantParam: "startDate"},
		{name: "start single-digit month", q: Query{StartDate: "2026-1-05"}, wantParam: "startDate"},
		{name: "start with time", q: Query{StartDate: "2026-11-01T00:00:00Z"}, wantParam: "startDate"},
		{name: "start day-first", q: Query{StartDate: "01-11-2026"}, wantParam: "startDate"},
		{name: "end not a date", q: Query{EndDate: "2026-11-31"}, wantParam: "endDate", wantInMsg: "YYYY-MM-DD"},
		{name: "not a leap year", q: Query{EndDate: "2026-02-29"}, wantParam: "endDate"},
		{name: "start after end", q: Query{StartDate: "2026-11-05", EndDate: "2026-11-01"}, wantParam: "startDate", wantInMsg: "later than endDate 2026-11-01"},
		{name: "platform case", q: Query{SourcePlatform: "WhatsApp"}, wantParam: "sourcePlatform", wantInMsg: `Use "whatsapp"`},
		{name: "platform unknown", q: Query{SourcePlatform: "telegram"}, wantParam: "sourcePlatform", wantInMsg: "Use one of: none, whatsapp, facebook, instagram, dashboard, embeded, shared, personalized, API, AUDIO, masterchat"},
		{name: "platform padded", q: Query{SourcePlatform: " api "}, wantParam: "sourcePlatform", wantInMsg: `Use "API"`},
		// Order: exclusivity is reported before a bad date.
		{name: "first rule wins", q: Query{ChatbotID: 5, ChatbotUUID: "bad", StartDate: "bad"}, wantParam: "chatbot_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.q.Validate()
			if tt.wantParam == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("Validate() = %v (%T), want *QueryError", err, err)
			}
			if qe.Param != tt.wantParam {
				t.Errorf("Param = %q, want %q (err: %v)", qe.Param, tt.wantParam, err)
			}
			if qe.Problem == "" || qe.Fix == "" {
				t.Errorf("Problem and Fix must both be set: %+v", qe)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.wantParam+" ") {
				t.Errorf("message %q does not start with the parameter name", msg)
			}
			if !strings.Contains(msg, tt.wantInMsg) {
				t.Errorf("message %q does not contain %q", msg, tt.wantInMsg)
			}
		})
	}
}

func TestQueryErrorFormat(t *testing.T) {
	e := &QueryError{Param: "startDate", Value: "x", Problem: "is not a real date in YYYY-MM-DD", Fix: "Use YYYY-MM-DD, e.g. 2026-11-01."}
	want := "startDate is not a real date in YYYY-MM-DD. Use YYYY-MM-DD, e.g. 2026-11-01."
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestQueryErrorValueIsQuotedAndCapped(t *testing.T) {
	long := strings.Repeat("é", 100) + "\x1b[31m"
	err := Query{StartDate: long}.Validate()
	msg := err.Error()
	if strings.ContainsRune(msg, '\x1b') {
		t.Errorf("control character leaked into %q", msg)
	}
	if len(msg) > 250 {
		t.Errorf("message too long (%d bytes): %q", len(msg), msg)
	}
	var qe *QueryError
	if errors.As(err, &qe) && qe.Value != long {
		t.Errorf("Value must keep the value as given")
	}
}

func TestNormalizePlatform(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"whatsapp", "whatsapp", true},
		{"WhatsApp", "whatsapp", true},
		{"api", "API", true},
		{"Api", "API", true},
		{"audio", "AUDIO", true},
		{" Embeded ", "embeded", true},
		{"embedded", "embeded", true},
		{"EMBEDDED", "embeded", true},
		{"MasterChat", "masterchat", true},
		{"none", "none", true},
		{"NONE", "none", true},
		{"personalized", "personalized", true},
		{"", "", false},
		{"   ", "", false},
		{"telegram", "", false},
		{"whats app", "", false},
		{"whatsapp,facebook", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizePlatform(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizePlatform(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	// Every documented platform maps to itself, so normalising is idempotent.
	for _, p := range SourcePlatforms {
		if got, ok := NormalizePlatform(p); !ok || got != p {
			t.Errorf("NormalizePlatform(%q) = %q, %v", p, got, ok)
		}
	}
}

func TestIsUUID(t *testing.T) {
	good := []string{"12345678-1234-5678-1234-567812345678", "ABCDEF01-ABCD-ABCD-ABCD-ABCDEFABCDEF", "05b5e310-4a22-4a53-b440-1922ca9815cf"}
	bad := []string{"", "12345678-1234-5678-1234-56781234567", "12345678-1234-5678-1234-5678123456789", "12345678_1234-5678-1234-567812345678", "urn:uuid:12345678-1234-5678-1234-5678", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"}
	for _, s := range good {
		if !IsUUID(s) {
			t.Errorf("IsUUID(%q) = false", s)
		}
	}
	for _, s := range bad {
		if IsUUID(s) {
			t.Errorf("IsUUID(%q) = true", s)
		}
	}
}
