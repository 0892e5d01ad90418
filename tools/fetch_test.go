package tools

import (
	"fmt"
	"strings"
	"testing"

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
