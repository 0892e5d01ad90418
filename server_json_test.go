package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// currentServerSchema is the server.json schema the official MCP registry
// publishes today (its model.CurrentSchemaURL).
const currentServerSchema = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"

// registryServer is server.json as the 2025-12-11 schema defines it, for the
// fields this project uses or may use. It is decoded strictly: the schema
// itself allows unknown properties, so a misspelt one ("is_secret", the
// pre-2025-09 spelling) would pass it and be ignored by the registry.
type registryServer struct {
	Schema      string `json:"$schema"`
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Version     string `json:"version"`
	WebsiteURL  string `json:"websiteUrl"`
	Repository  *struct {
		URL       string `json:"url"`
		Source    string `json:"source"`
		ID        string `json:"id"`
		Subfolder string `json:"subfolder"`
	} `json:"repository"`
	Packages []registryPackage `json:"packages"`
	Remotes  []json.RawMessage `json:"remotes"`
	Icons    []json.RawMessage `json:"icons"`
	Meta     json.RawMessage   `json:"_meta"`
}

type registryPackage struct {
	RegistryType    string `json:"registryType"`
	RegistryBaseURL string `json:"registryBaseUrl"`
	Identifier      string `json:"identifier"`
	Version         string `json:"version"`
	FileSHA256      string `json:"fileSha256"`
	RuntimeHint     string `json:"runtimeHint"`
	Transport       struct {
		Type string `json:"type"`
	} `json:"transport"`
	RuntimeArguments     []json.RawMessage `json:"runtimeArguments"`
	PackageArguments     []json.RawMessage `json:"packageArguments"`
	EnvironmentVariables []registryEnvVar  `json:"environmentVariables"`
}

type registryEnvVar struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	IsRequired  bool     `json:"isRequired"`
	IsSecret    bool     `json:"isSecret"`
	Format      string   `json:"format"`
	Default     string   `json:"default"`
	Choices     []string `json:"choices"`
	Placeholder string   `json:"placeholder"`
}

// semver is the regular expression of semver.org (SemVer 2.0.0).
var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// TestServerJSON checks server.json, this server's entry for the official
// MCP registry. release/ validates it (and the server.json each release
// writes) against the registry's 2025-12-11 schema, vendored in
// testdata/registry; this test checks the schema's constraints by hand too
// (required fields, lengths, patterns, enums), with clearer messages, along with the registry's
// publish rules that need no network (a specific version; an MCPB package's
// URL is an https GitHub release asset whose URL contains "mcp" and has no
// registryBaseUrl); then that every environment variable it lists is one
// the binary reads, documented in README's configuration table with the
// same default, and that the binary accepts its default and choices.
func TestServerJSON(t *testing.T) {
	raw, err := os.ReadFile("server.json")
	if err != nil {
		t.Fatal(err)
	}
	var s registryServer
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("server.json: %v (a field the 2025-12-11 schema has but registryServer lacks may be added to it)", err)
	}

	// The server's identity follows from the module path:
	// github.com/OWNER/REPO is io.github.OWNER/REPO, at https://github.com/OWNER/REPO.
	ownerRepo := strings.TrimPrefix(modulePath(t), "github.com/")
	if s.Schema != currentServerSchema {
		t.Errorf("$schema = %q, want the current %q", s.Schema, currentServerSchema)
	}
	if want := "io.github." + ownerRepo; s.Name != want {
		t.Errorf("name = %q, want %q", s.Name, want)
	}
	if !regexp.MustCompile(`^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$`).MatchString(s.Name) || len(s.Name) < 3 || len(s.Name) > 200 {
		t.Errorf("name %q: the schema wants 3–200 characters matching namespace/name", s.Name)
	}
	if n := utf8.RuneCountInString(s.Description); n < 1 || n > 100 {
		t.Errorf("description has %d characters; the schema wants 1–100: %q", n, s.Description)
	}
	if n := utf8.RuneCountInString(s.Title); n > 100 || (s.Title != "" && strings.TrimSpace(s.Title) == "") {
		t.Errorf("title %q: the schema wants 1–100 characters, not only spaces", s.Title)
	}
	if !semver.MatchString(s.Version) {
		t.Errorf("version %q is not a semantic version (MAJOR.MINOR.PATCH)", s.Version)
	}
	switch {
	case s.Repository == nil:
		t.Error("repository is missing")
	case s.Repository.URL != "https://github.com/"+ownerRepo || s.Repository.Source != "github":
		t.Errorf("repository = %+v, want url https://github.com/%s and source github", *s.Repository, ownerRepo)
	}

	if len(s.Packages) == 0 {
		t.Fatal("packages is empty: the registry would list the server with no way to install it")
	}
	sha256Hex := regexp.MustCompile(`^[a-f0-9]{64}$`)
	for i, p := range s.Packages {
		at := fmt.Sprintf("packages[%d]", i)
		if !slices.Contains([]string{"npm", "pypi", "nuget", "oci", "mcpb"}, p.RegistryType) {
			t.Errorf("%s.registryType = %q; the registry takes npm, pypi, nuget, oci or mcpb", at, p.RegistryType)
		}
		if p.Identifier == "" || strings.ContainsAny(p.Identifier, " \t\n") {
			t.Errorf("%s.identifier = %q: required, without spaces", at, p.Identifier)
		}
		if p.Transport.Type != "stdio" {
			t.Errorf("%s.transport.type = %q; the packaged binary serves stdio", at, p.Transport.Type)
		}
		if p.Version != "" && p.Version != s.Version {
			t.Errorf("%s.version = %q, but the server's version is %q", at, p.Version, s.Version)
		}
		if p.FileSHA256 != "" && !sha256Hex.MatchString(p.FileSHA256) {
			t.Errorf("%s.fileSha256 = %q: want 64 lower-case hex digits", at, p.FileSHA256)
		}
		if p.RegistryType == "mcpb" {
			// The registry's publish-time MCPB rules that need no network.
			want := fmt.Sprintf("https://github.com/%s/releases/download/v%s/stammer-mcp-%s.mcpb", ownerRepo, s.Version, s.Version)
			if p.Identifier != want {
				t.Errorf("%s.identifier = %q, want the release asset of this version, %q", at, p.Identifier, want)
			}
			if p.RegistryBaseURL != "" {
				t.Errorf("%s: an MCPB package must not have registryBaseUrl", at)
			}
			if p.FileSHA256 == "" {
				t.Logf("%s.fileSha256 is not set: the release sets it to the SHA-256 of %s before publishing (the registry requires it for MCPB)", at, p.Identifier)
			}
		}
		checkEnvVars(t, at, p.EnvironmentVariables)
	}
}

// checkEnvVars checks one package's environment variables.
func checkEnvVars(t *testing.T, at string, vars []registryEnvVar) {
	t.Helper()
	read := getenvNames(t)
	readme := readmeConfigTable(t)
	var names []string
	for i, v := range vars {
		at := fmt.Sprintf("%s.environmentVariables[%d] %s", at, i, v.Name)
		names = append(names, v.Name)
		if !read[v.Name] {
			t.Errorf("%s: config.go never reads %s (it reads %v)", at, v.Name, sortedKeys(read))
		}
		if strings.TrimSpace(v.Description) == "" {
			t.Errorf("%s: no description", at)
		}
		if v.Format != "" && !slices.Contains([]string{"string", "number", "boolean", "filepath"}, v.Format) {
			t.Errorf("%s: format %q; the schema takes string, number, boolean or filepath", at, v.Format)
		}
		if v.Format == "number" && v.Default != "" {
			if _, err := strconv.ParseFloat(v.Default, 64); err != nil {
				t.Errorf("%s: default %q is not a number", at, v.Default)
			}
		}
		if len(v.Choices) > 0 && v.Default != "" && !slices.Contains(v.Choices, v.Default) {
			t.Errorf("%s: default %q is not one of the choices %q", at, v.Default, v.Choices)
		}
		if v.IsSecret != (v.Name == "STAMMER_API_TOKEN") {
			t.Errorf("%s: isSecret = %v; only the API token is secret", at, v.IsSecret)
		}

		row, ok := readme[v.Name]
		if !ok {
			t.Errorf("%s: not in README's configuration table", at)
			continue
		}
		if v.Default != "" && v.Default != row.dflt {
			t.Errorf("%s: default %q, but README's configuration table says %q", at, v.Default, row.dflt)
		}
		if first := firstSentence(row.meaning); !strings.Contains(v.Description, first) {
			t.Errorf("%s: the description does not say what README's configuration table says first:\n  README: %s\n  server.json: %s", at, first, v.Description)
		}

		// What the registry tells users they may set, the binary must accept.
		for _, value := range append([]string{v.Default}, v.Choices...) {
			if value == "" {
				continue
			}
			var out bytes.Buffer
			env := map[string]string{v.Name: value}
			// A rejected setting either stops the server (exit 2) or
			// makes every call a tool error naming it (exit 1); an
			// accepted one lets a demo call succeed.
			if code := run(t.Context(), []string{"--demo", "call", "list_chatbots", "{}"}, strings.NewReader(""), &out, &out, func(k string) string { return env[k] }); code != 0 {
				t.Errorf("%s: the binary rejects %s=%q (exit %d): %s", at, v.Name, value, code, out.String())
			}
		}
	}
	if dup := duplicates(names); len(dup) > 0 {
		t.Errorf("%s: variables listed twice: %v", at, dup)
	}
	for _, name := range []string{"STAMMER_API_TOKEN", "STAMMER_BASE_URL", "STAMMER_TIMEOUT", "STAMMER_MAX_OUTPUT_TOKENS", "LOG_LEVEL"} {
		if !slices.Contains(names, name) {
			t.Errorf("%s: %s is not listed", at, name)
		}
	}
	for _, v := range vars {
		if v.Name == "STAMMER_API_TOKEN" && !(v.IsRequired && v.IsSecret) {
			t.Errorf("%s: STAMMER_API_TOKEN must be required and secret", at)
		}
	}
}

// modulePath is the module line of go.mod.
func modulePath(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(b)
	if m == nil || !strings.HasPrefix(string(m[1]), "github.com/") {
		t.Fatalf("go.mod: no github.com module path")
	}
	return string(m[1])
}

// getenvNames is every NAME in a getenv("NAME") call of config.go, where
// the binary reads its environment.
func getenvNames(t *testing.T) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "config.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "getenv" {
			return true
		}
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if name, err := strconv.Unquote(lit.Value); err == nil {
				names[name] = true
			}
		}
		return true
	})
	if len(names) == 0 {
		t.Fatal("config.go: no getenv(\"NAME\") calls found")
	}
	return names
}

type readmeRow struct{ dflt, meaning string }

// readmeConfigTable reads README's configuration table: for each setting
// in backquotes in the first column, its default and meaning, with
// backquotes and link targets removed.
func readmeConfigTable(t *testing.T) map[string]readmeRow {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Configuration\n")
	if !ok {
		t.Fatal("README.md has no ## Configuration section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	link := regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	plain := func(s string) string {
		return strings.TrimSpace(strings.ReplaceAll(link.ReplaceAllString(s, "$1"), "`", ""))
	}
	rows := map[string]readmeRow{}
	for line := range strings.Lines(section) {
		cells := strings.Split(strings.TrimSpace(line), "|")
		if len(cells) != 5 { // "", setting, default, meaning, ""
			continue
		}
		for _, m := range regexp.MustCompile("`([A-Z][A-Z0-9_]+)`").FindAllStringSubmatch(cells[1], -1) {
			rows[m[1]] = readmeRow{dflt: plain(cells[2]), meaning: plain(cells[3])}
		}
	}
	if len(rows) == 0 {
		t.Fatal("README.md: no rows in the configuration table")
	}
	return rows
}

// firstSentence is s up to its first ". ".
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

func duplicates(names []string) []string {
	seen := map[string]bool{}
	var dup []string
	for _, n := range names {
		if seen[n] {
			dup = append(dup, n)
		}
		seen[n] = true
	}
	return dup
}

func sortedKeys(m map[string]bool) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestEverySettingIsDocumented: each environment variable config.go reads
// (but Go's own GOMEMLIMIT) is a row of README's configuration table and a
// line of -h, and each setting the table lists is one config.go reads, so
// the three cannot drift apart.
func TestEverySettingIsDocumented(t *testing.T) {
	src, err := os.ReadFile("config.go")
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	for _, m := range regexp.MustCompile(`getenv\("([A-Z][A-Z0-9_]+)"\)`).FindAllStringSubmatch(string(src), -1) {
		if m[1] != "GOMEMLIMIT" {
			read[m[1]] = true
		}
	}
	if len(read) < 20 {
		t.Fatalf("found only %d settings read in config.go: %v", len(read), read)
	}
	table := readmeConfigTable(t)
	help, _ := exec.Command(binary, "-h").CombinedOutput()
	for name := range read {
		if _, ok := table[name]; !ok {
			t.Errorf("config.go reads %s, but README's configuration table does not list it", name)
		}
		if !regexp.MustCompile(`(?m)^\s+` + name + `\s`).Match(help) {
			t.Errorf("config.go reads %s, but -h does not list it", name)
		}
	}
	for name := range table {
		if !read[name] {
			t.Errorf("README's configuration table lists %s, which config.go never reads", name)
		}
	}
	// And every flag -h lists is a row of the table.
	_, flags, ok := strings.Cut(string(help), "\nFlags:\n")
	if !ok {
		t.Fatalf("-h lists no flags:\n%s", help)
	}
	readme, _ := os.ReadFile("README.md")
	_, section, _ := strings.Cut(string(readme), "\n## Configuration\n")
	n := 0
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(flags, -1) {
		n++
		if !regexp.MustCompile("(?m)^\\| `--" + m[1] + "[ `]").MatchString(section) {
			t.Errorf("-h lists the flag --%s, but README's configuration table does not", m[1])
		}
	}
	if n < 5 {
		t.Errorf("found %d flags in -h", n)
	}
}
