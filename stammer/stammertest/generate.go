package stammertest

import (
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"math/rand/v2"
	"slices"
	"time"
)

// GenerateOptions configures Generate. Zero values pick the documented
// defaults, so GenerateOptions{Seed: 1, N: 50000} is a complete request.
type GenerateOptions struct {
	// Seed selects the data set; the same seed always gives the same data.
	Seed uint64
	// N is the number of conversations; N <= 0 gives none.
	N int
	// Chatbots own the conversations; nil means the four fixture chatbots
	// that have traffic. A chatbot that is not a fixture chatbot gets the
	// texts of one of the fixture businesses, chosen by its position.
	Chatbots []Chatbot
	// Start and End bound CreatedAt: Start <= CreatedAt < End. Zero values
	// mean the fixture range (FirstDay to LastDay inclusive); an End not
	// after Start means one day from Start.
	Start, End time.Time
	// MaxTurns caps the turns per conversation (1 to MaxTurns, long tail);
	// 0 means 100.
	MaxTurns int
}

// Generate builds a seeded, deterministic load of conversations with the
// same ingredients as Fixtures (business texts in five languages, emoji,
// 3,000+ character messages, hostile text, unanswered turns, repeat users,
// all platforms, ~8% deleted), for paging, budget and decode-speed tests.
// Conversations are returned oldest first with increasing ids, and numbers
// increase with time per chatbot. It avoids per-turn allocation (texts are
// shared, turns live in one backing array), so N = 50,000 takes a fraction
// of a second.
func Generate(o GenerateOptions) []Conversation {
	if o.N <= 0 {
		return nil
	}
	c := genConfig{seed: o.Seed, n: o.N, bots: o.Chatbots, start: o.Start, end: o.End, maxTurns: o.MaxTurns}
	if len(c.bots) == 0 {
		c.bots = busyChatbots()
	}
	if c.start.IsZero() {
		c.start = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	}
	if c.end.IsZero() {
		c.end = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	}
	if !c.end.After(c.start) {
		c.end = c.start.Add(24 * time.Hour)
	}
	if c.maxTurns <= 0 {
		c.maxTurns = 100
	}
	c.weights = make([]int, len(c.bots))
	for i, b := range c.bots {
		c.weights[i] = 100
		if w, ok := fixtureWeights[b.ID]; ok {
			c.weights[i] = w
		}
	}
	return generate(c)
}

// fixtureWeights give the busy fixture chatbots their relative traffic.
var fixtureWeights = map[int64]int{ClinicBotID: 150, RealtyBotID: 100, RestaurantBotID: 85, SupportBotID: 65}

// firstNumbers start each fixture chatbot's conversation numbers in
// Generate; other chatbots start at 1. (Fixtures renumbers to lastNumbers.)
var firstNumbers = map[int64]int64{ClinicBotID: 4001, RealtyBotID: 1801, RestaurantBotID: 1201, SupportBotID: 9001}

// genConfig is the generator's complete, already-defaulted input.
type genConfig struct {
	seed       uint64
	n          int
	bots       []Chatbot
	weights    []int // one per bot
	counts     []int // if set, exact number of conversations per bot (sum n), and exactly 8% deleted
	start, end time.Time
	maxTurns   int
}

// firstID is the id of the oldest generated conversation.
const firstID = 120001

// generate is the single generator behind Fixtures and Generate.
func generate(c genConfig) []Conversation {
	g := &gen{r: newRNG(c.seed)}

	biz := make([]*business, len(c.bots))
	for i, b := range c.bots {
		biz[i] = businessFor(b.ID, i)
	}

	// Creation times first, sorted, so ids and numbers follow time.
	startUnix := c.start.Unix()
	span := uint64(c.end.Unix() - startUnix)
	if span == 0 {
		span = 1
	}
	times := make([]int64, c.n)
	for i := range times {
		times[i] = g.createdAt(startUnix, span)
	}
	slices.Sort(times)

	cs := make([]Conversation, c.n)
	offs := make([]int, c.n+1)
	all := make([]Turn, 0, c.n*8)
	users := make([][]string, len(c.bots))
	numbers := make([]int64, len(c.bots))
	for i, b := range c.bots {
		numbers[i] = 1
		if n, ok := firstNumbers[b.ID]; ok {
			numbers[i] = n
		}
	}

	// With exact counts, deal the chatbots like a shuffled deck.
	var deck []int
	if c.counts != nil {
		deck = make([]int, 0, c.n)
		for bi, k := range c.counts {
			for range k {
				deck = append(deck, bi)
			}
		}
		for i := len(deck) - 1; i > 0; i-- {
			j := g.r.intn(i + 1)
			deck[i], deck[j] = deck[j], deck[i]
		}
	}

	// With exact counts (the fixtures), exactly 8% are deleted too.
	var deleted []bool
	if c.counts != nil {
		deleted = make([]bool, c.n)
		for i := range c.n * 8 / 100 {
			deleted[i] = true
		}
		for i := len(deleted) - 1; i > 0; i-- {
			j := g.r.intn(i + 1)
			deleted[i], deleted[j] = deleted[j], deleted[i]
		}
	}

	for i := range cs {
		var bi int
		if deck != nil {
			bi = deck[i]
		} else {
			bi = g.r.weighted(c.weights)
		}
		bot, bz := c.bots[bi], biz[bi]
		lang := g.r.weighted(bz.langWeights[:])
		platform := Platforms[g.r.weighted(bz.platformWeights[:])]

		// About a third of conversations come from a returning user; early
		// users are favoured, so a few regulars have many conversations.
		var user string
		if pool := users[bi]; len(pool) > 0 && g.r.chance(0.35) {
			user = pool[g.r.intn(g.r.intn(len(pool))+1)]
		} else {
			user = g.r.userKey()
			users[bi] = append(users[bi], user)
		}

		created := time.Unix(times[i], 0).UTC()
		offs[i] = len(all)
		var last time.Time
		all, last = g.appendTurns(all, bz, lang, g.turnCount(c.maxTurns), created)

		conv := &cs[i]
		conv.ID = firstID + int64(i)
		conv.UUID = g.r.uuid()
		conv.Number = numbers[bi]
		numbers[bi]++
		conv.ChatbotID = bot.ID
		conv.ChatbotUUID = bot.UUID
		conv.UserKey = user
		conv.Platform = platform
		conv.CreatedAt = created
		conv.UpdatedAt = last
		if del := g.r.chance(0.08); deleted != nil && deleted[i] || deleted == nil && del {
			conv.Deleted = true
			// Deleted (deactivated) some time after the last message.
			conv.UpdatedAt = last.Add(time.Hour + time.Duration(g.r.intn(10*24))*time.Hour)
		}
	}
	offs[c.n] = len(all)
	// Slice the shared backing array only now: appends above may have moved it.
	for i := range cs {
		cs[i].Turns = all[offs[i]:offs[i+1]:offs[i+1]]
	}
	return cs
}

// gen holds the generator's random stream.
type gen struct{ r rng }

// hourWeights shape the time of day (UTC) at which conversations start:
// quiet nights, busy business hours and evenings. No zero, so a short
// window at night still terminates quickly.
var hourWeights = [24]int{2, 1, 1, 1, 1, 2, 3, 5, 8, 10, 11, 12, 11, 10, 10, 10, 10, 10, 11, 12, 12, 10, 7, 4}

// createdAt draws a creation time in [start, start+span) by rejection:
// hours weighted by hourWeights, weekends at 70%.
func (g *gen) createdAt(start int64, span uint64) int64 {
	for {
		t := start + int64(g.r.u64n(span))
		day, sec := t/86400, t%86400
		if sec < 0 { // before 1970: floor, not truncate
			day, sec = day-1, sec+86400
		}
		w := hourWeights[sec/3600] * 10
		if wd := ((day+4)%7 + 7) % 7; wd == 0 || wd == 6 { // Sunday or Saturday: 1970-01-01 was a Thursday
			w = w * 7 / 10
		}
		if g.r.intn(120) < w {
			return t
		}
	}
}

// turnCount draws a number of turns in 1..limit with a long tail: half the
// conversations have 1-4 turns, a few percent run towards limit.
func (g *gen) turnCount(limit int) int {
	x := g.r.float()
	var n int
	switch {
	case x < 0.50:
		n = 1 + g.r.intn(4)
	case x < 0.82:
		n = 5 + g.r.intn(6)
	case x < 0.96:
		n = 11 + g.r.intn(15)
	default:
		n = limit
		if limit > 26 {
			// 26..limit, denser near 26: long conversations get rarer as
			// they grow. Products only (no math.Pow, no a*b+c that a
			// compiler may fuse), so every architecture draws the same n.
			u := g.r.float()
			n = 26 + int(float64(limit-25)*u*u*u)
		}
	}
	return min(max(n, 1), limit)
}

// gap draws the pause before the next turn: usually seconds, sometimes the
// user comes back minutes or hours later.
func (g *gen) gap() time.Duration {
	x := g.r.float()
	switch {
	case x < 0.01:
		return time.Duration(1+g.r.intn(20))*time.Hour + time.Duration(g.r.intn(3600))*time.Second
	case x < 0.07:
		return time.Duration(2+g.r.intn(28))*time.Minute + time.Duration(g.r.intn(60))*time.Second
	default:
		return time.Duration(8+g.r.intn(88)) * time.Second
	}
}

// appendTurns appends n turns of one conversation, in language lang, to
// all, and returns it with the last turn's time. Texts are shared corpus
// strings: nothing is allocated per turn beyond the backing array.
func (g *gen) appendTurns(all []Turn, bz *business, lang, n int, at time.Time) ([]Turn, time.Time) {
	start := len(all)
	push := func(p qa) {
		if len(all)-start >= n {
			return
		}
		if len(all) > start {
			at = at.Add(g.gap())
		}
		all = append(all, Turn{Query: p.q, Answer: p.a, At: at})
	}
	var used uint64    // topics already used, by index (at most 64 per language)
	fillerUpTo := 0.13 // raised once topics run out, to limit repeats
	if n >= 2 && g.r.chance(0.4) {
		push(qa{pick(g, greetQueries[lang]), bz.welcome[lang]})
	}
	for len(all)-start < n {
		x := g.r.float()
		switch {
		case x < 0.008:
			push(pick(g, bz.hostile))
		case x < 0.04:
			push(qa{pick(g, offTopicQueries[lang]), bz.fallback[lang]})
		case x < 0.046 && len(bz.long[lang]) > 0:
			push(pick(g, bz.long[lang]))
		case x < fillerUpTo && len(all) > start:
			push(pick(g, fillers[lang]))
		default:
			// Each topic once before any repeats: real users rarely ask the
			// same thing twice, but very long conversations run out.
			topics := bz.topics[lang]
			if bits.OnesCount64(used) >= len(topics) {
				used = 0
				fillerUpTo = 0.5
			}
			k := g.r.intn(len(topics) - bits.OnesCount64(used))
			for i := range topics {
				if used&(1<<i) != 0 {
					continue
				}
				if k == 0 {
					used |= 1 << i
					for _, p := range topics[i] {
						push(p)
					}
					break
				}
				k--
			}
		}
	}
	turns := all[start:]
	if n >= 3 && g.r.chance(0.35) {
		t := pick(g, thanks[lang])
		turns[n-1].Query, turns[n-1].Answer = t.q, t.a
	}
	for i := range turns {
		p := 0.02
		if i == len(turns)-1 {
			p = 0.06 // users often leave before the last reply arrives
		}
		if g.r.chance(p) {
			turns[i].Answer = ""
		}
	}
	return all, at
}

// pick returns a random element of xs (which must not be empty).
func pick[T any](g *gen, xs []T) T { return xs[g.r.intn(len(xs))] }

// rng wraps PCG and derives every draw from its Uint64 output only, with
// our own arithmetic, so the data never depends on how math/rand/v2
// implements IntN or Float64 in a given Go release: golden files stay put.
type rng struct{ p *rand.PCG }

func newRNG(seed uint64) rng { return rng{rand.NewPCG(seed, 0x9e3779b97f4a7c15)} }

func (r rng) u64() uint64 { return r.p.Uint64() }

// u64n returns a value in [0, n) (Lemire's multiply-high; the bias is
// below 2^-40 for the sizes used here).
func (r rng) u64n(n uint64) uint64 {
	hi, _ := bits.Mul64(r.p.Uint64(), n)
	return hi
}

func (r rng) intn(n int) int { return int(r.u64n(uint64(n))) }

func (r rng) float() float64 { return float64(r.p.Uint64()>>11) / (1 << 53) }

func (r rng) chance(p float64) bool { return r.float() < p }

// weighted returns an index of w with probability proportional to w[i].
func (r rng) weighted(w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	k := r.intn(total)
	for i, x := range w {
		if k < x {
			return i
		}
		k -= x
	}
	return len(w) - 1
}

// uuid returns a random version-4 uuid in canonical lowercase form.
func (r rng) uuid() string {
	var u [16]byte
	binary.LittleEndian.PutUint64(u[:8], r.u64())
	binary.LittleEndian.PutUint64(u[8:], r.u64())
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// userKey returns an opaque end-user key such as "u-3fa91c07b2d4": Stammer's
// user_key is whatever the integration passes, never personal data here.
func (r rng) userKey() string {
	const digits = "0123456789abcdef"
	x := r.u64()
	var b [14]byte
	b[0], b[1] = 'u', '-'
	for i := 2; i < len(b); i++ {
		b[i] = digits[x&15]
		x >>= 4
	}
	return string(b[:])
}
