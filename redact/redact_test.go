package redact

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

func TestRedactorFindsEveryForm(t *testing.T) {
	const tok = "Ab3dEf9hIj2kLm5nOp7qRs1tUv4wXy8z/+Q="
	r := New(tok)
	b64 := func(prefix string) string { return base64.StdEncoding.EncodeToString([]byte(prefix + tok + " tail")) }
	cases := map[string]string{
		"exact":              "Invalid token " + tok + ".",
		"upper":              "INVALID TOKEN " + strings.ToUpper(tok),
		"lower":              "invalid token " + strings.ToLower(tok),
		"header echoed":      "Authorization: Token " + tok,
		"query-escaped":      "url=/x?token=" + url.QueryEscape(tok),
		"query-escaped, lc":  "url=/x?token=" + strings.ToLower(url.QueryEscape(tok)),
		"path-escaped":       "/" + url.PathEscape(tok) + "/",
		"json-escaped":       `{"t":"` + strings.ReplaceAll(tok, "/", `\/`) + `"}`,
		"base64, offset 0":   "basic " + b64(""),
		"base64, offset 1":   "basic " + b64("T"),
		"base64, offset 2":   "basic " + b64("To"),
		"base64url":          strings.NewReplacer("+", "-", "/", "_").Replace(b64("Token ")),
		"cut by an ellipsis": "Invalid token " + tok[:9] + "…",
		"cut, in Bengali":    "টোকেন দদদদদ: " + tok[:9] + "…", // the ellipsis's last byte in every letter
		"twice, adjoining":   tok + tok,
	}
	for name, in := range cases {
		out := r.Redact(in)
		if !strings.Contains(out, Mark) {
			t.Errorf("%s: nothing redacted in %q", name, out)
		}
		low := strings.ToLower(out)
		for _, piece := range []string{strings.ToLower(tok[:8]), strings.ToLower(tok[10:18]), strings.ToLower(tok[len(tok)-8:])} {
			if strings.Contains(low, piece) {
				t.Errorf("%s: %q still holds %q of the token", name, out, piece)
			}
		}
		if !r.Contains(in) {
			t.Errorf("%s: Contains is false", name)
		}
	}
	if got := r.Redact("nothing to see"); got != "nothing to see" {
		t.Errorf("clean text changed: %q", got)
	}
	if got := r.Redact("Token " + tok + " and " + tok); got != "Token [redacted] and [redacted]" {
		t.Errorf("two tokens: %q", got)
	}
}

func TestRedactorShortSecretsOnlyWhole(t *testing.T) {
	r := New("x", "abc123")
	if got := r.Redact("the xylophone was abc1234 but ABC123 and x."); got != "the xylophone was abc1234 but [redacted] and [redacted]." {
		t.Errorf("short secrets: %q", got)
	}
	var none *Redactor
	if got := none.Redact("abc"); got != "abc" || none.Active() {
		t.Errorf("nil redactor: %q", got)
	}
	if New("", "").Active() {
		t.Error("empty secrets make an active redactor")
	}
}

func TestRedactorKeepsUTF8Offsets(t *testing.T) {
	const tok = "stt_CANARY_0123456789abcdef"
	r := New(tok)
	in := "Olá İstanbul ß " + strings.ToUpper(tok) + " — ünïcödé"
	if got, want := r.Redact(in), "Olá İstanbul ß [redacted] — ünïcödé"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
