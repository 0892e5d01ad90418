package stammer

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/stammer-mcp/stammer-mcp/loopback"
)

// DefaultBaseURL is Stammer's own host. Agencies on a white-label domain set
// STAMMER_BASE_URL to theirs.
const DefaultBaseURL = "https://app.stammer.ai"

// defaultLang is the language prefix Stammer's docs use; Django serves the
// API under an i18n prefix, and white-label hosts may use another one.
const defaultLang = "en"

// BaseURL is a validated API root: where to send requests and under which
// language prefix the API's paths live.
type BaseURL struct {
	// Scheme is "https", or "http" for a loopback host only.
	Scheme string
	// Host is the host name or IP, with ":port" when one was given.
	Host string
	// Lang is the language prefix of the API's paths, e.g. "en", "pt",
	// "pt-br" (lower case).
	Lang string
}

// String returns scheme://host/lang, the form ParseBaseURL accepts back.
func (b BaseURL) String() string {
	return b.Scheme + "://" + b.Host + "/" + b.Lang
}

// endpointURL joins the API root with a path below /{lang}/.
func (b BaseURL) endpointURL(path string) string {
	return b.Scheme + "://" + b.Host + "/" + b.Lang + "/" + path
}

// ParseBaseURL validates what a person typed as STAMMER_BASE_URL and returns
// the API root. "" means DefaultBaseURL. A path may give the language prefix
// ("https://app.agency.example/pt", "/pt-br"); without one it is "en". A
// pasted endpoint URL (people copy them from the docs) is reduced to its
// root and prefix. A bare domain means https.
//
// It refuses what could send the token somewhere unintended or hide a typo:
// other paths, a query or fragment, credentials in the URL, a missing host,
// and plain http to anything but a loopback host. Its errors are written for
// the person editing the configuration.
func ParseBaseURL(raw string) (BaseURL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = DefaultBaseURL
	}
	if !strings.Contains(raw, "://") && !strings.HasPrefix(raw, "/") {
		// A bare domain ("app.agency.example"), as people type it into the
		// bundle's settings form in Claude Desktop, where a refusal shows
		// only as a disconnected extension: https is the one scheme that
		// can be meant, and the checks below still apply.
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's own error repeats the input in Go syntax; say it
		// once, quoted and capped, in our words.
		return BaseURL{}, baseURLError(raw, "is not a valid URL")
	}
	if u.User != nil {
		// Do not echo the value: a user name or password (maybe the token)
		// is in it.
		return BaseURL{}, errors.New("STAMMER_BASE_URL must not contain a user name or password; put the API token in STAMMER_API_TOKEN and use e.g. https://app.stammer.ai")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "" {
		return BaseURL{}, baseURLError(raw, "has no scheme; write it in full, e.g. https://app.stammer.ai")
	}
	if scheme != "https" && scheme != "http" {
		return BaseURL{}, baseURLError(raw, fmt.Sprintf("uses %q; only https is supported, e.g. https://app.stammer.ai", u.Scheme))
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return BaseURL{}, baseURLError(raw, "has no host; write it in full, e.g. https://app.stammer.ai")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.RawFragment != "" || strings.Contains(raw, "#") {
		return BaseURL{}, baseURLError(raw, "must not have a query (?…) or fragment (#…); use only the site root, e.g. https://app.stammer.ai or https://app.agency.example/pt")
	}
	host := strings.ToLower(u.Host)
	if scheme == "http" && !loopback.Host(u.Hostname()) {
		return BaseURL{}, baseURLError(raw, fmt.Sprintf("uses http; http is only allowed for loopback hosts (localhost, 127.0.0.1, ::1), since the token would travel unencrypted; use https://%s", host))
	}
	lang, ok := langFromPath(u.Path)
	if !ok {
		return BaseURL{}, baseURLError(raw, fmt.Sprintf("has an unexpected path %q; use the site root with an optional language prefix, e.g. https://app.stammer.ai or https://app.agency.example/pt", u.Path))
	}
	return BaseURL{Scheme: scheme, Host: host, Lang: lang}, nil
}

func baseURLError(raw, problem string) error {
	if strings.Contains(raw, "@") {
		// Whatever precedes the @ may be a credential: never echo it.
		return fmt.Errorf("STAMMER_BASE_URL %s", problem)
	}
	return fmt.Errorf("STAMMER_BASE_URL %s %s", quoteValue(raw), problem)
}

// langFromPath finds the language prefix in a base URL's path: none ("" or
// "/") means "en"; one segment that looks like a language code is the
// prefix; a language code followed by an API path (chatbot/api/… or
// user/api/…) is a pasted endpoint and reduces to its prefix. An API path
// without a prefix is taken as "en" too.
func langFromPath(p string) (string, bool) {
	segs := strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
	if len(segs) == 0 || isAPIPath(segs) {
		return defaultLang, true
	}
	if !isLangCode(segs[0]) {
		return "", false
	}
	if len(segs) == 1 || isAPIPath(segs[1:]) {
		return strings.ToLower(segs[0]), true
	}
	return "", false
}

// isAPIPath reports whether segs begins like one of Stammer's API paths
// (chatbot/api/… or user/api/…), i.e. a URL copied from the docs.
func isAPIPath(segs []string) bool {
	if len(segs) < 2 || !strings.EqualFold(segs[1], "api") {
		return false
	}
	return strings.EqualFold(segs[0], "chatbot") || strings.EqualFold(segs[0], "user")
}

// isLangCode accepts Django-style language prefixes: two or three letters,
// optionally followed by hyphenated subtags of 2–8 letters or digits ("pt",
// "pt-br", "zh-hans", "es-419").
func isLangCode(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) > 3 || strings.ContainsAny(parts[0], "0123456789") {
		return false
	}
	notAlnum := func(r rune) bool { return !('0' <= r && r <= '9' || 'a' <= r|0x20 && r|0x20 <= 'z') }
	for _, p := range parts {
		if len(p) < 2 || len(p) > 8 || strings.ContainsFunc(p, notAlnum) {
			return false
		}
	}
	return true
}
