package tools

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// FilterParams are the Stammer API's seven parameters, shared by the tools
// that list conversations. The names are the API's own, so what the model
// sends, what goes upstream and what Stammer's docs say are one thing. The
// tags are the schema.
type FilterParams struct {
	ChatbotID int64 `json:"chatbot_id,omitempty" jsonschema:"minimum=1" jsonschema_description:"The chatbot's integer id (Stammer calls chatbots AI agents). Send chatbot_id or chatbot_uuid, not both; omit both for every chatbot of the agency."`
	// ChatbotUUID is a string so that a malformed one reaches our validation
	// and gets a helpful message rather than a decoding error.
	ChatbotUUID              string `json:"chatbot_uuid,omitempty" jsonschema:"format=uuid" jsonschema_description:"The chatbot's UUID, e.g. 12345678-1234-5678-1234-567812345678. Send chatbot_id or chatbot_uuid, not both."`
	StartDate                string `json:"startDate,omitempty" jsonschema:"format=date" jsonschema_description:"First day to include, YYYY-MM-DD (UTC). Must not be later than endDate."`
	EndDate                  string `json:"endDate,omitempty" jsonschema:"format=date" jsonschema_description:"Last day to include, YYYY-MM-DD (UTC)."`
	SourcePlatform           string `json:"sourcePlatform,omitempty" jsonschema_description:"Only conversations from this channel: whatsapp, facebook, instagram, embeded (the website widget; Stammer's spelling), shared (share link), personalized, dashboard (test chat), API, AUDIO (voice), masterchat, or none. Omit for all platforms."`
	OnlyDeletedConversations *bool  `json:"onlyDeletedConversations" jsonschema:"required" jsonschema_description:"Required by the API. false for the normal (not deleted) conversations, true for deleted ones only."`
	ConversationNumber       int64  `json:"conversation_number,omitempty" jsonschema:"minimum=1" jsonschema_description:"Only the conversation with this number (the # in Stammer's dashboard and in the listing). For its messages use get_conversation."`
}

// ptr returns a pointer to v, for the optional booleans of params.
func ptr[T any](v T) *T { return &v }

// check normalises the API's parameters (trimmed; sourcePlatform spelt as
// the API does) and validates them. Every rule the API documents is checked
// here, through stammer.Query.Validate, before any request, so a bad call
// costs no round trip and gets a message that says how to fix it.
func (f FilterParams) check() (FilterParams, error) {
	if f.OnlyDeletedConversations == nil {
		return f, argErrorf("onlyDeletedConversations is required: send false for the normal (not deleted) conversations or true for deleted ones only")
	}
	f.ChatbotUUID = strings.TrimSpace(f.ChatbotUUID)
	f.StartDate = strings.TrimSpace(f.StartDate)
	f.EndDate = strings.TrimSpace(f.EndDate)
	if s := strings.TrimSpace(f.SourcePlatform); s != "" {
		norm, ok := stammer.NormalizePlatform(s)
		if !ok {
			return f, argErrorf("sourcePlatform %q is not one of the API's values. Use one of: %s (or omit sourcePlatform for all platforms)",
				clip(s, 40), strings.Join(stammer.SourcePlatforms, ", "))
		}
		f.SourcePlatform = norm
	}
	return f, f.query().Validate()
}

// query is the upstream query of checked filters. It is also the scope of
// the call: which chatbots it reads.
func (f FilterParams) query() stammer.Query {
	return stammer.Query{
		ChatbotID:                f.ChatbotID,
		ChatbotUUID:              f.ChatbotUUID,
		StartDate:                f.StartDate,
		EndDate:                  f.EndDate,
		SourcePlatform:           f.SourcePlatform,
		OnlyDeletedConversations: f.OnlyDeletedConversations != nil && *f.OnlyDeletedConversations,
		ConversationNumber:       f.ConversationNumber,
	}
}

// Alike in shape to other tools' types on purpose: package doc, "Types that look alike".

// Filters echoes the query as it was sent upstream.
type Filters struct {
	ChatbotID                int64  `json:"chatbot_id,omitempty" jsonschema_description:"chatbot_id sent to the API."`
	ChatbotUUID              string `json:"chatbot_uuid,omitempty" jsonschema_description:"chatbot_uuid sent to the API."`
	StartDate                string `json:"startDate,omitempty" jsonschema_description:"startDate sent to the API."`
	EndDate                  string `json:"endDate,omitempty" jsonschema_description:"endDate sent to the API."`
	SourcePlatform           string `json:"sourcePlatform,omitempty" jsonschema_description:"sourcePlatform sent to the API."`
	OnlyDeletedConversations bool   `json:"onlyDeletedConversations" jsonschema:"required" jsonschema_description:"onlyDeletedConversations sent to the API."`
	ConversationNumber       int64  `json:"conversation_number,omitempty" jsonschema_description:"conversation_number sent to the API."`
}

// describe renders the filters as one line, naming the chatbot; covers
// replaces "all chatbots" when the caller may read only some
// (fetched.covers).
func (f Filters) describe(covers string, names ChatbotNames) string {
	parts := []string{}
	switch {
	case f.ChatbotID > 0:
		parts = append(parts, "chatbot "+names.label(f.ChatbotID))
	case f.ChatbotUUID != "":
		s := "chatbot " + f.ChatbotUUID
		if id := names.byUUID(f.ChatbotUUID); id > 0 {
			s += " (" + names.label(id) + ")"
		}
		parts = append(parts, s)
	default:
		parts = append(parts, cmp.Or(covers, "all chatbots"))
	}
	switch {
	case f.StartDate != "" && f.EndDate != "":
		parts = append(parts, f.StartDate+" to "+f.EndDate)
	case f.StartDate != "":
		parts = append(parts, "from "+f.StartDate)
	case f.EndDate != "":
		parts = append(parts, "until "+f.EndDate)
	default:
		parts = append(parts, "all dates")
	}
	parts = append(parts, fmt.Sprintf("onlyDeletedConversations=%t", f.OnlyDeletedConversations))
	parts = append(parts, cmp.Or(f.SourcePlatform, "all platforms"))
	if f.ConversationNumber > 0 {
		parts = append(parts, fmt.Sprintf("conversation_number=%d", f.ConversationNumber))
	}
	return strings.Join(parts, " · ")
}

// emptyHints suggests which filters to relax when nothing matched.
func (f Filters) emptyHints() string {
	var hints []string
	if f.StartDate != "" || f.EndDate != "" {
		hints = append(hints, "widen or drop startDate/endDate")
	}
	if f.SourcePlatform != "" {
		hints = append(hints, "drop sourcePlatform to include every platform")
	}
	if f.ConversationNumber > 0 {
		hints = append(hints, "check conversation_number belongs to this chatbot")
	}
	hints = append(hints, fmt.Sprintf("try onlyDeletedConversations=%t", !f.OnlyDeletedConversations))
	if f.ChatbotID > 0 || f.ChatbotUUID != "" {
		hints = append(hints, "check the chatbot id/uuid, or omit it to search every chatbot of the agency")
	}
	return "To find some: " + strings.Join(hints, "; ") + ".\n"
}

// chatbotArgs turns the chatbot argument (an id or a uuid) into the tools'
// parameters.
func chatbotArgs(s string) (map[string]any, error) {
	s = strings.TrimSpace(s)
	if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
		return map[string]any{"chatbot_id": id}, nil
	}
	if stammer.IsUUID(s) {
		return map[string]any{"chatbot_uuid": strings.ToLower(s)}, nil
	}
	return nil, fmt.Errorf("chatbot %q must be the chatbot's integer id (e.g. 17) or its UUID; list_conversations without a chatbot shows the ids", s)
}
