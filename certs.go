package main

// The container image is FROM scratch: it has no CA certificates, so without
// these embedded Mozilla roots every HTTPS call to the Stammer API would fail
// there. Go uses them only when the system offers no roots of its own
// (x509.SetFallbackRoots), so a desktop install keeps its system store.
import _ "golang.org/x/crypto/x509roots/fallback"
