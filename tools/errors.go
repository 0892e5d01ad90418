package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/stammer-mcp/stammer-mcp/policy"
	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// NoTokenMessage is what every tool call returns when the server has no API
// token. Some MCP clients drop a config's env block silently, so the message
// names the variable, where it goes, and the file alternative.
const NoTokenMessage = "No Stammer API token is configured, so no conversations can be read. " +
	"Set STAMMER_API_TOKEN in the \"env\" block of this server's entry in the MCP client's configuration " +
	"(Claude Desktop: claude_desktop_config.json; Claude Code: claude mcp add --transport stdio stammer --env STAMMER_API_TOKEN=... -- stammer-mcp), " +
	"or start the server with --token-file PATH, then restart the client. " +
	"The token is in the Stammer (or white-label) dashboard under the agency's API settings. " +
	"To try the server without a token, start it with --demo."

// errorResult is a tool error: the call failed in a way the model should
// read and act on, so it is a result with isError, not a protocol error.
func errorResult(msg string) *mcp.CallToolResult {
	return mcp.NewToolResultError(msg)
}

// answerError is a valid call that cannot be answered as asked (nothing
// found, or over the budget). Its message, which says how to call again,
// is the whole tool error.
type answerError struct {
	msg      string
	notFound bool
}

func (e *answerError) Error() string { return e.msg }

// answerErrorf formats an answerError.
func answerErrorf(format string, a ...any) error {
	return &answerError{msg: fmt.Sprintf(format, a...)}
}

// isNotFound reports whether err says the conversation asked for does not
// exist.
func isNotFound(err error) bool {
	var a *answerError
	return errors.As(err, &a) && a.notFound
}

// explain renders any error of a call as text for the model.
func (d Deps) explain(err error) string {
	return upstreamMessage(err, d.Client, d.timeoutText())
}

// timeoutText is the configured timeout as people write it ("30s").
func (d Deps) timeoutText() string {
	if d.Timeout <= 0 {
		return stammer.DefaultTimeout.String()
	}
	return d.Timeout.String()
}

// upstreamMessage explains an error from the Stammer client to the model:
// what happened, with the API's own status and words, and what to do next.
// It never includes the token: the client's errors do not carry it.
func upstreamMessage(err error, c *stammer.Client, timeout string) string {
	var (
		apiErr  *stammer.APIError
		qErr    *stammer.QueryError
		bigErr  *stammer.BodyTooLargeError
		decErr  *stammer.DecodeError
		argsErr *argError
		ansErr  *answerError
		accErr  *policy.AccessError
		busyErr *stammer.BusyError
		partErr *partError
	)
	switch {
	case errors.As(err, &partErr):
		return "Reading " + partErr.chatbot + ", one of the chatbots you may read, failed: " +
			upstreamMessage(partErr.err, c, timeout) + " Name one chatbot to read the others."
	case errors.As(err, &accErr):
		return accErr.Error()
	case errors.Is(err, stammer.ErrNoToken):
		return NoTokenMessage
	case errors.As(err, &argsErr):
		return "Invalid arguments: " + argsErr.msg
	case errors.As(err, &ansErr):
		return ansErr.msg
	case errors.As(err, &qErr):
		return "Invalid arguments: " + qErr.Error()
	case errors.As(err, &apiErr):
		return apiMessage(apiErr, c)
	case errors.As(err, &busyErr):
		return "This server is busy: " + err.Error() + "."
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("The Stammer API at %s did not answer within %s. Try again, or narrow the query "+
			"(one chatbot, a shorter startDate–endDate range, one sourcePlatform) so it has less to send.", c.Host(), timeout)
	case errors.Is(err, context.Canceled):
		return "The call was cancelled before the Stammer API answered."
	case errors.As(err, &bigErr):
		// The client's message already says how to narrow the query.
		msg := err.Error()
		return strings.ToUpper(msg[:1]) + msg[1:] + "."
	case errors.Is(err, stammer.ErrRedirectRefused):
		return "The call failed: " + err.Error() + ". STAMMER_BASE_URL must be the API's own domain (the one the dashboard is served from); the token is never sent to another host."
	case errors.As(err, &decErr):
		return "The Stammer API's answer could not be read: " + err.Error() +
			". This may be temporary; try again. If it persists, check STAMMER_BASE_URL points at the Stammer API."
	default:
		// Connection failures, refused redirects, broken bodies: the
		// client's message already says what happened and where.
		return "The call failed: " + err.Error() + ". This is usually temporary or a network problem; try again, and check STAMMER_BASE_URL if it persists."
	}
}

// apiMessage turns an HTTP error status into advice; the API's own message
// is always quoted because it is the most specific fact we have.
func apiMessage(e *stammer.APIError, c *stammer.Client) string {
	head := fmt.Sprintf("Stammer API error %d %s", e.Status, http.StatusText(e.Status))
	if e.Message != "" && e.Message != http.StatusText(e.Status) {
		head += ": " + strings.TrimSuffix(e.Message, ".")
	}
	if e.Attempts > 1 {
		head += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	head += "."
	switch {
	case e.Status == http.StatusUnauthorized:
		return head + " The token was refused by " + c.Host() + ". Check STAMMER_API_TOKEN (or the --token-file) " +
			"holds the agency's current API token for this domain; white-label agencies must also set STAMMER_BASE_URL to their own domain."
	case e.Status == http.StatusForbidden:
		return head + " The token is valid but may not read this chatbot's conversations. " +
			"Check the chatbot belongs to this agency account, or call again without chatbot_id/chatbot_uuid."
	case e.Status == http.StatusNotFound:
		return head + " Check chatbot_id / chatbot_uuid belong to this agency account. " +
			"If every call gets 404, STAMMER_BASE_URL (" + c.Host() + ") may not be a Stammer API host."
	case e.Status == http.StatusBadRequest:
		return head + " Fix the parameter the API names and call again."
	case e.Status == http.StatusTooManyRequests:
		wait := "a minute"
		if e.RetryAfter > 0 {
			wait = e.RetryAfter.Round(time.Second).String()
		}
		return head + " Stammer is rate limiting this token. Wait " + wait + " before calling again."
	case e.Status >= 500 && e.RetryAfter > 0:
		return head + " Stammer had a server problem and asked to wait " + e.RetryAfter.Round(time.Second).String() + " before calling again."
	case e.Status >= 500:
		return head + " Stammer had a server problem. Try again shortly; if it persists, narrow the query."
	default:
		return head
	}
}
