package tools

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
)

// The word lists insights use. They were written for this project (short,
// hand-picked lists of the most frequent function words and chat
// formulas), so they carry the project's own licence; docs/insights.md says
// so. They are small on purpose: a word missing here only makes a term
// list a little noisier.

// stopWordLists are function words per language (in langNames order),
// removed from top terms and from the words that group questions.
var stopWordLists = [len(langNames)]string{
	// en
	`a about above after again all am an and any are as at be because been before being below between both but by can could
		did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its
		itself just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than
		that the their theirs them then there these they this those through to too under until up very was we were what when where which
		while who whom why will with would you your yours im ive id youre dont cant wont isnt arent didnt doesnt thats whats hows theres
		please pls get got also ok okay yes yeah much many`,
	// es
	`a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas ellos en entre
		era eres es esa esas ese eso esos esta estas este esto estos estoy fue ha hay la las le les lo los mas me mi mis mucho muy
		nada ni no nos nosotros o os otra otro para pero poco por porque que quien se sea ser si sin sobre son su sus tambien te tiene
		tengo tu tus un una uno unos usted ustedes y ya yo puedo puede quiero hola gracias buenas buenos dias tardes noches vale`,
	// pt
	`a ao aos as ate com como da das de dela dele deles depois do dos e ela elas ele eles em entre era essa esse esta este eu
		foi ha isso isto ja lhe mais mas me meu minha muito na nao nas nem no nos o os ou para pela pelo por qual quando que quem se sem
		ser seu sua tambem te tem tenho ter um uma voce voces vos posso pode quero ola obrigado obrigada bom dia tarde boa noite sim`,
	// fr
	`a au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme mes moi mon ne nos notre
		nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y est sont ai
		as avez ont suis etre avoir fait peux peut veux voudrais bonjour bonsoir merci salut oui non`,
	// de
	`aber alle als am an auch auf aus bei bin bis bist da dann das dass dein deine dem den der des die doch du ein eine einem
		einen einer er es fur hab habe haben hat ich ihr im in ist ja kann konnen mein meine mit nach nicht noch nur oder sie sind so
		uber um und uns von vor war was weil wie wir wird zu zum zur gibt mochte hallo danke bitte guten tag morgen abend`,
}

// langNames are the languages with stop-word lists, in a fixed order that
// also breaks ties when guessing a message's language.
var langNames = [...]string{"en", "es", "pt", "fr", "de"}

// greetings are chat formulas that carry no question; a message made only
// of these and stop words is not counted among top questions.
const greetings = `hi hello hey hola ola oi bonjour salut hallo thanks thank thx gracias obrigado obrigada merci danke bye adios tchau ciao
	good morning afternoon evening night buenos buenas bom boa bonsoir tag guten morgen`

// defaultFallbacks are phrases bots use when they cannot help, in the
// languages of the fixtures and of Stammer's users. An operator can replace
// them with a file (STAMMER_FALLBACK_PHRASES_FILE, one phrase a line).
var defaultFallbacks = []string{
	// English
	"i don't know", "i do not know", "i'm not sure", "i am not sure", "i can't help", "i cannot help", "i'm unable to", "i am unable to",
	"i'm not able to", "i am not able to", "i couldn't find", "i could not find", "i don't have information", "i don't have that information",
	"i don't have any information", "i do not have information", "i don't understand", "i didn't understand", "could you rephrase",
	"can you rephrase", "outside my knowledge", "please contact", "contact our team", "contact support", "reach out to our",
	// Spanish ("no sé" alone would also match "no se …" once accents are folded, so its usual contexts are listed)
	"no lo sé", "lo siento, no sé", "no sé la respuesta", "no sé responder", "no sé decirte", "no sé qué", "no tengo información",
	"no tengo esa información", "no dispongo de información", "no estoy seguro", "no estoy segura", "no puedo ayudar",
	"no puedo ayudarte", "no puedo ayudarle", "no puedo ayudarte con eso", "no entiendo", "no he entendido", "póngase en contacto",
	"ponte en contacto", "contacte", "contacta con", "comuníquese con",
	// Portuguese
	"não sei", "não tenho informação", "não tenho informações", "não tenho essa informação", "não tenho certeza", "não posso ajudar",
	"não consigo ajudar", "não entendi", "entre em contato", "entre em contacto", "contacte-nos", "fale com a nossa equipe",
	// French
	"je ne sais pas", "je ne suis pas sûr", "je ne suis pas sûre", "je n'ai pas d'information", "je n'ai pas d'informations",
	"je n'ai pas cette information", "je ne peux pas vous aider", "je ne peux pas t'aider", "je n'ai pas compris", "je ne comprends pas",
	"veuillez contacter", "contactez",
	// German
	"ich weiß nicht", "weiß ich nicht", "das weiß ich nicht", "ich bin mir nicht sicher", "keine informationen",
	"ich kann ihnen nicht helfen", "ich kann dir nicht helfen", "ich kann nicht helfen", "ich habe das nicht verstanden",
	"wenden sie sich", "kontaktieren sie", "nehmen sie kontakt",
}

// Word flags in lexicon.info: the language bits (langNames order) come
// first, then what the word does in a message.
const (
	flagStop        = 1 << 6  // a function word of some language
	flagGreeting    = 1 << 7  // a greeting, thanks or ack: never a question on its own
	flagAskFirst    = 1 << 8  // a question word, when it starts a message
	flagAskAnywhere = 1 << 9  // a request or problem word
	flagFiller      = 1 << 10 // no topic: left out of question groups
	flagHowMuch     = 1 << 11 // asks "how much" on its own
	flagTime        = 1 << 12 // asks "how long" with a how-much word
)

// lexicon is the hashed form of the lists, built once.
type lexicon struct {
	// info answers every question about a word in one map lookup: the hot
	// loop reads it once per word.
	info map[uint64]uint16
	// concept maps a word's stem to its concept's (concepts.go); filler
	// holds the stems of fillers, which no question is about.
	concept map[uint64]uint64
	filler  map[uint64]bool
	// price is PRICE's hash; how, much, wie, viel are the words of the
	// two-word "how much" questions.
	price, how, much, wie, viel uint64
	// firstBits is a 64-bit filter of the phrases' first words, checked
	// before the phrases map.
	firstBits uint64
	// phrases maps a fallback phrase's first word to the phrases' words, so
	// an answer is checked in one pass over its words.
	phrases map[uint64][][]uint64
}

// newLexicon hashes the lists; fallbacks nil means the defaults.
func newLexicon(fallbacks []string) *lexicon {
	l := &lexicon{info: map[uint64]uint16{}, concept: map[uint64]uint64{}, filler: map[uint64]bool{}}
	for i, list := range stopWordLists {
		for _, w := range strings.Fields(list) {
			l.info[hashWord(w)] |= 1<<i | flagStop
		}
	}
	for _, list := range []struct {
		words string
		flag  uint16
	}{
		{greetings, flagGreeting}, {acks, flagGreeting}, {askFirst, flagAskFirst}, {askAnywhere, flagAskAnywhere},
		{fillers, flagFiller}, {howMuch, flagHowMuch}, {timeWords, flagTime},
	} {
		for _, w := range strings.Fields(list.words) {
			l.info[hashWord(w)] |= list.flag
		}
	}
	for _, cn := range concepts {
		c := conceptHash(cn.name)
		for _, w := range strings.Fields(cn.words) {
			l.concept[stem(w)] = c
		}
	}
	// Question words, request words and "how much" words are not topics.
	for _, list := range []string{fillers, askFirst, askAnywhere, howMuch} {
		for _, w := range strings.Fields(list) {
			l.filler[stem(w)] = true
		}
	}
	l.price = conceptHash("PRICE")
	l.how, l.much, l.wie, l.viel = hashWord("how"), hashWord("much"), hashWord("wie"), hashWord("viel")
	if fallbacks == nil {
		fallbacks = defaultFallbacks
	}
	l.phrases = map[uint64][][]uint64{}
	for _, f := range fallbacks {
		ws := tokenize(f, nil)
		if len(ws) == 0 {
			continue
		}
		seq := make([]uint64, len(ws))
		for i, w := range ws {
			seq[i] = w.h
		}
		l.phrases[seq[0]] = append(l.phrases[seq[0]], seq)
		l.firstBits |= 1 << (seq[0] & 63)
	}
	return l
}

// conceptHash is a concept's topic word: apart from every word's stem,
// with the top bit set unless it is a context concept (isConcept).
func conceptHash(name string) uint64 {
	h := stem(name) ^ 0x9e3779b97f4a7c15
	switch {
	case slices.Contains(contextConcepts[:], name):
		return h &^ (1 << 63)
	case slices.Contains(genericConcepts[:], name):
		return h | 3<<62
	}
	return (h | 1<<63) &^ (1 << 62)
}

// LoadFallbacks reads an operator's fallback phrase file: one phrase a
// line, blank lines and lines starting with # ignored.
func LoadFallbacks(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no phrases", path)
	}
	return out, nil
}

// isFallback reports whether an answer's words contain a fallback phrase.
// Matching words, not bytes, makes it one pass per answer whatever the
// number of phrases, and forgives case, accents and apostrophes.
func (l *lexicon) isFallback(ws []word) bool {
	for i, w := range ws {
		if l.firstBits&(1<<(w.h&63)) == 0 {
			continue
		}
		for _, seq := range l.phrases[w.h] {
			if i+len(seq) > len(ws) {
				continue
			}
			ok := true
			for j := 1; j < len(seq); j++ {
				if ws[i+j].h != seq[j] {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}
