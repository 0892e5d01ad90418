package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/stammer-mcp/stammer-mcp/shape"
	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// shapeBodyLimit caps what doctor --shape keeps of the answer it
// describes; a longer answer is described from its first 64 MiB.
const shapeBodyLimit = 64 << 20

// debugShapeLimit caps what the debug log keeps of the first answer: its
// keys are almost always all in the first few conversations.
const debugShapeLimit = 4 << 20

// firstBody keeps the first 2xx body a client reads.
type firstBody struct {
	mu       sync.Mutex
	got      bool
	body     []byte
	read     int64
	complete bool
}

// record is a shape.Recorder callback: the first body is all it wants.
func (f *firstBody) record(body []byte, read int64, complete bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.got {
		f.got, f.body, f.read, f.complete = true, bytes.Clone(body), read, complete
	}
	return true
}

// json reports whether a 2xx answer arrived that starts like JSON.
func (f *firstBody) json() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := bytes.TrimLeft(f.body, " \t\r\n")
	return f.got && len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// printShape describes the answer doctor --shape received, with what the
// decoder made of it (res nil: the decoder refused it). It prints nothing
// when no 2xx answer arrived. The report shows keys that look like field
// names as they are, and an API that echoes the token as a key would have
// it printed: the report goes through red (the client's redaction) first.
func printShape(out io.Writer, f *firstBody, res *stammer.ListResult, red func(string) string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.got {
		return
	}
	root, err := shape.Walk(bytes.NewReader(f.body))
	rep := shape.Report{Root: root, Bytes: int64(len(f.body)), Complete: f.complete, Malformed: err != nil, Failed: res == nil}
	if res != nil {
		rep.ListShape, rep.Decoded, rep.Skipped = res.Shape, len(res.Conversations), res.Skipped
	}
	var b strings.Builder
	rep.Write(&b)
	io.WriteString(out, "\n"+red(b.String()))
}

// logFirstShape returns an HTTP client that logs, at debug level, the
// one-line shape summary (keys only) of the first answer this process
// receives, so that a user can send it with a bug report.
func logFirstShape(hc *http.Client, logger *slog.Logger) *http.Client {
	var once sync.Once
	return shape.RecordingClient(hc, debugShapeLimit, func(body []byte, read int64, complete bool) bool {
		// Walked here, in the first call: once per process, at most 4 MiB,
		// at debug level only. The walk takes 3 to 6 times as long as
		// decoding the same body (BenchmarkWalk), a fraction of a second.
		once.Do(func() {
			root, err := shape.Walk(bytes.NewReader(body))
			logger.Debug("shape of the first API answer (keys only)",
				"shape", shape.Summary(root), "bytes", read, "whole", complete && err == nil)
		})
		return true
	})
}
