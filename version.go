package main

import (
	"fmt"
	"runtime/debug"
)

// Release builds set these with -ldflags "-X main.buildVersion=0.1.0
// -X main.buildCommit=<sha> -X main.buildDate=<RFC 3339>" (see release/).
// The date is the commit's, not the wall clock's, so that two builds of one
// commit are byte-identical. Left empty, they come from the build info that
// go build and go install record (the module version, vcs.revision and
// vcs.time).
var (
	buildVersion = ""
	buildCommit  = ""
	buildDate    = ""
)

// version reports what this binary is: the release version, else the module
// version of go install pkg@vX.Y.Z, else "dev".
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// versionLine is what --version prints: version, commit and build date,
// each "unknown" when the build recorded none (a build outside a git
// checkout, or go run).
func versionLine() string {
	commit, date, modified := buildCommit, buildDate, false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if commit == "" {
					commit = s.Value
				}
			case "vcs.time":
				if date == "" {
					date = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true" && buildCommit == ""
			}
		}
	}
	if commit == "" {
		commit = "unknown"
	} else if modified {
		commit += " (modified)"
	}
	if date == "" {
		date = "unknown"
	}
	return fmt.Sprintf("stammer-mcp %s (commit %s, built %s)", version(), commit, date)
}
