package stammertest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// get sends one authorised GET of the list endpoint with ctx and returns
// the response (body unread) or the transport error.
func get(ctx context.Context, srv *stammertest.Server, q url.Values) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+listPath+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Token "+stammertest.DefaultToken)
	// A fresh transport per request: no reused connection, so a reset is
	// not silently retried by net/http.
	tr := &http.Transport{DisableKeepAlives: true}
	return (&http.Client{Transport: tr}).Do(req)
}

var notDeleted = url.Values{"onlyDeletedConversations": {"false"}}

func TestFaultReset(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetFault(stammertest.Fault{Reset: true, Times: 1})
	_, err := get(context.Background(), srv, notDeleted)
	if err == nil {
		t.Fatal("a Reset fault answered")
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
		t.Errorf("err = %v, want a connection reset", err)
	}
	if r := srv.Requests()[0]; r.Status != 0 || r.BodyBytes != 0 {
		t.Errorf("recorded %+v, want status 0 and no body", r)
	}
	// Times: the next request is answered.
	res, err := get(context.Background(), srv, notDeleted)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("after the reset: %v", err)
	}
	res.Body.Close()
}

func TestFaultDripIsSlowAndStopsWhenTheClientLeaves(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetFault(stammertest.Fault{Status: 200, Body: `{"data": []}`, Drip: 20 * time.Millisecond, DripBytes: 4, Times: 1})
	start := time.Now()
	res, err := get(context.Background(), srv, notDeleted)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("headers took %v; a drip sends them at once", el)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || string(body) != `{"data": []}` {
		t.Fatalf("body %q, %v", body, err)
	}
	// 12 bytes, 4 at a time: two pauses at least.
	if el := time.Since(start); el < 40*time.Millisecond {
		t.Errorf("the whole body came in %v; want it dripped", el)
	}

	// A client that gives up mid-drip is seen to cancel, and the server
	// stops writing.
	srv.ResetRequests()
	srv.SetFault(stammertest.Fault{Drip: 10 * time.Millisecond, DripBytes: 1})
	ctx, cancel := context.WithCancel(context.Background())
	res, err = get(ctx, srv, notDeleted)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3)
	if _, err := io.ReadFull(res.Body, buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	at := time.Now()
	r, ok := srv.WaitCancelled(2 * time.Second)
	if !ok {
		t.Fatal("the server did not see the client leave")
	}
	if lag := r.CancelledAt.Sub(at); lag > 100*time.Millisecond {
		t.Errorf("cancellation seen %v after it happened", lag)
	}
	res.Body.Close()
	if !srv.WaitRequests(1, time.Second) {
		t.Fatal("no request recorded")
	}
	// The record completes with the bytes written, far short of the body.
	deadline := time.Now().Add(2 * time.Second)
	for srv.Requests()[0].Status == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := srv.Requests()[0]; got.Status != 200 || got.BodyBytes < 3 || got.BodyBytes > 1000 {
		t.Errorf("record %+v: want status 200 and a few bytes", got)
	}
}

func TestCompletedRequestsAreNotCancelled(t *testing.T) {
	srv := stammertest.NewServer(t)
	for range 3 {
		r := list(t, srv, notDeleted)
		if r.status != 200 {
			t.Fatal(r.status)
		}
	}
	if r, ok := srv.WaitCancelled(50 * time.Millisecond); ok {
		t.Errorf("a completed request is marked cancelled: %+v", r)
	}
	for _, r := range srv.Requests() {
		if r.Status != 200 || r.BodyBytes == 0 {
			t.Errorf("record %+v: want status 200 and the body size", r)
		}
	}
}

func TestWaitRequestsTimesOut(t *testing.T) {
	srv := stammertest.NewServer(t)
	start := time.Now()
	if srv.WaitRequests(1, 30*time.Millisecond) {
		t.Error("WaitRequests reported a request that never came")
	}
	if el := time.Since(start); el < 30*time.Millisecond || el > time.Second {
		t.Errorf("waited %v", el)
	}
}

func TestHugeBodyIsExactAndValid(t *testing.T) {
	for _, n := range []int64{0, 1, 2, 3, 59, 60, 61, 100, 1000, 4096, 100_000, 1 << 20} {
		b, err := io.ReadAll(stammertest.HugeBody(n))
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) != n {
			t.Errorf("HugeBody(%d) has %d bytes", n, len(b))
		}
		if n >= 2 && !json.Valid(b) {
			t.Errorf("HugeBody(%d) is not valid JSON: %.200q", n, b)
		}
		if n >= 100_000 {
			var v struct {
				Data []struct {
					ID       int64 `json:"id"`
					Messages []struct {
						Query string `json:"query"`
					} `json:"messages"`
				} `json:"data"`
			}
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			if len(v.Data) < int(n/1000) || v.Data[1].ID != v.Data[0].ID+1 || len(v.Data[0].Messages) != 2 {
				t.Errorf("HugeBody(%d): %d conversations, first %+v", n, len(v.Data), v.Data[0])
			}
		}
	}
}

func TestFaultHugeBody(t *testing.T) {
	srv := stammertest.NewServer(t)
	for _, chunked := range []bool{false, true} {
		t.Run("chunked="+strconv.FormatBool(chunked), func(t *testing.T) {
			srv.ResetRequests()
			const size = 3<<20 + 17
			srv.SetFault(stammertest.Fault{HugeBody: size, Chunked: chunked, Times: 1})
			res, err := get(context.Background(), srv, notDeleted)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			wantLen := int64(size)
			if chunked {
				wantLen = -1
			}
			if res.StatusCode != 200 || res.ContentLength != wantLen || res.Header.Get("Content-Type") != "application/json" {
				t.Errorf("status %d, Content-Length %d (want %d), type %q", res.StatusCode, res.ContentLength, wantLen, res.Header.Get("Content-Type"))
			}
			n, err := io.Copy(io.Discard, res.Body)
			if err != nil || n != size {
				t.Errorf("read %d bytes, %v; want %d", n, err, size)
			}
		})
	}

	// A gigabyte on offer, read for a moment: the server writes only what
	// the client takes (plus socket buffers), and stops when it leaves.
	srv.ResetRequests()
	srv.SetFault(stammertest.Fault{HugeBody: 1 << 30, Chunked: true, Times: 1})
	res, err := get(context.Background(), srv, notDeleted)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(io.Discard, res.Body, 1<<20); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if _, ok := srv.WaitCancelled(2 * time.Second); !ok {
		t.Fatal("the server did not see the client leave")
	}
	deadline := time.Now().Add(2 * time.Second)
	for srv.Requests()[0].Status == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if w := srv.Requests()[0].BodyBytes; w < 1<<20 || w > 64<<20 {
		t.Errorf("server wrote %d bytes of a 1 GiB body to a client that read 1 MiB", w)
	}
}

func TestPaging(t *testing.T) {
	srv := stammertest.NewServer(t)
	q := url.Values{"onlyDeletedConversations": {"false"}, "chatbot_id": {strconv.FormatInt(stammertest.ClinicBotID, 10)}}
	all := list(t, srv, q)
	var whole struct {
		Data []struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(all.body, &whole); err != nil {
		t.Fatal(err)
	}

	srv.SetPaging(stammertest.Paging{Size: 40})
	type page struct {
		Count    int     `json:"count"`
		Next     *string `json:"next"`
		Previous *string `json:"previous"`
		Results  []struct {
			ID int64 `json:"id"`
		} `json:"results"`
	}
	var ids []int64
	link := srv.URL + listPath + "?" + q.Encode()
	pages := 0
	for link != "" {
		r := call(t, http.MethodGet, link, "Token "+stammertest.DefaultToken)
		var p page
		if r.status != 200 || json.Unmarshal(r.body, &p) != nil {
			t.Fatalf("page %d: %d %s", pages+1, r.status, r.body)
		}
		pages++
		if p.Count != len(whole.Data) || len(p.Results) > 40 || (pages > 1) != (p.Previous != nil) {
			t.Errorf("page %d: count %d, %d results, previous %v", pages, p.Count, len(p.Results), p.Previous)
		}
		for _, c := range p.Results {
			ids = append(ids, c.ID)
		}
		link = ""
		if p.Next != nil {
			link = *p.Next
			if !strings.HasPrefix(link, srv.URL+listPath+"?") || !strings.Contains(link, "chatbot_id=17") {
				t.Errorf("next link %q does not keep the host, path and query", link)
			}
		}
	}
	if want := (len(whole.Data) + 39) / 40; pages != want || len(ids) != len(whole.Data) {
		t.Errorf("%d pages with %d conversations; want %d pages with %d", pages, len(ids), want, len(whole.Data))
	}
	for i := range ids {
		if ids[i] != whole.Data[i].ID {
			t.Fatalf("paged order differs at %d", i)
		}
	}

	for _, bad := range []string{"0", "x", "999"} {
		q2 := url.Values{"onlyDeletedConversations": {"false"}, "page": {bad}}
		if r := list(t, srv, q2); r.status != 404 || jsonField(t, r.body, "detail") != "Invalid page." {
			t.Errorf("page=%s: %d %s", bad, r.status, r.body)
		}
	}

	srv.SetPaging(stammertest.Paging{Size: 40, LinkBase: "https://elsewhere.example/"})
	r := list(t, srv, q)
	if next := jsonField(t, r.body, "next"); !strings.HasPrefix(next, "https://elsewhere.example"+listPath+"?") {
		t.Errorf("LinkBase: next = %q", next)
	}
	srv.SetPaging(stammertest.Paging{Size: 40, Loop: true})
	r = list(t, srv, q)
	if next := jsonField(t, r.body, "next"); !strings.Contains(next, "page=1") {
		t.Errorf("Loop: next = %q", next)
	}
	srv.SetPaging(stammertest.Paging{})
	if r := list(t, srv, q); !bytes.HasPrefix(r.body, []byte(`{"message":`)) {
		t.Errorf("paging off: body starts %.40s", r.body)
	}
}
