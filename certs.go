package main

import (
	"crypto/x509"
	"net/http"
	"sync"

	"github.com/stammer-mcp/stammer-mcp/stammer"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// The container image is FROM scratch: it has no CA certificates, so
// without the embedded Mozilla roots every HTTPS call (to the Stammer API,
// an OpenID provider's keys, a TLS shared cache) would fail there. Go uses
// them only when the system offers no roots of its own
// (x509.SetFallbackRoots), so a desktop install keeps its system store.
// They are parsed on first need, not at every start: importing
// x509roots/fallback parses all of them in an init (about 1 ms and 0.6 MB
// per start), which a stdio server that answers tools/list and exits never
// uses.

// fallbackRoots installs the embedded roots when the system has none. It
// must run before the first TLS handshake of the process: on the Stammer
// client's first HTTPS request (rootsFirst), and at start on the paths
// that may verify certificates elsewhere (the HTTP transport's OAuth, the
// shared cache).
var fallbackRoots = sync.OnceFunc(func() {
	if sys, err := x509.SystemCertPool(); err == nil && !sys.Equal(x509.NewCertPool()) {
		return
	}
	pool := x509.NewCertPool()
	for c := range bundle.Roots() {
		cert, err := x509.ParseCertificate(c.Certificate)
		if err != nil {
			continue // the bundle is generated and tested upstream; skip rather than stop the server
		}
		if c.Constraint == nil {
			pool.AddCert(cert)
		} else {
			pool.AddCertWithConstraint(cert, c.Constraint)
		}
	}
	x509.SetFallbackRoots(pool)
})

// rootsFirst wraps an HTTP transport so that fallbackRoots has run before
// its first HTTPS request. Only HTTPS: asking whether the system has roots
// parses its whole store (292 files here: 11–18 ms and 2 MiB of the first
// call), which a plain-HTTP upstream (a local proxy, the demo's fake API)
// never needs; an HTTPS one pays it at its first handshake anyway.
type rootsFirst struct{ next http.RoundTripper }

func (t rootsFirst) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme == "https" {
		fallbackRoots()
	}
	return t.next.RoundTrip(r)
}

// withFallbackRoots returns a copy of hc (a default Stammer client when
// nil) whose transport installs the fallback roots before its first request.
func withFallbackRoots(hc *http.Client) *http.Client {
	return stammer.WrapTransport(hc, func(next http.RoundTripper) http.RoundTripper { return rootsFirst{next} })
}
