package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// TestHandlerPanicBecomesAToolError: a panic inside a tool handler is a
// tool error the model can read (not a protocol error, not a crash),
// logged with its stack; the server serves the next call.
func TestHandlerPanicBecomesAToolError(t *testing.T) {
	boom := server.ServerTool{
		Tool: mcp.Tool{Name: "boom", InputSchema: mcp.ToolInputSchema{Type: "object", Properties: map[string]any{}}},
		Handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			var m map[string]int
			m["nil map"]++ // a real runtime panic, not a panic(string)
			return nil, nil
		},
	}
	r := newRig(t, rigOptions{extra: []server.ServerTool{boom}})
	res := r.call(t, context.Background(), "boom", map[string]any{}, nil)
	if !res.IsError || !strings.Contains(text(res), "Internal error in boom") {
		t.Errorf("isError=%v text=%q; want a tool error", res.IsError, text(res))
	}
	logs := r.logs.String()
	for _, want := range []string{"panic in tool handler", "assignment to entry in nil map", "goroutine ", "concurrency_test.go", "tool call"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
	if next := r.call(t, context.Background(), "list_conversations", map[string]any{"onlyDeletedConversations": false}, nil); next.IsError {
		t.Errorf("the call after the panic failed: %s", text(next))
	}
}

// TestConcurrentCallsAreCorrect runs 64 tool calls at once (lists, pages,
// searches, transcripts, invalid calls, some sharing one upstream request)
// and checks each result is exactly what the same call gives alone. Run
// under the race detector, it also checks the shared cache and requests.
func TestConcurrentCallsAreCorrect(t *testing.T) {
	bots := stammertest.Chatbots()
	uuid := stammertest.Fixtures()[0].UUID
	var calls []struct{ tool, args string }
	add := func(tool, args string) { calls = append(calls, struct{ tool, args string }{tool, args}) }
	for i := 0; len(calls) < 64; i++ {
		bot := bots[i%len(bots)].ID
		switch i % 8 {
		case 0:
			add("list_conversations", fmt.Sprintf(`{"chatbot_id":%d,"onlyDeletedConversations":false}`, bot))
		case 1:
			add("list_conversations", fmt.Sprintf(`{"chatbot_id":%d,"onlyDeletedConversations":false,"offset":%d,"limit":5}`, bot, i))
		case 2:
			add("list_conversations", `{"onlyDeletedConversations":true}`)
		case 3:
			add("list_conversations", fmt.Sprintf(`{"chatbot_id":%d,"onlyDeletedConversations":false,"search":"price"}`, bot))
		case 4:
			add("get_conversation", fmt.Sprintf(`{"uuid":%q}`, uuid))
		case 5:
			add("list_conversations", fmt.Sprintf(`{"chatbot_id":%d,"startDate":"2026-11-01","endDate":"2026-11-24","sourcePlatform":"WhatsApp","onlyDeletedConversations":false}`, bot))
		case 6:
			add("list_conversations", `{"chatbot_id":17,"chatbot_uuid":"12345678-1234-5678-1234-567812345678","onlyDeletedConversations":false}`)
		case 7:
			add("list_conversations", `{"startDate":"2026-11-05","endDate":"2026-11-01","onlyDeletedConversations":false}`)
		}
	}
	// Expected: each distinct call alone, on its own server.
	want := map[string]string{}
	alone := newRig(t, rigOptions{})
	for _, c := range calls {
		k := c.tool + c.args
		if _, ok := want[k]; !ok {
			res := alone.call(t, context.Background(), c.tool, jsonArgs(c.args), nil)
			want[k] = fmt.Sprintf("%v|%s|%s", res.IsError, text(res), structuredJSON(t, res))
		}
	}

	r := newRig(t, rigOptions{})
	var wg sync.WaitGroup
	got := make([]string, len(calls))
	start := make(chan struct{})
	for i, c := range calls {
		wg.Go(func() {
			<-start
			res, err := r.callErr(context.Background(), c.tool, jsonArgs(c.args), nil)
			if err != nil {
				got[i] = "protocol error: " + err.Error()
				return
			}
			got[i] = fmt.Sprintf("%v|%s|%s", res.IsError, text(res), structuredJSON(t, res))
		})
	}
	close(start)
	wg.Wait()
	for i, c := range calls {
		if got[i] != want[c.tool+c.args] {
			t.Errorf("call %d %s %s differs when run concurrently:\n got %.300s\nwant %.300s", i, c.tool, c.args, got[i], want[c.tool+c.args])
		}
	}
	// Identical concurrent calls share requests: far fewer than 64 reach
	// the fake (invalid calls reach it not at all).
	if n := len(r.fake.Requests()); n == 0 || n > 20 {
		t.Errorf("%d upstream requests for 64 calls", n)
	}
}

// jsonArgs turns a JSON object literal into the arguments value.
func jsonArgs(s string) any { return json.RawMessage(s) }

// TestCancellingSharedCalls: identical calls share one upstream request.
// Cancelling one of two leaves the request running for the other;
// cancelling the last stops it within 100 ms, as the fake sees.
func TestCancellingSharedCalls(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.fake.SetFault(stammertest.Fault{Delay: 30 * time.Second})
	args := map[string]any{"chatbot_id": 17, "onlyDeletedConversations": false}
	ctx1, cancel1 := context.WithCancel(context.Background())
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel1()
	defer cancel2()
	done := make(chan *mcp.CallToolResult, 2)
	go func() { done <- r.call(t, ctx1, "list_conversations", args, nil) }()
	go func() { done <- r.call(t, ctx2, "list_conversations", args, nil) }()
	if !r.fake.WaitRequests(1, 5*time.Second) {
		t.Fatal("no upstream request")
	}
	time.Sleep(50 * time.Millisecond) // both callers are waiting on it

	cancel1()
	res := <-done
	if !res.IsError || !strings.Contains(text(res), "cancelled") {
		t.Errorf("the cancelled call: isError=%v %q", res.IsError, text(res))
	}
	if got, ok := r.fake.WaitCancelled(150 * time.Millisecond); ok {
		t.Fatalf("the shared request was cancelled with a caller still waiting: %+v", got)
	}

	at := time.Now()
	cancel2()
	got, ok := r.fake.WaitCancelled(2 * time.Second)
	if !ok {
		t.Fatal("the upstream request went on after every caller left")
	}
	if lag := got.CancelledAt.Sub(at); lag > 100*time.Millisecond {
		t.Errorf("the upstream request stopped %v after the last cancel, want under 100ms", lag)
	}
	<-done
	if n := len(r.fake.Requests()); n != 1 {
		t.Errorf("%d upstream requests for two identical calls", n)
	}

	// The next call starts afresh and is served.
	r.fake.ClearFault()
	if res := r.call(t, context.Background(), "list_conversations", args, nil); res.IsError {
		t.Errorf("the call after the cancellations: %s", text(res))
	}
}
