package stammer

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The documented parameter names, verbatim. They are the API's own (a mix of
// snake_case and camelCase), and the tools advertise the same names, so a
// model, our request and Stammer's docs all say the same thing.
const (
	ParamChatbotID                = "chatbot_id"
	ParamChatbotUUID              = "chatbot_uuid"
	ParamStartDate                = "startDate"
	ParamEndDate                  = "endDate"
	ParamSourcePlatform           = "sourcePlatform"
	ParamOnlyDeletedConversations = "onlyDeletedConversations"
	ParamConversationNumber       = "conversation_number"
)

// DateLayout is the only date format the API documents for startDate and
// endDate (a Django DateField): YYYY-MM-DD.
const DateLayout = "2006-01-02"

// Values encodes q as the endpoint's URL query, as Stammer's own examples
// pass the filters (the docs' heading says "request body", but a GET has
// none). onlyDeletedConversations is documented as required, so it is always
// sent; the others only when set, as given (Validate checks them).
func (q Query) Values() url.Values {
	v := url.Values{ParamOnlyDeletedConversations: {strconv.FormatBool(q.OnlyDeletedConversations)}}
	for param, s := range map[string]string{ParamChatbotUUID: q.ChatbotUUID, ParamStartDate: q.StartDate,
		ParamEndDate: q.EndDate, ParamSourcePlatform: q.SourcePlatform} {
		if s != "" {
			v.Set(param, s)
		}
	}
	for param, n := range map[string]int64{ParamChatbotID: q.ChatbotID, ParamConversationNumber: q.ConversationNumber} {
		if n != 0 {
			v.Set(param, strconv.FormatInt(n, 10))
		}
	}
	return v
}

// QueryError reports a query the API would refuse (or silently misread),
// caught before any request is sent. Its message is written for the model
// that chose the arguments: what is wrong with which documented parameter,
// and what to send instead.
type QueryError struct {
	// Param is the documented parameter name, verbatim (e.g. "startDate").
	Param string
	// Value is the offending value as given ("" when the problem is an
	// absence or a combination).
	Value string
	// Problem says what is wrong, e.g. "is not a real date in YYYY-MM-DD".
	Problem string
	// Fix says how to call again, e.g. "Use YYYY-MM-DD, e.g. 2026-11-01.".
	Fix string
}

// Error returns "<Param> <Problem>. <Fix>".
func (e *QueryError) Error() string {
	msg := e.Param + " " + strings.TrimSuffix(e.Problem, ".") + "."
	if e.Fix != "" {
		msg += " " + e.Fix
	}
	return msg
}

// Validate checks q against the documented rules and returns a *QueryError
// for the first broken one, or nil. The rules are checked in a fixed order
// (exclusivity, signs, uuid, dates, date order, platform) so the same bad
// query always gets the same message.
func (q Query) Validate() error {
	if q.ChatbotID != 0 && q.ChatbotUUID != "" {
		return &QueryError{
			Param:   ParamChatbotID,
			Value:   strconv.FormatInt(q.ChatbotID, 10),
			Problem: "cannot be sent together with chatbot_uuid",
			Fix:     "Send only one of chatbot_id or chatbot_uuid.",
		}
	}
	for _, n := range [...]struct {
		param, what string
		v           int64
	}{{ParamChatbotID, "the chatbot's positive id", q.ChatbotID}, {ParamConversationNumber, "the conversation's positive number", q.ConversationNumber}} {
		if n.v < 0 {
			return &QueryError{
				Param:   n.param,
				Value:   strconv.FormatInt(n.v, 10),
				Problem: fmt.Sprintf("must be a positive integer, got %d", n.v),
				Fix:     "Send " + n.what + ", or leave " + n.param + " out.",
			}
		}
	}
	if q.ChatbotUUID != "" && !IsUUID(q.ChatbotUUID) {
		return &QueryError{
			Param:   ParamChatbotUUID,
			Value:   q.ChatbotUUID,
			Problem: "is not a uuid, got " + quoteValue(q.ChatbotUUID),
			Fix:     "Use the 36-character form 8-4-4-4-12 hex digits, e.g. 12345678-1234-5678-1234-567812345678, or send chatbot_id instead.",
		}
	}
	start, ok := parseDate(q.StartDate)
	if !ok {
		return dateError(ParamStartDate, q.StartDate)
	}
	end, ok := parseDate(q.EndDate)
	if !ok {
		return dateError(ParamEndDate, q.EndDate)
	}
	if !start.IsZero() && !end.IsZero() && start.After(end) {
		return &QueryError{
			Param:   ParamStartDate,
			Value:   q.StartDate,
			Problem: fmt.Sprintf("%s is later than endDate %s", q.StartDate, q.EndDate),
			Fix:     "Send a startDate on or before endDate (swap them if they were reversed).",
		}
	}
	if q.SourcePlatform != "" && !slices.Contains(SourcePlatforms, q.SourcePlatform) {
		fix := "Use one of: " + strings.Join(SourcePlatforms, ", ") + " (spelt exactly so)."
		if p, ok := NormalizePlatform(q.SourcePlatform); ok {
			fix = fmt.Sprintf("Use %q, the API's exact spelling. Valid values: %s.", p, strings.Join(SourcePlatforms, ", "))
		}
		return &QueryError{
			Param:   ParamSourcePlatform,
			Value:   q.SourcePlatform,
			Problem: "is not a documented platform, got " + quoteValue(q.SourcePlatform),
			Fix:     fix,
		}
	}
	return nil
}

func dateError(param, value string) *QueryError {
	return &QueryError{
		Param:   param,
		Value:   value,
		Problem: "is not a real date in YYYY-MM-DD, got " + quoteValue(value),
		Fix:     "Use YYYY-MM-DD, e.g. 2026-11-01.",
	}
}

// parseDate accepts exactly YYYY-MM-DD naming a day that exists (no
// 2026-02-30, no single-digit months, no time part), which is what a Django
// DateField parses; "" (not set) is the zero time.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(DateLayout, s)
	return t, err == nil && len(s) == len(DateLayout)
}

// quoteValue quotes a caller-supplied value for an error message: Go quoting
// escapes control characters, and the cap keeps a runaway argument from
// filling the model's context.
func quoteValue(s string) string {
	const max = 64
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "…"
	}
	return strconv.Quote(s)
}

// IsUUID reports whether s (a string, or the decoder's bytes) is a uuid in
// the canonical 8-4-4-4-12 hex form (either case). Braces, "urn:uuid:" and
// unhyphenated forms are refused: the API's path and filter take the
// canonical form.
func IsUUID[S ~string | ~[]byte](s S) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f') {
				return false
			}
		}
	}
	return true
}

// NormalizePlatform maps s, case-insensitively and ignoring surrounding
// space, to the documented spelling in SourcePlatforms ("api" → "API"), or
// reports false. The API compares choices exactly and spells some oddly, so
// a model's spelling is fixed before sending rather than get a 400 or an
// empty list; "embedded" is taken for the documented "embeded".
func NormalizePlatform(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, p := range SourcePlatforms {
		if strings.EqualFold(s, p) {
			return p, true
		}
	}
	if strings.EqualFold(s, "embedded") {
		return "embeded", true
	}
	return "", false
}
