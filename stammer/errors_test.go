package stammer

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stammer-mcp/stammer-mcp/inert"
)

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        string
	}{
		{"message", 400, "application/json", `{"message": "Invalid chatbot."}`, "Invalid chatbot."},
		{"message before error", 400, "application/json", `{"error": "second", "message": "first"}`, "first"},
		{"error", 400, "application/json", `{"error": "Chatbot not found"}`, "Chatbot not found"},
		{"error object", 400, "application/json", `{"error": {"code": "bad", "message": "Nested words."}}`, "Nested words."},
		{"empty message falls to error", 400, "application/json", `{"message": "", "error": "Real reason"}`, "Real reason"},
		{"detail", 401, "application/json", `{"detail": "Invalid token."}`, "Invalid token."},
		{"detail not provided", 401, "application/json", `{"detail": "Authentication credentials were not provided."}`, "Authentication credentials were not provided."},
		{"detail 404", 404, "application/json", `{"detail": "Not found."}`, "Not found."},
		{"field map", 400, "application/json", `{"startDate": ["Enter a valid date."]}`, "startDate: Enter a valid date."},
		{"field map, order kept", 400, "application/json", `{"startDate": ["Enter a valid date."], "chatbot_id": ["A valid integer is required.", "Second."]}`, "startDate: Enter a valid date.; chatbot_id: A valid integer is required. Second."},
		{"non_field_errors", 400, "application/json", `{"non_field_errors": ["startDate should not be later than endDate."]}`, "startDate should not be later than endDate."},
		{"field map beside a flag and a code", 400, "application/json", `{"success": false, "status": 400, "sourcePlatform": ["\"telegram\" is not a valid choice."]}`, `sourcePlatform: "telegram" is not a valid choice.`},
		{"errors list", 400, "application/json", `{"errors": ["one", "two"]}`, "one two"},
		{"array body", 400, "application/json", `["Enter a valid date."]`, "Enter a valid date."},
		{"string body", 400, "application/json", `"Bad request, sorry"`, "Bad request, sorry"},
		{"json without words", 500, "application/json", `{"success": false}`, "Internal Server Error"},
		{"html", 404, "text/html; charset=utf-8", `<!DOCTYPE html><html><body><h1>Not Found</h1><p>secret</p></body></html>`, "the server answered with an HTML page, not the API (check STAMMER_BASE_URL)"},
		{"html without content type", 403, "", "\n  <html><body>Forbidden</body></html>", "the server answered with an HTML page, not the API (check STAMMER_BASE_URL)"},
		{"html 5xx", 502, "text/html", `<html><head><title>502 Bad Gateway</title></head></html>`, "the server answered with an HTML error page, not the API's JSON (Stammer may be down or overloaded; try again later)"},
		{"empty", 503, "", ``, "Service Unavailable"},
		{"whitespace", 429, "", " \n ", "Too Many Requests"},
		{"empty unknown status", 599, "", ``, "HTTP status 599"},
		{"plain text", 429, "text/plain", "Rate limit exceeded.\nTry later.", "Rate limit exceeded. Try later."},
		{"broken json falls back to text", 400, "application/json", `{"message": "unterminated`, `{"message": "unterminated`},
		{"control chars stripped", 400, "application/json", `{"message": "bad\u0000\u001b[31m red\u202e txt\u0007"}`, "bad red txt"},
		{"invalid utf-8", 400, "text/plain", "caf\xe9", "caf\uFFFD"},
		{"deep json", 400, "application/json", strings.Repeat(`{"a":`, 80) + `"x"` + strings.Repeat("}", 80), strings.Repeat(`{"a":`, 80)[:inert.MessageRunes-1] + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errorMessage(tt.status, tt.contentType, []byte(tt.body))
			if got != tt.want {
				t.Errorf("errorMessage = %q, want %q", got, tt.want)
			}
			if strings.Contains(got, "secret") {
				t.Errorf("HTML page content leaked: %q", got)
			}
		})
	}
}

func TestErrorMessageIsCapped(t *testing.T) {
	long := strings.Repeat("word ", 1000)
	for _, body := range []string{`{"message": "` + long + `"}`, long, `{"field": ["` + long + `"]}`} {
		got := errorMessage(400, "", []byte(body))
		if n := utf8.RuneCountInString(got); n > inert.MessageRunes {
			t.Errorf("message has %d runes, want at most %d", n, inert.MessageRunes)
		}
		if !strings.HasSuffix(got, "…") {
			t.Errorf("cut message should end with an ellipsis: %q", got[len(got)-10:])
		}
	}
}

func TestAPIErrorString(t *testing.T) {
	tests := []struct {
		e    APIError
		want string
	}{
		{APIError{Status: 401, Message: "Invalid token."}, "Stammer API answered 401 Unauthorized: Invalid token."},
		{APIError{Status: 404, Message: "Not Found"}, "Stammer API answered 404 Not Found"},
		{APIError{Status: 404}, "Stammer API answered 404 Not Found"},
		{APIError{Status: 599, Message: "odd"}, "Stammer API answered 599: odd"},
		{APIError{Status: 429, Message: "Slow down.", RetryAfter: 30 * time.Second}, "Stammer API answered 429 Too Many Requests: Slow down. (retry after 30s)"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"-5", 0},
		{"7", 7 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"999999", time.Hour},
		{"Wed, 25 Nov 2026 12:00:30 GMT", 30 * time.Second},
		{"Wed, 25 Nov 2026 11:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestErrNoTokenNamesTheSetting(t *testing.T) {
	if !strings.Contains(ErrNoToken.Error(), "STAMMER_API_TOKEN") {
		t.Errorf("ErrNoToken = %q", ErrNoToken)
	}
}
