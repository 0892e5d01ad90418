package stammer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stammer-mcp/stammer-mcp/gate"
	"github.com/stammer-mcp/stammer-mcp/inert"
)

// One GET of the API: redirects kept on the configured origin, retries
// with backoff, every failure mapped to the client's errors, and the
// per-request log line.

// checkRedirect follows redirects only within the configured host and
// scheme: the Authorization header goes with a redirect, and the token
// must never reach another host or travel unencrypted.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	var msg string
	switch {
	case len(via) >= maxRedirects:
		msg = fmt.Sprintf("the Stammer API at %s redirected more than %d times", c.base.Host, maxRedirects)
	case !c.sameOrigin(req.URL):
		msg = fmt.Sprintf("the Stammer API at %s redirected to %s; not following it, so that the token is not sent to another host (check STAMMER_BASE_URL)",
			c.base.Host, quoteValue(req.URL.Scheme+"://"+req.URL.Host))
	default:
		return nil
	}
	return &requestError{msg: msg, errs: []error{ErrRedirectRefused}}
}

// sameOrigin reports whether u has the configured scheme and host (with
// the scheme's default port made explicit on both sides) and no userinfo.
func (c *Client) sameOrigin(u *url.URL) bool {
	if u.User != nil || !strings.EqualFold(u.Scheme, c.base.Scheme) {
		return false
	}
	return hostPort(u.Scheme, u.Host) == hostPort(c.base.Scheme, c.base.Host)
}

func hostPort(scheme, host string) string {
	host = strings.ToLower(host)
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	port := "443"
	if strings.EqualFold(scheme, "http") {
		port = "80"
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), port)
}

// decodeFunc decodes a success body read with at most limit bytes and
// returns how many bytes it read.
type decodeFunc func(r io.Reader, limit int64) (int64, error)

// get performs one GET (plus retries, if configured) and hands a success
// body to decode. It owns error mapping: status → *APIError, decoder
// failures → *DecodeError / *BodyTooLargeError, the rest → transport
// errors. A final error after more than one attempt says how many.
func (c *Client) get(ctx context.Context, rawURL string, limit int64, decode decodeFunc) error {
	for attempt := 0; ; attempt++ {
		start := time.Now()
		status, n, err := c.attempt(ctx, rawURL, limit, decode)
		c.logRequest(ctx, rawURL, attempt, status, n, time.Since(start), err)
		if err == nil {
			return nil
		}
		if ae := (*APIError)(nil); c.onWait != nil && errors.As(err, &ae) && ae.RetryAfter > 0 {
			c.onWait(ae.RetryAfter)
		}
		wait, retry := c.shouldRetry(ctx, attempt, err)
		if !retry {
			return c.scrub(withAttempts(err, attempt+1))
		}
		c.log.LogAttrs(ctx, slog.LevelInfo, "stammer: retrying",
			slog.String("host", c.base.Host), slog.Int("status", status),
			slog.Int("attempt", attempt+2), slog.Int("of", c.retries+1),
			slog.Duration("wait", wait.Round(time.Millisecond)),
			slog.String("error", c.red.Redact(err.Error())))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return c.scrub(withAttempts(err, attempt+1))
		case <-t.C:
		}
	}
}

// withAttempts records on err how many attempts were made, when more than
// one: *APIError gets Attempts, a transport error a note in its message.
func withAttempts(err error, n int) error {
	if n <= 1 {
		return err
	}
	var ae *APIError
	if errors.As(err, &ae) {
		ae.Attempts = n
		return err
	}
	var re *requestError
	if errors.As(err, &re) {
		re.attempts = n
		re.msg += fmt.Sprintf(" (after %d attempts)", n)
	}
	return err
}

// Attempts reports how many requests a call's error took: more than 1
// when it was retried, 1 otherwise (0 for nil).
func Attempts(err error) int {
	if err == nil {
		return 0
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.Attempts > 1 {
		return ae.Attempts
	}
	var re *requestError
	if errors.As(err, &re) && re.attempts > 1 {
		return re.attempts
	}
	return 1
}

// attempt sends one request and returns the status (0 if none), the body
// bytes read, and the mapped error.
func (c *Client) attempt(ctx context.Context, rawURL string, limit int64, decode decodeFunc) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("building the request for %s: %s", c.base.Host, c.red.Redact(err.Error()))
	}
	req.Header.Set("Authorization", "Token "+c.token)
	req.Header.Set("Accept", "application/json")
	// The docs list Content-Type as required even though a GET has no body.
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, 0, c.transportError(ctx, err, "")
	}
	defer resp.Body.Close()

	switch resp.StatusCode {
	case http.StatusOK, http.StatusCreated, http.StatusAccepted:
	default:
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if rerr != nil && ctx.Err() != nil {
			return resp.StatusCode, int64(len(body)), c.transportError(ctx, rerr, "while reading an error response")
		}
		return resp.StatusCode, int64(len(body)), &APIError{
			Status: resp.StatusCode,
			// Redacted before the message is cut to length, so that a cut
			// cannot leave part of the token; get redacts the result again.
			Message:    errorMessage(resp.StatusCode, resp.Header.Get("Content-Type"), []byte(c.red.Redact(string(body)))),
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	if resp.ContentLength > limit {
		return resp.StatusCode, 0, &BodyTooLargeError{Limit: c.maxBody}
	}
	body, done := c.lim.Body(resp.Body)
	kept := false
	defer func() { done(kept) }()
	n, err := decode(body, limit)
	if kept = err == nil; kept {
		return resp.StatusCode, n, nil
	}
	if errors.Is(err, gate.ErrInFlight) {
		return resp.StatusCode, n, &BusyError{InFlight: true, Limit: c.lim.Budget()}
	}
	var (
		de *DecodeError
		tl *BodyTooLargeError
		re *bodyReadError
	)
	switch {
	case errors.As(err, &tl):
		return resp.StatusCode, limit, &BodyTooLargeError{Limit: c.maxBody}
	case errors.As(err, &re):
		return resp.StatusCode, n, c.transportError(ctx, re.err, "while reading the response")
	case errors.As(err, &de):
		de.Status = resp.StatusCode
		if ctx.Err() != nil {
			// The deadline cut the body short; say so rather than
			// blaming the JSON.
			return resp.StatusCode, de.Bytes, c.transportError(ctx, ctx.Err(), "while reading the response")
		}
		return resp.StatusCode, de.Bytes, de
	}
	return resp.StatusCode, n, err
}

// transportError wraps a failure to get (or finish reading) a response in
// a message naming the host. Timeouts and cancellations stay detectable
// with errors.Is(err, context.DeadlineExceeded / context.Canceled).
func (c *Client) transportError(ctx context.Context, err error, during string) error {
	host := c.base.Host
	if during != "" {
		during = " " + during
	}
	var re *requestError
	if errors.As(err, &re) { // a redirect checkRedirect refused
		return re
	}
	var ne net.Error
	timedOut := errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
	switch {
	case timedOut:
		msg := fmt.Sprintf("the Stammer API at %s did not answer within the %s timeout%s", host, c.timeout, during)
		if ctx.Err() != nil && !errors.Is(context.Cause(ctx), errCallTimeout) {
			msg = fmt.Sprintf("the Stammer API at %s did not answer before the caller's deadline%s", host, during)
		}
		return &requestError{msg: msg, errs: []error{context.DeadlineExceeded, err}}
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return &requestError{msg: fmt.Sprintf("the request to the Stammer API at %s was canceled%s", host, during), errs: []error{context.Canceled, err}}
	}
	detail := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		detail = ue.Err.Error() // without "Get <url>:", which we say better
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		// "connection reset by peer", without "read tcp 127.0.0.1:…->…:".
		detail = errno.Error()
	}
	detail = inert.Message(c.red.Redact(detail))
	dropped := droppedConnection(err)
	msg := fmt.Sprintf("could not reach the Stammer API at %s: %s", host, detail)
	switch {
	case during != "":
		msg = fmt.Sprintf("the connection to the Stammer API at %s broke%s: %s", host, during, detail)
	case dropped:
		msg = fmt.Sprintf("the Stammer API at %s dropped the connection without answering: %s", host, detail)
	}
	return &requestError{msg: msg, errs: []error{err}, dropped: dropped}
}

// shouldRetry decides whether to try again and after how long: only when
// retries are configured and left, for 429/502/503/504 and dropped
// connections (not timeouts, refused connections, DNS or TLS failures, or
// redirects, which another attempt would not change), and only if the
// wait fits before the deadline. Retry-After, when the server sent it,
// replaces the backoff: it is the server's own word on when to come back.
func (c *Client) shouldRetry(ctx context.Context, attempt int, err error) (time.Duration, bool) {
	if attempt >= c.retries || ctx.Err() != nil {
		return 0, false
	}
	wait := backoff(c.backoff, attempt)
	var ae *APIError
	var re *requestError
	switch {
	case errors.As(err, &ae) && slices.Contains(retriedStatuses, ae.Status):
		wait = cmp.Or(ae.RetryAfter, wait)
	case errors.As(err, &re) && re.dropped:
	default:
		return 0, false
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
		return 0, false
	}
	return wait, true
}

var retriedStatuses = []int{http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}

// backoff is the wait before attempt+2: exponential in attempt from base,
// capped at maxBackoff, with full jitter (uniform in [0, d]) so that
// clients that failed together do not retry together.
func backoff(base time.Duration, attempt int) time.Duration {
	d := min(base<<min(attempt, 16), maxBackoff)
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// droppedConnection reports a connection the server (or something on the
// way) dropped: a reset, an abort, a broken pipe, or a close before the
// answer was complete. These are worth another attempt; a refused
// connection, a DNS or TLS failure is not.
func droppedConnection(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		// Never connected (some systems answer a closed port with a
		// reset): the server is not there, which a retry will not change.
		return false
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// retryAfter parses a Retry-After header (seconds or an HTTP date), capped
// at an hour so a silly value cannot stall anyone.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		d = time.Duration(min(secs, 3600)) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, time.Hour)
}

// logRequest writes the per-request debug line: never headers, never the
// token (which only ever travels in a header).
func (c *Client) logRequest(ctx context.Context, rawURL string, attempt, status int, n int64, took time.Duration, err error) {
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	path, query := rawURL, ""
	if u, perr := url.Parse(rawURL); perr == nil {
		path, query = u.Path, u.RawQuery
	}
	attrs := []slog.Attr{
		slog.String("method", http.MethodGet),
		slog.String("host", c.base.Host),
		slog.String("path", path),
		slog.String("query", query),
		slog.Int("status", status),
		slog.Int64("bytes", n),
		slog.Duration("duration", took),
	}
	if attempt > 0 {
		attrs = append(attrs, slog.Int("attempt", attempt+1))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.red.Redact(err.Error())))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "stammer api request", attrs...)
}
