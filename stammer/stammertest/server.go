package stammertest

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
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

// Request is one request as the server received it, recorded before
// authentication, faults and validation so tests can assert on exactly
// what the client sent (path, query encoding, headers, retry timing).
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the decoded URL path, e.g. "/en/chatbot/api/v1/conversations/".
	Path string
	// Query is the parsed query string. Shared with the server's record:
	// treat it as read-only.
	Query url.Values
	// Header is a copy of the request headers (including Authorization).
	// Shared with the server's record: treat it as read-only.
	Header http.Header
	// At is when the server received the request.
	At time.Time
}

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

	mu    sync.Mutex
	reqs  []Request
	fault *Fault
	shape Shape
	style Style
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
		cfg:   cfg,
		data:  newDataset(cs),
		done:  make(chan struct{}),
		shape: cfg.shape,
		style: cfg.style,
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

// Requests returns a copy of every request received so far, in arrival
// order, including faulted and rejected ones.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// ResetRequests forgets the recorded requests, e.g. between subtests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = nil
}

// SetFault makes the server misbehave from the next request on, replacing
// any current fault. The fault's Header is copied.
func (s *Server) SetFault(f Fault) {
	f.Header = f.Header.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = &f
}

// ClearFault makes the server behave normally again.
func (s *Server) ClearFault() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = nil
}

// SetShape sets the list envelope used from the next response on.
func (s *Server) SetShape(sh Shape) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shape = sh
}

// SetStyle sets the message style used from the next response on.
func (s *Server) SetStyle(st Style) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.style = st
}

// record stores r and returns its index in s.reqs. The index is what a
// later addition (such as marking a request whose client cancelled during
// a Delay) would use to update the record.
func (s *Server) record(r *http.Request) int {
	req := Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		At:     time.Now(),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, req)
	return len(s.reqs) - 1
}

// takeFault returns the current fault, if any, and counts it down.
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

// current returns the shape and style for one response.
func (s *Server) current() (Shape, Style) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shape, s.style
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
	s.record(r)
	f, faulted := s.takeFault()
	if faulted && f.Delay > 0 && !s.wait(r.Context(), f.Delay) {
		// The client gave up (or the server is closing): write nothing, as
		// a slow upstream never got to answer. To record the cancellation,
		// keep record's index and flag that Request here.
		return
	}
	var res response
	if faulted && f.Status != 0 {
		res = faultResponse(f)
	} else {
		res = s.route(r)
		if faulted {
			for k, v := range f.Header {
				res.header[k] = slices.Clone(v)
			}
		}
	}
	h := w.Header()
	for k, v := range res.header {
		h[k] = v
	}
	// Django always sends Content-Length; clients may use it to refuse
	// huge bodies early. Statuses that forbid a body get none.
	bodyAllowed := res.status >= 200 && res.status != http.StatusNoContent && res.status != http.StatusNotModified
	if bodyAllowed && h.Get("Content-Length") == "" {
		h.Set("Content-Length", strconv.Itoa(len(res.body)))
	}
	w.WriteHeader(res.status)
	w.Write(res.body) //nolint:errcheck // the client may have gone; nothing to do
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
