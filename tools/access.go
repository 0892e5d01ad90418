package tools

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/stammer-mcp/stammer-mcp/auth"
	"github.com/stammer-mcp/stammer-mcp/policy"
	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// Every read of conversations goes through fetcher.list, which enforces
// the caller's access scope (package policy) in one place for every tool,
// the transcript resource and any later tool:
//
//   - a query for a chatbot outside the scope is refused before any
//     request, with a *policy.AccessError naming the allowed chatbots;
//   - a query without a chatbot, from a caller limited to some chatbots,
//     becomes one query per allowed chatbot, merged;
//   - rows of another chatbot (an API that ignored the filter) are dropped;
//   - cache entries are keyed by the scope, so callers who may read
//     different chatbots never share one.

// maxFanOut bounds the concurrent upstream requests of one merged query.
const maxFanOut = 4

// list returns the conversations of q that the caller of ctx may read.
func (f *fetcher) list(ctx context.Context, q stammer.Query) (fetched, error) {
	scope := f.policy.ScopeFor(ctx)
	if scope.IsAll() {
		return f.get(ctx, cacheKey{scope: scope.Key(), q: q})
	}
	if q.ChatbotID != 0 || q.ChatbotUUID != "" {
		if !scope.Allows(q.ChatbotID, q.ChatbotUUID) {
			return fetched{}, denied(ctx, &policy.AccessError{Scope: scope, Chatbot: chatbotName(q.ChatbotID, q.ChatbotUUID)})
		}
		got, err := f.get(ctx, cacheKey{scope: scope.Key(), q: q})
		if err != nil {
			return got, err
		}
		got.res = onlyAllowed(got.res, q, scope)
		return got, nil
	}
	if scope.IsEmpty() {
		return fetched{}, denied(ctx, &policy.AccessError{Scope: scope})
	}
	var subs []stammer.Query
	for _, id := range scope.IDs() {
		s := q
		s.ChatbotID = id
		subs = append(subs, s)
	}
	for _, u := range scope.UUIDs() {
		s := q
		s.ChatbotUUID = u
		subs = append(subs, s)
	}
	parts := make([]fetched, len(subs))
	errs := make([]error, len(subs))
	sem := make(chan struct{}, maxFanOut)
	var wg sync.WaitGroup
	for i, s := range subs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			got, err := f.get(ctx, cacheKey{scope: scope.Key(), q: s})
			if err == nil {
				got.res = onlyAllowed(got.res, s, scope)
			}
			parts[i], errs[i] = got, err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fetched{}, &partError{chatbot: chatbotName(subs[i].ChatbotID, subs[i].ChatbotUUID), err: err}
		}
	}
	got := merge(parts)
	got.covers = "the chatbots you may read (" + scope.Describe() + ")"
	return got, nil
}

// partError is the failure of one chatbot's part of a merged query: the
// whole call fails (a merged answer without one chatbot would miscount),
// saying which chatbot.
type partError struct {
	chatbot string
	err     error
}

func (e *partError) Error() string { return e.chatbot + ": " + e.err.Error() }
func (e *partError) Unwrap() error { return e.err }

// chatbotName is how a message names a chatbot.
func chatbotName(id int64, uuid string) string {
	if id != 0 {
		return fmt.Sprintf("chatbot_id %d", id)
	}
	return "chatbot_uuid " + uuid
}

// onlyAllowed drops the rows of res that belong to a chatbot other than
// q's, or outside the scope. A row that names its chatbot only in the
// other form than q's (an id for a query by uuid) cannot be checked
// against q; it is kept only while the answer names one chatbot in all
// (an answer to a filter the API applied), and rows without any chatbot
// field likewise. An answer naming several chatbots ignored the filter:
// of it, only rows whose own fields the scope allows are kept. res is
// shared, so a filtered copy is returned when anything is dropped.
func onlyAllowed(res *stammer.ListResult, q stammer.Query, scope policy.Scope) *stammer.ListResult {
	filtered := oneChatbot(res)
	keep := func(c *stammer.Conversation) bool {
		if q.ChatbotID != 0 && c.ChatbotID != 0 && c.ChatbotID != q.ChatbotID {
			return false
		}
		if q.ChatbotUUID != "" && c.ChatbotUUID != "" && !strings.EqualFold(c.ChatbotUUID, q.ChatbotUUID) {
			return false
		}
		return scope.Allows(c.ChatbotID, c.ChatbotUUID) || filtered && scope.Allows(q.ChatbotID, q.ChatbotUUID)
	}
	n := 0
	for i := range res.Conversations {
		if keep(&res.Conversations[i]) {
			n++
		}
	}
	if n == len(res.Conversations) {
		return res
	}
	out := *res
	out.Conversations = make([]stammer.Conversation, 0, n)
	for i := range res.Conversations {
		if keep(&res.Conversations[i]) {
			out.Conversations = append(out.Conversations, res.Conversations[i])
		}
	}
	out.Count = -1 // the API's count included rows that are not the caller's
	return &out
}

// oneChatbot reports whether the rows of res name at most one chatbot id
// and one chatbot uuid: an answer to a chatbot filter the API applied. An
// answer naming several ignored the filter, and its rows that name their
// chatbot only in the other form than the query's cannot be attributed.
func oneChatbot(res *stammer.ListResult) bool {
	var id int64
	var uuid string
	for i := range res.Conversations {
		c := &res.Conversations[i]
		if c.ChatbotID != 0 {
			if id != 0 && id != c.ChatbotID {
				return false
			}
			id = c.ChatbotID
		}
		if c.ChatbotUUID != "" {
			if uuid != "" && !strings.EqualFold(uuid, c.ChatbotUUID) {
				return false
			}
			uuid = c.ChatbotUUID
		}
	}
	return true
}

// merge joins per-chatbot results into one, newest conversation first.
func merge(parts []fetched) fetched {
	res := &stammer.ListResult{}
	out := fetched{res: res, cached: true}
	seen, repeats := stammer.Seen{}, 0
	for i, p := range parts {
		r := p.res
		fresh, dups := seen.Fresh(r.Conversations)
		res.Conversations = append(res.Conversations, fresh...)
		repeats += dups
		if i == 0 {
			res.Count, res.Shape, out.at = r.Count, r.Shape, p.at
		} else if res.Count >= 0 && r.Count >= 0 {
			res.Count += r.Count
		} else {
			res.Count = -1 // one part's total is unknown, so the sum is
		}
		res.Message = cmp.Or(res.Message, r.Message)
		if res.Truncated == "" {
			res.Truncated, res.Next = r.Truncated, r.Next
		}
		res.Skipped += r.Skipped
		res.Duplicates += r.Duplicates
		res.Bytes += r.Bytes
		res.DecodedBytes += r.DecodedBytes
		res.Pages += r.Pages
		if p.at.Before(out.at) {
			out.at = p.at // the oldest part says how fresh the whole is
		}
		out.cached = out.cached && p.cached
	}
	if repeats > 0 {
		// One conversation came in two parts (a chatbot the scope lists by
		// id and by uuid): the sum of the API's totals counts it twice.
		if res.Count >= 0 && res.Truncated == "" {
			res.Count -= repeats
		} else {
			res.Count = -1
		}
	}
	slices.SortStableFunc(res.Conversations, func(a, b stammer.Conversation) int { return cmp.Compare(b.CreatedAt, a.CreatedAt) })
	return out
}

// callNote is what the handlers of one call tell its audit line.
type callNote struct{ denied atomic.Bool }

type callNoteKey struct{}

// denied records on the call's audit line that the policy refused it.
func denied(ctx context.Context, err *policy.AccessError) error {
	if n, ok := ctx.Value(callNoteKey{}).(*callNote); ok {
		n.denied.Store(true)
	}
	return err
}

// auditChatbots says which chatbots a call asked for, for the audit line:
// the one it named, or, when it named none, the caller's whole scope.
func auditChatbots(args map[string]any, scope policy.Scope) string {
	for _, k := range []string{"chatbot_id", "chatbot_uuid", "chatbot"} {
		if v, ok := args[k]; ok && v != nil && fmt.Sprint(v) != "" {
			return k + " " + clip(fmt.Sprint(v), 64)
		}
	}
	return "none named: " + scope.Describe()
}

// who is the audit line's caller: the subject and how they authenticated,
// when the call came over authenticated HTTP.
func who(ctx context.Context) []any {
	if id, ok := auth.FromContext(ctx); ok {
		return []any{slog.String("subject", id.Subject), slog.String("auth", id.Method)}
	}
	return nil
}

// outcome is the audit line's status of a resource read or a prompt.
func outcome(err error) []any {
	var acc *policy.AccessError
	switch {
	case err == nil:
		return []any{slog.String("status", "ok")}
	case errors.As(err, &acc):
		return []any{slog.String("status", "denied")}
	default:
		return []any{slog.String("status", "error"), slog.String("error", clip(err.Error(), 200))}
	}
}

// auditResources logs one line per resource read, like logCalls for tools.
func auditResources(log *slog.Logger, pol *policy.Store) server.ResourceHandlerMiddleware {
	return func(next server.ResourceHandlerFunc) server.ResourceHandlerFunc {
		return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			note := &callNote{}
			res, err := next(context.WithValue(ctx, callNoteKey{}, note), req)
			args := map[string]any{"chatbot": templateVar(req.Params.Arguments["chatbot"])}
			attrs := append(who(ctx), slog.String("uri", clip(req.Params.URI, 200)), slog.String("chatbots", auditChatbots(args, pol.ScopeFor(ctx))))
			if note.denied.Load() && err != nil {
				attrs = append(attrs, slog.String("status", "denied"))
			} else {
				attrs = append(attrs, outcome(err)...)
			}
			log.Info("resource read", attrs...)
			return res, err
		}
	}
}

// auditPrompts logs one line per prompt.
func auditPrompts(log *slog.Logger, pol *policy.Store) server.PromptHandlerMiddleware {
	return func(next server.PromptHandlerFunc) server.PromptHandlerFunc {
		return func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			res, err := next(ctx, req)
			args := map[string]any{"chatbot": req.Params.Arguments["chatbot"]}
			attrs := append(who(ctx), slog.String("prompt", clip(req.Params.Name, 64)), slog.String("chatbots", auditChatbots(args, pol.ScopeFor(ctx))))
			log.Info("prompt", append(attrs, outcome(err)...)...)
			return res, err
		}
	}
}
