package mcphttp

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

const pingBody = `{"jsonrpc":"2.0","id":1,"method":"ping"}`

// endless is a request body that never ends, counting what was read.
type endless struct {
	mu sync.Mutex
	n  int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.mu.Lock()
	e.n += int64(len(p))
	e.mu.Unlock()
	return len(p), nil
}

func postBody(t *testing.T, url string, body io.Reader, length int64) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/mcp", body)
	req.ContentLength = length
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestRequestBodiesAreBounded: a body over the cap is refused with 413 and
// a JSON-RPC error, before it is read (declared length) or as soon as the
// cap is passed (no length); a body that does not arrive in time gets 408.
func TestRequestBodiesAreBounded(t *testing.T) {
	fake := stammertest.NewServer(t)
	hs := replica(t, fake, Config{Token: secret, MaxBodyBytes: 1 << 20, BodyTimeout: 300 * time.Millisecond})

	var declared endless
	resp, body := postBody(t, hs.URL, io.LimitReader(&declared, 100<<20), 100<<20)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":-32600`) || !strings.Contains(body, "too large") {
		t.Errorf("100 MB declared: %d %s", resp.StatusCode, body)
	}
	var chunked endless
	resp, body = postBody(t, hs.URL, io.LimitReader(&chunked, 100<<20), -1)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("100 MB chunked: %d %s", resp.StatusCode, body)
	}
	chunked.mu.Lock()
	if chunked.n > 8<<20 {
		t.Errorf("the client got to send %d MB of a body capped at 1 MiB", chunked.n>>20)
	}
	chunked.mu.Unlock()

	// A client that sends its headers and then a byte now and then.
	conn, err := net.Dial("tcp", strings.TrimPrefix(hs.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	io.WriteString(conn, "POST /mcp HTTP/1.1\r\nHost: "+strings.TrimPrefix(hs.URL, "http://")+"\r\nContent-Type: application/json\r\n"+
		"Accept: application/json, text/event-stream\r\nAuthorization: Bearer "+secret+"\r\nContent-Length: 1000\r\n\r\n{")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	reply, _ := bufio.NewReader(conn).ReadString('\n')
	if !strings.HasPrefix(reply, "HTTP/1.1 408") || time.Since(start) > 3*time.Second {
		t.Errorf("a body that never arrives: after %v, %.200q", time.Since(start), reply)
	}

	if resp, body := postBody(t, hs.URL, strings.NewReader(pingBody), int64(len(pingBody))); resp.StatusCode != 200 || !strings.Contains(body, `"result"`) {
		t.Errorf("a small request after those: %d %s", resp.StatusCode, body)
	}
}

// TestConcurrentRequestsAreBounded: past MaxConcurrent requests at once, a
// request is answered 503 with Retry-After at once.
func TestConcurrentRequestsAreBounded(t *testing.T) {
	fake := stammertest.NewServer(t)
	fake.SetFault(stammertest.Fault{Delay: 3 * time.Second})
	hs := replica(t, fake, Config{Token: secret, MaxConcurrent: 2})
	call := `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_conversations","arguments":{"onlyDeletedConversations":false,"startDate":"2026-10-0X"}}}`
	for _, d := range []string{"1", "2"} {
		req, _ := http.NewRequest("POST", hs.URL+"/mcp", strings.NewReader(strings.Replace(call, "X", d, 1)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+secret)
		go func() {
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	if !fake.WaitRequests(2, 5*time.Second) {
		t.Fatal("the slow calls never reached the fake")
	}
	start := time.Now()
	resp, body := postBody(t, hs.URL, strings.NewReader(pingBody), -1)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Server busy") || time.Since(start) > time.Second {
		t.Errorf("a third request: %d Retry-After=%q %s after %v", resp.StatusCode, resp.Header.Get("Retry-After"), body, time.Since(start))
	}
}
