package main

import (
	"strings"
	"testing"
)

// TestVersionLineFromBuild checks that --version prints what a release build
// stamped in, all three parts.
func TestVersionLineFromBuild(t *testing.T) {
	saved := [3]string{buildVersion, buildCommit, buildDate}
	t.Cleanup(func() { buildVersion, buildCommit, buildDate = saved[0], saved[1], saved[2] })

	buildVersion, buildCommit, buildDate = "1.2.3", "0123456789abcdef0123456789abcdef01234567", "2026-11-30T12:00:00Z"
	want := "stammer-mcp 1.2.3 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-11-30T12:00:00Z)"
	if got := versionLine(); got != want {
		t.Errorf("versionLine() = %q, want %q", got, want)
	}

	// A plain go build with -buildvcs=false records nothing: say so rather
	// than print an empty field.
	buildVersion, buildCommit, buildDate = "", "", ""
	if got := versionLine(); !strings.HasPrefix(got, "stammer-mcp ") || !strings.Contains(got, "commit ") || strings.Contains(got, "commit ,") {
		t.Errorf("versionLine() = %q", got)
	}
}
