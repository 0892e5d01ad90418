package mcphttp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/stammer-mcp/stammer-mcp/auth"
	"github.com/stammer-mcp/stammer-mcp/policy"
	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
	"github.com/stammer-mcp/stammer-mcp/tools"
)

// policyReplica serves MCP with OAuth and the access policy in path.
func policyReplica(t *testing.T, fake *stammertest.Server, is *testIssuer, store *policy.Store, logs io.Writer) (string, string) {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	resource := "http://" + hs.Listener.Addr().String() + "/mcp"
	sc, err := stammer.New(stammer.Config{BaseURL: fake.URL, Token: stammertest.DefaultToken})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	srv, err := tools.NewServer("stammer-mcp", "test", tools.Deps{Client: sc, Policy: store, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = Handler(srv, Config{OAuth: auth.NewVerifier(auth.Config{Issuer: is.srv.URL, Resource: resource}, nil)})
	hs.Start()
	t.Cleanup(hs.Close)
	return hs.URL + "/mcp", resource
}

// session is one user's MCP client.
type session struct {
	t *testing.T
	c *client.Client
}

// userUnderPolicy starts a replica under a policy file holding rules
// (JSON) and connects to it with a token for subject sub.
func userUnderPolicy(t *testing.T, fake *stammertest.Server, is *testIssuer, rules, sub string) *session {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := policy.NewStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	url, resource := policyReplica(t, fake, is, store, io.Discard)
	c := is.claims(resource)
	c["sub"] = sub
	return connectAs(t, url, is.sign(c))
}

func connectAs(t *testing.T, url, token string) *session {
	t.Helper()
	c, err := client.NewStreamableHttpClient(url, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "policy-test", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return &session{t: t, c: c}
}

// call returns a tool call's whole result as JSON text (text and
// structured content), and whether it is a tool error.
func (s *session) call(tool string, args map[string]any) (string, bool) {
	s.t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = tool, args
	res, err := s.c.CallTool(s.t.Context(), req)
	if err != nil {
		s.t.Fatalf("%s %v: %v", tool, args, err)
	}
	b, _ := json.Marshal(res)
	return string(b), res.IsError
}

func (s *session) resource(uri string) (string, error) {
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	res, err := s.c.ReadResource(s.t.Context(), req)
	b, _ := json.Marshal(res)
	return string(b), err
}

func (s *session) prompt(chatbot string) error {
	req := mcp.GetPromptRequest{}
	req.Params.Name = "conversation_report"
	req.Params.Arguments = map[string]string{"chatbot": chatbot, "period": "2026-11"}
	_, err := s.c.GetPrompt(s.t.Context(), req)
	return err
}

// TestPolicy: two users and three chatbots (and a fourth that neither may
// read). Each gets exactly their chatbots' conversations through every
// tool, the resource and the prompt, with and without a chatbot filter;
// nothing of another chatbot appears anywhere in what they receive; a
// cached result of one is never served to the other.
func TestPolicy(t *testing.T) {
	fake := stammertest.NewServer(t)
	is := newTestIssuer(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.json")
	writePolicy := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var clinic, realty, resto, support stammertest.Chatbot
	for _, b := range stammertest.Chatbots() {
		switch b.ID {
		case stammertest.ClinicBotID:
			clinic = b
		case stammertest.RealtyBotID:
			realty = b
		case stammertest.RestaurantBotID:
			resto = b
		case stammertest.SupportBotID:
			support = b
		}
	}
	// Ana (by email) reads the clinic (by id) and the realty bot (by
	// uuid); Bruno (by group) reads the restaurant.
	writePolicy(fmt.Sprintf(`{"rules": [
		{"email": "Ana@Agency.example", "chatbots": [%d, %q]},
		{"group": "trattoria", "chatbots": [%d]},
		{"subject": "ops", "chatbots": ["*"]}
	]}`, clinic.ID, realty.UUID, resto.ID))
	store, err := policy.NewStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	url, resource := policyReplica(t, fake, is, store, &logs)
	token := func(sub, email string, groups ...string) string {
		c := is.claims(resource)
		c["sub"], c["email"], c["groups"] = sub, email, groups
		return is.sign(c)
	}
	anaToken := token("u-ana", "ana@agency.example")
	ana := connectAs(t, url, anaToken)
	bruno := connectAs(t, url, token("u-bruno", "bruno@agency.example", "staff", "trattoria"))
	nobody := connectAs(t, url, token("u-eve", "eve@agency.example", "staff"))
	ops := connectAs(t, url, token("ops", ""))

	fixtures := stammertest.Fixtures()
	users := []struct {
		name    string
		s       *session
		allowed []stammertest.Chatbot
		others  []stammertest.Chatbot
	}{
		{"ana", ana, []stammertest.Chatbot{clinic, realty}, []stammertest.Chatbot{resto, support}},
		{"bruno", bruno, []stammertest.Chatbot{resto}, []stammertest.Chatbot{clinic, realty, support}},
	}
	live := func(bots ...stammertest.Chatbot) (n int) {
		for _, c := range fixtures {
			for _, b := range bots {
				if c.ChatbotID == b.ID && !c.Deleted {
					n++
				}
			}
		}
		return n
	}
	for _, u := range users {
		t.Run(u.name, func(t *testing.T) {
			var received []string // everything the user was sent
			got := func(text string) string { received = append(received, text); return text }
			noFilter := map[string]any{"onlyDeletedConversations": false, "limit": 100}

			// Without a chatbot: exactly the allowed chatbots' conversations.
			text, isErr := u.s.call("list_conversations", noFilter)
			got(text)
			if isErr {
				t.Fatalf("list_conversations without a chatbot: %s", text)
			}
			want := live(u.allowed...)
			if strings.Contains(text, "all chatbots") || !strings.Contains(text, "the chatbots you may read (chatbot_id "+fmt.Sprint(u.allowed[0].ID)) {
				t.Errorf("list_conversations without a chatbot does not say which chatbots its totals cover: %.300s", text)
			}
			if !strings.Contains(text, fmt.Sprintf(`"total":%d,`, want)) {
				t.Errorf("list_conversations without a chatbot: want total %d (the allowed chatbots' live conversations) in %.400s", want, text)
			}
			text, isErr = u.s.call("conversation_insights", map[string]any{"onlyDeletedConversations": false})
			got(text)
			if isErr || !strings.Contains(text, fmt.Sprintf("%d conversations", want)) {
				t.Errorf("conversation_insights without a chatbot: want %d conversations in %.400s", want, text)
			}
			// With each allowed chatbot, by the form the policy lists.
			for _, b := range u.allowed {
				args := map[string]any{"onlyDeletedConversations": false, "chatbot_id": b.ID}
				if b.ID == realty.ID {
					args = map[string]any{"onlyDeletedConversations": false, "chatbot_uuid": b.UUID}
				}
				for _, tool := range []string{"list_conversations", "conversation_insights"} {
					text, isErr := u.s.call(tool, args)
					got(text)
					if isErr {
						t.Errorf("%s for allowed chatbot %d: %.300s", tool, b.ID, text)
					}
				}
				var first stammertest.Conversation
				for _, c := range fixtures {
					if c.ChatbotID == b.ID && !c.Deleted {
						first = c
						break
					}
				}
				text, isErr := u.s.call("get_conversation", map[string]any{"uuid": first.UUID})
				got(text)
				if isErr {
					t.Errorf("get_conversation by uuid of an allowed chatbot: %.300s", text)
				}
				chatbot := fmt.Sprint(b.ID)
				if b.ID == realty.ID {
					chatbot = b.UUID
				}
				text, err := u.s.resource(fmt.Sprintf("stammer://chatbots/%s/conversations/%d", chatbot, first.Number))
				got(text)
				if err != nil {
					t.Errorf("resource of an allowed chatbot: %v", err)
				}
				if err := u.s.prompt(chatbot); err != nil {
					t.Errorf("prompt for an allowed chatbot: %v", err)
				}
			}
			// Every other chatbot is refused, by id and by uuid, before any
			// request, naming the allowed ones.
			for _, b := range u.others {
				before := len(fake.Requests())
				for _, args := range []map[string]any{
					{"onlyDeletedConversations": false, "chatbot_id": b.ID},
					{"onlyDeletedConversations": false, "chatbot_uuid": b.UUID},
				} {
					for _, tool := range []string{"list_conversations", "conversation_insights"} {
						text, isErr := u.s.call(tool, args)
						got(text)
						if !isErr || !strings.Contains(text, "access policy") || !strings.Contains(text, fmt.Sprint(u.allowed[0].ID)) {
							t.Errorf("%s %v: want a tool error naming the allowed chatbots, got %.300s", tool, args, text)
						}
					}
					args["conversation_number"] = 1
					text, isErr := u.s.call("get_conversation", args)
					got(text)
					if !isErr {
						t.Errorf("get_conversation %v: not refused: %.300s", args, text)
					}
				}
				if n := len(fake.Requests()) - before; n != 0 {
					t.Errorf("calls for chatbot %d sent %d requests upstream", b.ID, n)
				}
				var theirs stammertest.Conversation
				for _, c := range fixtures {
					if c.ChatbotID == b.ID {
						theirs = c
						break
					}
				}
				// (Not added to received: the refusal repeats the uuid asked for.)
				text, isErr := u.s.call("get_conversation", map[string]any{"uuid": theirs.UUID})
				if !isErr || !strings.Contains(text, "among the chatbots you may read") || strings.Contains(text, "started_at") {
					t.Errorf("get_conversation by the uuid of chatbot %d's conversation: not refused: %.300s", b.ID, text)
				}
				text, err := u.s.resource(fmt.Sprintf("stammer://chatbots/%d/conversations/%d", b.ID, theirs.Number))
				got(text)
				if err == nil || !strings.Contains(err.Error(), "access policy") {
					t.Errorf("resource of chatbot %d: want the policy error, got %v", b.ID, err)
				}
				if err := u.s.prompt(fmt.Sprint(b.ID)); err == nil || !strings.Contains(err.Error(), "access policy") {
					t.Errorf("prompt for chatbot %d: want the policy error, got %v", b.ID, err)
				}
			}
			// list_chatbots names exactly the allowed chatbots.
			text, isErr = u.s.call("list_chatbots", map[string]any{})
			got(text)
			var lc struct {
				StructuredContent struct {
					Chatbots []struct {
						ID int64 `json:"chatbot_id"`
					} `json:"chatbots"`
				} `json:"structuredContent"`
			}
			json.Unmarshal([]byte(text), &lc)
			var listed, wantIDs []int64
			for _, c := range lc.StructuredContent.Chatbots {
				listed = append(listed, c.ID)
			}
			for _, b := range u.allowed {
				wantIDs = append(wantIDs, b.ID)
			}
			slices.Sort(listed)
			if isErr || !slices.Equal(listed, wantIDs) {
				t.Errorf("list_chatbots lists %v, want exactly %v: %.300s", listed, wantIDs, text)
			}

			// Every tool the server lists (tools added later included),
			// called without a chatbot: whatever it answers joins what the
			// leak check below reads.
			tl, err := u.s.c.ListTools(t.Context(), mcp.ListToolsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			for _, tool := range tl.Tools {
				schema, _ := json.Marshal(tool.InputSchema)
				raw, _ := json.Marshal(tool)
				args := map[string]any{}
				if strings.Contains(string(schema)+string(raw), "onlyDeletedConversations") {
					args["onlyDeletedConversations"] = false
				}
				text, _ := u.s.call(tool.Name, args)
				got(text)
			}
			// Zero rows leak: no conversation of another chatbot appears
			// in anything the user received.
			all := strings.Join(received, "\n")
			leaks := 0
			for _, c := range fixtures {
				if slices.ContainsFunc(u.others, func(b stammertest.Chatbot) bool { return b.ID == c.ChatbotID }) && strings.Contains(all, c.UUID) {
					leaks++
				}
			}
			for _, b := range u.others {
				for _, pat := range []string{fmt.Sprintf(`"chatbot_id":%d`, b.ID), fmt.Sprintf("bot %d ", b.ID), plainName(b.Name)} {
					if i := strings.Index(all, pat); i >= 0 {
						leaks++
						t.Logf("leak: %s", all[max(0, i-300):min(len(all), i+100)])
					}
				}
			}
			if leaks > 0 {
				t.Errorf("%d conversations or rows of other chatbots reached %s", leaks, u.name)
			}
		})
	}

	t.Run("audit lines", func(t *testing.T) {
		out := logs.String()
		for _, want := range []string{
			`msg="tool call" tool=list_conversations subject=u-ana auth=oauth chatbots="chatbot_id 42"`,
			`msg="resource read" subject=u-ana auth=oauth uri=stammer://chatbots/42/`,
			`msg=prompt subject=u-bruno auth=oauth prompt=conversation_report chatbots="chatbot 17"`,
			`subject=u-ana auth=oauth chatbots="none named: chatbot_id 17; or chatbot_uuid ` + realty.UUID,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("no audit line with %s", want)
			}
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "chatbots=\"chatbot_id 42\"") && strings.Contains(line, "subject=u-ana") && !strings.Contains(line, "status=denied") {
				t.Errorf("a refused call is not logged as denied: %s", line)
			}
			if strings.Contains(line, "stammer://chatbots/101/") && !strings.Contains(line, "status=denied") {
				t.Errorf("a refused resource read is not logged as denied: %s", line)
			}
		}
		if strings.Contains(out, anaToken) || strings.Contains(out, strings.Split(anaToken, ".")[2]) {
			t.Error("a token is in the log")
		}
	})

	t.Run("a caller in no rule reads nothing", func(t *testing.T) {
		text, isErr := nobody.call("list_conversations", map[string]any{"onlyDeletedConversations": false})
		if !isErr || !strings.Contains(text, "no chatbots") {
			t.Errorf("got %.300s", text)
		}
	})
	t.Run("a wildcard rule reads every chatbot", func(t *testing.T) {
		text, isErr := ops.call("list_conversations", map[string]any{"onlyDeletedConversations": false})
		if isErr || !strings.Contains(text, fmt.Sprintf(`"total":%d,`, live(clinic, realty, resto, support))) {
			t.Errorf("got %.300s", text)
		}
	})

	t.Run("no cached result crosses scopes", func(t *testing.T) {
		// Ana's scope and that of a second user with the same chatbots
		// share cache entries; Bruno, given the clinic too, has another
		// scope and must fetch for himself.
		writePolicy(fmt.Sprintf(`{"rules": [
			{"email": "ana@agency.example", "chatbots": [%d, %q]},
			{"subject": "u-ana2", "chatbots": [%q, %d]},
			{"group": "trattoria", "chatbots": [%d, %d]}
		]}`, clinic.ID, realty.UUID, realty.UUID, clinic.ID, resto.ID, clinic.ID))
		if err := store.Reload(); err != nil {
			t.Fatal(err)
		}
		args := map[string]any{"onlyDeletedConversations": false, "chatbot_id": clinic.ID, "startDate": "2026-10-01"}
		fake.ResetRequests()
		if text, isErr := ana.call("list_conversations", args); isErr {
			t.Fatal(text)
		}
		if n := len(fake.Requests()); n != 1 {
			t.Fatalf("ana's first call made %d requests, want 1", n)
		}
		ana2 := connectAs(t, url, token("u-ana2", ""))
		if text, isErr := ana2.call("list_conversations", args); isErr {
			t.Fatal(text)
		}
		if n := len(fake.Requests()); n != 1 {
			t.Errorf("a user with the same scope made a request (%d in all): the cache is not shared within a scope", n)
		}
		if text, isErr := bruno.call("list_conversations", args); isErr {
			t.Fatalf("bruno, now allowed the clinic: %s", text)
		}
		if n := len(fake.Requests()); n != 2 {
			t.Errorf("bruno's call was served from ana's cache entry (%d requests in all, want 2)", n)
		}
	})

	t.Run("a broken policy file keeps the previous policy", func(t *testing.T) {
		writePolicy(`{"rules": [{"email": "bruno@agency.example", "chatbots": ["*"]`)
		if err := store.Reload(); err == nil {
			t.Fatal("a broken file loaded")
		}
		text, isErr := bruno.call("list_conversations", map[string]any{"onlyDeletedConversations": false, "chatbot_id": support.ID})
		if !isErr || !strings.Contains(text, "access policy") {
			t.Errorf("after a broken reload bruno reads the support bot: %.300s", text)
		}
	})

	t.Run("one allowed chatbot failing fails the merged call, naming it", func(t *testing.T) {
		writePolicy(`{"rules": [{"subject": "u-gone", "chatbots": [17, 999]}]}`)
		if err := store.Reload(); err != nil {
			t.Fatal(err)
		}
		gone := connectAs(t, url, token("u-gone", ""))
		text, isErr := gone.call("list_conversations", map[string]any{"onlyDeletedConversations": false})
		if !isErr || !strings.Contains(text, "chatbot_id 999") || !strings.Contains(text, "404") {
			t.Errorf("got %.400s", text)
		}
	})
}

// TestPolicyReloadsOnChange: the watcher picks up an edited file without
// a restart.
func TestPolicyReloadsOnChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.json")
	os.WriteFile(path, []byte(`{"rules": [{"subject": "u1", "chatbots": [17]}]}`), 0o600)
	store, err := policy.NewStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go store.Watch(ctx, 10*time.Millisecond)
	u1 := auth.WithIdentity(t.Context(), auth.Identity{Subject: "u1"})
	if !store.ScopeFor(u1).Allows(17, "") || store.ScopeFor(u1).Allows(42, "") {
		t.Fatal("initial policy not in force")
	}
	os.WriteFile(path, []byte(`{"rules": [{"subject": "u1", "chatbots": [42, 17, 99]}]}`), 0o600)
	deadline := time.Now().Add(5 * time.Second)
	for !store.ScopeFor(u1).Allows(42, "") {
		if time.Now().After(deadline) {
			t.Fatal("the edited policy was not picked up within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncBuffer is a log destination shared by concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// plainName is the start of a chatbot's name up to the first character
// that JSON escapes or that is not plain text, so it can be found in
// marshalled results.
func plainName(name string) string {
	if i := strings.IndexAny(name, "&–(<>"); i >= 0 {
		name = name[:i]
	}
	return strings.TrimSpace(name)
}

// TestPolicyWhenTheAPIIgnoresTheFilter: an API that ignores the chatbot
// filter (or a proxy that drops it) answers with the whole agency's
// conversations, whose rows name their chatbot in one form only (the id).
// A user allowed one chatbot by its uuid must still receive none of the
// other chatbots' rows, with or without a chatbot in the call.
func TestPolicyWhenTheAPIIgnoresTheFilter(t *testing.T) {
	fake := stammertest.NewServer(t)
	is := newTestIssuer(t)
	const realtyUUID = "3f2a9c1e-5a4e-4c3e-9f1e-2d3c4b5a6978"
	ana := userUnderPolicy(t, fake, is, `{"rules": [{"subject": "u-ana", "chatbots": ["`+realtyUUID+`"]}]}`, "u-ana")

	// The agency's answer: the realty bot (id 18) and a secret bot (id
	// 99), each row naming its chatbot by id only.
	var rows []string
	for n := 1; n <= 4; n++ {
		bot, text := 18, "realty question"
		if n%2 == 0 {
			bot, text = 99, "SECRET-OTHER-CLIENT"
		}
		rows = append(rows, fmt.Sprintf(`{"id": %d, "uuid": "0b9e6c1e-5a4e-4c3e-9f1e-2d3c4b5a697%d", "conversation_number": %d, "chatbot_id": %d,
			"created_at": "2026-11-20T10:00:0%dZ", "source_platform": "whatsapp", "messages": [{"query": %q, "answer": "ok"}]}`, n, n, n, bot, n, text))
	}
	body := `{"data": [` + strings.Join(rows, ",") + `]}`
	for _, args := range []map[string]any{
		{"chatbot_uuid": realtyUUID, "onlyDeletedConversations": false},
		{"onlyDeletedConversations": false},
	} {
		for _, tool := range []string{"list_conversations", "conversation_insights", "list_chatbots"} {
			fake.SetFault(stammertest.Fault{Status: 200, Body: body})
			a := args
			if tool == "list_chatbots" {
				a = map[string]any{}
			}
			text, _ := ana.call(tool, a)
			if strings.Contains(text, "SECRET-OTHER-CLIENT") || strings.Contains(text, `"chatbot_id":99`) || strings.Contains(text, "0b9e6c1e-5a4e-4c3e-9f1e-2d3c4b5a6972") {
				t.Errorf("%s %v: a row of another chatbot reached a user allowed only %s:\n%.1500s", tool, a, realtyUUID, text)
			}
		}
	}
	// The listing above is cached as the API sent it; a transcript by
	// number, which looks in cached listings first, must not find the
	// other chatbot's conversation there either.
	fake.SetFault(stammertest.Fault{Status: 200, Body: body})
	ana.call("list_conversations", map[string]any{"chatbot_uuid": realtyUUID, "onlyDeletedConversations": false})
	for _, n := range []int{2, 4} {
		text, _ := ana.call("get_conversation", map[string]any{"chatbot_uuid": realtyUUID, "conversation_number": n, "onlyDeletedConversations": false})
		if strings.Contains(text, "SECRET-OTHER-CLIENT") {
			t.Errorf("get_conversation number %d: another chatbot's conversation reached a user allowed only %s:\n%.1500s", n, realtyUUID, text)
		}
	}
}

// TestOAuthSubjectCannotPassForTheStaticToken: the policy names the static
// MCP_HTTP_TOKEN by the subject "mcp-http-token". An OAuth token whose sub
// is that same string (a provider that lets users pick the ids it uses as
// sub) must not get the static token's chatbots.
func TestOAuthSubjectCannotPassForTheStaticToken(t *testing.T) {
	fake := stammertest.NewServer(t)
	is := newTestIssuer(t)
	s := userUnderPolicy(t, fake, is, `{"rules": [{"subject": "`+auth.StaticSubject+`", "chatbots": ["*"]}]}`, auth.StaticSubject)
	text, isErr := s.call("list_conversations", map[string]any{"onlyDeletedConversations": false})
	if !isErr || len(fake.Requests()) != 0 {
		t.Errorf("an OAuth token with sub %q read with the static token's scope (%d upstream requests): %.600s", auth.StaticSubject, len(fake.Requests()), text)
	}
}

// TestPolicyUUIDsAreNoOracle: a user limited to some chatbots who asks for
// a conversation by uuid gets the same answer whether the uuid is another
// chatbot's conversation or none at all, so a leaked uuid cannot be
// confirmed.
func TestPolicyUUIDsAreNoOracle(t *testing.T) {
	fake := stammertest.NewServer(t)
	is := newTestIssuer(t)
	ana := userUnderPolicy(t, fake, is, fmt.Sprintf(`{"rules": [{"subject": "u-ana", "chatbots": [%d]}]}`, stammertest.ClinicBotID), "u-ana")
	var theirs string
	for _, f := range stammertest.Fixtures() {
		if f.ChatbotID != stammertest.ClinicBotID {
			theirs = f.UUID
			break
		}
	}
	const none = "0b9e6c1e-5a4e-4c3e-9f1e-2d3c4b5a6978"
	other, isErr1 := ana.call("get_conversation", map[string]any{"uuid": theirs})
	missing, isErr2 := ana.call("get_conversation", map[string]any{"uuid": none})
	if !isErr1 || !isErr2 || strings.ReplaceAll(other, theirs, "UUID") != strings.ReplaceAll(missing, none, "UUID") {
		t.Errorf("another chatbot's conversation and a missing one are told apart:\n%s\n%s", other, missing)
	}
}

// TestPolicyListingAChatbotTwiceCountsItOnce: docs/security.md advises
// listing a chatbot by its id and its uuid when users use both. A call
// without a chatbot then asks for each form; a conversation must still be
// counted once.
func TestPolicyListingAChatbotTwiceCountsItOnce(t *testing.T) {
	fake := stammertest.NewServer(t)
	is := newTestIssuer(t)
	var clinic stammertest.Chatbot
	for _, b := range stammertest.Chatbots() {
		if b.ID == stammertest.ClinicBotID {
			clinic = b
		}
	}
	ana := userUnderPolicy(t, fake, is, fmt.Sprintf(`{"rules": [{"subject": "u-ana", "chatbots": [%d, %q]}]}`, clinic.ID, clinic.UUID), "u-ana")
	live := 0
	for _, f := range stammertest.Fixtures() {
		if f.ChatbotID == clinic.ID && !f.Deleted {
			live++
		}
	}
	for _, tool := range []string{"list_conversations", "conversation_insights"} {
		text, isErr := ana.call(tool, map[string]any{"onlyDeletedConversations": false, "limit": 100})
		if tool == "conversation_insights" {
			text, isErr = ana.call(tool, map[string]any{"onlyDeletedConversations": false})
		}
		if isErr || !strings.Contains(text, fmt.Sprintf("%d conversations", live)) {
			t.Errorf("%s: want %d conversations (the clinic's live ones, once each): %.600s", tool, live, text)
		}
	}
}
