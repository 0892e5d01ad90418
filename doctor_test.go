package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

func TestDoctorVerdicts(t *testing.T) {
	fake := stammertest.NewServer(t)
	htmlSite := stammertest.NewServer(t)
	htmlSite.SetFault(stammertest.Fault{Status: 200, Body: "<!DOCTYPE html><html><body>Welcome to our agency</body></html>"})
	tests := []struct {
		name string
		env  map[string]string
		code int
		want []string
	}{
		{"healthy", map[string]string{"STAMMER_BASE_URL": fake.URL, "STAMMER_API_TOKEN": stammertest.DefaultToken}, 0,
			[]string{"ok       API token is set", "accepted the token", "All checks passed"}},
		{"no token", map[string]string{"STAMMER_BASE_URL": fake.URL}, 1,
			[]string{"PROBLEM  no API token", "STAMMER_API_TOKEN"}},
		{"bad token", map[string]string{"STAMMER_BASE_URL": fake.URL, "STAMMER_API_TOKEN": "wrong-token"}, 1,
			[]string{"the token was refused by 127.0.0.1", "401"}},
		{"unreachable host", map[string]string{"STAMMER_BASE_URL": "http://127.0.0.1:1", "STAMMER_API_TOKEN": "tok-0123456789abcdef"}, 1,
			[]string{"could not connect to 127.0.0.1:1"}},
		{"http off loopback", map[string]string{"STAMMER_BASE_URL": "http://app.agency.example", "STAMMER_API_TOKEN": "tok-0123456789abcdef"}, 1,
			[]string{"PROBLEM", "http is only allowed for loopback hosts"}},
		{"web page instead of the API", map[string]string{"STAMMER_BASE_URL": htmlSite.URL, "STAMMER_API_TOKEN": stammertest.DefaultToken}, 1,
			[]string{"answered with a web page, not the API"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(t.Context(), []string{"doctor"}, strings.NewReader(""), &out, &errOut, func(k string) string { return tc.env[k] })
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, out.String(), errOut.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if tok := tc.env["STAMMER_API_TOKEN"]; tok != "" && strings.Contains(out.String()+errOut.String(), tok) {
				t.Error("doctor printed the token")
			}
		})
	}
}
