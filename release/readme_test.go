package main

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// installSection is README.md's "## Install" section.
func installSection(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, s, ok := strings.Cut(string(b), "\n## Install\n")
	if !ok {
		t.Fatal("README.md has no ## Install section")
	}
	s, _, _ = strings.Cut(s, "\n## ")
	return s
}

// codeBlocks are the fenced blocks of one language in s.
func codeBlocks(s, lang string) []string {
	var out []string
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestReadmeInstall holds the README's Install section to what the release
// step builds: every file it names exists in a release (with the README's
// version standing for the snapshot's), the download URLs are the release's,
// the checksum-and-unpack commands run as shown and give a working binary,
// and the clone URL is the module's.
func TestReadmeInstall(t *testing.T) {
	dist, b := release(t)
	section := installSection(t)

	// The README shows the latest release in CHANGELOG.md.
	changelog, _ := os.ReadFile("../CHANGELOG.md")
	m := changelogV.FindStringSubmatch(string(changelog))
	if m == nil {
		t.Fatal("CHANGELOG.md has no release section")
	}
	shown := m[1]
	snapshot := func(s string) string { return strings.ReplaceAll(s, shown, b.Version) }

	// Every file named, for every platform.
	named := regexp.MustCompile(`stammer-mcp[-_]\d+\.\d+\.\d+[A-Za-z0-9_.-]*\.(?:tar\.gz|zip|mcpb)`).FindAllString(section, -1)
	for _, want := range append([]string{bundleName(shown)}, archiveNames(shown)...) {
		if !strings.Contains(section, "`"+want+"`") {
			t.Errorf("the Install section does not name %s", want)
		}
	}
	for _, name := range append(named, "SHA256SUMS") {
		if _, err := os.Stat(filepath.Join(dist, snapshot(name))); err != nil {
			t.Errorf("the README names %s, which the release does not build (%s)", name, snapshot(name))
		}
	}

	// The shell steps, run: downloads become copies from the release, after
	// checking that each URL is the release's.
	var steps []string
	for _, block := range codeBlocks(section, "sh") {
		if strings.Contains(block, "curl ") {
			steps = strings.Split(strings.TrimSpace(block), "\n")
		}
	}
	if len(steps) == 0 {
		t.Fatal("no download-and-check block in the Install section")
	}
	work := t.TempDir()
	var ran []string
	for _, step := range steps {
		if url, ok := strings.CutPrefix(step, "curl -LO "); ok {
			asset := path.Base(url)
			if url != releaseURL(shown, asset) {
				t.Errorf("download URL %s, want the release's %s", url, releaseURL(shown, asset))
			}
			if err := copyFile(filepath.Join(dist, snapshot(asset)), filepath.Join(work, snapshot(asset)), 0o644); err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			continue
		}
		fields := strings.Fields(step)
		if h, _ := host(); fields[0] != "sha256sum" && fields[0] != "tar" && h != (target{"linux", "amd64"}) {
			continue // the block's binary is linux/amd64
		}
		cmd := exec.Command("sh", "-c", snapshot(step))
		cmd.Dir = work
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", step, err, out)
		}
		ran = append(ran, step)
		switch fields[0] {
		case "sha256sum":
			if !strings.Contains(string(out), ": OK") || strings.Contains(string(out), "FAILED") {
				t.Errorf("%s printed %q", step, out)
			}
		case "tar":
		default:
			if strings.HasSuffix(step, "--version") && !strings.HasPrefix(string(out), "stammer-mcp "+b.Version+" (commit "+b.Commit) {
				t.Errorf("%s printed %q", step, out)
			}
		}
	}
	t.Logf("ran %q", ran)

	// Windows: the archive named in the PowerShell step is a release's.
	for _, block := range codeBlocks(section, "powershell") {
		for _, name := range regexp.MustCompile(`stammer-mcp_[^\s]+\.zip`).FindAllString(block, -1) {
			if _, err := os.Stat(filepath.Join(dist, snapshot(name))); err != nil {
				t.Errorf("the PowerShell step names %s, which the release does not build", name)
			}
		}
	}

	// The clone URL is where the module path says the code is.
	gomod, _ := os.ReadFile("../go.mod")
	module := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(gomod)
	clone := regexp.MustCompile(`git clone (\S+)`).FindStringSubmatch(section)
	if module == nil || clone == nil || clone[1] != "https://"+string(module[1])+".git" {
		t.Errorf("the clone URL %q does not match the module path %q", clone, module)
	}
	if !strings.Contains(section, "go install "+string(module[1])+"@") {
		t.Error("the go install line does not name the module path")
	}
}

// TestReadmeContainerEnvFile runs the README's line that writes the
// container's env file, and checks what it wrote: both tokens, nobody else
// allowed to read it.
func TestReadmeContainerEnvFile(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not on PATH")
	}
	line := readmeLine(t, "printf 'STAMMER_API_TOKEN=")
	dir := t.TempDir()
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "STAMMER_API_TOKEN=the-agency-token")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	fi, err := os.Stat(filepath.Join(dir, "stammer.env"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("stammer.env has mode %v, want 0600", fi.Mode().Perm())
	}
	env, _ := os.ReadFile(filepath.Join(dir, "stammer.env"))
	if !regexp.MustCompile(`^STAMMER_API_TOKEN=the-agency-token\nMCP_HTTP_TOKEN=[0-9a-f]{64}\n$`).Match(env) {
		t.Errorf("stammer.env = %q", env)
	}
	run := readmeLine(t, "docker run ")
	if !strings.Contains(run, "--env-file stammer.env") || !strings.Contains(run, "-p 8080:8080") {
		t.Errorf("the docker run line %q does not read stammer.env or publish the image's port 8080", run)
	}
}

// archiveNames are the archives of a version, in target order.
func archiveNames(version string) []string {
	var names []string
	for _, t := range targets {
		names = append(names, archiveName(version, t))
	}
	return names
}
