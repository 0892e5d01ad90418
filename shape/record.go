package shape

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// Recorder is an http.RoundTripper that shows OnBody the body of each
// successful (2xx) answer once it has been read, keeping at most Limit
// bytes of it, until OnBody says it has what it needs; from then on
// answers pass through untouched, at no cost. It lets doctor --shape and the debug log see exactly the
// bytes the client decoded, through the client's own request, retries and
// errors, without a second request or a change to the client.
type Recorder struct {
	// Next sends the requests.
	Next http.RoundTripper
	// Limit caps the bytes kept of one body.
	Limit int64
	// OnBody is called once per 2xx body, when it has been read to the end
	// or closed, with the bytes kept, the bytes read in all, and whether
	// the kept bytes are the whole body. It returns true when it wants no
	// more bodies.
	OnBody func(body []byte, read int64, complete bool) (done bool)

	done atomic.Bool
}

// RoundTrip sends req through Next and wraps a 2xx answer's body.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.Next.RoundTrip(req)
	if err != nil || resp.StatusCode/100 != 2 || r.OnBody == nil || r.done.Load() {
		return resp, err
	}
	resp.Body = &recordedBody{ReadCloser: resp.Body, rec: r}
	return resp, nil
}

// recordedBody copies what is read through it, up to limit bytes.
type recordedBody struct {
	io.ReadCloser
	rec  *Recorder
	buf  bytes.Buffer
	read int64
	eof  bool
	once sync.Once
}

func (b *recordedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if room := b.rec.Limit - int64(b.buf.Len()); room > 0 {
		b.buf.Write(p[:min(int64(n), room)])
	}
	b.read += int64(n)
	if err == io.EOF {
		b.eof = true
		b.finish()
	}
	return n, err
}

func (b *recordedBody) Close() error {
	b.finish()
	return b.ReadCloser.Close()
}

func (b *recordedBody) finish() {
	b.once.Do(func() {
		if !b.rec.done.Load() && b.rec.OnBody(b.buf.Bytes(), b.read, b.eof && b.read <= b.rec.Limit) {
			b.rec.done.Store(true)
		}
	})
}

// RecordingClient returns a copy of hc (stammer.NewHTTPClient() when nil)
// whose transport is wrapped in a Recorder with limit and onBody.
func RecordingClient(hc *http.Client, limit int64, onBody func(body []byte, read int64, complete bool) bool) *http.Client {
	return stammer.WrapTransport(hc, func(next http.RoundTripper) http.RoundTripper {
		return &Recorder{Next: next, Limit: limit, OnBody: onBody}
	})
}
