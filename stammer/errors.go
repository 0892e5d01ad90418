package stammer

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stammer-mcp/stammer-mcp/inert"
	"github.com/stammer-mcp/stammer-mcp/jsonlex"
)

// ErrNoToken is returned by every call of a Client built without a token.
// New accepts an empty token so the server can start, list its tools and
// explain the missing setting to the model instead of crashing at launch.
var ErrNoToken = errors.New("no Stammer API token is configured: set STAMMER_API_TOKEN to your agency's API token and restart the MCP server")

// ErrRedirectRefused is matched (errors.Is) by the error of a call whose
// answer redirected to another host or scheme (where the token must not
// go), or too often; it is never retried. STAMMER_BASE_URL is probably
// not the API's own domain.
var ErrRedirectRefused = errors.New("stammer: redirect refused")

// APIError is a response with a status other than 200, 201 or 202 (the
// statuses Stammer's docs treat as success).
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Message is the API's own words ("Invalid token.", "startDate: Enter a
	// valid date."), or a short plain description when the body had none
	// (an HTML page, an empty body). It is sanitised: no control
	// characters, at most about 300 characters.
	Message string
	// RetryAfter is the wait the server asked for with Retry-After (on 429
	// or 503), zero when it did not say, for telling the model how long.
	RetryAfter time.Duration
	// Attempts is how many requests were made before giving up, when the
	// status was retried (429, 502, 503, 504); 0 or 1 means one request.
	Attempts int
}

// Error returns e.g. "Stammer API answered 401 Unauthorized: Invalid token.".
func (e *APIError) Error() string {
	status := strconv.Itoa(e.Status)
	if t := http.StatusText(e.Status); t != "" {
		status += " " + t
	}
	msg := "Stammer API answered " + status
	if e.Message != "" && e.Message != http.StatusText(e.Status) {
		msg += ": " + e.Message
	}
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter.Round(time.Second))
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return msg
}

// BodyTooLargeError is a response body over the configured cap
// (Config.MaxBodyBytes). The cap exists because the endpoint has no paging:
// an unfiltered query for a busy agency could otherwise exhaust memory.
type BodyTooLargeError struct {
	// Limit is the cap in bytes that was exceeded.
	Limit int64
}

// Error says how large the cap was and how to stay under it.
func (e *BodyTooLargeError) Error() string {
	return "the Stammer API response was larger than " + formatSize(e.Limit) +
		"; narrow the query with startDate/endDate (or chatbot_id, sourcePlatform)"
}

// DecodeError is a response body that is not JSON we can use: malformed or
// truncated JSON, an HTML page with a success status, or a JSON shape with
// no conversations in it. The message is short and never quotes the body.
type DecodeError struct {
	// Status is the HTTP status of the response (0 when decoding outside a
	// request, e.g. DecodeList in a test).
	Status int
	// Bytes is how much of the body was read before decoding stopped.
	Bytes int64
	// Err says what was wrong, e.g. "expected a list of conversations,
	// found a JSON string".
	Err error
}

// Error returns a one-line description of what was found.
func (e *DecodeError) Error() string {
	var where string
	if e.Status != 0 {
		where = fmt.Sprintf("status %d, ", e.Status)
	}
	return fmt.Sprintf("could not use the Stammer API response (%s%d bytes): %v", where, e.Bytes, e.Err)
}

// Unwrap returns the cause (a syntax error, io.ErrUnexpectedEOF, ...).
func (e *DecodeError) Unwrap() error { return e.Err }

// errHTMLPage is what a 2xx HTML page decodes to: almost always a wrong base
// URL or language prefix, answered by the web app's login or 404 page.
var errHTMLPage = errors.New("the server answered with an HTML page, not the API (check STAMMER_BASE_URL)")

// requestError is a failure to get a response at all (DNS, TCP, TLS,
// timeout, refused redirect). Its message names the host, never the token;
// Unwrap keeps context.DeadlineExceeded and context.Canceled detectable.
type requestError struct {
	msg      string
	errs     []error
	dropped  bool // before the answer was complete: worth retrying
	attempts int  // requests made, when more than one
}

func (e *requestError) Error() string   { return e.msg }
func (e *requestError) Unwrap() []error { return e.errs }

// maxErrorBody is how much of an error response is read: enough for any
// real JSON error, small enough that an error page costs nothing.
const maxErrorBody = 64 << 10

// errorMessage turns an error response body into APIError.Message: the
// API's own words when the body is JSON carrying them, a plain description
// for HTML or empty bodies, the sanitised text otherwise.
func errorMessage(status int, contentType string, body []byte) string {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return statusText(status)
	}
	if body[0] == '<' || strings.Contains(strings.ToLower(contentType), "html") {
		if status >= 500 {
			return "the server answered with an HTML error page, not the API's JSON (Stammer may be down or overloaded; try again later)"
		}
		return errHTMLPage.Error()
	}
	if body[0] == '{' || body[0] == '[' || body[0] == '"' {
		if w, ok := jsonWords(body); ok {
			return cmp.Or(inert.Message(w), statusText(status))
		}
	}
	return cmp.Or(inert.Message(string(body)), statusText(status))
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "HTTP status " + strconv.Itoa(status)
}

// wordKeys are the members that hold an error's words, in the order they
// are preferred: Stammer's docs read message then error; DRF uses detail.
var wordKeys = []string{"message", "error", "errors", "detail"}

// jsonWords extracts the human words of a JSON error body with the
// response lexer; ok is false when the body is not JSON.
func jsonWords(body []byte) (string, bool) {
	lx := jsonlex.New(bytes.NewReader(body))
	k, err := lx.Next()
	if err != nil {
		return "", false
	}
	s, err := words(lx, k)
	if err == nil {
		_, err = lx.Next() // only white space may follow
	}
	return s, err == nil
}

// words renders the value whose first token k has been read: a string
// itself; an array its elements' words joined; an object the words of its
// first non-empty wordKeys member, else a DRF field map as "field:
// problem; other: problem" in the body's order (non_field_errors and
// __all__ unprefixed); other scalars have no words.
func words(lx *jsonlex.Lexer, k jsonlex.Kind) (string, error) {
	if k == jsonlex.String {
		return strings.TrimSpace(string(lx.Val)), nil
	}
	if k != jsonlex.Array && k != jsonlex.Object {
		return "", nil
	}
	var found [4]string
	var parts []string
	for lx.More() {
		var key string
		if k == jsonlex.Object {
			kb, err := lx.Key()
			if err != nil {
				return "", err
			}
			key = string(kb)
		}
		vk, err := lx.Next()
		if err != nil {
			return "", err
		}
		s, err := words(lx, vk)
		switch i := slices.Index(wordKeys, key); {
		case err != nil:
			return "", err
		case s == "":
		case i >= 0:
			found[i] = cmp.Or(found[i], s)
		case k == jsonlex.Array || key == "non_field_errors" || key == "__all__":
			parts = append(parts, s)
		default:
			parts = append(parts, key+": "+s)
		}
	}
	if _, err := lx.Next(); err != nil {
		return "", err
	}
	if s := cmp.Or(found[:]...); s != "" {
		return s, nil
	}
	sep := "; "
	if k == jsonlex.Array {
		sep = " "
	}
	return strings.Join(parts, sep), nil
}

// BusyError is a call refused because of what other calls were doing: it
// waited for a turn to talk to the API until its deadline, or the answers
// being read at once passed the process's in-flight budget. Nothing about
// the query itself was wrong; another attempt later may succeed.
type BusyError struct {
	// InFlight is true when the byte budget was spent, false when the
	// wait for a turn ran out of time.
	InFlight bool
	// Limit is the budget in bytes (InFlight) or the number of calls that
	// may talk to the API at once.
	Limit int64
}

// Error says what the server was busy with and what to do.
func (e *BusyError) Error() string {
	if e.InFlight {
		return "the answers being read from the Stammer API at once (this call's and others') passed this server's limit of " +
			formatSize(e.Limit) + "; try again when the other calls have finished, or narrow the query with startDate/endDate (or chatbot_id, sourcePlatform)"
	}
	return fmt.Sprintf("this server was already making %d calls to the Stammer API, and this call's time ran out while it waited for one of them to finish; try again in a moment, or narrow the other queries", e.Limit)
}

// formatSize renders a byte count as people configure it ("256 MiB").
func formatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// Redact removes the token from s, in any case or encoding (see
// redact.Redactor): for callers that show upstream text, such as conversation
// content, which the client returns as the API sent it.
func (c *Client) Redact(s string) string { return c.red.Redact(s) }

// scrub is the chokepoint every error of a request passes before it leaves
// the client: whatever path built it (an error status, a 200 body that is
// not a list, a broken connection), the API's words in it are redacted.
func (c *Client) scrub(err error) error {
	if err == nil || !c.red.Active() {
		return err
	}
	var ae *APIError
	if errors.As(err, &ae) {
		ae.Message = c.red.Redact(ae.Message)
	}
	var re *requestError
	if errors.As(err, &re) {
		re.msg = c.red.Redact(re.msg)
	}
	var de *DecodeError
	if errors.As(err, &de) && de.Err != nil && c.red.Contains(de.Err.Error()) {
		de.Err = &redactedError{msg: c.red.Redact(de.Err.Error()), err: de.Err}
	}
	if msg := err.Error(); c.red.Contains(msg) {
		return &redactedError{msg: c.red.Redact(msg), err: err}
	}
	return err
}

// redactedError shows a redacted message for an error whose own message
// carried the token; errors.Is and errors.As still see the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
