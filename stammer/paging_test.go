package stammer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

func ids(cs []stammer.Conversation) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// TestPagingAgainstTheFake walks the fake's DRF pages: every page joined
// in order under the cap, and an honest Truncated (with Next kept) when
// the cap or a loop stops the walk.
func TestPagingAgainstTheFake(t *testing.T) {
	srv := stammertest.NewServer(t)
	q := stammer.Query{ChatbotID: stammertest.ClinicBotID}
	whole, err := newClient(t, srv, nil).ListConversations(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	n := len(whole.Conversations)
	if n < 100 {
		t.Fatalf("fixture too small: %d", n)
	}
	tests := []struct {
		name      string
		paging    stammertest.Paging
		maxPages  int
		pages     int
		requests  int // 0 means pages
		convs     int
		truncated stammer.Truncation
	}{
		{name: "all pages under the cap", paging: stammertest.Paging{Size: 30}, pages: (n + 29) / 30, convs: n},
		{name: "exactly the cap", paging: stammertest.Paging{Size: 30}, maxPages: (n + 29) / 30, pages: (n + 29) / 30, convs: n},
		{name: "the cap stops the walk", paging: stammertest.Paging{Size: 30}, maxPages: 2, pages: 2, convs: 60, truncated: stammer.TruncatedPageCap},
		{name: "default cap", paging: stammertest.Paging{Size: 1}, pages: stammer.DefaultMaxPages, convs: stammer.DefaultMaxPages, truncated: stammer.TruncatedPageCap},
		// The first request has no page parameter and the loop's link has
		// page=1: a different URL for the same page, fetched once more,
		// recognised by its conversations and not joined.
		{name: "a loop stops the walk", paging: stammertest.Paging{Size: 30, Loop: true}, pages: 1, requests: 2, convs: 30, truncated: stammer.TruncatedLoop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.SetPaging(tt.paging)
			defer srv.SetPaging(stammertest.Paging{})
			srv.ResetRequests()
			c := newClient(t, srv, func(cfg *stammer.Config) { cfg.MaxPages = tt.maxPages })
			res, err := c.ListConversations(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Pages != tt.pages || len(res.Conversations) != tt.convs || res.Truncated != tt.truncated {
				t.Errorf("%d pages, %d conversations, truncated %q; want %d, %d, %q", res.Pages, len(res.Conversations), res.Truncated, tt.pages, tt.convs, tt.truncated)
			}
			if got := len(srv.Requests()); got != max(tt.requests, tt.pages) {
				t.Errorf("%d requests for %d pages", got, tt.pages)
			}
			if !slices.Equal(ids(res.Conversations), ids(whole.Conversations[:tt.convs])) {
				t.Error("the pages joined differ from the unpaged list")
			}
			if res.Count != n {
				t.Errorf("Count = %d, want the API's %d", res.Count, n)
			}
			if (tt.truncated != "") != (res.Next != "") {
				t.Errorf("Next = %q with truncated %q", res.Next, res.Truncated)
			}
		})
	}
}

// TestProgressReportsEveryPage: a progress callback hears each page once,
// with counts that only grow and end at the result's.
func TestProgressReportsEveryPage(t *testing.T) {
	srv := stammertest.NewServer(t)
	srv.SetPaging(stammertest.Paging{Size: 40})
	c := newClient(t, srv, nil)
	var mu sync.Mutex
	var got []stammer.Progress
	ctx := stammer.WithProgress(context.Background(), func(p stammer.Progress) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, p)
	})
	res, err := c.ListConversations(ctx, stammer.Query{ChatbotID: stammertest.ClinicBotID})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var done []stammer.Progress
	for i, p := range got {
		if i > 0 && (p.Conversations < got[i-1].Conversations || p.Bytes < got[i-1].Bytes || p.Page < got[i-1].Page) {
			t.Errorf("progress went back: %+v after %+v", p, got[i-1])
		}
		if p.PageDone {
			done = append(done, p)
		}
	}
	if len(done) != res.Pages || res.Pages < 3 {
		t.Fatalf("%d page reports for %d pages: %+v", len(done), res.Pages, got)
	}
	for i, p := range done {
		if p.Page != i+1 || p.Total != res.Count {
			t.Errorf("report %d: %+v (total %d)", i, p, res.Count)
		}
	}
	if last := done[len(done)-1]; last.Conversations != len(res.Conversations) || last.Bytes != res.Bytes {
		t.Errorf("last report %+v, result has %d conversations, %d bytes", last, len(res.Conversations), res.Bytes)
	}

	// Without a callback nothing changes (and nothing is called).
	if _, err := c.ListConversations(stammer.WithProgress(context.Background(), nil), stammer.Query{}); err != nil {
		t.Fatal(err)
	}
}

// TestPagesThatOverlapAreJoinedOnce: with offset paging, a conversation
// that arrives during the walk shifts the pages by one, and the next page
// repeats the last one read. It is kept once and counted.
func TestPagesThatOverlapAreJoinedOnce(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("page") {
		case "":
			fmt.Fprint(w, `{"count": 6, "next": "?onlyDeletedConversations=false&page=2", "results": [{"id": 1}, {"id": 2}, {"id": 3}]}`)
		case "2":
			fmt.Fprint(w, `{"count": 6, "next": null, "results": [{"id": 3}, {"id": 4}, {"uuid": "05b5e310-4a22-4a53-b440-1922ca9815cf"}, {"user_key": "no identity"}]}`)
		}
	}))
	defer hs.Close()
	c, err := stammer.New(stammer.Config{BaseURL: hs.URL, Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.ListConversations(context.Background(), stammer.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res.Conversations); !slices.Equal(got, []int64{1, 2, 3, 4, 0, 0}) || res.Duplicates != 1 || res.Pages != 2 || res.Truncated != "" {
		t.Errorf("ids %v, duplicates %d, pages %d, truncated %q", got, res.Duplicates, res.Pages, res.Truncated)
	}
}
