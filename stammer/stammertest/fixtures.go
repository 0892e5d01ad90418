package stammertest

import (
	"slices"
	"sync"
	"time"
)

// Platforms lists the eleven documented values of the sourcePlatform filter,
// spelt exactly as Stammer documents them ("embeded", "API", "AUDIO"), in the
// documentation's order. It is this package's own copy, not the client's, so
// that a typo in one is caught by the other.
var Platforms = []string{
	"none", "whatsapp", "facebook", "instagram", "dashboard", "embeded",
	"shared", "personalized", "API", "AUDIO", "masterchat",
}

// Chatbot is one of the fake agency's chatbots. The server answers 404
// "Chatbot not found." for any chatbot_id or chatbot_uuid that is neither
// one of Chatbots() nor the owner of a served conversation.
type Chatbot struct {
	// ID is the integer id accepted by the chatbot_id parameter.
	ID int64
	// UUID is the canonical lowercase uuid accepted by chatbot_uuid.
	UUID string
	// Name is the display name, for test messages and the demo.
	Name string
}

// Turn is one exchange of a conversation: what the end user typed and what
// the chatbot answered, as Stammer's message API models it (query/answer).
// It is wire-independent: the Style decides how it is sent.
type Turn struct {
	// Query is the user's text. It is untrusted and may contain control
	// characters, ANSI escapes or prompt-injection attempts on purpose.
	Query string
	// Answer is the chatbot's reply; "" means the bot never answered
	// (an outage, or the user left before the reply).
	Answer string
	// At is when the user sent the query (the answer is sent at the same
	// instant in every style, which keeps the oracle simple).
	At time.Time
}

// Conversation is one fixture conversation in a wire-independent form. The
// server encodes it in the current Shape and Style; tests compare what the
// client decoded against these fields. It looks like stammer.Conversation on
// purpose and is not it: the fake is the oracle the client is tested
// against, so, like Platforms, it shares no type with the client.
type Conversation struct {
	// ID is the API's integer id; unique, increasing with CreatedAt.
	ID int64
	// UUID is the conversation's uuid, used by the retrieve endpoint.
	UUID string
	// Number is the conversation_number, increasing with CreatedAt per chatbot.
	Number int64
	// ChatbotID is the owning chatbot's id.
	ChatbotID int64
	// ChatbotUUID is the owning chatbot's uuid.
	ChatbotUUID string
	// UserKey identifies the end user; regulars share it across conversations.
	UserKey string
	// Platform is one of Platforms.
	Platform string
	// Deleted marks a soft-deleted (deactivated) conversation, listed only
	// when onlyDeletedConversations=true (or always under WithAllOnNotDeleted).
	Deleted bool
	// CreatedAt is the first turn's time, in UTC; the date filters use its
	// UTC calendar date.
	CreatedAt time.Time
	// UpdatedAt is the last activity (the last turn, or the deletion).
	UpdatedAt time.Time
	// Turns are in chronological order; never empty in generated data.
	Turns []Turn
}

// Fixture chatbots. The ids and uuids are fixed so that tests, golden files
// and the demo can name them; 17 is the example chatbot of the design notes.
const (
	// ClinicBotID is "Bright Smile Dental", the busiest fixture chatbot (~150 conversations).
	ClinicBotID int64 = 17
	// ClinicBotUUID is ClinicBotID's uuid.
	ClinicBotUUID = "05b5e310-4a22-4a53-b440-1922ca9815cf"
	// RealtyBotID is "Harbour Homes", a real-estate agency (many Portuguese conversations).
	RealtyBotID int64 = 23
	// RealtyBotUUID is RealtyBotID's uuid.
	RealtyBotUUID = "5f88e692-ede2-4241-91bb-2dae22a2535c"
	// RestaurantBotID is "Trattoria Aurelia", a restaurant (many French conversations).
	RestaurantBotID int64 = 42
	// RestaurantBotUUID is RestaurantBotID's uuid.
	RestaurantBotUUID = "9737f3e7-b823-41df-9ce0-3f92e30ad0de"
	// SupportBotID is "Ledgerly", a SaaS support bot (many German conversations, long pasted logs).
	SupportBotID int64 = 101
	// SupportBotUUID is SupportBotID's uuid.
	SupportBotUUID = "d3a018f3-3104-45a2-bd54-a4ab9a1392b6"
	// QuietBotID is a chatbot that exists but has no conversations, so an
	// empty 200 result (not a 404) can be tested and demonstrated.
	QuietBotID int64 = 250
	// QuietBotUUID is QuietBotID's uuid.
	QuietBotUUID = "f39588fd-7140-44b3-bcf9-47db556f19cd"
)

// The default fixtures' date range, inclusive, as the API's YYYY-MM-DD
// dates. Fixed (not relative to now) so that golden files never drift.
const (
	// FirstDay is the UTC date of the oldest default fixture's CreatedAt.
	FirstDay = "2026-09-01"
	// LastDay is the UTC date of the newest default fixture's CreatedAt.
	LastDay = "2026-11-24"
)

var chatbots = []Chatbot{
	{ID: ClinicBotID, UUID: ClinicBotUUID, Name: "Bright Smile Dental – Front Desk"},
	{ID: RealtyBotID, UUID: RealtyBotUUID, Name: "Harbour Homes Lettings & Sales"},
	{ID: RestaurantBotID, UUID: RestaurantBotUUID, Name: "Trattoria Aurelia Reservations"},
	{ID: SupportBotID, UUID: SupportBotUUID, Name: "Ledgerly Support"},
	{ID: QuietBotID, UUID: QuietBotUUID, Name: "Evergreen Fitness Concierge (not launched yet)"},
}

// Chatbots returns the fixture chatbots (a fresh copy): the four with
// traffic, then QuietBotID, which has none.
func Chatbots() []Chatbot { return slices.Clone(chatbots) }

// busyChatbots are the chatbots that carry traffic in the default fixtures
// and, by default, in Generate.
func busyChatbots() []Chatbot { return slices.Clone(chatbots[:4]) }

var (
	fixturesOnce sync.Once
	fixtures     []Conversation
)

// Fixtures returns the default fixture set: about 400 conversations of the
// four busy chatbots, created between FirstDay and LastDay, oldest first.
// It is deterministic (the same on every call, machine and Go release,
// because it uses only PCG's specified output) and it is a deep copy, so
// callers may modify it freely.
func Fixtures() []Conversation { return cloneConversations(defaultFixtures()) }

// defaultFixtures returns the shared, read-only fixture set without copying.
func defaultFixtures() []Conversation {
	fixturesOnce.Do(func() { fixtures = buildFixtures() })
	return fixtures
}

// cloneConversations deep-copies cs, with all turns in one allocation.
func cloneConversations(cs []Conversation) []Conversation {
	out := slices.Clone(cs)
	n := 0
	for i := range cs {
		n += len(cs[i].Turns)
	}
	all := make([]Turn, 0, n)
	for i := range out {
		start := len(all)
		all = append(all, cs[i].Turns...)
		out[i].Turns = all[start:len(all):len(all)]
	}
	return out
}

// fixtureSeed fixes the default fixture set; changing it changes every
// golden file of the project.
const fixtureSeed = 0x5717_2026_0901

// lastNumbers are the conversation_number of each busy chatbot's newest
// fixture conversation; 4812 is the design notes' "show me conversation 4812".
var lastNumbers = map[int64]int64{
	ClinicBotID:     4812,
	RealtyBotID:     2290,
	RestaurantBotID: 1536,
	SupportBotID:    9977,
}

func buildFixtures() []Conversation {
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	cs := generate(genConfig{
		seed:     fixtureSeed,
		n:        400,
		bots:     busyChatbots(),
		counts:   []int{150, 100, 85, 65},
		start:    start,
		end:      time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
		maxTurns: 30,
	})
	applySpecials(cs)
	// Renumber so that each chatbot's newest conversation has a well-known
	// number, keeping numbers consecutive and increasing with time.
	count := map[int64]int64{}
	for i := range cs {
		count[cs[i].ChatbotID]++
	}
	next := map[int64]int64{}
	for id, n := range count {
		next[id] = lastNumbers[id] - n + 1
	}
	for i := range cs {
		id := cs[i].ChatbotID
		cs[i].Number = next[id]
		next[id]++
	}
	return cs
}

// applySpecials overwrites a few chosen conversations with hand-written
// scripts, so that the default set is guaranteed to contain what the
// product must cope with (every platform for chatbot 17, hostile text,
// 3,000+ character messages, unanswered turns, fallbacks) instead of
// relying on the luck of the seed. Each chosen conversation keeps its
// CreatedAt; its turns are re-timed from it.
func applySpecials(cs []Conversation) {
	by := map[int64][]int{}
	for i := range cs {
		by[cs[i].ChatbotID] = append(by[cs[i].ChatbotID], i)
	}
	clinic, realty, resto, saas := by[ClinicBotID], by[RealtyBotID], by[RestaurantBotID], by[SupportBotID]

	// Every platform at least once for chatbot 17, so per-platform filters
	// have an answer for the busiest bot.
	for k, p := range Platforms {
		cs[clinic[3+k*11]].Platform = p
	}

	script := func(i int, turns []qa) {
		c := &cs[i]
		tail := c.UpdatedAt.Sub(c.Turns[len(c.Turns)-1].At)
		ts := make([]Turn, len(turns))
		at := c.CreatedAt
		for j, t := range turns {
			if j > 0 {
				// A plausible typing pause that grows with the reply.
				at = at.Add(time.Duration(20+len([]rune(turns[j-1].a))/40) * time.Second)
			}
			ts[j] = Turn{Query: t.q, Answer: t.a, At: at}
		}
		c.Turns = ts
		c.UpdatedAt = at.Add(tail)
	}

	script(clinic[20], hostileClinicScript())
	script(clinic[37], longClinicScript())
	script(clinic[52], spanishFallbackScript)
	cs[clinic[52]].Deleted = false
	script(saas[9], hostileSupportScript())
	script(saas[21], longSupportScript())
	cs[saas[21]].Platform = "embeded"
	script(saas[33], outageSupportScript)
	script(realty[14], longRealtyScript())
	cs[realty[14]].Platform = "whatsapp"
	script(resto[11], longRestaurantScript())
	script(resto[30], unansweredRestaurantScript)
	cs[resto[30]].Deleted = false

	// The newest conversation of chatbot 17 is #4812, the design notes'
	// example: a friendly WhatsApp rescheduling, live.
	last := &cs[clinic[len(clinic)-1]]
	script(clinic[len(clinic)-1], rescheduleScript)
	last.Platform = "whatsapp"
	last.Deleted = false
	last.UpdatedAt = last.Turns[len(last.Turns)-1].At
}
