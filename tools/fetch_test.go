package tools

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// TestTranscriptFromCachedList: opening a transcript the model has just
// seen listed, by number or by uuid, costs no request; one outside every
// cached answer still asks the API.
func TestTranscriptFromCachedList(t *testing.T) {
	var c stammertest.Conversation
	for _, f := range stammertest.Fixtures() {
		if f.ChatbotID == 17 && !f.Deleted {
			c = f
			break
		}
	}
	h := newHarness(t, harnessOptions{})
	if res := h.call(t, "list_conversations", `{"chatbot_id":17,"startDate":"2026-09-01","onlyDeletedConversations":false}`); res.IsError {
		t.Fatal(text(res))
	}
	byNumber := h.call(t, "get_conversation", fmt.Sprintf(`{"chatbot_id":17,"conversation_number":%d}`, c.Number))
	byUUID := h.call(t, "get_conversation", fmt.Sprintf(`{"uuid":%q}`, c.UUID))
	for _, res := range []string{text(byNumber), text(byUUID)} {
		if !strings.Contains(res, c.UUID) {
			t.Errorf("transcript does not name %s:\n%.400s", c.UUID, res)
		}
	}
	if n := len(h.fake.Requests()); n != 1 {
		t.Errorf("%d upstream requests for a listing and two transcripts from it, want 1", n)
	}
	// The same number under another chatbot is not in the cache.
	h.call(t, "get_conversation", fmt.Sprintf(`{"chatbot_id":18,"conversation_number":%d}`, c.Number))
	if n := len(h.fake.Requests()); n != 2 {
		t.Errorf("%d upstream requests after asking for another chatbot's conversation, want 2", n)
	}
}

// TestPartialNote: a result the client stopped reading early is said to be
// partial, with its numbers and what to do; a complete one says nothing.
func TestPartialNote(t *testing.T) {
	thirty := make([]stammer.Conversation, 30)
	tests := []struct {
		res  stammer.ListResult
		want []string
	}{
		{stammer.ListResult{Conversations: thirty, Pages: 3, Count: -1}, nil},
		{stammer.ListResult{Conversations: thirty, Pages: 2, Count: 90, Truncated: stammer.TruncatedPageCap},
			[]string{"only the first 2 pages (30 conversations) were read", "the API reports 90 in all", "Narrow the query"}},
		{stammer.ListResult{Conversations: thirty, Pages: 2, Count: 30, Truncated: stammer.TruncatedPageCap},
			[]string{"only the first 2 pages (30 conversations) were read"}},
		{stammer.ListResult{Conversations: thirty, Pages: 1, Count: -1, Truncated: stammer.TruncatedOtherHost},
			[]string{"after 1 page(s) (30 conversations)", "not followed so that the API token is not sent there", "STAMMER_BASE_URL"}},
		{stammer.ListResult{Conversations: thirty, Pages: 1, Count: -1, Truncated: stammer.TruncatedLoop},
			[]string{"after 1 page(s) (30 conversations)", "pointed back at a page already read"}},
	}
	for _, tt := range tests {
		got := partialNote(&tt.res)
		if (got == "") != (tt.want == nil) {
			t.Errorf("truncated %q: note %q", tt.res.Truncated, got)
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("truncated %q: note %q lacks %q", tt.res.Truncated, got, w)
			}
		}
		if tt.res.Count <= len(tt.res.Conversations) && strings.Contains(got, "the API reports") {
			t.Errorf("note %q gives a total that is not larger", got)
		}
	}
}
