package stammer

import "errors"

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
