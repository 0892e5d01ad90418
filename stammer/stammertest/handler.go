package stammertest

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// dataset is the server's immutable view of its fixtures.
type dataset struct {
	convs      []Conversation           // newest first
	byUUID     map[string]*Conversation // by lowercase uuid
	botsByID   map[int64]Chatbot
	botsByUUID map[string]Chatbot // by lowercase uuid
}

func newDataset(cs []Conversation) *dataset {
	d := &dataset{
		convs:      slices.Clone(cs),
		byUUID:     make(map[string]*Conversation, len(cs)),
		botsByID:   map[int64]Chatbot{},
		botsByUUID: map[string]Chatbot{},
	}
	// Newest first, as the product's listing expects; ties by id, newest
	// first, so the order is total and tests are stable.
	slices.SortStableFunc(d.convs, func(a, b Conversation) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		switch {
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
	addBot := func(b Chatbot) {
		if b.ID != 0 {
			if _, ok := d.botsByID[b.ID]; !ok {
				d.botsByID[b.ID] = b
			}
		}
		if b.UUID != "" {
			if _, ok := d.botsByUUID[strings.ToLower(b.UUID)]; !ok {
				d.botsByUUID[strings.ToLower(b.UUID)] = b
			}
		}
	}
	for _, b := range chatbots {
		addBot(b)
	}
	for i := range d.convs {
		c := &d.convs[i]
		if c.UUID != "" {
			d.byUUID[strings.ToLower(c.UUID)] = c
		}
		addBot(Chatbot{ID: c.ChatbotID, UUID: c.ChatbotUUID})
	}
	return d
}

// owns reports whether conversation c belongs to chatbot b.
func owns(b Chatbot, c *Conversation) bool {
	return (b.ID != 0 && c.ChatbotID == b.ID) || (b.UUID != "" && strings.EqualFold(c.ChatbotUUID, b.UUID))
}

// Paths.
type pathKind int

const (
	pathUnknown pathKind = iota
	pathList             // /{lang}/chatbot/api/v1/conversations/
	pathOne              // /{lang}/chatbot/api/v1/conversation/{uuid}/
)

// matchPath resolves a URL path like Django's URLconf would: any two
// lowercase letters as the language prefix (white-label hosts use /pt/,
// /es/, ...), trailing slashes required, and for the retrieve endpoint a
// lowercase canonical uuid (Django's <uuid:> converter); anything else does
// not resolve.
func matchPath(p string) (pathKind, string) {
	if len(p) < 4 || p[0] != '/' || !isLowerASCII(p[1]) || !isLowerASCII(p[2]) || p[3] != '/' {
		return pathUnknown, ""
	}
	rest, ok := strings.CutPrefix(p[3:], "/chatbot/api/v1/")
	if !ok {
		return pathUnknown, ""
	}
	if rest == "conversations/" {
		return pathList, ""
	}
	if u, ok := strings.CutPrefix(rest, "conversation/"); ok {
		if u, ok := strings.CutSuffix(u, "/"); ok && isUUID(u, false) {
			return pathOne, u
		}
	}
	return pathUnknown, ""
}

func isLowerASCII(c byte) bool { return c >= 'a' && c <= 'z' }

// isUUID reports whether s is a canonical 8-4-4-4-12 hex uuid; upper-case
// hex digits are accepted only if upper is true.
func isUUID(s string, upper bool) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case upper && c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// notFoundPage is what a Django site serves for an unknown path: a web page,
// not JSON. A white-label base URL that points at a marketing site, or a
// wrong language prefix, produces exactly this.
const notFoundPage = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Page not found</title>
  <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;color:#333}</style>
</head>
<body>
  <h1>Page not found</h1>
  <p>Sorry, the page you are looking for does not exist or has been moved.</p>
  <p><a href="/">Back to the home page</a></p>
</body>
</html>
`

func htmlNotFound() response {
	h := http.Header{}
	h.Set("Content-Type", "text/html; charset=utf-8")
	return response{status: http.StatusNotFound, header: h, body: []byte(notFoundPage)}
}

// jsonResponse builds a DRF-like JSON answer. Allow and Vary are what DRF
// sends on every APIView response.
func jsonResponse(status int, body []byte) response {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Allow", "GET, HEAD")
	h.Set("Vary", "Accept, Cookie")
	return response{status: status, header: h, body: body}
}

// jsonMessage answers {key: msg}.
func jsonMessage(status int, key, msg string) response {
	b := append([]byte(`{"`), key...)
	b = append(b, `":`...)
	b = appendString(b, msg)
	return jsonResponse(status, append(b, '}'))
}

// route answers a request in Django's order: URL resolution (unknown path:
// HTML 404, whatever the credentials), then DRF's authentication, then the
// method check, then the view.
func (s *Server) route(r *http.Request) response {
	kind, uuid := matchPath(r.URL.Path)
	if kind == pathUnknown {
		return htmlNotFound()
	}
	if res, ok := s.authenticate(r); !ok {
		return res
	}
	// HEAD is served like GET (Django does so for every GET view); the
	// body is dropped by net/http.
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return jsonMessage(http.StatusMethodNotAllowed, "detail", `Method "`+r.Method+`" not allowed.`)
	}
	shape, style, paging := s.current()
	if kind == pathOne {
		c, ok := s.data.byUUID[uuid]
		if !ok {
			return jsonMessage(http.StatusNotFound, "detail", "Not found.")
		}
		return jsonResponse(http.StatusOK, encodeOne(c, style))
	}
	return s.list(r, shape, style, paging)
}

// authenticate enforces "Authorization: Token <token>" exactly. The
// messages are DRF TokenAuthentication's. DRF itself would accept the
// keyword in any case; the fake insists on the documented "Token" so a
// client that spells it otherwise is caught.
func (s *Server) authenticate(r *http.Request) (response, bool) {
	fail := func(msg string) (response, bool) {
		res := jsonMessage(http.StatusUnauthorized, "detail", msg)
		res.header.Set("WWW-Authenticate", "Token")
		return res, false
	}
	h := r.Header.Get("Authorization")
	keyword, cred, found := strings.Cut(h, " ")
	switch {
	case h == "" || !strings.EqualFold(keyword, "Token"):
		// DRF ignores other schemes (Bearer, Basic): no credentials.
		return fail("Authentication credentials were not provided.")
	case !found || cred == "":
		return fail("Invalid token header. No credentials provided.")
	case strings.ContainsAny(cred, " \t"):
		return fail("Invalid token header. Token string should not contain spaces.")
	case keyword != "Token" || subtle.ConstantTimeCompare([]byte(cred), []byte(s.cfg.token)) != 1:
		return fail("Invalid token.")
	}
	return response{}, true
}

// lastValue returns the parameter's value as Django's QueryDict.get does
// (the last one), and whether it is set to something non-empty (Django
// forms treat an empty value as absent).
func lastValue(q url.Values, key string) (string, bool) {
	v := q[key]
	if len(v) == 0 {
		return "", false
	}
	last := v[len(v)-1]
	return last, last != ""
}

// positiveInt parses a strictly positive decimal integer (digits only).
func positiveInt(s string) (int64, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// parseBool accepts the spellings of DRF's BooleanField.
func parseBool(s string) (value, ok bool) {
	switch s {
	case "true", "True", "TRUE", "t", "T", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "1":
		return true, true
	case "false", "False", "FALSE", "f", "F", "no", "No", "NO", "n", "N", "off", "Off", "OFF", "0":
		return false, true
	}
	return false, false
}

// parseDate accepts only YYYY-MM-DD calendar dates (2026-02-30 is refused).
func parseDate(s string) (time.Time, bool) {
	if len(s) != 10 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// badRequest answers 400 {"message": msg}; every message names the
// parameter at fault, so the product can relay it to the model.
func badRequest(msg string) response { return jsonMessage(http.StatusBadRequest, "message", msg) }

// list serves the conversations endpoint: validation, then the filters,
// then (when paging is on) the page.
func (s *Server) list(r *http.Request, sh Shape, st Style, pg Paging) response {
	q := r.URL.Query()
	idStr, haveID := lastValue(q, "chatbot_id")
	uuidStr, haveUUID := lastValue(q, "chatbot_uuid")
	if haveID && haveUUID {
		return badRequest("Provide either chatbot_id or chatbot_uuid, not both.")
	}
	var (
		bot     Chatbot
		haveBot bool
	)
	if haveID {
		id, ok := positiveInt(idStr)
		if !ok {
			return badRequest("chatbot_id must be a positive integer.")
		}
		bot, haveBot = s.data.botsByID[id]
		if !haveBot {
			bot = Chatbot{ID: id} // resolved to 404 after validation
		}
	}
	if haveUUID {
		if !isUUID(uuidStr, true) {
			return badRequest("chatbot_uuid must be a valid UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).")
		}
		bot, haveBot = s.data.botsByUUID[strings.ToLower(uuidStr)]
	}

	// Both dates are inclusive UTC calendar days: CreatedAt in [from, endDay+1).
	var from, endDay time.Time
	var haveStart, haveEnd bool
	for _, d := range [...]struct {
		name string
		day  *time.Time
		have *bool
	}{{"startDate", &from, &haveStart}, {"endDate", &endDay, &haveEnd}} {
		v, ok := lastValue(q, d.name)
		if !ok {
			continue
		}
		if *d.day, ok = parseDate(v); !ok {
			return badRequest(d.name + " must be a valid date in YYYY-MM-DD format.")
		}
		*d.have = true
	}
	if haveStart && haveEnd && from.After(endDay) {
		return badRequest("startDate should not be later than endDate.")
	}
	to := endDay.AddDate(0, 0, 1)

	platform, havePlatform := lastValue(q, "sourcePlatform")
	if havePlatform && !slices.Contains(Platforms, platform) {
		return badRequest("sourcePlatform must be one of: " + strings.Join(Platforms, ", ") + " (case-sensitive); got " + strconv.Quote(platform) + ".")
	}

	delStr, haveDel := lastValue(q, "onlyDeletedConversations")
	if !haveDel {
		return badRequest("onlyDeletedConversations is required (true or false).")
	}
	onlyDeleted, ok := parseBool(delStr)
	if !ok {
		return badRequest("onlyDeletedConversations must be a boolean (true or false).")
	}

	var number int64
	if numStr, haveNum := lastValue(q, "conversation_number"); haveNum {
		if number, ok = positiveInt(numStr); !ok {
			return badRequest("conversation_number must be a positive integer.")
		}
	}

	if (haveID || haveUUID) && !haveBot {
		return jsonMessage(http.StatusNotFound, "message", "Chatbot not found.")
	}

	out := make([]*Conversation, 0, 64)
	for i := range s.data.convs {
		c := &s.data.convs[i]
		switch {
		case haveBot && !owns(bot, c),
			haveStart && c.CreatedAt.Before(from),
			haveEnd && !c.CreatedAt.Before(to),
			havePlatform && c.Platform != platform,
			number != 0 && c.Number != number,
			onlyDeleted && !c.Deleted,
			!onlyDeleted && c.Deleted && !s.cfg.allOnNotDeleted:
			continue
		}
		out = append(out, c)
	}
	if pg.Size > 0 {
		return s.page(r, out, st, pg)
	}
	return jsonResponse(http.StatusOK, encodeList(out, sh, st))
}

// page answers one DRF page of out. Links keep the request's query, with
// page set, on this server or on pg.LinkBase.
func (s *Server) page(r *http.Request, out []*Conversation, st Style, pg Paging) response {
	n := int64(1)
	if v, ok := lastValue(r.URL.Query(), "page"); ok {
		var valid bool
		if n, valid = positiveInt(v); !valid {
			return jsonMessage(http.StatusNotFound, "detail", "Invalid page.")
		}
	}
	pages := max((int64(len(out))+int64(pg.Size)-1)/int64(pg.Size), 1)
	if n > pages {
		return jsonMessage(http.StatusNotFound, "detail", "Invalid page.")
	}
	base := s.URL
	if pg.LinkBase != "" {
		base = strings.TrimSuffix(pg.LinkBase, "/")
	}
	link := func(page int64) string {
		q := r.URL.Query()
		q.Set("page", strconv.FormatInt(page, 10))
		return base + r.URL.Path + "?" + q.Encode()
	}
	var next, prev string
	switch {
	case pg.Loop:
		next = link(1)
	case n < pages:
		next = link(n + 1)
	}
	if n > 1 {
		prev = link(n - 1)
	}
	lo := min(int((n-1)*int64(pg.Size)), len(out))
	hi := min(lo+pg.Size, len(out))
	return jsonResponse(http.StatusOK, encodePage(out[lo:hi], len(out), next, prev, st))
}
