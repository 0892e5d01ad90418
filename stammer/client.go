package stammer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

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

// DefaultMaxPages bounds how many pages one call fetches by following
// "next" links. The API is not known to page at all; the cap keeps a
// misbehaving server from walking a call through thousands of requests.
const DefaultMaxPages = 50

// DefaultRetryBackoff is the base of the exponential backoff between
// attempts: the wait before attempt n+1 is uniformly random in
// [0, DefaultRetryBackoff·2ⁿ⁻¹] ("full jitter"), capped at maxBackoff.
const DefaultRetryBackoff = 500 * time.Millisecond

// maxBackoff caps one backoff wait (before jitter).
const maxBackoff = 8 * time.Second

// maxRedirects matches net/http's own default limit.
const maxRedirects = 10

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
	// can exceed their JSON (see DecodeList). Past either, the call fails
	// with *BodyTooLargeError; a declared Content-Length over it is
	// refused before reading. 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// UserAgent is sent as User-Agent; "" means "stammer-mcp/dev".
	UserAgent string
	// HTTPClient sends the requests; nil means a dedicated client with
	// connection timeouts (never http.DefaultClient, which others may
	// have modified). A given client is copied, and its CheckRedirect is
	// wrapped so that redirects to another host are still refused.
	HTTPClient *http.Client
	// Logger receives one debug line per request (method, path, query,
	// status, bytes, duration); nil discards. Headers and the token are
	// never logged.
	Logger *slog.Logger
	// MaxRetries is how many times a request is retried after 429, 502,
	// 503, 504 or a dropped connection (a reset, or a connection closed
	// before the answer was complete), with exponential backoff and full
	// jitter, honouring Retry-After (seconds or an HTTP date) when it fits
	// in the call's remaining time. Other statuses are never retried.
	// MaxRetries 2 means at most 3 attempts. 0 (the zero value) means no
	// retries; main sets the product's default (STAMMER_MAX_RETRIES).
	MaxRetries int
	// RetryBackoff is the base of the backoff between attempts; 0 means
	// DefaultRetryBackoff. Tests shorten it.
	RetryBackoff time.Duration
	// MaxConcurrent is how many calls may talk to the API at once; the
	// others wait, within their own deadline, and a call cancelled while
	// waiting sends nothing. 0 means DefaultMaxConcurrent.
	MaxConcurrent int
	// MaxInFlightBytes bounds the answer bytes read at once by all calls
	// together; a call that would pass it fails with *BusyError. 0 means
	// DefaultMaxInFlightBytes, and it is never below MaxBodyBytes.
	MaxInFlightBytes int64
	// MaxPages caps how many pages one ListConversations call fetches by
	// following "next" links; 0 means DefaultMaxPages. When the cap stops
	// the walk, ListResult.Truncated says so.
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
	// red removes the token from every text that leaves the client.
	red    *redact.Redactor
	onWait func(time.Duration)
	// lim holds the bounds shared by every call of this client.
	lim *limits
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
		timeout:   cfg.Timeout,
		maxBody:   cfg.MaxBodyBytes,
		userAgent: strings.TrimSpace(cfg.UserAgent),
		log:       cfg.Logger,
		retries:   max(cfg.MaxRetries, 0),
		backoff:   cfg.RetryBackoff,
		maxPages:  cfg.MaxPages,
		red:       redact.New(token),
		onWait:    cfg.RetryAfter,
	}
	if c.backoff <= 0 {
		c.backoff = DefaultRetryBackoff
	}
	if c.maxPages <= 0 {
		c.maxPages = DefaultMaxPages
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	if c.userAgent == "" {
		c.userAgent = defaultUserAgent
	}
	conc, budget := cfg.MaxConcurrent, cfg.MaxInFlightBytes
	if conc <= 0 {
		conc = DefaultMaxConcurrent
	}
	if budget <= 0 {
		budget = DefaultMaxInFlightBytes
	}
	c.lim = newLimits(conc, max(budget, c.maxBody))
	if strings.ContainsFunc(c.userAgent, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return nil, errors.New("stammer: Config.UserAgent contains control characters")
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		c.hc = NewHTTPClient()
	} else {
		hc := *cfg.HTTPClient
		c.hc = &hc
	}
	prev := c.hc.CheckRedirect
	c.hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := c.checkRedirect(req, via); err != nil {
			return err
		}
		if prev != nil {
			return prev(req, via)
		}
		return nil
	}
	return c, nil
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

// redirectError is a redirect the client refused to follow.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// checkRedirect follows redirects only within the configured host and
// scheme: the Authorization header goes with a redirect, and the token
// must never reach another host or travel unencrypted.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return &redirectError{fmt.Sprintf("the Stammer API at %s redirected more than %d times", c.base.Host, maxRedirects)}
	}
	if !c.sameOrigin(req.URL) {
		return &redirectError{fmt.Sprintf(
			"the Stammer API at %s redirected to %s; not following it, so that the token is not sent to another host (check STAMMER_BASE_URL)",
			c.base.Host, quoteValue(req.URL.Scheme+"://"+req.URL.Host))}
	}
	return nil
}

// sameOrigin reports whether u has the configured scheme and host (with
// the scheme's default port made explicit on both sides) and no userinfo.
func (c *Client) sameOrigin(u *url.URL) bool {
	if u.User != nil || !strings.EqualFold(u.Scheme, c.base.Scheme) {
		return false
	}
	return hostPort(u.Scheme, u.Host) == hostPort(c.base.Scheme, c.base.Host)
}

func hostPort(scheme, host string) string {
	host = strings.ToLower(host)
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	port := "443"
	if strings.EqualFold(scheme, "http") {
		port = "80"
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), port)
}

// HasToken reports whether a token is configured; without one every call
// returns ErrNoToken.
func (c *Client) HasToken() bool { return c.token != "" }

// Host returns the configured host (with port, if one was given), for
// messages such as "the token was refused by app.stammer.ai".
func (c *Client) Host() string { return c.base.Host }

// ConversationsURL returns the list endpoint's full URL without a query,
// e.g. https://app.stammer.ai/en/chatbot/api/v1/conversations/.
func (c *Client) ConversationsURL() string {
	return c.base.endpointURL("chatbot/api/v1/conversations/")
}

// conversationURL returns the retrieve endpoint for one conversation.
func (c *Client) conversationURL(uuid string) string {
	return c.base.endpointURL("chatbot/api/v1/conversation/" + url.PathEscape(uuid) + "/")
}

// errCallTimeout is the cause recorded when our own Timeout ends a call,
// to tell it from a shorter deadline the caller set.
var errCallTimeout = errors.New("stammer: call timeout")

func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, c.timeout, errCallTimeout)
}

// ListConversations validates q, sends it to the conversations endpoint and
// decodes the answer. If the answer links a "next" page on the same scheme
// and host, the pages are fetched and joined (within the same deadline and
// body cap), up to the page cap; ListResult.Truncated says why a walk
// stopped early. A progress callback set with WithProgress hears about
// each page and about long pages as they are read.
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
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	release, err := c.lim.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
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
			if res, err = decodeList(r, limit, keep, hook); err != nil {
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
	var fc fieldCleaner
	fc.conversations(total.Conversations)
	return total, nil
}

// logStop notes a walk that stopped before the API's last page.
func (c *Client) logStop(ctx context.Context, total *ListResult) {
	c.log.LogAttrs(ctx, slog.LevelWarn, "stammer: not following the API's next link",
		slog.String("reason", string(total.Truncated)), slog.Int("pages", total.Pages),
		slog.Int("conversations", len(total.Conversations)))
}

// convKey identifies a conversation across pages.
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
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	release, err := c.lim.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	var conv *Conversation
	// Django's <uuid:> path converter matches lower case only.
	err = c.get(ctx, c.conversationURL(strings.ToLower(uuid)), c.maxBody, func(r io.Reader, limit int64) (int64, error) {
		lr := &countReader{r: r}
		var err error
		conv, err = DecodeConversation(lr, limit)
		return lr.n, err
	})
	if err != nil {
		return nil, err
	}
	var fc fieldCleaner
	fc.conversation(conv)
	return conv, nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decodeFunc decodes a success body read with at most limit bytes and
// returns how many bytes it read.
type decodeFunc func(r io.Reader, limit int64) (int64, error)

// get performs one GET (plus retries, if configured) and hands a success
// body to decode. It owns error mapping: status → *APIError, decoder
// failures → *DecodeError / *BodyTooLargeError, the rest → transport
// errors. A final error after more than one attempt says how many.
func (c *Client) get(ctx context.Context, rawURL string, limit int64, decode decodeFunc) error {
	for attempt := 0; ; attempt++ {
		start := time.Now()
		status, n, err := c.attempt(ctx, rawURL, limit, decode)
		c.logRequest(ctx, rawURL, attempt, status, n, time.Since(start), err)
		if err == nil {
			return nil
		}
		if ae := (*APIError)(nil); c.onWait != nil && errors.As(err, &ae) && ae.RetryAfter > 0 {
			c.onWait(ae.RetryAfter)
		}
		wait, retry := c.shouldRetry(ctx, attempt, err)
		if !retry {
			return c.scrub(withAttempts(err, attempt+1))
		}
		c.log.LogAttrs(ctx, slog.LevelInfo, "stammer: retrying",
			slog.String("host", c.base.Host), slog.Int("status", status),
			slog.Int("attempt", attempt+2), slog.Int("of", c.retries+1),
			slog.Duration("wait", wait.Round(time.Millisecond)),
			slog.String("error", c.red.Redact(err.Error())))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return c.scrub(withAttempts(err, attempt+1))
		case <-t.C:
		}
	}
}

// withAttempts records on err how many attempts were made, when more than
// one: *APIError gets Attempts, a transport error a note in its message.
func withAttempts(err error, n int) error {
	if n <= 1 {
		return err
	}
	var ae *APIError
	if errors.As(err, &ae) {
		ae.Attempts = n
		return err
	}
	var re *requestError
	if errors.As(err, &re) {
		re.attempts = n
		re.msg += fmt.Sprintf(" (after %d attempts)", n)
	}
	return err
}

// Attempts reports how many requests a call's error took: more than 1
// when it was retried, 1 otherwise (0 for nil).
func Attempts(err error) int {
	if err == nil {
		return 0
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.Attempts > 1 {
		return ae.Attempts
	}
	var re *requestError
	if errors.As(err, &re) && re.attempts > 1 {
		return re.attempts
	}
	return 1
}

// attempt sends one request and returns the status (0 if none), the body
// bytes read, and the mapped error.
func (c *Client) attempt(ctx context.Context, rawURL string, limit int64, decode decodeFunc) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("building the request for %s: %s", c.base.Host, c.red.Redact(err.Error()))
	}
	req.Header.Set("Authorization", "Token "+c.token)
	req.Header.Set("Accept", "application/json")
	// The docs list Content-Type as required even though a GET has no body.
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, 0, c.transportError(ctx, err, "")
	}
	defer resp.Body.Close()

	switch resp.StatusCode {
	case http.StatusOK, http.StatusCreated, http.StatusAccepted:
	default:
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if rerr != nil && ctx.Err() != nil {
			return resp.StatusCode, int64(len(body)), c.transportError(ctx, rerr, "while reading an error response")
		}
		return resp.StatusCode, int64(len(body)), &APIError{
			Status: resp.StatusCode,
			// Redacted before the message is cut to length, so that a cut
			// cannot leave part of the token; get redacts the result again.
			Message:    errorMessage(resp.StatusCode, resp.Header.Get("Content-Type"), []byte(c.red.Redact(string(body)))),
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	if resp.ContentLength > limit {
		return resp.StatusCode, 0, &BodyTooLargeError{Limit: c.maxBody}
	}
	body, done := c.lim.body(resp.Body)
	defer done()
	n, err := decode(body, limit)
	if err == nil {
		return resp.StatusCode, n, nil
	}
	if errors.Is(err, errInFlight) {
		return resp.StatusCode, n, &BusyError{InFlight: true, Limit: c.lim.budget}
	}
	var (
		de *DecodeError
		tl *BodyTooLargeError
		re *bodyReadError
	)
	switch {
	case errors.As(err, &tl):
		return resp.StatusCode, limit, &BodyTooLargeError{Limit: c.maxBody}
	case errors.As(err, &re):
		return resp.StatusCode, n, c.transportError(ctx, re.err, "while reading the response")
	case errors.As(err, &de):
		de.Status = resp.StatusCode
		if ctx.Err() != nil {
			// The deadline cut the body short; say so rather than
			// blaming the JSON.
			return resp.StatusCode, de.Bytes, c.transportError(ctx, ctx.Err(), "while reading the response")
		}
		return resp.StatusCode, de.Bytes, de
	}
	return resp.StatusCode, n, err
}

// transportError wraps a failure to get (or finish reading) a response in
// a message naming the host. Timeouts and cancellations stay detectable
// with errors.Is(err, context.DeadlineExceeded / context.Canceled).
func (c *Client) transportError(ctx context.Context, err error, during string) error {
	host := c.base.Host
	if during != "" {
		during = " " + during
	}
	var rerr *redirectError
	if errors.As(err, &rerr) {
		return &requestError{msg: rerr.msg, errs: []error{ErrRedirectRefused, err}}
	}
	var ne net.Error
	timedOut := errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
	switch {
	case timedOut:
		msg := fmt.Sprintf("the Stammer API at %s did not answer within the %s timeout%s", host, c.timeout, during)
		if ctx.Err() != nil && !errors.Is(context.Cause(ctx), errCallTimeout) {
			msg = fmt.Sprintf("the Stammer API at %s did not answer before the caller's deadline%s", host, during)
		}
		return &requestError{msg: msg, errs: []error{context.DeadlineExceeded, err}}
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return &requestError{msg: fmt.Sprintf("the request to the Stammer API at %s was canceled%s", host, during), errs: []error{context.Canceled, err}}
	}
	detail := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		detail = ue.Err.Error() // without "Get <url>:", which we say better
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		// "connection reset by peer", without "read tcp 127.0.0.1:…->…:".
		detail = errno.Error()
	}
	detail = sanitizeMessage(c.red.Redact(detail))
	dropped := droppedConnection(err)
	if during != "" {
		return &requestError{msg: fmt.Sprintf("the connection to the Stammer API at %s broke%s: %s", host, during, detail), errs: []error{err}, dropped: dropped}
	}
	if dropped {
		return &requestError{msg: fmt.Sprintf("the Stammer API at %s dropped the connection without answering: %s", host, detail), errs: []error{err}, dropped: true}
	}
	return &requestError{msg: fmt.Sprintf("could not reach the Stammer API at %s: %s", host, detail), errs: []error{err}}
}

// shouldRetry decides whether to try again and after how long: only when
// retries are configured and left, for 429/502/503/504 and dropped
// connections (not timeouts, refused connections, DNS or TLS failures, or
// redirects, which another attempt would not change), and only if the
// wait fits before the deadline. Retry-After, when the server sent it,
// replaces the backoff: it is the server's own word on when to come back.
func (c *Client) shouldRetry(ctx context.Context, attempt int, err error) (time.Duration, bool) {
	if attempt >= c.retries || ctx.Err() != nil {
		return 0, false
	}
	wait := backoff(c.backoff, attempt)
	var ae *APIError
	var re *requestError
	switch {
	case errors.As(err, &ae):
		switch ae.Status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		default:
			return 0, false
		}
		if ae.RetryAfter > 0 {
			wait = ae.RetryAfter
		}
	case errors.As(err, &re):
		if !re.dropped {
			return 0, false
		}
	default:
		return 0, false
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
		return 0, false
	}
	return wait, true
}

// backoff is the wait before attempt+2: exponential in attempt from base,
// capped at maxBackoff, with full jitter (uniform in [0, d]) so that
// clients that failed together do not retry together.
func backoff(base time.Duration, attempt int) time.Duration {
	d := min(base<<min(attempt, 16), maxBackoff)
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// droppedConnection reports a connection the server (or something on the
// way) dropped: a reset, an abort, a broken pipe, or a close before the
// answer was complete. These are worth another attempt; a refused
// connection, a DNS or TLS failure is not.
func droppedConnection(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		// Never connected (some systems answer a closed port with a
		// reset): the server is not there, which a retry will not change.
		return false
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// retryAfter parses a Retry-After header (seconds or an HTTP date), capped
// at an hour so a silly value cannot stall anyone.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		d = time.Duration(min(secs, 3600)) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, time.Hour)
}

// logRequest writes the per-request debug line: never headers, never the
// token (which only ever travels in a header).
func (c *Client) logRequest(ctx context.Context, rawURL string, attempt, status int, n int64, took time.Duration, err error) {
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	path, query := rawURL, ""
	if u, perr := url.Parse(rawURL); perr == nil {
		path, query = u.Path, u.RawQuery
	}
	attrs := []slog.Attr{
		slog.String("method", http.MethodGet),
		slog.String("host", c.base.Host),
		slog.String("path", path),
		slog.String("query", query),
		slog.Int("status", status),
		slog.Int64("bytes", n),
		slog.Duration("duration", took),
	}
	if attempt > 0 {
		attrs = append(attrs, slog.Int("attempt", attempt+1))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.red.Redact(err.Error())))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "stammer api request", attrs...)
}
