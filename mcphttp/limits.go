package mcphttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Bounds of one HTTP request to /mcp.
const (
	// DefaultMaxBodyBytes caps a request body. A tool call's arguments are
	// a few hundred bytes; 4 MiB is far more than any valid call, and
	// small enough that the concurrent requests' bodies together stay
	// small.
	DefaultMaxBodyBytes int64 = 4 << 20
	// DefaultBodyTimeout bounds the time a client may take to send its
	// request body, so that a slow sender cannot hold a connection and a
	// request slot. It does not bound the call itself.
	DefaultBodyTimeout = 30 * time.Second
	// DefaultMaxConcurrent bounds the requests served at once by one
	// process; past it, a request is answered 503 with Retry-After, for
	// the client (or the load balancer) to try again or go elsewhere.
	DefaultMaxConcurrent = 64
)

// MinTokenLength is the shortest MCP_HTTP_TOKEN accepted: a bearer token
// must be hard to guess, and a short one would also match ordinary words
// when the logs are redacted.
const MinTokenLength = 16

// limiter bounds each request before mcp-go sees it: how many are served
// at once, how large the body is and how long it may take to arrive. The
// body is read here, whole, under those bounds, so mcp-go never reads an
// unbounded one.
type limiter struct {
	next    http.Handler
	maxBody int64
	timeout time.Duration
	slots   chan struct{}
}

func newLimiter(next http.Handler, c Config) *limiter {
	l := &limiter{next: next, maxBody: c.MaxBodyBytes, timeout: c.BodyTimeout}
	if l.maxBody <= 0 {
		l.maxBody = DefaultMaxBodyBytes
	}
	if l.timeout <= 0 {
		l.timeout = DefaultBodyTimeout
	}
	n := c.MaxConcurrent
	if n <= 0 {
		n = DefaultMaxConcurrent
	}
	l.slots = make(chan struct{}, n)
	return l
}

func (l *limiter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case l.slots <- struct{}{}:
		defer func() { <-l.slots }()
	default:
		w.Header().Set("Retry-After", "1")
		writeRPCError(w, http.StatusServiceUnavailable, -32000,
			"Server busy: "+strconv.Itoa(cap(l.slots))+" requests are being served; retry in a second")
		return
	}
	if r.Method != http.MethodPost {
		l.next.ServeHTTP(w, r)
		return
	}
	if r.ContentLength > l.maxBody {
		writeRPCError(w, http.StatusRequestEntityTooLarge, -32600, "Request body too large: "+strconv.FormatInt(r.ContentLength, 10)+
			" bytes; the limit is "+strconv.FormatInt(l.maxBody, 10))
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(l.timeout)) // not every writer supports it; the cap still holds
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.maxBody))
	_ = rc.SetReadDeadline(time.Time{})
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeRPCError(w, http.StatusRequestEntityTooLarge, -32600, "Request body too large: the limit is "+strconv.FormatInt(l.maxBody, 10)+" bytes")
		return
	case err != nil:
		// A body that did not arrive in time, or a broken connection.
		w.Header().Set("Connection", "close")
		writeRPCError(w, http.StatusRequestTimeout, -32600, "The request body did not arrive within "+l.timeout.String())
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	l.next.ServeHTTP(w, r)
}

// writeRPCError answers with an HTTP status and a JSON-RPC error (id null:
// the request was not read), which MCP clients show as it is.
func writeRPCError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": nil, "error": map[string]any{"code": code, "message": msg}})
	w.Write(append(b, '\n')) //nolint:errcheck // the client may be gone
}
