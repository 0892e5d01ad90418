// Command release builds everything a stammer-mcp release ships into one
// folder (dist/ by default, ignored by git):
//
//   - an archive per platform (darwin, linux and windows on amd64 and arm64)
//     holding the binary, README.md, LICENSE and CHANGELOG.md;
//   - stammer-mcp-VERSION.mcpb, the Claude Desktop bundle, with its
//     manifest's tool list read from the built server and packed and
//     validated by the official mcpb CLI (pinned in release/mcpb);
//   - SHA256SUMS over the archives and the bundle;
//   - server.json for the MCP registry, with the bundle's real SHA-256;
//   - the raw binaries in OS_ARCH/ folders (the container image copies the
//     linux ones).
//
// Usage, from the repository root:
//
//	go run ./release -version 0.1.0   a release (the version must have a CHANGELOG.md section)
//	go run ./release -snapshot        a snapshot of the checkout, e.g. 0.1.0-snapshot.g1a2b3c4
//
// Binaries are built with -trimpath, without cgo, with the commit's date
// (or SOURCE_DATE_EPOCH) rather than the clock's, so two runs at one commit
// give byte-identical binaries and archives. The .mcpb is not: the mcpb CLI
// stamps its zip entries with the time of packing.
//
// It needs Go, git and Node.js 20+ with npm; nothing else.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// target is one platform a release ships a binary for.
type target struct{ OS, Arch string }

// targets are the platforms of the release archives.
var targets = []target{
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"linux", "amd64"}, {"linux", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

func (t target) String() string { return t.OS + "_" + t.Arch }

// exe is the binary's file name on the target.
func (t target) exe() string {
	if t.OS == "windows" {
		return "stammer-mcp.exe"
	}
	return "stammer-mcp"
}

// options are the command line.
type options struct {
	version  string // X.Y.Z, or "" with snapshot
	snapshot bool
	dist     string
	root     string // the repository root (holding go.mod)
	log      io.Writer
}

// build is what every artifact of one run is stamped with.
type build struct {
	Version string
	Commit  string
	Date    time.Time
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o options
	flag.StringVar(&o.version, "version", "", "the version to release, X.Y.Z (CHANGELOG.md must have a section for it)")
	flag.BoolVar(&o.snapshot, "snapshot", false, "build a snapshot of the checkout: the CHANGELOG's latest version with -snapshot.gCOMMIT")
	flag.StringVar(&o.dist, "dist", "dist", "output folder, emptied first")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./release (-version X.Y.Z | -snapshot) [-dist DIR]")
		flag.PrintDefaults()
	}
	flag.Parse()
	o.root, o.log = ".", os.Stderr
	start := time.Now()
	if err := run(ctx, o); err != nil {
		fmt.Fprintf(os.Stderr, "release: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "release: done in %s\n", time.Since(start).Round(time.Second))
}

// run makes a whole release into o.dist.
func run(ctx context.Context, o options) error {
	if (o.version == "") == !o.snapshot {
		return fmt.Errorf("give exactly one of -version X.Y.Z and -snapshot")
	}
	root, err := filepath.Abs(o.root)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fmt.Errorf("run it from the repository root (no go.mod in %s)", root)
	}
	o.root = root
	if !filepath.IsAbs(o.dist) {
		o.dist = filepath.Join(root, o.dist)
	}
	b, err := stamp(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.log, "release: stammer-mcp %s, commit %s, dated %s, into %s\n", b.Version, b.Commit, b.Date.Format(time.RFC3339), o.dist)
	if err := os.RemoveAll(o.dist); err != nil {
		return err
	}
	if err := os.MkdirAll(o.dist, 0o755); err != nil {
		return err
	}

	var assets []string // what SHA256SUMS covers
	for _, t := range targets {
		start := time.Now()
		bin, err := compile(ctx, o, b, t)
		if err != nil {
			return err
		}
		name, err := archive(o, b, t, bin)
		if err != nil {
			return err
		}
		assets = append(assets, name)
		fmt.Fprintf(o.log, "release: %s in %s\n", name, time.Since(start).Round(100*time.Millisecond))
	}
	bundle, err := packBundle(ctx, o, b)
	if err != nil {
		return err
	}
	assets = append(assets, bundle)
	sums, err := writeSums(o.dist, assets)
	if err != nil {
		return err
	}
	return writeServerJSON(o, b, bundle, sums[bundle])
}

var (
	semverCore = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$`)
	changelogV = regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\]`)
)

// stamp decides the version, commit and date of this run.
func stamp(ctx context.Context, o options) (build, error) {
	var b build
	changelog, err := os.ReadFile(filepath.Join(o.root, "CHANGELOG.md"))
	if err != nil {
		return b, err
	}
	released := changelogV.FindAllStringSubmatch(string(changelog), -1)
	switch {
	case o.snapshot && len(released) == 0:
		return b, fmt.Errorf("CHANGELOG.md has no \"## [X.Y.Z]\" section to base a snapshot version on")
	case o.snapshot:
		b.Version = released[0][1] + "-snapshot" // + ".gCOMMIT" below
	case !semverCore.MatchString(o.version):
		return b, fmt.Errorf("-version %q: want MAJOR.MINOR.PATCH, without a leading v", o.version)
	default:
		b.Version = o.version
		found := false
		for _, m := range released {
			found = found || m[1] == o.version
		}
		if !found {
			return b, fmt.Errorf("CHANGELOG.md has no \"## [%s]\" section: say what this release changes first", o.version)
		}
	}
	commit, err := git(ctx, o.root, "rev-parse", "HEAD")
	if err != nil {
		return b, fmt.Errorf("the release is stamped with the git commit: %w", err)
	}
	status, err := git(ctx, o.root, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return b, err
	}
	b.Commit = commit
	if status != "" {
		if !o.snapshot {
			return b, fmt.Errorf("the checkout has uncommitted changes; commit them, or build with -snapshot:\n%s", status)
		}
		b.Commit += "-dirty"
	}

	epoch := os.Getenv("SOURCE_DATE_EPOCH")
	if epoch == "" {
		if epoch, err = git(ctx, o.root, "log", "-1", "--format=%ct"); err != nil {
			return b, err
		}
	}
	secs, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return b, fmt.Errorf("SOURCE_DATE_EPOCH or the commit date %q is not a Unix time", epoch)
	}
	b.Date = time.Unix(secs, 0).UTC()

	if o.snapshot {
		b.Version += ".g" + commit[:8]
	}
	return b, nil
}

// compile builds one target into dist/OS_ARCH/ and returns the binary's path.
func compile(ctx context.Context, o options, b build, t target) (string, error) {
	out := filepath.Join(o.dist, t.String(), t.exe())
	ldflags := fmt.Sprintf("-s -w -X main.buildVersion=%s -X main.buildCommit=%s -X main.buildDate=%s",
		b.Version, b.Commit, b.Date.Format(time.RFC3339))
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out, ".")
	cmd.Dir = o.root
	// The environment's GOFLAGS could add -race or -cover: a release build
	// takes none of them.
	cmd.Env = append(os.Environ(), "GOOS="+t.OS, "GOARCH="+t.Arch, "CGO_ENABLED=0", "GOFLAGS=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build for %s: %v\n%s", t, err, msg)
	}
	return out, nil
}

// host is the target this machine runs, whose binary answers tools/list
// for the bundle's manifest.
func host() (target, bool) {
	for _, t := range targets {
		if t.OS == runtime.GOOS && t.Arch == runtime.GOARCH {
			return t, true
		}
	}
	return target{}, false
}

// git runs git in dir and returns its trimmed output.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}
