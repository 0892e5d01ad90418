// Package loopback holds the one rule for "this host stays on this
// machine", behind every decision that lets loopback do what nothing else
// may: plain http to the API (stammer), to the OAuth issuer and as the
// protected resource (auth), and serving HTTP without a token, or a Host
// or Origin header naming the machine itself (mcphttp). It was written
// three times, and one copy took any name starting with "127." for
// loopback.
package loopback

import (
	"net"
	"strings"
)

// Host reports whether host (a name or an IP, without port or brackets)
// is localhost, in any letter case and with or without the final dot, or
// a loopback IP (127.0.0.0/8, ::1, or 127.x written as an IPv4-mapped
// IPv6 address). A name such as 127.example.com is not.
func Host(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
