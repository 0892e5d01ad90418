package loopback

import "testing"

func TestHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "localhost.": true,
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "::ffff:127.0.0.1": true,
		"127.evil.example": false, "127.0.0.1.nip.io": false, "localhost.evil.example": false,
		"evil-localhost": false, "0.0.0.0": false, "::": false, "10.0.0.1": false,
		"[::1]": false, "127.0.0.1:80": false, "": false,
	} {
		if got := Host(host); got != want {
			t.Errorf("Host(%q) = %v, want %v", host, got, want)
		}
	}
}
