package tools

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// FuzzListConversationsArgs sends arbitrary arguments to list_conversations
// through a real MCP session against the fake API, which enforces the
// documented rules. For every input: never a protocol error (except for a
// number beyond float64, which mcp-go refuses before any handler) and
// never a panic (a recovered panic would show as "Internal error"); an invalid call
// is a tool error with no upstream request; a request that does go
// upstream is one the API accepts (no 400: our validation let nothing
// through that the API refuses), or an unknown chatbot (404); the result
// is bounded, valid UTF-8, free of the token, and matches the tool's
// output schema. Seeds are in
// testdata/fuzz/FuzzListConversationsArgs. Bytes that are not JSON are
// sent as a JSON string (arguments of the wrong type).
func FuzzListConversationsArgs(f *testing.F) {
	for _, s := range []string{
		`{"onlyDeletedConversations":false}`,
		`{"chatbot_id":17,"startDate":"2026-11-01","endDate":"2026-11-24","onlyDeletedConversations":false}`,
		`{"chatbot_uuid":"5F88E692-EDE2-4241-91BB-2DAE22A2535C","sourcePlatform":"WhatsApp","onlyDeletedConversations":"true"}`,
		`{"chatbot_id":"17","conversation_number":"4812","onlyDeletedConversations":false,"limit":"5","offset":3}`,
		`{"chatbot_id":17,"chatbot_uuid":"12345678-1234-5678-1234-567812345678","onlyDeletedConversations":false}`,
		`{"startDate":"2026-02-30","onlyDeletedConversations":false}`,
		`{"startDate":"2026-11-05","endDate":"2026-11-01","onlyDeletedConversations":false}`,
		`{"sourcePlatform":"myspace","onlyDeletedConversations":false}`,
		`{"chatbot_id":-1,"onlyDeletedConversations":false}`,
		`{"chatbot_id":1e300,"onlyDeletedConversations":null}`,
		`{"chatbot_id":17.5,"onlyDeletedConversations":[false]}`,
		`{"onlyDeletedConversations":false,"search":"preço","max_tokens":1500}`,
		`{"onlyDeletedConversations":false,"page":2,"chatbotId":17}`,
		`{"onlyDeletedConversations":false,"limit":0,"offset":-1}`,
		`{"onlyDeletedConversations":false,"chatbot_id":999999}`,
		`[]`, `null`, `"x"`, `{}`, `{"":""}`, `{"onlyDeletedConversations":{"a":{"b":{}}}}`,
	} {
		f.Add([]byte(s))
	}
	r := newRig(f, rigOptions{})
	var mu sync.Mutex // one call at a time: the request count is shared
	f.Fuzz(func(t *testing.T, in []byte) {
		var args any = json.RawMessage(in)
		if !json.Valid(in) {
			args = string(in)
		}
		mu.Lock()
		defer mu.Unlock()
		before := len(r.fake.Requests())
		res, err := r.callErr(context.Background(), "list_conversations", args, nil)
		if err != nil {
			// mcp-go unmarshals params into any before any handler runs:
			// a number beyond float64 (1e309) fails there, as an invalid
			// request (-32600). Nothing of ours can turn that into a tool
			// error; it must still send nothing upstream.
			var v any
			if json.Unmarshal(in, &v) == nil || !strings.Contains(err.Error(), "unparsable tools/call request") {
				t.Fatalf("protocol error for %q: %v", in, err)
			}
			if n := len(r.fake.Requests()); n != before {
				t.Errorf("unparsable arguments %q sent %d requests", in, n-before)
			}
			return
		}
		msg := text(res)
		if strings.HasPrefix(msg, "Internal error") {
			t.Fatalf("the handler panicked on %q:\n%s", in, r.logs.String())
		}
		// The fake records a status when its handler returns, which can
		// be just after the client has read the whole body.
		reqs := r.fake.Requests()[before:]
		for end := time.Now().Add(2 * time.Second); time.Now().Before(end) && slices.ContainsFunc(reqs, func(q stammertest.Request) bool { return q.Status == 0 }); {
			time.Sleep(time.Millisecond)
			reqs = r.fake.Requests()[before:]
		}
		for _, q := range reqs {
			if q.Status != 200 && q.Status != 404 {
				t.Errorf("arguments %q reached the API, which answered %d to %s", in, q.Status, q.Query.Encode())
			}
		}
		if res.IsError {
			for _, q := range reqs {
				if q.Status != 404 {
					t.Errorf("the invalid call %q sent a request (%d %s); errors: %s", in, q.Status, q.Query.Encode(), msg)
				}
			}
		}
		conforms(t, r.schemas, "list_conversations", string(in), res)
		if len(msg) > 4*DefaultMaxOutputTokens+4000 || !utf8.ValidString(msg) {
			t.Errorf("result of %d bytes or invalid UTF-8 for %q", len(msg), in)
		}
		if strings.Contains(msg, leakToken) || strings.Contains(structuredJSON(t, res), leakToken) {
			t.Errorf("the token is in the result for %q", in)
		}
	})
}

// TestFuzzSeedsCoverBothOutcomes keeps the seed list honest: it must hold
// valid calls that reach the API and invalid ones that must not.
func TestFuzzSeedsCoverBothOutcomes(t *testing.T) {
	r := newRig(t, rigOptions{})
	valid := r.call(t, context.Background(), "list_conversations", json.RawMessage(`{"chatbot_id":17,"onlyDeletedConversations":false}`), nil)
	invalid := r.call(t, context.Background(), "list_conversations", json.RawMessage(`{"chatbot_id":17,"chatbot_uuid":"12345678-1234-5678-1234-567812345678","onlyDeletedConversations":false}`), nil)
	if valid.IsError || !invalid.IsError || len(r.fake.Requests()) != 1 {
		t.Errorf("valid: %v, invalid: %v, %d requests", valid.IsError, invalid.IsError, len(r.fake.Requests()))
	}
	// The fake records the status when its handler returns, which can be
	// just after the client has read the whole body.
	for end := time.Now().Add(2 * time.Second); r.fake.Requests()[0].Status == 0 && time.Now().Before(end); {
		time.Sleep(time.Millisecond)
	}
	if r.fake.Requests()[0].Status != 200 || stammertest.DefaultToken == leakToken {
		t.Error("the fake did not record the answer")
	}
}
