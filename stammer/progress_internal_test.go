package stammer

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestProgressDuringALongPage: while one long page is read, reports come
// every progressEvery (set to zero here, so after every conversation),
// then one for the finished page.
func TestProgressDuringALongPage(t *testing.T) {
	defer func(d time.Duration) { progressEvery = d }(progressEvery)
	progressEvery = 0
	var got []Progress
	p := newProgressor(WithProgress(context.Background(), func(pr Progress) { got = append(got, pr) }))
	body := `{"count": 3, "results": [{"id": 1}, {"id": 2}, {"id": 3}]}`
	res, err := decodeBody(strings.NewReader(body), 0, 0, p.during(1, nil), false)
	if err != nil {
		t.Fatal(err)
	}
	p.pageDone(1, res)
	if len(got) != 4 {
		t.Fatalf("%d reports: %+v", len(got), got)
	}
	for i, pr := range got[:3] {
		if pr.Conversations != i+1 || pr.Total != 3 || pr.PageDone || pr.Bytes <= 0 {
			t.Errorf("report %d: %+v", i, pr)
		}
	}
	if last := got[3]; !last.PageDone || last.Conversations != 3 || last.Bytes != int64(len(body)) {
		t.Errorf("page report %+v", last)
	}

	// A second page counts on from the first.
	got = nil
	res2, err := decodeBody(strings.NewReader(`{"results": [{"id": 4}]}`), 0, 0, p.during(2, res), false)
	if err != nil || len(got) != 1 || got[0].Conversations != 4 || got[0].Page != 2 || got[0].Total != 3 || got[0].Bytes <= res.Bytes {
		t.Errorf("second page: %+v, %v, %v", got, res2, err)
	}
}
