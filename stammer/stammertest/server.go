package stammertest

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultToken is the API token the server accepts unless WithToken is
// given. It looks like a real token so that redaction code is exercised.
const DefaultToken = "stt_0123456789abcdef0123456789abcdef"

// TB is the part of testing.TB that NewServer needs. It is an interface of
// our own so that this package, which the demo mode links into the product
// binary, does not import "testing".
type TB interface {
	Helper()
	Cleanup(func())
}

// Option configures a Server at construction.
type Option func(*config)

// config is the construction-time configuration.
type config struct {
	token           string
	fixtures        []Conversation
	fixturesSet     bool
	shape           Shape
	style           Style
	allOnNotDeleted bool
}

// WithToken makes the server accept tok instead of DefaultToken, e.g. to
// test that the client sends the configured token and not a constant.
func WithToken(tok string) Option { return func(c *config) { c.token = tok } }

// WithFixtures replaces the default fixture set (nil or empty: no
// conversations at all). The server sorts its own copy of the slice but
// shares the Turns, which must not be modified while it runs. Chatbots
// owning these conversations become known chatbots, in addition to
// Chatbots().
func WithFixtures(cs []Conversation) Option {
	return func(c *config) { c.fixtures, c.fixturesSet = cs, true }
}

// WithShape sets the initial response envelope (see SetShape).
func WithShape(sh Shape) Option { return func(c *config) { c.shape = sh } }

// WithStyle sets the initial message style (see SetStyle).
func WithStyle(st Style) Option { return func(c *config) { c.style = st } }

// WithAllOnNotDeleted makes onlyDeletedConversations=false return live and
// deleted conversations alike, instead of live ones only. The API page does
// not say which it does, so the product must be tested against both.
func WithAllOnNotDeleted() Option { return func(c *config) { c.allOnNotDeleted = true } }

// Fault makes the server misbehave, to test retries, timeouts, error
// reporting and body limits. See SetFault.
type Fault struct {
	// Status is the status code to answer with. 0 means "answer normally"
	// (only Delay and Header apply).
	Status int
	// Body is sent verbatim with Status (e.g. a DRF error, an HTML error
	// page, truncated or huge JSON).
	Body string
	// ContentType defaults to "application/json" when Body starts with
	// { or [, else "text/html; charset=utf-8".
	ContentType string
	// Header holds extra headers, e.g. Retry-After or Location. They are
	// also added to normal answers when Status is 0. A Content-Length
	// larger than Body makes the server cut the connection after Body: a
	// truncated response.
	Header http.Header
	// Delay is waited before answering. If the client gives up first (its
	// context is cancelled) or the server is closed, nothing is written.
	Delay time.Duration
	// Times is how many requests the fault applies to before it clears
	// itself; 0 means until ClearFault or SetFault.
	Times int
	// Reset drops the connection with a TCP reset instead of answering
	// (after Delay), as a crashing proxy or a load balancer does; the
	// client sees "connection reset by peer". Through Handler, with no
	// connection to reset, nothing is written.
	Reset bool
	// Drip sends the body slowly: DripBytes bytes (default 1) every Drip,
	// each flushed, until the body is sent or the client gives up. The
	// status and headers go out at once, so only a deadline on the whole
	// call, not a header timeout, can stop it. It applies to Body (with
	// Status) or to the normal answer (Status 0).
	Drip      time.Duration
	DripBytes int
	// HugeBody replaces the body with a generated, valid list body of
	// exactly this many bytes (see HugeBody), produced as it is written so
	// that even gigabytes cost the server no memory. Status 0 means 200.
	// Content-Length is declared unless Chunked is set.
	HugeBody int64
	// Chunked sends the body without Content-Length (chunked encoding), so
	// that a client can only learn its size by reading it.
	Chunked bool
}

// Paging makes the list endpoint answer in Django REST Framework pages:
// {"count", "next", "previous", "results"}, Size conversations per page,
// selected with ?page=N (N from 1; an invalid or out-of-range page is a
// 404 {"detail": "Invalid page."}, as DRF answers). The real API is not
// known to page; this exists to test a client that follows "next" links.
type Paging struct {
	// Size is the number of conversations per page; 0 turns paging off.
	Size int
	// LinkBase replaces the scheme and host of the next and previous
	// links, e.g. another server's URL to test that a client does not
	// follow a link (and send its token) to another host. "" means this
	// server's own URL.
	LinkBase string
	// Loop makes every next link point at the first page, to test that a
	// client stops rather than walking in circles.
	Loop bool
}

// Server is a fake Stammer API listening on loopback. It is safe for
// concurrent use. The zero value is not usable: call New or NewServer.
type Server struct {
	// URL is the base URL, "http://127.0.0.1:PORT", with no trailing slash
	// and no language prefix: the client appends "/en/chatbot/api/v1/...".
	URL string

	cfg     config
	data    *dataset
	handler http.Handler
	srv     *http.Server
	done    chan struct{} // closed by Close, to end pending delays
	once    sync.Once

	mu      sync.Mutex
	reqs    []*Request    // updated in place as answers complete
	changed chan struct{} // closed and replaced whenever reqs changes
	fault   *Fault
	shape   Shape
	style   Style
	paging  Paging
}

// New starts a server on 127.0.0.1 with a free port and returns it. The
// caller must Close it. It panics if it cannot listen, as httptest does,
// because there is nothing sensible a test or the demo could do instead.
func New(opts ...Option) *Server {
	s := newServer(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if ln, err = net.Listen("tcp6", "[::1]:0"); err != nil {
			panic("stammertest: cannot listen on loopback: " + err.Error())
		}
	}
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		// The fake must stay silent: the product's stdout is the MCP
		// channel and its stderr is the user's log.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go s.srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed after Close
	return s
}

// NewServer is New for tests: it registers Close with t.Cleanup.
func NewServer(t TB, opts ...Option) *Server {
	t.Helper()
	s := New(opts...)
	t.Cleanup(s.Close)
	return s
}

func newServer(opts []Option) *Server {
	cfg := config{token: DefaultToken}
	for _, o := range opts {
		o(&cfg)
	}
	cs := cfg.fixtures
	if !cfg.fixturesSet {
		cs = defaultFixtures()
	}
	s := &Server{
		cfg:     cfg,
		data:    newDataset(cs),
		done:    make(chan struct{}),
		changed: make(chan struct{}),
		shape:   cfg.shape,
		style:   cfg.style,
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s
}

// Close stops the server: it closes the listener and every connection and
// ends pending fault delays. It is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		if s.srv != nil {
			s.srv.Close() //nolint:errcheck // only listener close errors, nothing to do
		}
		close(s.done)
	})
}

// Handler returns the server's handler, for in-process use (for example
// behind httptest.NewRecorder or a custom RoundTripper). Requests through
// it are recorded and faulted exactly like requests over the network.
func (s *Server) Handler() http.Handler { return s.handler }

// SetFault makes the server misbehave from the next request on, replacing
// any current fault. The fault's Header is copied.
func (s *Server) SetFault(f Fault) {
	f.Header = f.Header.Clone()
	set(s, &s.fault, &f)
}

// ClearFault makes the server behave normally again.
func (s *Server) ClearFault() { set(s, &s.fault, nil) }

// SetShape sets the list envelope used from the next response on.
func (s *Server) SetShape(sh Shape) { set(s, &s.shape, sh) }

// SetPaging makes the list endpoint answer in pages from the next request
// on (see Paging); SetPaging(Paging{}) turns paging off.
func (s *Server) SetPaging(p Paging) { set(s, &s.paging, p) }

// SetStyle sets the message style used from the next response on.
func (s *Server) SetStyle(st Style) { set(s, &s.style, st) }

// set changes one of the settings that requests read under s.mu.
func set[T any](s *Server, field *T, v T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*field = v
}

func (s *Server) takeFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fault == nil {
		return Fault{}, false
	}
	f := *s.fault
	if s.fault.Times > 0 {
		s.fault.Times--
		if s.fault.Times == 0 {
			s.fault = nil
		}
	}
	return f, true
}

// current returns the shape, style and paging for one response.
func (s *Server) current() (Shape, Style, Paging) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shape, s.style, s.paging
}

// wait sleeps for d and reports whether it completed; false means the
// request's context was cancelled or the server was closed first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// response is a complete answer, built before anything is written so that
// a fault's headers can be laid over it.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	req := s.record(r)
	// The request's context ends when the client closes the connection
	// (net/http watches it while the handler runs) or when the handler
	// returns; only the first, before the answer is complete, is a
	// cancellation.
	var complete atomic.Bool
	left := func() {
		at := time.Now()
		s.update(req, func(q *Request) {
			if q.CancelledAt.IsZero() {
				q.CancelledAt = at
			}
		})
	}
	stop := context.AfterFunc(r.Context(), func() {
		if !complete.Load() {
			left()
		}
	})
	var (
		status  int
		written int64
	)
	defer func() {
		// net/http cancels the context only after the handler returns, so
		// a context already done here means the client left (or the server
		// is closing): the handler saw it first, the after-func may not
		// have run yet.
		if r.Context().Err() != nil {
			left()
		}
		complete.Store(true)
		stop()
		s.update(req, func(q *Request) { q.Status, q.BodyBytes = status, written })
	}()

	f, faulted := s.takeFault()
	if faulted && f.Delay > 0 && !s.wait(r.Context(), f.Delay) {
		// The client gave up (or the server is closing): write nothing, as
		// a slow upstream never got to answer.
		return
	}
	if faulted && f.Reset {
		resetConn(w)
		return
	}
	var res response
	var body io.Reader
	switch {
	case faulted && f.HugeBody > 0:
		res = response{status: cmp.Or(f.Status, http.StatusOK), header: f.Header.Clone()}
		if res.header == nil {
			res.header = http.Header{}
		}
		res.header.Set("Content-Type", cmp.Or(f.ContentType, "application/json"))
		if !f.Chunked {
			res.header.Set("Content-Length", strconv.FormatInt(f.HugeBody, 10))
		}
		body = HugeBody(f.HugeBody)
	case faulted && f.Status != 0:
		res = faultResponse(f)
	default:
		res = s.route(r)
		if faulted {
			for k, v := range f.Header {
				res.header[k] = slices.Clone(v)
			}
		}
	}
	if body == nil {
		body = bytes.NewReader(res.body)
	}
	h := w.Header()
	for k, v := range res.header {
		h[k] = v
	}
	// Django always sends Content-Length; clients may use it to refuse
	// huge bodies early. Statuses that forbid a body get none.
	bodyAllowed := res.status >= 200 && res.status != http.StatusNoContent && res.status != http.StatusNotModified
	chunked := faulted && f.Chunked
	if chunked {
		h.Del("Content-Length")
	} else if bodyAllowed && h.Get("Content-Length") == "" {
		h.Set("Content-Length", strconv.Itoa(len(res.body)))
	}
	w.WriteHeader(res.status)
	status = res.status
	if !bodyAllowed {
		return
	}
	fl, _ := w.(http.Flusher)
	if chunked && fl != nil {
		fl.Flush() // headers out now: the body can only be chunked
	}
	var gone bool
	if faulted && f.Drip > 0 {
		written, gone = s.drip(r.Context(), w, fl, body, f.Drip, max(f.DripBytes, 1))
	} else {
		// The body readers never fail, so an error is a failed write: the
		// client went away (possibly before net/http noticed and cancelled
		// the request's context). The record shows how far it read.
		var err error
		written, err = io.CopyBuffer(w, body, make([]byte, 32<<10))
		gone = err != nil
	}
	if gone {
		left()
	}
}

// drip writes body n bytes every d, flushed, until it is sent, the client
// leaves (gone) or the server closes, and returns the bytes written.
func (s *Server) drip(ctx context.Context, w io.Writer, fl http.Flusher, body io.Reader, d time.Duration, n int) (written int64, gone bool) {
	buf := make([]byte, n)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		k, rerr := io.ReadFull(body, buf)
		if k > 0 {
			m, err := w.Write(buf[:k])
			written += int64(m)
			if err != nil {
				return written, true
			}
			if fl != nil {
				fl.Flush()
			}
		}
		if rerr != nil {
			return written, false
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return written, true
		case <-s.done:
			return written, false
		}
	}
}

// resetConn closes the client's connection with a TCP reset (SO_LINGER 0)
// before anything is written.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) //nolint:errcheck // a plain close still ends the request
	}
	conn.Close()
}

// faultResponse builds the answer of a fault with a Status.
func faultResponse(f Fault) response {
	h := f.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	ct := f.ContentType
	if ct == "" {
		ct = "text/html; charset=utf-8"
		if b := strings.TrimLeft(f.Body, " \t\r\n"); strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[") {
			ct = "application/json"
		}
	}
	if f.ContentType != "" || h.Get("Content-Type") == "" {
		h.Set("Content-Type", ct)
	}
	return response{status: f.Status, header: h, body: []byte(f.Body)}
}
