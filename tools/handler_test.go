package tools

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAdapterRefusesBadArgumentsOfEveryToolBeforeAnyRequest drives each
// tool's own rules and the shared ones (token budget, the API's filters)
// through the one adapter: each is a tool error that names the argument,
// and nothing is sent upstream.
func TestAdapterRefusesBadArgumentsOfEveryToolBeforeAnyRequest(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	cases := []struct{ tool, args, want string }{
		{"list_conversations", `{"onlyDeletedConversations":false,"max_tokens":10}`, "max_tokens must be at least 1500"},
		{"conversation_insights", `{"onlyDeletedConversations":false,"max_tokens":10}`, "max_tokens must be at least 1500"},
		{"get_conversation", `{"uuid":"12345678-1234-5678-1234-567812345678","max_tokens":10}`, "max_tokens must be at least 1500"},
		{"list_conversations", `{"onlyDeletedConversations":false,"chatbot_id":-3}`, "chatbot_id must be a positive integer, got -3"},
		{"conversation_insights", `{"onlyDeletedConversations":false,"chatbot_id":-3}`, "chatbot_id must be a positive integer, got -3"},
		{"get_conversation", `{"chatbot_id":-3,"conversation_number":4812}`, "chatbot_id must be a positive integer, got -3"},
		{"get_conversation", `{"chatbot_id":17,"conversation_number":-1}`, "conversation_number must be a positive integer"},
		{"get_conversation", `{"chatbot_uuid":"nope","conversation_number":4812}`, "chatbot_uuid is not a uuid"},
		{"conversation_insights", `{"onlyDeletedConversations":false,"sourcePlatform":"telegram"}`, `sourcePlatform "telegram" is not one of the API's values`},
		{"list_conversations", `{"onlyDeletedConversations":false,"limit":500}`, "limit must be between 1 and 100"},
		{"list_conversations", `{"onlyDeletedConversations":false,"limit":0}`, "limit must be between 1 and 100 (got 0)"},
		{"get_conversation", `{"chatbot_id":17,"conversation_number":4812,"message_limit":0}`, "message_limit must be between 1 and 200 (got 0)"},
		{"list_chatbots", `{"limit":0}`, "limit must be between 1 and 200 (got 0)"},
		{"list_chatbots", `{"startDate":"2026-11-30","endDate":"2026-11-01"}`, "startDate"},
		{"list_chatbots", `{"max_tokens":10}`, "max_tokens must be at least 1500"},
		{"conversation_insights", `{"onlyDeletedConversations":false,"search":"` + strings.Repeat("x", 201) + `"}`, "search must be at most 200 characters"},
	}
	for _, c := range cases {
		res := h.call(t, c.tool, c.args)
		if !res.IsError || !strings.Contains(text(res), c.want) || !strings.HasPrefix(text(res), "Invalid arguments: ") {
			t.Errorf("%s %s: got isError=%v %q, want an Invalid arguments error with %q", c.tool, clip(c.args, 80), res.IsError, text(res), c.want)
		}
	}
	if n := len(h.fake.Requests()); n != 0 {
		t.Errorf("%d upstream requests for invalid calls", n)
	}
}

// TestAdapterNormalisesArgumentsOnce checks that the checked arguments,
// not the raw ones, reach the query and the next call: a platform in the
// model's spelling goes upstream and into the next page as the API spells
// it.
func TestAdapterNormalisesArgumentsOnce(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	res := h.call(t, "list_conversations", `{"chatbot_id":17,"sourcePlatform":" WhatsApp ","limit":1,"onlyDeletedConversations":false}`)
	if res.IsError {
		t.Fatal(text(res))
	}
	r := structured(t, res)
	if r.Filters.SourcePlatform != "whatsapp" || r.Next == nil {
		t.Fatalf("filters %+v, next %v; want sourcePlatform whatsapp and a next page", r.Filters, r.Next)
	}
	var next map[string]any
	if err := json.Unmarshal(r.Next.Arguments, &next); err != nil || next["sourcePlatform"] != "whatsapp" || next["offset"] != 1.0 {
		t.Errorf("next call %s (%v); want sourcePlatform whatsapp, offset 1", r.Next.Arguments, err)
	}
	for _, q := range h.fake.Requests() {
		if got := q.Query.Get("sourcePlatform"); got != "whatsapp" {
			t.Errorf("upstream sourcePlatform %q, want whatsapp", got)
		}
	}
}

// TestGetConversationNotFoundSaysHowToCallAgain checks the answer to a
// valid call for a number that does not exist: a tool error that states the
// query once and says what to try.
func TestGetConversationNotFoundSaysHowToCallAgain(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	res := h.call(t, "get_conversation", `{"chatbot_id":17,"conversation_number":999999}`)
	msg := text(res)
	if !res.IsError || !strings.HasPrefix(msg, "No conversation number 999999 found (chatbot 17") ||
		strings.Count(msg, "onlyDeletedConversations=false") != 1 || !strings.Contains(msg, "call again with onlyDeletedConversations=true") {
		t.Errorf("got isError=%v %q", res.IsError, msg)
	}
}
