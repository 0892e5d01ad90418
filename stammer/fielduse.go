package stammer

import "strings"

// fieldNames names the conversation field groups, as FieldUse reports them.
var fieldNames = [nGroups]string{
	gID: "ID", gUUID: "UUID", gNumber: "Number", gChatbotID: "ChatbotID", gChatbotUUID: "ChatbotUUID",
	gUser: "UserKey", gPlatform: "Platform", gState: "State", gCreated: "CreatedAt", gUpdated: "UpdatedAt",
	gMessages: "Messages", gCount: "MessageCount",
}

// slotNames names the message slots, as FieldUse reports them.
var slotNames = [...]string{mUser: "user text", mBot: "bot text", mRole: "role", mContent: "text", mTime: "time"}

// FieldUse says what the decoder reads a member of a conversation
// (message false) or of a message (message true) as: the Conversation
// field(s) or message part it fills, e.g. "Number" or "ID or UUID" (an
// "id" holding a uuid is the uuid); "" when the key is ignored. It reads
// the decoder's own tables, so that doctor --shape, which reports with it
// which fields of a real answer were used, cannot disagree with them.
func FieldUse(key string, message bool) string {
	nk := string(normKey(nil, []byte(key)))
	if message {
		if slot, _, ok := msgField(nk); ok {
			return slotNames[slot]
		}
		return ""
	}
	spec, ok := convFields[nk]
	if !ok {
		return ""
	}
	var groups []int
	switch spec.kind {
	case kIDish:
		groups = []int{gUUID, spec.group}
	case kChatbot:
		groups = []int{gChatbotID, gChatbotUUID}
	default:
		groups = []int{spec.group}
	}
	var names []string
	for g := range nGroups {
		for _, h := range groups {
			if g == h {
				names = append(names, fieldNames[g])
			}
		}
	}
	return strings.Join(names, " or ")
}
