package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/stammer-mcp/stammer-mcp/shape"
	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// doctorTimeout bounds doctor's one request: a person is waiting.
const doctorTimeout = 15 * time.Second

// doctor checks the configuration and makes one cheap request, printing in
// plain words what is right and what to fix. It exits 0 only when a real
// call would work. With withShape, the request is for the live
// conversations of day (YYYY-MM-DD, "" = today in UTC), and the structure
// of the answer is printed too (see printShape).
func doctor(ctx context.Context, cfg stammer.Config, out io.Writer, withShape bool, day string) int {
	good := func(format string, a ...any) { fmt.Fprintf(out, "ok       "+format+"\n", a...) }
	bad := func(format string, a ...any) { fmt.Fprintf(out, "PROBLEM  "+format+"\n", a...) }

	raw := cfg.BaseURL
	if raw == "" {
		raw = stammer.DefaultBaseURL
	}
	base, err := stammer.ParseBaseURL(raw)
	if err != nil {
		bad("%v", err)
		return 1
	}
	good("API base URL %s (language prefix /%s)", base, base.Lang)
	if cfg.Token == "" {
		bad("no API token: set STAMMER_API_TOKEN in the \"env\" block of this server's entry in your MCP client's config, or start with --token-file PATH")
		return 1
	}
	good("API token is set")

	cfg.Timeout = min(cmp0(cfg.Timeout, doctorTimeout), doctorTimeout)
	var body firstBody
	if withShape {
		cfg.HTTPClient = shape.RecordingClient(cfg.HTTPClient, shapeBodyLimit, body.record)
	}
	c, err := stammer.New(cfg)
	if err != nil {
		bad("%v", err)
		return 1
	}
	// The cheapest query the endpoint offers: today's deleted conversations.
	// With --shape, the live conversations of one day: a sample of what
	// tools read, still small.
	today := time.Now().UTC().Format(time.DateOnly)
	q := stammer.Query{StartDate: today, EndDate: today, OnlyDeletedConversations: true}
	if withShape {
		day = cmp.Or(day, today)
		q = stammer.Query{StartDate: day, EndDate: day}
	}
	start := time.Now()
	res, err := c.ListConversations(ctx, q)
	took := time.Since(start).Round(time.Millisecond)
	var decErr *stammer.DecodeError
	if withShape && errors.As(err, &decErr) && body.json() {
		// Not the decoder's message, which quotes the answer's keys and
		// words: the report below says what the answer holds, safely.
		bad("%s answered with JSON that the decoder cannot read as a list of conversations; its structure is below", base.Host)
		printShape(out, &body, nil, c.Redact)
		return 1
	}
	if err != nil {
		bad("%s", diagnose(err, base.Host, cfg.Timeout))
		return 1
	}
	if withShape {
		good("%s answered in %s and accepted the token (%d conversation(s) on %s)", base.Host, took, len(res.Conversations), day)
		printShape(out, &body, res, c.Redact)
	} else {
		good("%s answered in %s and accepted the token (%d deleted conversation(s) today)", base.Host, took, len(res.Conversations))
	}
	fmt.Fprintln(out, "\nAll checks passed: MCP clients can use this configuration.")
	return 0
}

// cmp0 returns v, or def when v is zero.
func cmp0(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}

// diagnose explains a failed request in the words a person configuring the
// server needs.
func diagnose(err error, host string, timeout time.Duration) string {
	var (
		apiErr  *stammer.APIError
		decErr  *stammer.DecodeError
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		unkAuth x509.UnknownAuthorityError
		hostErr x509.HostnameError
		recErr  tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusUnauthorized:
		return fmt.Sprintf("the token was refused by %s (401: %s). Check STAMMER_API_TOKEN is the agency's current API token, and that STAMMER_BASE_URL is the domain the token belongs to (white-label agencies use their own).", host, apiErr.Message)
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden:
		return fmt.Sprintf("%s accepted the token but refused access (403: %s). The token may lack API access on this account.", host, apiErr.Message)
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound:
		return fmt.Sprintf("%s has no conversations API at this address (404: %s). STAMMER_BASE_URL may point at a web site, or the language prefix is wrong; use the domain's root, e.g. https://app.your-agency.example.", host, apiErr.Message)
	case errors.As(err, &apiErr):
		return fmt.Sprintf("%s answered %d: %s", host, apiErr.Status, apiErr.Message)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("could not find %s (DNS lookup failed). Check the domain in STAMMER_BASE_URL for typos, and that this machine is online.", host)
	case errors.As(err, &certErr), errors.As(err, &unkAuth), errors.As(err, &hostErr), errors.As(err, &recErr):
		return fmt.Sprintf("TLS problem with %s: %v. The domain's certificate is not valid for it, or it does not speak https.", host, err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("could not connect to %s: the connection was refused. Check the host and port in STAMMER_BASE_URL.", host)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s did not answer within %s. Check the host in STAMMER_BASE_URL, or try again.", host, timeout)
	case errors.As(err, &decErr) && strings.Contains(err.Error(), "HTML"):
		return fmt.Sprintf("%s answered with a web page, not the API. STAMMER_BASE_URL must be the API's domain root (e.g. https://app.stammer.ai or the agency's white-label app domain), not a marketing site.", host)
	case errors.As(err, &decErr):
		return fmt.Sprintf("%s answered, but not with the API's JSON: %v", host, err)
	default:
		return fmt.Sprintf("the request to %s failed: %v", host, err)
	}
}
