package tools

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// FuzzUpstreamAnswers serves arbitrary bytes as the API's 200 answer and
// calls every tool over them, uncached. The server does not check its
// results against their output schemas at run time (NewServer): this is
// where whatever the API may send is held to them. For every body: no
// protocol error and no panic (a recovered panic reads "Internal error"),
// every successful result matches its tool's output schema (rig.call),
// and no result holds the token, which the seeds plant in message text,
// keys and user keys. Seeds are the answer shapes stammer-api-notes.md
// gives evidence for, with hostile and ill-typed values; found inputs go
// to testdata/fuzz/FuzzUpstreamAnswers.
func FuzzUpstreamAnswers(f *testing.F) {
	conv := `{"uuid":"5f88e692-ede2-4241-91bb-2dae22a2535c","id":7,"chatbot_id":17,"chatbot_uuid":"12345678-1234-5678-1234-567812345678",` +
		`"conversation_number":4812,"user_key":"u-1","source_platform":"whatsapp","is_active":true,"created_at":"2026-11-23T09:40:00Z",` +
		`"messages":[{"query":"How much is whitening?","answer":"It costs 200.","created_at":"2026-11-23T09:40:05Z"}]}`
	for _, s := range []string{
		`{"message":"ok","data":[` + conv + `]}`,
		`{"count":1,"next":null,"previous":null,"results":[` + conv + `]}`,
		`[` + conv + `,` + conv + `]`,
		conv,
		`{"message":"ok","data":` + conv + `}`,
		`{"data":[{"uuid":"x","chatbot_id":"17","conversation_number":"12","source_platform":"myspace","created_at":1764000000,` +
			`"messages":[{"role":"user","content":"` + leakToken + `"},{"role":"assistant","content":"\u001b[31mred\u202eevil"}]}]}`,
		`{"data":[{"user_key":"` + leakToken + `","messages":[{"query":"\u0000\u200b","answer":null}],"is_active":"false"}]}`,
		`{"data":[{"uuid":"5f88e692-ede2-4241-91bb-2dae22a2535c","created_at":"2026-11-23T09:40:00.123+02:00","messages":{"query":"q"}}]}`,
		`{"data":[{"chatbot_id":-1,"conversation_number":1e300,"created_at":"yesterday","messages":[[],1,"text",{"query":["a"]}]}]}`,
		`{"message":"` + leakToken + `","data":[]}`,
		`{"count":-5,"next":"http://evil.example/","results":[]}`,
		`{"detail":"Invalid token."}`, `{}`, `[]`, `null`, `"x"`, `{"data":{}}`, `[[[[[[[[]]]]]]]]`,
	} {
		f.Add([]byte(s))
	}
	r := newRig(f, rigOptions{deps: func(d *Deps) { d.CacheTTL = -1 }})
	calls := []struct {
		tool string
		args map[string]any
	}{
		{"list_conversations", map[string]any{"onlyDeletedConversations": false}},
		{"list_conversations", map[string]any{"onlyDeletedConversations": false, "search": "whitening", "limit": 100}},
		{"list_chatbots", map[string]any{}},
		{"conversation_insights", map[string]any{"onlyDeletedConversations": false}},
		{"get_conversation", map[string]any{"uuid": "5f88e692-ede2-4241-91bb-2dae22a2535c"}},
	}
	var mu sync.Mutex // one body at a time: the fake's fault is shared
	f.Fuzz(func(t *testing.T, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		r.fake.SetFault(stammertest.Fault{Status: 200, Body: string(body), ContentType: "application/json"})
		for _, c := range calls {
			res := r.call(t, context.Background(), c.tool, c.args, nil)
			msg := text(res)
			if strings.HasPrefix(msg, "Internal error") {
				t.Fatalf("%s panicked on %q:\n%s", c.tool, body, r.logs.String())
			}
			if strings.Contains(msg, leakToken) || strings.Contains(structuredJSON(t, res), leakToken) {
				t.Errorf("%s: the token is in the result for %q", c.tool, body)
			}
		}
	})
}
