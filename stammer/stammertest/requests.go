package stammertest

import (
	"net/http"
	"net/url"
	"time"
)

// What the server records of the requests it receives, and how tests wait
// for them.

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
	// Status is the status code the server answered with, set once the
	// answer is complete; 0 while it is in progress, and when nothing was
	// answered (a Reset fault, or the client gave up first).
	Status int
	// BodyBytes is how many body bytes the server wrote, set once the
	// answer is complete or abandoned. With a HugeBody fault it shows how
	// far a client read before it stopped (plus what the sockets buffered).
	BodyBytes int64
	// CancelledAt is when the server saw the client give up (close the
	// connection, or cancel the request) before the answer was complete,
	// or Close cut it short; zero when it did not. It is how a test asserts that cancelling a
	// call stops its upstream request, and how fast (see WaitCancelled).
	CancelledAt time.Time
}

// Requests returns a copy of every request received so far, in arrival
// order, including faulted and rejected ones.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requestsLocked()
}

func (s *Server) requestsLocked() []Request {
	out := make([]Request, len(s.reqs))
	for i, r := range s.reqs {
		out[i] = *r
	}
	return out
}

// ResetRequests forgets the recorded requests, e.g. between subtests.
// Answers still in progress complete unrecorded.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = nil
	s.notifyLocked()
}

// WaitRequests waits until at least n requests have been received, or
// timeout passes; it reports whether they arrived. A test uses it to act
// (cancel, close) while a request is known to be in flight.
func (s *Server) WaitRequests(n int, timeout time.Duration) bool {
	_, ok := s.waitFor(timeout, func(rs []*Request) (Request, bool) {
		return Request{}, len(rs) >= n
	})
	return ok
}

// WaitCancelled waits until the server has seen a client give up on a
// request before its answer was complete, and returns that request (the
// first such, with CancelledAt set); ok is false if none did within
// timeout.
func (s *Server) WaitCancelled(timeout time.Duration) (Request, bool) {
	return s.waitFor(timeout, func(rs []*Request) (Request, bool) {
		for _, r := range rs {
			if !r.CancelledAt.IsZero() {
				return *r, true
			}
		}
		return Request{}, false
	})
}

// waitFor polls cond on every change to the record until it holds or the
// timeout passes.
func (s *Server) waitFor(timeout time.Duration, cond func([]*Request) (Request, bool)) (Request, bool) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		s.mu.Lock()
		r, ok := cond(s.reqs)
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return r, true
		}
		select {
		case <-ch:
		case <-t.C:
			return Request{}, false
		}
	}
}

// notifyLocked wakes every waitFor. s.mu held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// record stores r and returns the record, which the handler updates as
// the answer completes (through update, under the lock).
func (s *Server) record(r *http.Request) *Request {
	req := &Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		At:     time.Now(),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, req)
	s.notifyLocked()
	return req
}

// update changes a recorded request under the lock and wakes waiters.
func (s *Server) update(req *Request, f func(*Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(req)
	s.notifyLocked()
}

// takeFault returns the current fault, if any, and counts it down.
