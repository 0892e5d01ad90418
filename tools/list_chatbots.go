package tools

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/stammer-mcp/stammer-mcp/inert"
	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// Alike in shape to other tools' types on purpose: package doc, "Types that look alike".

// Chatbot listing bounds: a row with its exact call is about 80 tokens, so
// the default page fits any budget and the cap fits the default one.
const (
	defaultChatbotLimit = 50
	maxChatbotLimit     = 200
	// chatbotDays is the default period: a quarter, long enough to see a
	// quiet chatbot, short enough to fetch quickly.
	chatbotDays = 90
)

// ListChatbotsParams are list_chatbots' arguments. The dates are the API's
// filters; the rest are ours.
type ListChatbotsParams struct {
	StartDate                string `json:"startDate,omitempty" jsonschema:"format=date" jsonschema_description:"First day to look at, YYYY-MM-DD (UTC). Default: 89 days before endDate (90 days in all)."`
	EndDate                  string `json:"endDate,omitempty" jsonschema:"format=date" jsonschema_description:"Last day to look at, YYYY-MM-DD (UTC). Default: today."`
	OnlyDeletedConversations *bool  `json:"onlyDeletedConversations,omitempty" jsonschema_description:"false (default): chatbots seen in live conversations; true: in deleted ones."`
	Limit                    *int   `json:"limit,omitempty" jsonschema:"minimum=1,maximum=200" jsonschema_description:"Ours: chatbots to list, default 50, at most 200, most conversations first."`
	Offset                   int    `json:"offset,omitempty" jsonschema:"minimum=0" jsonschema_description:"Ours: chatbots to skip; the result gives the exact next call."`
	Budget
}

// check validates the call and fills the default period, so that what the
// result and its calls say is what was asked upstream.
func (p ListChatbotsParams) check(d Deps) (ListChatbotsParams, error) {
	if p.Limit != nil && (*p.Limit < 1 || *p.Limit > maxChatbotLimit) {
		return p, argErrorf("limit must be between 1 and %d (got %d); page with offset", maxChatbotLimit, *p.Limit)
	}
	if p.Offset < 0 {
		return p, argErrorf("offset must be 0 or more (got %d)", p.Offset)
	}
	p.StartDate, p.EndDate = strings.TrimSpace(p.StartDate), strings.TrimSpace(p.EndDate)
	if p.EndDate == "" {
		p.EndDate = d.now().UTC().Format(time.DateOnly)
	}
	if p.StartDate == "" {
		if end, err := time.Parse(time.DateOnly, p.EndDate); err == nil {
			p.StartDate = end.AddDate(0, 0, -(chatbotDays - 1)).Format(time.DateOnly)
		}
	}
	if p.OnlyDeletedConversations == nil {
		p.OnlyDeletedConversations = ptr(false)
	}
	return p, p.query().Validate()
}

// query is the agency-wide query the chatbots are read from.
func (p ListChatbotsParams) query() stammer.Query {
	return stammer.Query{StartDate: p.StartDate, EndDate: p.EndDate, OnlyDeletedConversations: p.OnlyDeletedConversations != nil && *p.OnlyDeletedConversations}
}

// listChatbotsDescription is what a model reads to decide when and how to
// call the tool.
const listChatbotsDescription = `List the Stammer.ai AI agents (chatbots) of this agency account: every chatbot seen in its conversations over a period (default: the last 90 days), most conversations first, with its id, uuid, the operator's name for it when one is configured, its conversation count, its last activity, and the exact list_conversations call to look at it. Use it first when the user names a chatbot ("the clinic bot") or asks which chatbots exist; then pass its chatbot_id to the other tools.
Stammer's API has no chatbot list of its own, so a chatbot without conversations in the period is listed only if the operator named it.`

// newListChatbots builds list_chatbots.
func newListChatbots(d Deps, f *fetcher) (server.ServerTool, error) {
	st, _, err := newTool(d, "list_chatbots", "List Stammer chatbots", listChatbotsDescription,
		func(ctx context.Context, p ListChatbotsParams) (*ListChatbotsResult, error) {
			got, err := f.list(ctx, p.query())
			if err != nil {
				return nil, err
			}
			// Named chatbots without conversations are listed only if the
			// caller may read them (the access policy's one check).
			scope := f.policy.ScopeFor(ctx)
			return newChatbotList(p, got, d, func(id int64, uuid string) bool { return scope.IsAll() || scope.Allows(id, uuid) }), nil
		})
	return st, err
}

// Alike in shape to other tools' types on purpose: package doc, "Types that look alike".

// ChatbotItem is one chatbot of the listing.
type ChatbotItem struct {
	ChatbotID     int64    `json:"chatbot_id" jsonschema:"required" jsonschema_description:"Pass it as chatbot_id to the other tools (0 when the API sent none)."`
	UUID          string   `json:"chatbot_uuid,omitempty" jsonschema_description:"Its UUID, when known."`
	Name          string   `json:"name,omitempty" jsonschema_description:"The operator's name for it (STAMMER_CHATBOTS_FILE); the API gives none."`
	Aliases       []string `json:"aliases,omitempty" jsonschema_description:"Short names the operator gave it."`
	Conversations int      `json:"conversations" jsonschema:"required" jsonschema_description:"Its conversations in the period."`
	LastActivity  string   `json:"last_activity,omitempty" jsonschema_description:"Its latest conversation start or update in the period, RFC 3339 UTC."`
}

// ListChatbotsResult is list_chatbots' structured content.
type ListChatbotsResult struct {
	Demo                     bool          `json:"demo,omitempty" jsonschema_description:"True when this is the built-in demo data, not a real Stammer account."`
	StartDate                string        `json:"startDate" jsonschema:"required" jsonschema_description:"First day looked at."`
	EndDate                  string        `json:"endDate" jsonschema:"required" jsonschema_description:"Last day looked at."`
	OnlyDeletedConversations bool          `json:"onlyDeletedConversations" jsonschema:"required" jsonschema_description:"Whether the chatbots were read from deleted conversations."`
	Conversations            int           `json:"conversations" jsonschema:"required" jsonschema_description:"Conversations in the period, all chatbots."`
	Total                    int           `json:"total" jsonschema:"required" jsonschema_description:"Chatbots listed in all pages: those seen, plus those the operator named."`
	Offset                   int           `json:"offset" jsonschema:"required" jsonschema_description:"Chatbots skipped before this page."`
	Chatbots                 []ChatbotItem `json:"chatbots" jsonschema:"required" jsonschema_description:"This page, most conversations first."`
	Remaining                int           `json:"remaining" jsonschema:"required" jsonschema_description:"Chatbots after this page."`
	Next                     *NextCall     `json:"next,omitempty" jsonschema_description:"The call for the next page, when there is one."`
	Cuts                     []string      `json:"cuts,omitempty" jsonschema_description:"What was left out to fit the output budget."`
	FetchedAt                string        `json:"fetched_at,omitempty" jsonschema_description:"When the data was fetched from Stammer, RFC 3339 UTC."`
	Partial                  string        `json:"partial,omitempty" jsonschema_description:"Set when the API's pages were not all read: why, and how to cover everything."`

	params  ListChatbotsParams
	all     []ChatbotItem // the page before budget cuts
	dropped int
}

// LogCount reports the chatbots listed, for the log line.
func (r *ListChatbotsResult) LogCount() int { return r.Total }

// newChatbotList ranks the chatbots seen in the period and adds those the
// operator named that were not seen.
func newChatbotList(p ListChatbotsParams, got fetched, d Deps, allowed func(id int64, uuid string) bool) *ListChatbotsResult {
	cs := got.res.Conversations
	idx := make([]int, len(cs))
	for i := range idx {
		idx[i] = i
	}
	rows := []ChatbotItem{} // never null: the schema wants a list
	seen := map[int64]bool{}
	for _, s := range chatbotsIn(cs, idx) {
		seen[s.id] = true
		rows = append(rows, d.Chatbots.item(s.id, s.uuid, s.conversations, s.last))
	}
	for _, id := range slices.Sorted(maps.Keys(d.Chatbots)) {
		if !seen[id] && allowed(id, d.Chatbots[id].UUID) {
			rows = append(rows, d.Chatbots.item(id, "", 0, 0))
		}
	}
	r := &ListChatbotsResult{
		Demo: d.Demo, StartDate: p.StartDate, EndDate: p.EndDate, OnlyDeletedConversations: *p.OnlyDeletedConversations,
		Conversations: len(cs), Total: len(rows), Offset: p.Offset, FetchedAt: rfc3339(got.at), Partial: partialNote(got.res), params: p,
	}
	limit := defaultChatbotLimit
	if p.Limit != nil {
		limit = *p.Limit
	}
	lo := min(p.Offset, len(rows))
	r.all = rows[lo:min(lo+limit, len(rows))]
	return r
}

// item is one chatbot's row, named from the operator's file.
func (n ChatbotNames) item(id int64, uuid string, convs int, last stammer.Instant) ChatbotItem {
	c := n[id]
	return ChatbotItem{ChatbotID: id, UUID: cmp.Or(uuid, c.UUID), Name: c.Name, Aliases: c.Aliases, Conversations: convs, LastActivity: rfc3339(last.Time())}
}

// shrink drops rows from the end; the next call starts where the page
// stopped.
func (r *ListChatbotsResult) shrink() bool {
	if r.dropped < len(r.all) {
		r.dropped++
		return true
	}
	return false
}

// render produces the text and structured content of the current form.
func (r *ListChatbotsResult) render() (string, any) {
	r.Chatbots = r.all[:len(r.all)-r.dropped]
	next := r.params
	next.Offset = r.Offset + len(r.Chatbots)
	r.Remaining, r.Next = rest(r.Total, next.Offset, "list_chatbots", next)
	r.Cuts = nil
	if r.dropped > 0 {
		r.Cuts = append(r.Cuts, pageCut("listing", len(r.all), len(r.Chatbots), "chatbots"))
	}
	return r.text(), r
}

// text renders the listing for the model.
func (r *ListChatbotsResult) text() string {
	var b strings.Builder
	if r.Demo {
		b.WriteString(demoNotice + "\n")
	}
	fmt.Fprintf(&b, "Stammer chatbots · %s to %s · onlyDeletedConversations=%t\n\n", r.StartDate, r.EndDate, r.OnlyDeletedConversations)
	fmt.Fprintf(&b, "%s in all: the chatbots seen in the period's %s, most first", count(r.Total, "chatbot"), count(r.Conversations, "conversation"))
	b.WriteString(", then those the operator named (STAMMER_CHATBOTS_FILE) that had none. Names come only from that file: Stammer's API gives none.\n")
	if r.Partial != "" {
		b.WriteString("Note: " + r.Partial + "\n")
	}
	if len(r.Chatbots) == 0 {
		if r.Total == 0 {
			b.WriteString("\nNo chatbot had conversations in the period. Try a longer period (startDate), or onlyDeletedConversations=true.\n")
		} else {
			fmt.Fprintf(&b, "\nNo chatbots listed: offset %s is past the last of %s.\n", num(r.Offset), num(r.Total))
		}
	} else {
		fmt.Fprintf(&b, "\nChatbots %s–%s of %s. Names are the operator's; quoted as given.\n", num(r.Offset+1), num(r.Offset+len(r.Chatbots)), num(r.Total))
	}
	for _, c := range r.Chatbots {
		b.WriteString("- " + strconv.FormatInt(c.ChatbotID, 10))
		if c.Name != "" {
			b.WriteString(" " + strconv.Quote(inert.Clean(c.Name, 60)))
		}
		if len(c.Aliases) > 0 {
			b.WriteString(" (aliases: " + inert.Clean(strings.Join(c.Aliases, ", "), 60) + ")")
		}
		if c.UUID != "" {
			b.WriteString(" · uuid " + c.UUID)
		}
		fmt.Fprintf(&b, " · %s", count(c.Conversations, "conversation"))
		if c.LastActivity != "" {
			b.WriteString(" · last activity " + shortTime(c.LastActivity))
		}
		if c.ChatbotID > 0 {
			b.WriteString(" → list_conversations " + string(nextCall("list_conversations", FilterParams{
				ChatbotID: c.ChatbotID, StartDate: r.StartDate, EndDate: r.EndDate, OnlyDeletedConversations: ptr(r.OnlyDeletedConversations),
			}).Arguments))
		}
		b.WriteString("\n")
	}
	for _, c := range r.Cuts {
		b.WriteString("- cut: " + c + ".\n")
	}
	if r.Next != nil {
		fmt.Fprintf(&b, "\nMore: %s not listed. Next page: list_chatbots %s\n", num(r.Remaining), r.Next.Arguments)
	}
	return b.String()
}
