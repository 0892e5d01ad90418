package tools

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// progressLog collects the notifications/progress a client receives.
type progressLog struct {
	mu  sync.Mutex
	got []map[string]any
}

func (p *progressLog) on(n mcp.JSONRPCNotification) {
	if n.Method != string(mcp.MethodNotificationProgress) {
		return
	}
	// In process, values keep their Go types; as JSON they are what a
	// client over stdio reads.
	raw, _ := json.Marshal(n.Params.AdditionalFields)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got = append(p.got, m)
}

// wait returns the notifications once one reports progress == want (they
// are delivered asynchronously), or what came within a second.
func (p *progressLog) wait(want float64) []map[string]any {
	deadline := time.Now().Add(time.Second)
	for {
		p.mu.Lock()
		got := append([]map[string]any(nil), p.got...)
		p.mu.Unlock()
		if n := len(got); (n > 0 && got[n-1]["progress"] == want) || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkProgress asserts notifications that carry token, increase, and end
// at the result's conversations out of the API's total.
func checkProgress(t *testing.T, got []map[string]any, token any, pages, total int) {
	t.Helper()
	if len(got) < pages {
		t.Fatalf("%d progress notifications for %d pages: %v", len(got), pages, got)
	}
	prev := -1.0
	for _, n := range got {
		p, _ := n["progress"].(float64)
		if n["progressToken"] != token || p <= prev || n["total"] != float64(total) || n["message"] == "" {
			t.Errorf("notification %v (after progress %v)", n, prev)
		}
		prev = p
	}
	if last := got[len(got)-1]; last["progress"] != float64(total) {
		t.Errorf("last notification %v, want progress %d", last, total)
	}
}

// TestWithProgressSendsNotifications: a handler that wraps its context
// with withProgress makes the client hear each page of a paged walk as
// notifications/progress, with the caller's token; without a token,
// nothing is sent.
func TestWithProgressSendsNotifications(t *testing.T) {
	var log progressLog
	var sc *stammer.Client
	walk := server.ServerTool{
		Tool: mcp.Tool{Name: "walk", InputSchema: mcp.ToolInputSchema{Type: "object", Properties: map[string]any{}}},
		Handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			ctx = withProgress(ctx, req)
			res, err := sc.ListConversations(ctx, stammer.Query{ChatbotID: stammertest.ClinicBotID})
			if err != nil {
				return mcp.NewToolResultError(err.Error()), nil
			}
			return mcp.NewToolResultText(num(len(res.Conversations))), nil
		},
	}
	r := newRig(t, rigOptions{extra: []server.ServerTool{walk}, onNotif: log.on})
	sc = r.sc
	r.fake.SetPaging(stammertest.Paging{Size: 40})

	res := r.call(t, context.Background(), "walk", map[string]any{}, &mcp.Meta{ProgressToken: "walk-1"})
	if res.IsError {
		t.Fatal(text(res))
	}
	pages := len(r.fake.Requests())
	total := 0
	for _, c := range stammertest.Fixtures() {
		if c.ChatbotID == stammertest.ClinicBotID && !c.Deleted {
			total++
		}
	}
	checkProgress(t, log.wait(float64(total)), "walk-1", pages, total)

	log.mu.Lock()
	log.got = nil
	log.mu.Unlock()
	r.call(t, context.Background(), "walk", map[string]any{}, nil)
	time.Sleep(50 * time.Millisecond)
	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.got) != 0 {
		t.Errorf("%d notifications without a progress token", len(log.got))
	}
}
