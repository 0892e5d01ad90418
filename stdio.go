package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/stammer-mcp/stammer-mcp/tools"
)

// maxStdioRequests bounds the requests served at once over stdio. Each
// runs on its own goroutine from the moment it is read, so a slow upstream
// call never holds up a ping, a cached call or a cancellation; the upstream
// requests themselves are bounded by the client (stammer.Config
// MaxConcurrent). Past this many, a request is refused at once with a
// JSON-RPC error rather than queued unseen.
const maxStdioRequests = 256

// maxStdioLine caps one line of stdin, as a request body is capped over
// HTTP: a longer line is skipped unread (answered with a parse error), so a
// client cannot make the server hold an endless line in memory. It is above
// HTTP's 4 MiB so that an oversized argument of a real call (a 5 MB search)
// still gets its tool error with the call's id.
const maxStdioLine = 16 << 20

// errClientGone ends the calls still running when stdin closes: nobody is
// left to read their answers.
var errClientGone = errors.New("the MCP client closed stdin")

// serveStdio serves MCP over stdin/stdout until stdin closes or ctx ends
// (SIGINT/SIGTERM). It replaces mcp-go's stdio transport, whose five
// workers and queue let five slow calls hold up every other call, lost
// notifications/cancelled for queued calls, and did not answer a request
// with "id": null.
//
// When ctx ends, reading stops and the calls in flight get up to drain to
// finish; those still running then are stopped with
// tools.ErrServerStopping, so each is answered with a tool error saying
// the server is stopping. When stdin closes, the calls in flight are
// stopped at once.
func serveStdio(ctx context.Context, srv *server.MCPServer, in io.Reader, out io.Writer, drain time.Duration, logger *slog.Logger) error {
	sess := &stdioSession{notes: make(chan mcp.JSONRPCNotification, 256)}
	if err := srv.RegisterSession(ctx, sess); err != nil {
		return err
	}
	defer srv.UnregisterSession(context.Background(), sess.SessionID())
	// Calls outlive ctx, so that a signal lets them finish (the drain);
	// stop ends those still running after it, callCtx all of them (when
	// the client has gone).
	stop, stopCalls := context.WithCancel(context.Background())
	defer stopCalls()
	callCtx, endCalls := context.WithCancelCause(tools.WithShutdown(srv.WithContext(context.Background(), sess), stop))
	defer endCalls(nil)

	w := &lineWriter{w: out, log: logger}
	notesDone := make(chan struct{})
	go func() {
		defer close(notesDone)
		for {
			select {
			case n := <-sess.notes:
				w.write(n)
			case <-callCtx.Done():
				return
			}
		}
	}()

	lines := make(chan []byte)
	readErr := make(chan error, 1)
	go func() {
		r := bufio.NewReader(in)
		for {
			line, tooLong, err := readLine(r, maxStdioLine)
			if tooLong {
				line = []byte{} // empty: serveLine answers that it was too long
			}
			if tooLong || len(bytes.TrimSpace(line)) > 0 {
				select {
				case lines <- line:
				case <-callCtx.Done():
					return
				}
			}
			if err != nil {
				readErr <- err
				close(lines)
				return
			}
		}
	}()

	var calls sync.WaitGroup
	slots := make(chan struct{}, maxStdioRequests)
	var err error
read:
	for {
		select {
		case <-ctx.Done():
			break read
		case line, ok := <-lines:
			if !ok {
				if e := <-readErr; !errors.Is(e, io.EOF) {
					err = e
				}
				endCalls(errClientGone)
				break read
			}
			serveLine(callCtx, srv, line, w, &calls, slots, false)
		}
	}

	finished := make(chan struct{})
	go func() { calls.Wait(); close(finished) }()
	if ctx.Err() != nil && callCtx.Err() == nil {
		// The drain: notifications (a cancellation) are still served,
		// new requests are refused.
		logger.Info("stopping: finishing the calls in flight", "within", drain)
		timer := time.NewTimer(drain)
		defer timer.Stop()
	drain:
		for {
			select {
			case <-finished:
				break drain
			case <-timer.C:
				logger.Warn("stopping: calls still running after the drain are answered with an error", "drain", drain)
				stopCalls()
				break drain
			case line, ok := <-lines:
				if !ok {
					endCalls(errClientGone)
					break drain
				}
				serveLine(callCtx, srv, line, w, &calls, slots, true)
			}
		}
	}
	<-finished
	endCalls(nil)
	<-notesDone
	return err
}

// serveLine handles one line from stdin: requests on their own goroutine
// (or, when stopping, refused), notifications (such as
// notifications/cancelled) at once, in order.
func serveLine(ctx context.Context, srv *server.MCPServer, line []byte, w *lineWriter, calls *sync.WaitGroup, slots chan struct{}, stopping bool) {
	var head struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	if len(line) == 0 {
		w.write(mcp.NewJSONRPCError(mcp.NewRequestId(nil), mcp.PARSE_ERROR,
			fmt.Sprintf("Parse error: the line is longer than %d MiB, more than any valid request; it was skipped unread", maxStdioLine>>20), nil))
		return
	}
	if !json.Valid(line) {
		w.write(mcp.NewJSONRPCError(mcp.NewRequestId(nil), mcp.PARSE_ERROR, "Parse error: the line is not JSON", nil))
		return
	}
	if err := json.Unmarshal(line, &head); err != nil {
		w.write(mcp.NewJSONRPCError(mcp.NewRequestId(nil), mcp.INVALID_REQUEST, "Invalid Request: a JSON-RPC message is an object with a method", nil))
		return
	}
	switch {
	case head.Method == "":
		// A response to a request of ours; this server sends none.
		return
	case head.ID == nil:
		// A notification: no answer, and no waiting behind requests.
		if resp := srv.HandleMessage(ctx, line); resp != nil {
			w.write(resp)
		}
		return
	case bytes.Equal(bytes.TrimSpace(head.ID), []byte("null")):
		w.write(mcp.NewJSONRPCError(mcp.NewRequestId(nil), mcp.INVALID_REQUEST,
			"Invalid Request: \"id\" must be a string or a number, not null (a message without an id is a notification)", nil))
		return
	}
	var id any
	_ = json.Unmarshal(head.ID, &id)
	if stopping {
		w.write(mcp.NewJSONRPCError(mcp.NewRequestId(id), mcp.INTERNAL_ERROR,
			"Server is stopping: it answers the calls in flight and takes no new requests", nil))
		return
	}
	select {
	case slots <- struct{}{}:
	default:
		w.write(mcp.NewJSONRPCError(mcp.NewRequestId(id), mcp.INTERNAL_ERROR,
			"Server busy: too many requests in flight; wait for some answers before sending more", nil))
		return
	}
	calls.Go(func() {
		defer func() { <-slots }()
		if resp := srv.HandleMessage(ctx, line); resp != nil {
			w.write(resp)
		}
	})
}

// lineWriter writes one JSON-RPC message per line, whole, from any
// goroutine.
type lineWriter struct {
	mu     sync.Mutex
	w      io.Writer
	log    *slog.Logger
	failed bool
}

func (l *lineWriter) write(msg any) {
	b, err := encodeMessage(msg)
	if err != nil {
		l.log.Error("stdio: encoding a message", "error", err)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failed {
		return
	}
	if _, err := l.w.Write(append(b, '\n')); err != nil {
		l.failed = true // stdout is gone; say so once
		l.log.Error("stdio: writing to stdout", "error", err)
	}
}

// stdioSession is the one client session of a stdio server.
type stdioSession struct {
	notes chan mcp.JSONRPCNotification
	ready atomic.Bool
	level atomic.Value // mcp.LoggingLevel
}

// SessionID names the session; there is only one.
func (s *stdioSession) SessionID() string { return "stdio" }

// NotificationChannel carries notifications (progress) to stdout.
func (s *stdioSession) NotificationChannel() chan<- mcp.JSONRPCNotification { return s.notes }

// Initialize marks the session initialized.
func (s *stdioSession) Initialize() { s.ready.Store(true) }

// Initialized reports whether the client has initialized.
func (s *stdioSession) Initialized() bool { return s.ready.Load() }

// SetLogLevel records the level the client asked for.
func (s *stdioSession) SetLogLevel(l mcp.LoggingLevel) { s.level.Store(l) }

// GetLogLevel returns the level the client asked for (error by default).
func (s *stdioSession) GetLogLevel() mcp.LoggingLevel {
	if l, ok := s.level.Load().(mcp.LoggingLevel); ok {
		return l
	}
	return mcp.LoggingLevelError
}

// readLine reads one line of at most max bytes; of a longer one it reads
// and drops the rest, keeping nothing, and reports tooLong.
func readLine(r *bufio.Reader, max int64) (line []byte, tooLong bool, err error) {
	for {
		frag, err := r.ReadSlice('\n')
		if !tooLong {
			if int64(len(line)+len(frag)) > max {
				line, tooLong = nil, true
			} else {
				line = append(line, frag...)
			}
		}
		if err != bufio.ErrBufferFull {
			return line, tooLong, err
		}
	}
}
