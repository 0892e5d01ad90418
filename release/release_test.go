package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stammer-mcp/stammer-mcp/stammer"
	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// The release is built once per test binary, by the README's own command,
// and shared by the tests that check it.
var released struct {
	once sync.Once
	dist string
	b    build
	took time.Duration
	err  error
}

// release runs the README's release command (with -dist pointing at a
// temporary folder) and returns the folder and what the build was stamped
// with, as the release's own stamp() decides it.
func release(t *testing.T) (string, build) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the whole release (6 platforms and the bundle); skipped with -short")
	}
	requireNode(t)
	released.once.Do(func() {
		root, err := filepath.Abs("..")
		if err != nil {
			released.err = err
			return
		}
		line := readmeLine(t, "go run ./release -snapshot")
		released.dist, released.err = os.MkdirTemp("", "stammer-mcp-dist-")
		if released.err != nil {
			return
		}
		args := append(strings.Fields(line)[1:], "-dist", released.dist)
		// Stop in time to fail with the build's output rather than be killed
		// by go test's -timeout (10 minutes by default) with a stack dump.
		deadline := time.Now().Add(15 * time.Minute)
		if d, ok := t.Deadline(); ok && d.Add(-time.Minute).Before(deadline) {
			deadline = d.Add(-time.Minute)
		}
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = root
		cmd.WaitDelay = 10 * time.Second
		start := time.Now()
		out, err := cmd.CombinedOutput()
		released.took = time.Since(start)
		if err != nil {
			released.err = fmt.Errorf("%s: %v\n%s", line, err, out)
			return
		}
		released.b, released.err = stamp(ctx, options{root: root, snapshot: true})
	})
	if released.err != nil {
		t.Fatal(released.err)
	}
	t.Logf("release built in %s into %s", released.took.Round(time.Second), released.dist)
	return released.dist, released.b
}

func TestMain(m *testing.M) {
	code := m.Run()
	if released.dist != "" {
		os.RemoveAll(released.dist)
	}
	os.Exit(code)
}

// requireNode skips without Node.js, or fails on CI (CI=true), like e2e/.
func requireNode(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"node", "npm", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := tool + " is not on PATH; the release needs Go, git and Node.js 20+ with npm"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg + " — CI=true, so this is a failure, not a skip")
			}
			t.Skip(msg)
		}
	}
}

// readmeLine is the README line that starts with prefix (inside a code
// block), so tests run what the README shows.
func readmeLine(t *testing.T, prefix string) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, prefix) {
			line, _, _ = strings.Cut(line, "#") // a trailing comment
			return strings.TrimSpace(line)
		}
	}
	t.Fatalf("README.md has no line starting with %q", prefix)
	return ""
}

// TestReleaseAssets checks the file list and SHA256SUMS.
func TestReleaseAssets(t *testing.T) {
	dist, b := release(t)
	var want []string
	for _, tg := range targets {
		want = append(want, archiveName(b.Version, tg))
	}
	want = append(want, bundleName(b.Version))
	slices.Sort(want)

	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for line := range strings.Lines(string(sums)) {
		sum, name, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q is not \"SUM  NAME\"", line)
		}
		listed = append(listed, name)
		if got, err := fileSHA256(filepath.Join(dist, name)); err != nil || got != sum {
			t.Errorf("SHA256SUMS says %s for %s; the file's is %s (%v)", sum, name, got, err)
		}
	}
	if !slices.Equal(listed, want) {
		t.Errorf("SHA256SUMS lists\n  %q\nwant every archive and the bundle\n  %q", listed, want)
	}
	// sha256sum itself agrees (the README's checksum step on Linux).
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "--strict", "-c", "SHA256SUMS")
		cmd.Dir = dist
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c SHA256SUMS: %v\n%s", err, out)
		}
	}
}

// TestReleaseArchives opens every archive: one folder holding the binary
// for its platform (checked from the binary's own headers), README.md,
// LICENSE and CHANGELOG.md; the binary for this machine prints the
// snapshot's version, commit and date.
func TestReleaseArchives(t *testing.T) {
	dist, b := release(t)
	for _, tg := range targets {
		t.Run(tg.String(), func(t *testing.T) {
			name := archiveName(b.Version, tg)
			files, modes := readArchive(t, filepath.Join(dist, name))
			folder := strings.TrimSuffix(strings.TrimSuffix(name, ".zip"), ".tar.gz")
			var got []string
			for f := range files {
				got = append(got, f)
			}
			slices.Sort(got)
			want := []string{folder + "/CHANGELOG.md", folder + "/LICENSE", folder + "/README.md", folder + "/" + tg.exe()}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s holds %q, want %q", name, got, want)
			}
			for _, doc := range archiveDocs {
				repo, _ := os.ReadFile(filepath.Join("..", doc))
				if !bytes.Equal(files[folder+"/"+doc], repo) {
					t.Errorf("%s: %s differs from the repository's", name, doc)
				}
			}
			bin := files[folder+"/"+tg.exe()]
			if modes[folder+"/"+tg.exe()]&0o111 == 0 {
				t.Errorf("%s: the binary is not executable (mode %v)", name, modes[folder+"/"+tg.exe()])
			}
			if goos, arch := platformOf(t, bin); goos != tg.OS || arch != tg.Arch {
				t.Errorf("%s holds a binary for %s/%s", name, goos, arch)
			}
			if h, _ := host(); h == tg {
				exe := filepath.Join(t.TempDir(), tg.exe())
				os.WriteFile(exe, bin, 0o755)
				out, err := exec.Command(exe, "--version").Output()
				want := fmt.Sprintf("stammer-mcp %s (commit %s, built %s)\n", b.Version, b.Commit, b.Date.Format(time.RFC3339))
				if err != nil || string(out) != want {
					t.Errorf("--version = %q (%v), want %q", out, err, want)
				}
			}
		})
	}
}

// TestReleaseReproducible builds this machine's binary and archive again,
// in another folder, and compares bytes.
func TestReleaseReproducible(t *testing.T) {
	dist, b := release(t)
	h, ok := host()
	if !ok {
		t.Skip("this machine is not a release target")
	}
	root, _ := filepath.Abs("..")
	o := options{root: root, dist: t.TempDir(), log: io.Discard}
	bin, err := compile(t.Context(), o, b, h)
	if err != nil {
		t.Fatal(err)
	}
	name, err := archive(o, b, h, bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(h.String(), h.exe()), name} {
		first, _ := os.ReadFile(filepath.Join(dist, f))
		second, _ := os.ReadFile(filepath.Join(o.dist, f))
		if len(first) == 0 || !bytes.Equal(first, second) {
			t.Errorf("%s: two builds of one commit differ (%d and %d bytes)", f, len(first), len(second))
		}
	}
}

// TestReleaseBundleContents opens the .mcpb: the manifest, and for each
// platform of mcp_config an executable binary for that OS, the very bytes of
// the archives' binaries (macOS: both, in one universal binary).
func TestReleaseBundleContents(t *testing.T) {
	dist, b := release(t)
	files, modes := readArchive(t, filepath.Join(dist, bundleName(b.Version)))

	var m manifest
	dec := json.NewDecoder(bytes.NewReader(files["manifest.json"]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if m.Version != b.Version || m.Server.Type != "binary" {
		t.Errorf("manifest version %q, server.type %q; want %q, binary", m.Version, m.Server.Type, b.Version)
	}
	if _, ok := files[m.Server.EntryPoint]; !ok {
		t.Errorf("entry_point %q is not in the bundle", m.Server.EntryPoint)
	}
	// Every ${user_config.X} names a setting, and every setting is used.
	cfg, _ := json.Marshal(m.Server.MCPConfig)
	used := map[string]bool{}
	for _, v := range regexp.MustCompile(`\$\{user_config\.([^}]+)\}`).FindAllStringSubmatch(string(cfg), -1) {
		used[v[1]] = true
		if _, ok := m.UserConfig[v[1]]; !ok {
			t.Errorf("mcp_config uses ${user_config.%s}, which user_config does not define", v[1])
		}
	}
	for k, opt := range m.UserConfig {
		if !used[k] {
			t.Errorf("user_config.%s is asked for but mcp_config never uses it", k)
		}
		if !opt.Required && opt.Default == nil {
			t.Errorf("user_config.%s is optional without a default: left empty, the server would get the literal placeholder", k)
		}
	}
	if d := m.UserConfig["base_url"].Default; d != stammer.DefaultBaseURL {
		t.Errorf("base_url default %v, but the server's default is %s", d, stammer.DefaultBaseURL)
	}
	if !m.UserConfig["api_token"].Sensitive || !m.UserConfig["api_token"].Required {
		t.Error("the API token must be sensitive and required")
	}
	// The budget's range is the one the server accepts: both ends serve a
	// call, one past either end makes every call a tool error naming the
	// setting (the server still starts, to say so), so the form Claude
	// Desktop shows cannot offer a value the server would refuse.
	if h, ok := host(); ok {
		budget := m.UserConfig["max_output_tokens"]
		bin := filepath.Join(dist, h.String(), h.exe())
		for n, accepted := range map[int]bool{*budget.Min: true, *budget.Max: true, *budget.Min - 1: false, *budget.Max + 1: false} {
			cmd := exec.Command(bin, "--demo", "call", "list_chatbots", "{}")
			cmd.Env = []string{"STAMMER_MAX_OUTPUT_TOKENS=" + strconv.Itoa(n)}
			out, err := cmd.Output()
			refused := err != nil && strings.Contains(string(out), "STAMMER_MAX_OUTPUT_TOKENS")
			if refused == accepted || (accepted && err != nil) {
				t.Errorf("STAMMER_MAX_OUTPUT_TOKENS=%d: the server %s it (%v: %.200s), the manifest's range [%d, %d] says otherwise", n, map[bool]string{true: "refuses", false: "accepts"}[refused], err, out, *budget.Min, *budget.Max)
			}
		}
	}

	if !slices.Equal(m.Compatibility.Platforms, []string{"darwin", "win32", "linux"}) {
		t.Errorf("compatibility.platforms = %q", m.Compatibility.Platforms)
	}
	for _, bb := range bundleBinaries {
		o := m.Server.MCPConfig.PlatformOverrides[bb.platform]
		if o.Command != "${__dirname}/"+bb.path {
			t.Errorf("platform_overrides.%s.command = %q, want the bundled %s", bb.platform, o.Command, bb.path)
		}
		data, ok := files[bb.path]
		if !ok {
			t.Errorf("%s is not in the bundle", bb.path)
			continue
		}
		if modes[bb.path]&0o111 == 0 {
			t.Errorf("%s is not executable in the bundle (mode %v): Claude Desktop could not start it", bb.path, modes[bb.path])
		}
		if len(bb.from) == 1 {
			want, _ := os.ReadFile(filepath.Join(dist, bb.from[0].String(), bb.from[0].exe()))
			if !bytes.Equal(data, want) {
				t.Errorf("%s is not the %s release binary", bb.path, bb.from[0])
			}
			continue
		}
		fat, err := macho.NewFatFile(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s is not a universal binary: %v", bb.path, err)
		}
		if len(fat.Arches) != len(bb.from) {
			t.Errorf("%s has %d slices, want %d", bb.path, len(fat.Arches), len(bb.from))
		}
		for i, tg := range bb.from {
			want, _ := os.ReadFile(filepath.Join(dist, tg.String(), tg.exe()))
			a := fat.Arches[i]
			if a.Offset%(1<<a.Align) != 0 {
				t.Errorf("%s slice %d at %d is not aligned to 2^%d", bb.path, i, a.Offset, a.Align)
			}
			if got := data[a.Offset : a.Offset+a.Size]; !bytes.Equal(got, want) {
				t.Errorf("%s slice %d is not the %s release binary", bb.path, i, tg)
			}
			if goos, arch := platformOf(t, want); goos != tg.OS || arch != tg.Arch || a.Cpu != cpuOf(arch) {
				t.Errorf("%s slice %d: cpu %v for %s/%s", bb.path, i, a.Cpu, goos, arch)
			}
			// Apple silicon runs no unsigned code: Go's linker signs arm64
			// binaries ad hoc (LC_CODE_SIGNATURE), and the slice keeps it.
			if a.Cpu == macho.CpuArm64 && !hasCodeSignature(a.File) {
				t.Errorf("%s: the arm64 slice has no code signature; macOS would kill it at launch", bb.path)
			}
		}
	}
}

// TestReleaseBundleInstalls hands the .mcpb to bundle.test.mjs (see there),
// with a fake Stammer API as the base URL, then checks that the API really
// was called, with the token given as user_config.
func TestReleaseBundleInstalls(t *testing.T) {
	dist, b := release(t)
	if h, _ := host(); h.OS != "linux" && h.OS != "darwin" && h.OS != "windows" {
		t.Skip("no bundle platform for this machine")
	}
	srv := stammertest.NewServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "--test", "--test-reporter=spec", "bundle.test.mjs")
	cmd.Dir = "mcpb"
	cmd.Env = append(os.Environ(),
		"MCPB_FILE="+filepath.Join(dist, bundleName(b.Version)),
		"STAMMER_TEST_URL="+srv.URL,
		"STAMMER_TEST_TOKEN="+stammertest.DefaultToken,
		"NO_COLOR=1")
	cmd.Stdout, cmd.Stderr = t.Output(), t.Output()
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("node --test bundle.test.mjs: %v (its output is above)", err)
	}
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("the bundle's server never called the API at the base URL given as user_config")
	}
	for _, r := range reqs {
		if got := r.Header.Get("Authorization"); got != "Token "+stammertest.DefaultToken || r.Status != 200 {
			t.Errorf("%s %s: status %d, Authorization %q", r.Method, r.Path, r.Status, got)
		}
	}
}

// TestReleaseServerJSON checks the server.json the release wrote: valid
// against the registry's schema, listing only the bundle it built, with the
// SHA-256 of that file, recomputed here.
func TestReleaseServerJSON(t *testing.T) {
	dist, b := release(t)
	raw, err := os.ReadFile(filepath.Join(dist, "server.json"))
	if err != nil {
		t.Fatal(err)
	}
	validateServerJSON(t, raw)
	var s struct {
		Version  string
		Packages []struct {
			RegistryType, Identifier, Version, FileSha256 string
		}
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if s.Version != b.Version || len(s.Packages) != 1 {
		t.Fatalf("server.json: version %q with %d packages; want %q and the one bundle", s.Version, len(s.Packages), b.Version)
	}
	for _, p := range s.Packages {
		file := path.Base(p.Identifier)
		if p.RegistryType != "mcpb" || p.Identifier != releaseURL(b.Version, bundleName(b.Version)) || p.Version != b.Version {
			t.Errorf("package %+v: want the mcpb %s of release v%s", p, bundleName(b.Version), b.Version)
		}
		sum, err := fileSHA256(filepath.Join(dist, file))
		if err != nil {
			t.Fatalf("%s is not among the built files: %v", file, err)
		}
		if p.FileSha256 != sum {
			t.Errorf("fileSha256 of %s is %s; the file's is %s", file, p.FileSha256, sum)
		}
	}
}

// validateServerJSON validates a server.json against the registry's
// published schema, vendored in testdata/registry (see its README).
func validateServerJSON(t *testing.T, raw []byte) {
	t.Helper()
	const schemaFile = "../testdata/registry/server.schema.2025-12-11.json"
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schemaFile, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("server.json is not valid against the registry's schema: %v", err)
	}
}

// readArchive returns the regular files of a .tar.gz or a zip (.zip, .mcpb)
// with their modes.
func readArchive(t *testing.T, file string) (map[string][]byte, map[string]os.FileMode) {
	t.Helper()
	files, modes := map[string][]byte{}, map[string]os.FileMode{}
	if strings.HasSuffix(file, ".tar.gz") {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		readTar(t, gz, files, modes)
		return files, modes
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		files[zf.Name], modes[zf.Name] = data, zf.Mode()
	}
	return files, modes
}

// readTar adds the regular files of a tar stream, with their modes.
func readTar(t *testing.T, r io.Reader, files map[string][]byte, modes map[string]os.FileMode) {
	t.Helper()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			name := strings.TrimPrefix(h.Name, "/")
			files[name], _ = io.ReadAll(tr)
			modes[name] = os.FileMode(h.Mode)
		}
	}
}

// platformOf reads a binary's OS and CPU from its own headers.
func platformOf(t *testing.T, bin []byte) (goos, goarch string) {
	t.Helper()
	r := bytes.NewReader(bin)
	if f, err := elf.NewFile(r); err == nil {
		return "linux", map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}[f.Machine]
	}
	if f, err := macho.NewFile(r); err == nil {
		return "darwin", map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]
	}
	if f, err := pe.NewFile(r); err == nil {
		return "windows", map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]
	}
	t.Fatalf("not an ELF, Mach-O or PE binary (%d bytes)", len(bin))
	return "", ""
}

// hasCodeSignature reports whether a Mach-O file has an LC_CODE_SIGNATURE
// load command.
func hasCodeSignature(f *macho.File) bool {
	const lcCodeSignature = 0x1d
	for _, l := range f.Loads {
		if raw := l.Raw(); len(raw) >= 4 && f.ByteOrder.Uint32(raw) == lcCodeSignature {
			return true
		}
	}
	return false
}

// cpuOf is the Mach-O CPU type of a GOARCH.
func cpuOf(goarch string) macho.Cpu {
	if goarch == "arm64" {
		return macho.CpuArm64
	}
	return macho.CpuAmd64
}

// TestStampRefusesBadVersions checks the release's guards, which need no
// build: a version without a CHANGELOG section, or not X.Y.Z.
func TestStampRefusesBadVersions(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	root, _ := filepath.Abs("..")
	if _, err := git(t.Context(), root, "rev-parse", "HEAD"); err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	for v, want := range map[string]string{"v0.1.0": "MAJOR.MINOR.PATCH", "0.1": "MAJOR.MINOR.PATCH", "99.0.0": `no "## [99.0.0]" section`} {
		if _, err := stamp(t.Context(), options{root: root, version: v}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("-version %s: error %v, want one saying %s", v, err, want)
		}
	}
	b, err := stamp(t.Context(), options{root: root, snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+-snapshot\.g[0-9a-f]{8}$`).MatchString(b.Version) {
		t.Errorf("snapshot version %q", b.Version)
	}
}

// TestRepositoryServerJSONSchema validates the repository's own server.json
// (the template the release fills in) against the registry's schema; the
// repository root's TestServerJSON checks what the schema cannot.
func TestRepositoryServerJSONSchema(t *testing.T) {
	raw, err := os.ReadFile("../server.json")
	if err != nil {
		t.Fatal(err)
	}
	validateServerJSON(t, raw)
}
