package tools

// These tests check behaviour that needs a change in the tools' handlers
// or messages (owned elsewhere); each names the change it needs. They fail
// until it is made.

import (
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// TestListConversationsReportsProgress needs, as the first line of
// ListConversations.Handle (and of GetConversation.Handle):
//
//	ctx = withProgress(ctx, req)
func TestListConversationsReportsProgress(t *testing.T) {
	var log progressLog
	r := newRig(t, rigOptions{onNotif: log.on})
	r.fake.SetPaging(stammertest.Paging{Size: 40})
	res := r.call(t, context.Background(), "list_conversations",
		map[string]any{"chatbot_id": stammertest.ClinicBotID, "onlyDeletedConversations": false}, &mcp.Meta{ProgressToken: 7})
	if res.IsError {
		t.Fatal(text(res))
	}
	sc := structured(t, res)
	checkProgress(t, log.wait(float64(sc.Fetched)), float64(7), len(r.fake.Requests()), sc.Fetched)
}

// TestPageCapIsSaidInTheResult needs list_conversations to surface
// stammer.ListResult.Truncated: its partialNote in the text, and a structured
// field `truncated` (the Truncation value: "page_cap", "other_host",
// "loop").
func TestPageCapIsSaidInTheResult(t *testing.T) {
	r := newRig(t, rigOptions{cfg: func(c *stammer.Config) { c.MaxPages = 3 }})
	r.fake.SetPaging(stammertest.Paging{Size: 10})
	res := r.call(t, context.Background(), "list_conversations", map[string]any{"chatbot_id": 17, "onlyDeletedConversations": false}, nil)
	if res.IsError {
		t.Fatal(text(res))
	}
	if !strings.Contains(text(res), "only the first 3 pages (30 conversations) were read") {
		t.Errorf("the text does not say the page cap stopped the walk:\n%s", text(res))
	}
	if !strings.Contains(structuredJSON(t, res), `"truncated":"page_cap"`) {
		t.Errorf("structured content lacks \"truncated\":\"page_cap\": %s", structuredJSON(t, res))
	}
}

// TestRetriedErrorsSayHowManyAttempts needs apiMessage (tools/errors.go)
// to add the attempts to its first sentence when there were several, e.g.
//
//	if e.Attempts > 1 { head = strings.TrimSuffix(head, ".") + fmt.Sprintf(" (after %d attempts).", e.Attempts) }
func TestRetriedErrorsSayHowManyAttempts(t *testing.T) {
	r := newRig(t, rigOptions{deps: func(d *Deps) { d.CacheTTL = -1 }})
	r.fake.SetFault(stammertest.Fault{Status: 503, Body: `{"detail": "Service temporarily unavailable."}`})
	res := r.call(t, context.Background(), "list_conversations", map[string]any{"onlyDeletedConversations": false}, nil)
	if want := "Stammer API error 503 Service Unavailable: Service temporarily unavailable (after 3 attempts)."; !res.IsError || !strings.Contains(text(res), want) {
		t.Errorf("isError=%v text=%q, want it to contain %q", res.IsError, text(res), want)
	}
}
