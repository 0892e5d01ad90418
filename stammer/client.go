package stammer

import (
	"cmp"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stammer-mcp/stammer-mcp/gate"
	"github.com/stammer-mcp/stammer-mcp/redact"
)

// DefaultTimeout bounds one call (all its requests, including reading and
// decoding the body). MCP clients give up on tools after a minute or so;
// half of that leaves room to tell the model what happened.
const DefaultTimeout = 30 * time.Second

// DefaultMaxBodyBytes caps a response body. The list endpoint has no
// paging, so one unfiltered query can be very large; 256 MiB is far beyond
// any sensible answer yet small enough not to exhaust a desktop's memory.
const DefaultMaxBodyBytes int64 = 256 << 20

// defaultUserAgent identifies development builds; main passes
// "stammer-mcp/<version>".
const defaultUserAgent = "stammer-mcp/dev"

// DefaultMaxPages bounds the pages one call follows "next" links to. The
// API is not known to page at all; the cap keeps a misbehaving server from
// walking a call through thousands of requests.
const DefaultMaxPages = 50

// DefaultRetryBackoff is the base of the exponential backoff between
// attempts (see backoff), which maxBackoff caps.
const DefaultRetryBackoff = 500 * time.Millisecond

const maxBackoff = 8 * time.Second

// maxRedirects matches net/http's own default limit.
const maxRedirects = 10

// DefaultMaxConcurrent is how many calls may talk to the Stammer API at
// once, per process; others wait their turn, within their deadline. The
// body cap is per call: six calls at the cap would need six times the memory.
const DefaultMaxConcurrent = 4

// DefaultMaxInFlightBytes bounds the answer bytes read at once by all calls
// together. It is raised to MaxBodyBytes when that is larger, so that one
// call alone can always use its whole cap.
const DefaultMaxInFlightBytes int64 = 256 << 20

// Config configures a Client. The zero value is usable (it talks to
// app.stammer.ai) but has no token, so every call returns ErrNoToken.
type Config struct {
	// BaseURL is the API root as a person configures it
	// (STAMMER_BASE_URL); "" means DefaultBaseURL. See ParseBaseURL.
	BaseURL string
	// Token is the agency's API token (STAMMER_API_TOKEN), sent as
	// "Authorization: Token <token>". It may be empty: New succeeds and
	// every call then returns ErrNoToken without any request.
	Token string
	// Timeout is the deadline of each call; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxBodyBytes caps each call's answer (all pages together): the
	// bytes read, and the memory the decoded conversations take, which
	// can exceed their JSON (see DecodeList). 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// UserAgent is sent as User-Agent; "" means "stammer-mcp/dev".
	UserAgent string
	// HTTPClient sends the requests; nil means a dedicated client with
	// connection timeouts (never http.DefaultClient, which others may
	// have modified). A given client is copied, and its CheckRedirect
	// replaced, so that redirects to another host are still refused.
	HTTPClient *http.Client
	// Logger receives one debug line per request (method, path, query,
	// status, bytes, duration); nil discards. Headers and the token are
	// never logged.
	Logger *slog.Logger
	// MaxRetries is how many times a request is retried (see
	// shouldRetry): 2 means at most 3 attempts. 0 means no retries; main
	// sets the product's default (STAMMER_MAX_RETRIES).
	MaxRetries int
	// RetryBackoff is the base of the backoff between attempts; 0 means
	// DefaultRetryBackoff. Tests shorten it.
	RetryBackoff time.Duration
	// MaxConcurrent is how many calls may talk to the API at once; 0 means
	// DefaultMaxConcurrent.
	MaxConcurrent int
	// MaxInFlightBytes bounds the answer bytes read at once by all calls
	// together; a call that would pass it fails with *BusyError. 0 means
	// DefaultMaxInFlightBytes, and it is never below MaxBodyBytes.
	MaxInFlightBytes int64
	// MaxPages caps the pages one ListConversations call fetches; 0 means
	// DefaultMaxPages.
	MaxPages int
	// RetryAfter, when set, is told of every Retry-After the API sends
	// (with 429 or 503) as soon as it arrives, before the client waits it
	// out or gives up: replicas sharing a cache use it to make each other
	// wait instead of each learning it alone.
	RetryAfter func(time.Duration)
}

// Client calls Stammer's conversations API. It is safe for concurrent use
// and holds no state between calls.
type Client struct {
	base      BaseURL
	token     string
	timeout   time.Duration
	maxBody   int64
	userAgent string
	hc        *http.Client
	log       *slog.Logger
	retries   int
	backoff   time.Duration
	maxPages  int
	red       *redact.Redactor // removes the token from every text that leaves the client
	onWait    func(time.Duration)
	lim       *gate.Gate // the bounds shared by every call
}

// New validates cfg and returns a Client. Its errors are for the person
// configuring the server (a bad STAMMER_BASE_URL or token); they never
// contain the token.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	token, err := cleanToken(cfg.Token)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:      base,
		token:     token,
		timeout:   orDefault(cfg.Timeout, DefaultTimeout),
		maxBody:   orDefault(cfg.MaxBodyBytes, DefaultMaxBodyBytes),
		userAgent: cmp.Or(strings.TrimSpace(cfg.UserAgent), defaultUserAgent),
		log:       cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
		retries:   max(cfg.MaxRetries, 0),
		backoff:   orDefault(cfg.RetryBackoff, DefaultRetryBackoff),
		maxPages:  orDefault(cfg.MaxPages, DefaultMaxPages),
		red:       redact.New(token),
		onWait:    cfg.RetryAfter,
	}
	c.lim = gate.New(orDefault(cfg.MaxConcurrent, DefaultMaxConcurrent),
		max(orDefault(cfg.MaxInFlightBytes, DefaultMaxInFlightBytes), c.maxBody))
	if cfg.HTTPClient == nil {
		c.hc = NewHTTPClient()
	} else {
		hc := *cfg.HTTPClient
		c.hc = &hc
	}
	c.hc.CheckRedirect = c.checkRedirect
	return c, nil
}

// orDefault is v when set, else def (settings are positive; 0 means unset).
func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// cleanToken trims the token and drops a pasted "Token " prefix (people
// copy the whole header from the docs). A token with spaces, quotes or
// control characters inside is refused: net/http would reject the header
// anyway, with a less helpful message.
func cleanToken(t string) (string, error) {
	t = strings.TrimSpace(t)
	if len(t) > 6 && strings.EqualFold(t[:6], "token ") {
		t = strings.TrimSpace(t[6:])
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c <= ' ' || c >= 0x7f || c == '"' {
			return "", errors.New("STAMMER_API_TOKEN contains spaces, quotes, control or non-ASCII characters; set it to the token alone, as shown in Stammer's dashboard")
		}
	}
	return t, nil
}

// NewHTTPClient builds the client used when Config.HTTPClient is nil (the
// default transport's proxy and HTTP/2 settings with bounded dial, TLS and
// idle times), for callers that wrap its transport. The overall deadline
// comes from the per-call context, not Client.Timeout.
func NewHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 10 * time.Second
	tr.IdleConnTimeout = 90 * time.Second
	tr.MaxIdleConnsPerHost = 4
	return &http.Client{Transport: tr}
}

// WrapTransport returns a copy of hc (NewHTTPClient() when nil) whose
// transport is wrap(its transport), so that the layers callers add (a
// body recorder, CA roots loaded on first use) keep the client's settings.
func WrapTransport(hc *http.Client, wrap func(next http.RoundTripper) http.RoundTripper) *http.Client {
	if hc == nil {
		hc = NewHTTPClient()
	}
	c := *hc
	if c.Transport == nil {
		c.Transport = http.DefaultTransport
	}
	c.Transport = wrap(c.Transport)
	return &c
}

// HasToken reports whether a token is configured.
func (c *Client) HasToken() bool { return c.token != "" }

// Host returns the configured host (with port, if one was given), for
// messages such as "the token was refused by app.stammer.ai".
func (c *Client) Host() string { return c.base.Host }

// ConversationsURL returns the list endpoint's full URL without a query,
// e.g. https://app.stammer.ai/en/chatbot/api/v1/conversations/.
func (c *Client) ConversationsURL() string {
	return c.base.endpointURL("chatbot/api/v1/conversations/")
}

func (c *Client) conversationURL(uuid string) string {
	return c.base.endpointURL("chatbot/api/v1/conversation/" + url.PathEscape(uuid) + "/")
}

// errCallTimeout ends a call at our own Timeout, to tell it from a shorter
// deadline the caller set.
var errCallTimeout = errors.New("stammer: call timeout")

// start begins a call, holding its share of the process-wide limits until
// done.
func (c *Client) start(ctx context.Context) (context.Context, func(), error) {
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout, errCallTimeout)
	release, err := c.lim.Acquire(ctx)
	if err != nil {
		cancel()
		if errors.Is(err, context.DeadlineExceeded) { // the call's time ran out while it waited
			err = &BusyError{Limit: int64(c.lim.Turns())}
		}
		return nil, nil, err
	}
	return ctx, func() { release(); cancel() }, nil
}

// ListConversations validates q, sends it to the conversations endpoint and
// decodes the answer. "next" pages on the same scheme and host are fetched
// and joined (within the same deadline and body cap), up to the page cap;
// ListResult.Truncated says why a walk stopped early. A callback set with
// WithProgress hears about each page and about long pages as they are read.
//
// Errors: ErrNoToken; *QueryError (nothing sent); *APIError for a non-2xx
// status; *BodyTooLargeError; *DecodeError; otherwise a transport error
// naming the host, for which errors.Is(err, context.DeadlineExceeded)
// reports a timeout. No error contains the token. Attempts reports how
// many requests the failing one took.
func (c *Client) ListConversations(ctx context.Context, q Query) (*ListResult, error) {
	if c.token == "" {
		return nil, ErrNoToken
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	ctx, done, err := c.start(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	prog := newProgressor(ctx)

	link := c.ConversationsURL() + "?" + q.Values().Encode()
	seen := map[string]bool{link: true}
	var (
		total *ListResult
		keys  map[convKey]struct{} // identities joined so far, from page 2 on
	)
	for page := 1; ; page++ {
		// The cap holds for every page together: bytes read, and memory
		// kept.
		budget, keep := c.maxBody, c.maxBody
		if total != nil {
			budget -= total.Bytes
			keep -= total.DecodedBytes
			if budget <= 0 || keep <= 0 {
				return nil, &BodyTooLargeError{Limit: c.maxBody}
			}
		}
		var res *ListResult
		err := c.get(ctx, link, budget, func(r io.Reader, limit int64) (int64, error) {
			var hook itemHook
			if prog != nil {
				hook = prog.during(page, total)
			}
			var err error
			if res, err = decodeBody(r, limit, keep, hook, false); err != nil {
				return 0, err
			}
			return res.Bytes, nil
		})
		if err != nil {
			return nil, err
		}
		if total == nil {
			total = res
		} else {
			if keys == nil {
				keys = make(map[convKey]struct{}, 2*len(total.Conversations))
				for i := range total.Conversations {
					if k, ok := keyOf(&total.Conversations[i]); ok {
						keys[k] = struct{}{}
					}
				}
			}
			fresh, dups := dedupe(res.Conversations, keys)
			total.Bytes += res.Bytes
			total.DecodedBytes += res.DecodedBytes
			total.Next = res.Next
			if dups > 0 && len(fresh) == 0 {
				// Nothing but conversations already read: the link led
				// back to a page we have, however it was spelt.
				total.Truncated = TruncatedLoop
				c.logStop(ctx, total)
				break
			}
			total.Conversations = append(total.Conversations, fresh...)
			total.Duplicates += dups
			total.Skipped += res.Skipped
			if res.Count >= 0 {
				total.Count = res.Count
			}
		}
		total.Pages = page
		if prog != nil {
			prog.pageDone(page, total)
		}
		if res.Next == "" {
			break
		}
		u, ok := c.followable(res.Next)
		switch {
		case !ok:
			total.Truncated = TruncatedOtherHost
		case seen[u]:
			total.Truncated = TruncatedLoop
		case page >= c.maxPages:
			total.Truncated = TruncatedPageCap
		}
		if total.Truncated != "" {
			// Leave total.Next set: the caller sees there is more.
			c.logStop(ctx, total)
			break
		}
		seen[u] = true
		link = u
	}
	total.Message = c.red.Redact(total.Message)
	for i := range total.Conversations {
		cleanFields(&total.Conversations[i], c.red)
	}
	return total, nil
}

func (c *Client) logStop(ctx context.Context, total *ListResult) {
	c.log.LogAttrs(ctx, slog.LevelWarn, "stammer: not following the API's next link",
		slog.String("reason", string(total.Truncated)), slog.Int("pages", total.Pages),
		slog.Int("conversations", len(total.Conversations)))
}

type convKey struct {
	id   int64
	uuid string
}

// keyOf returns a conversation's identity: its uuid, else its id; ok is
// false when it has neither (it is then never taken for a duplicate).
func keyOf(c *Conversation) (convKey, bool) {
	if c.UUID != "" {
		return convKey{uuid: strings.ToLower(c.UUID)}, true
	}
	return convKey{id: c.ID}, c.ID != 0
}

// Seen remembers conversations by uuid, else id, so that answers to
// several queries can be joined without counting one conversation twice
// (a policy may list one chatbot by its id and by its uuid).
type Seen map[convKey]struct{}

// Fresh returns the conversations of cs not seen before, and how many
// were dropped as repeats.
func (s Seen) Fresh(cs []Conversation) ([]Conversation, int) { return dedupe(cs, s) }

// dedupe drops the conversations of a later page already in keys (offset
// paging repeats one when new conversations arrive during the walk) and
// adds the rest to keys.
func dedupe(cs []Conversation, keys map[convKey]struct{}) (fresh []Conversation, dups int) {
	fresh = cs[:0:0]
	for i := range cs {
		if k, ok := keyOf(&cs[i]); ok {
			if _, seen := keys[k]; seen {
				dups++
				continue
			}
			keys[k] = struct{}{}
		}
		fresh = append(fresh, cs[i])
	}
	return fresh, dups
}

// followable resolves a "next" link against the endpoint and accepts it
// only on the configured origin (the token goes with it).
func (c *Client) followable(link string) (string, bool) {
	base, err := url.Parse(c.ConversationsURL())
	if err != nil {
		return "", false
	}
	ref, err := url.Parse(link)
	if err != nil {
		return "", false
	}
	u := base.ResolveReference(ref)
	u.Fragment, u.RawFragment = "", ""
	// One spelling per query (sorted), so a loop is seen however the
	// server orders its parameters.
	u.RawQuery = u.Query().Encode()
	if !c.sameOrigin(u) {
		return "", false
	}
	return u.String(), true
}

// GetConversation fetches one conversation by its uuid from
// {base}/{lang}/chatbot/api/v1/conversation/<uuid>/. The uuid is checked
// first (a *QueryError for Param "conversation_uuid", nothing sent). Other
// errors are as for ListConversations; a conversation that does not exist
// is an *APIError with Status 404.
func (c *Client) GetConversation(ctx context.Context, uuid string) (*Conversation, error) {
	if c.token == "" {
		return nil, ErrNoToken
	}
	if !IsUUID(uuid) {
		return nil, &QueryError{
			Param:   "conversation_uuid",
			Value:   uuid,
			Problem: "is not a uuid, got " + quoteValue(uuid),
			Fix:     "Use the conversation's uuid as listed, 8-4-4-4-12 hex digits, e.g. 12345678-1234-5678-1234-567812345678.",
		}
	}
	ctx, done, err := c.start(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	var res *ListResult
	// Django's <uuid:> path converter matches lower case only. The reader
	// is List's page reader without progress, keeping the whole body.
	err = c.get(ctx, c.conversationURL(strings.ToLower(uuid)), c.maxBody, func(r io.Reader, limit int64) (int64, error) {
		var err error
		if res, err = decodeBody(r, limit, limit, nil, true); err != nil {
			return 0, err
		}
		return res.Bytes, nil
	})
	if err != nil {
		return nil, err
	}
	conv := &res.Conversations[0]
	cleanFields(conv, c.red)
	return conv, nil
}
