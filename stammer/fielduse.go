package stammer

// Level is a place in an answer whose members the decoder reads by name.
type Level int

// The levels FieldUse knows.
const (
	// LevelEnvelope is the object around the list (and "data" inside it).
	LevelEnvelope Level = iota
	// LevelConversation is one list item.
	LevelConversation
	// LevelChatbot is a conversation's "chatbot" member given as an object.
	LevelChatbot
	// LevelMessage is one element of a conversation's message list.
	LevelMessage
)

// groupUse names what each conversation field group is read as.
var groupUse = [nGroups]string{
	gID: "conversation id", gUUID: "conversation uuid", gNumber: "conversation number",
	gChatbotID: "chatbot id", gChatbotUUID: "chatbot uuid", gUser: "end user key",
	gPlatform: "source platform", gState: "live or deleted", gCreated: "created at",
	gUpdated: "updated at", gMessages: "messages", gCount: "message count",
}

// slotUse names what each message slot is read as.
var slotUse = [...]string{
	mUser: "message text (user)", mBot: "message text (bot)", mRole: "message role",
	mContent: "message text", mTime: "message time",
}

// FieldUse says what the decoder reads a member named key as at level
// (e.g. "conversation number", "message text (user)"), and the rank of
// that spelling among those it accepts for the same thing: when several
// are present, the lowest rank is used. what is "" for a member the
// decoder ignores. It reads the decoder's own tables, so that doctor
// --shape cannot disagree with what the decoder does.
func FieldUse(level Level, key string) (what string, rank int) {
	var nb [32]byte
	nk := string(normKey(nb[:0], []byte(key)))
	switch level {
	case LevelEnvelope:
		switch nk {
		case "data", "results", "conversations":
			return "may hold the list", 0
		case "count":
			return "total count", 0
		case "next":
			return "next page link", 0
		case "message":
			return "API message", 0
		case "error", "detail":
			return "API error text", 0
		}
	case LevelConversation:
		if spec, ok := convFields[nk]; ok {
			return groupUse[spec.group], int(spec.rank)
		}
	case LevelChatbot:
		switch nk {
		case "id", "pk", "chatbotid":
			return "chatbot id", 0
		case "uuid", "chatbotuuid":
			return "chatbot uuid", 0
		}
	case LevelMessage:
		if slot, r, ok := msgField(nk); ok {
			return slotUse[slot], int(r)
		}
	}
	return "", 0
}
