package auth

import "testing"

// TestHasAllScopes: a token must carry every wanted scope; a wanted scope
// in URI form (Entra's api://CLIENT-ID/stammer.read, which is what clients
// must request) is met by the short name Entra's scp carries, and nothing
// else is loosened.
func TestHasAllScopes(t *testing.T) {
	const entra = "api://11111111-1111-1111-1111-111111111111/stammer.read"
	cases := []struct {
		have, want []string
		ok         bool
	}{
		{[]string{"openid", "stammer.read"}, []string{"stammer.read"}, true},
		{[]string{"openid"}, []string{"stammer.read"}, false},
		{[]string{"stammer.readwrite"}, []string{"stammer.read"}, false},
		{[]string{"stammer.read"}, []string{entra}, true},
		{[]string{entra}, []string{entra}, true},
		{[]string{"stammer.write"}, []string{entra}, false},
		{[]string{"api://other/stammer.read"}, []string{"stammer.read"}, false},
		{[]string{""}, []string{"api://x/"}, false},
		{[]string{"stammer.read"}, []string{entra, "api://11111111-1111-1111-1111-111111111111/stammer.admin"}, false},
	}
	for _, c := range cases {
		if got := hasAll(c.have, c.want); got != c.ok {
			t.Errorf("hasAll(%q, %q) = %v, want %v", c.have, c.want, got, c.ok)
		}
	}
}
