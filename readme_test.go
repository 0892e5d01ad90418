package main

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stammer-mcp/stammer-mcp/auth"
	"github.com/stammer-mcp/stammer-mcp/policy"
)

// readmeBlocks returns the README's fenced code blocks of one language.
func readmeBlocks(t *testing.T, lang string) []string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1])
	}
	return out
}

// clientEntry is one server entry of a client configuration snippet.
type clientEntry struct {
	Type    string            `json:"type"`
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env"`
}

// TestReadmeClientSnippetsStartTheServer parses every JSON snippet and, for
// each client configuration, starts the binary as that client would (same
// args and env) and completes an MCP handshake.
func TestReadmeClientSnippetsStartTheServer(t *testing.T) {
	blocks := readmeBlocks(t, "json")
	if len(blocks) < 4 {
		t.Fatalf("found %d JSON snippets; the README lost its client configurations", len(blocks))
	}
	tokenFile := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tokenFile, []byte("token-from-file\n"), 0o600)
	entries := 0
	for i, block := range blocks {
		var cfg struct {
			MCPServers map[string]clientEntry `json:"mcpServers"`
			Servers    map[string]clientEntry `json:"servers"`
		}
		if err := json.Unmarshal([]byte(block), &cfg); err != nil {
			t.Errorf("JSON snippet %d does not parse: %v\n%s", i, err, block)
			continue
		}
		all := map[string]clientEntry{}
		for k, v := range cfg.MCPServers {
			all[k] = v
		}
		for k, v := range cfg.Servers {
			all[k] = v
		}
		for name, e := range all {
			entries++
			if filepath.Base(e.Command) != "stammer-mcp" || (e.Type != "" && e.Type != "stdio") {
				t.Errorf("snippet %d server %q runs %q (%s), not stammer-mcp over stdio", i, name, e.Command, e.Type)
				continue
			}
			var env []string
			for k, v := range e.Env {
				env = append(env, k+"="+regexp.MustCompile(`\$\{input:[^}]+\}`).ReplaceAllString(v, "token-from-vscode"))
			}
			args := append([]string(nil), e.Args...)
			for j, a := range args {
				if j > 0 && args[j-1] == "--token-file" {
					args[j] = tokenFile // the snippet's path is the user's
				}
				_ = a
			}
			s := startSession(t, env, args...)
			initialize(s)
			if list := s.request("tools/list", map[string]any{}); list["error"] != nil {
				t.Errorf("snippet %d: tools/list: %v", i, list["error"])
			}
			s.close()
		}
	}
	if entries < 4 {
		t.Errorf("tested %d client entries; expected Claude Desktop, token file, Cursor and VS Code", entries)
	}
}

// claudeMcpAdd reads a "claude mcp add" command line as the claude CLI's
// option parser does: --env/-e and --header/-H are variadic and take every
// following word up to the next one starting with "-" (checked against
// Claude Code 2.1.328: "--env K=V stammer -- stammer-mcp" fails with
// "missing required argument 'commandOrUrl'", the server name swallowed
// as a variable); --transport/-t and --scope/-s take one word; after "--"
// every word is positional. It returns the positional words (name, command
// or URL, arguments), the env assignments and the headers.
func claudeMcpAdd(t *testing.T, line string) (pos, env, headers []string) {
	t.Helper()
	var words []string
	for _, m := range regexp.MustCompile(`"([^"]*)"|(\S+)`).FindAllStringSubmatch(line, -1) {
		words = append(words, m[1]+m[2])
	}
	if len(words) < 3 || strings.Join(words[:3], " ") != "claude mcp add" {
		t.Fatalf("not a claude mcp add line: %q", line)
	}
	words = words[3:]
	for i := 0; i < len(words); i++ {
		switch w := words[i]; w {
		case "--":
			return append(pos, words[i+1:]...), env, headers
		case "--transport", "-t", "--scope", "-s":
			i++
		case "--env", "-e", "--header", "-H":
			for i+1 < len(words) && !strings.HasPrefix(words[i+1], "-") {
				i++
				if w == "--env" || w == "-e" {
					env = append(env, words[i])
				} else {
					headers = append(headers, words[i])
				}
			}
		default:
			if strings.HasPrefix(w, "-") {
				t.Fatalf("option %s of %q is not modelled here", w, line)
			}
			pos = append(pos, w)
		}
	}
	return pos, env, headers
}

// TestReadmeClaudeCodeCommandStartsTheServer reads the README's stdio
// claude mcp add line as the claude CLI would (see claudeMcpAdd) and runs
// the command it registers, with the env it sets.
func TestReadmeClaudeCodeCommandStartsTheServer(t *testing.T) {
	var line string
	for _, b := range readmeBlocks(t, "sh") {
		for _, l := range strings.Split(b, "\n") {
			if strings.HasPrefix(l, "claude mcp add --transport stdio") {
				line = l
			}
		}
	}
	if line == "" {
		t.Fatal("no claude mcp add line for stdio in the README")
	}
	pos, env, _ := claudeMcpAdd(t, line)
	if len(pos) < 2 || pos[0] != "stammer" || pos[1] != "stammer-mcp" {
		t.Fatalf("claude would read the name and command of %q as %q; want stammer, then stammer-mcp", line, pos)
	}
	for _, e := range env {
		if !strings.Contains(e, "=") {
			t.Errorf("claude would refuse %q: %q is not KEY=value", line, e)
		}
	}
	if len(env) == 0 || !strings.HasPrefix(env[0], "STAMMER_API_TOKEN=") {
		t.Errorf("the claude mcp add line sets no STAMMER_API_TOKEN: %q", line)
	}
	s := startSession(t, env, pos[2:]...)
	initialize(s)
	s.close()
}

// TestReadmeClaudeCodeHTTPLine reads the README's claude mcp add line for
// the HTTP transport as the claude CLI would: the name, then the /mcp URL,
// then the bearer header.
func TestReadmeClaudeCodeHTTPLine(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("`(claude mcp add --transport http [^`]*)`").FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("no claude mcp add line for HTTP in the README")
	}
	pos, _, headers := claudeMcpAdd(t, m[1])
	if len(pos) != 2 || pos[0] != "stammer" || !strings.HasSuffix(pos[1], "/mcp") {
		t.Errorf("claude would read the name and URL of %q as %q", m[1], pos)
	}
	if len(headers) != 1 || !strings.HasPrefix(headers[0], "Authorization: Bearer ") {
		t.Errorf("claude would read the headers of %q as %q", m[1], headers)
	}
}

// TestClaudeMcpAddModel holds claudeMcpAdd to what Claude Code 2.1.328 did
// with the lines the README used to show: both were refused.
func TestClaudeMcpAddModel(t *testing.T) {
	pos, _, _ := claudeMcpAdd(t, "claude mcp add --transport stdio --env STAMMER_API_TOKEN=x stammer -- stammer-mcp")
	if len(pos) != 1 { // claude: missing required argument 'commandOrUrl'
		t.Errorf("positional words %q; the CLI saw only one", pos)
	}
	pos, _, _ = claudeMcpAdd(t, `claude mcp add --transport http --header "Authorization: Bearer x" stammer https://h.example/mcp`)
	if len(pos) != 0 { // claude: missing required argument 'name'
		t.Errorf("positional words %q; the CLI saw none", pos)
	}
}

// TestReadmeHTTPCommandsServe runs every HTTP command line of the README
// (the static-token one and the OAuth ones) with the env it sets, on a free
// port: each must serve /healthz; an OAuth one must also answer /mcp
// without a token with 401 pointing at its resource metadata, and serve
// that metadata naming its issuer. (The provider itself is not reachable
// here; discovery only happens when a token arrives.)
func TestReadmeHTTPCommandsServe(t *testing.T) {
	var lines []string
	for _, b := range readmeBlocks(t, "sh") {
		for _, l := range strings.Split(b, "\n") {
			if strings.Contains(l, "--transport http --listen") && !strings.HasPrefix(l, "claude") {
				lines = append(lines, l)
			}
		}
	}
	if len(lines) < 3 {
		t.Fatalf("found %d HTTP command lines in the README, want the static-token one and two OAuth ones", len(lines))
	}
	for _, line := range lines {
		var env, args []string
		vars := map[string]string{}
		seenCmd := false
		for _, w := range strings.Fields(line) {
			switch {
			case !seenCmd && strings.Contains(w, "="):
				env = append(env, w)
				k, v, _ := strings.Cut(w, "=")
				vars[k] = v
			case w == "stammer-mcp":
				seenCmd = true
			default:
				args = append(args, w)
			}
		}
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := l.Addr().String()
		l.Close()
		for i := range args {
			if i > 0 && args[i-1] == "--listen" {
				args[i] = addr
			}
		}
		cmd := exec.Command(binary, args...)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			resp, err := http.Get("http://" + addr + "/healthz")
			if err == nil && resp.StatusCode == 200 {
				resp.Body.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the README's HTTP command did not serve /healthz: %v\n%s\n%s", err, line, stderr.String())
			}
		}
		if issuer := vars["MCP_OAUTH_ISSUER"]; issuer != "" {
			resp, err := http.Post("http://"+addr+"/mcp", "application/json", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			www := resp.Header.Get("WWW-Authenticate")
			if resp.StatusCode != 401 || !strings.Contains(www, `resource_metadata="https://mcp.your-agency.example/.well-known/oauth-protected-resource/mcp"`) {
				t.Errorf("%s: /mcp without a token: %d %q", line, resp.StatusCode, www)
			}
			resp, err = http.Get("http://" + addr + "/.well-known/oauth-protected-resource/mcp")
			if err != nil {
				t.Fatal(err)
			}
			var meta struct {
				Resource string   `json:"resource"`
				AS       []string `json:"authorization_servers"`
				Scopes   []string `json:"scopes_supported"`
			}
			json.NewDecoder(resp.Body).Decode(&meta)
			resp.Body.Close()
			if meta.Resource != vars["MCP_OAUTH_RESOURCE"] || len(meta.AS) != 1 || meta.AS[0] != issuer {
				t.Errorf("%s: resource metadata %+v", line, meta)
			}
			// Clients request the advertised scopes: the line's own, else the default.
			if want := cmp.Or(vars["MCP_OAUTH_SCOPES"], "stammer.read"); strings.Join(meta.Scopes, ",") != want {
				t.Errorf("%s: the metadata advertises the scopes %q, want %q", line, meta.Scopes, want)
			}
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
}

// TestReleaseBuildIsReproducible builds the README's release command in two
// checkouts at different paths and compares the binaries byte for byte.
func TestReleaseBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds twice; skipped with -short")
	}
	out, err := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	var sums []string
	for _, dir := range []string{t.TempDir(), t.TempDir() + "/elsewhere/deeper"} {
		for _, f := range strings.Fields(string(out)) {
			if strings.HasPrefix(f, "e2e/") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				continue // deleted in the work tree
			}
			os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
			os.WriteFile(filepath.Join(dir, f), b, 0o644)
		}
		bin := filepath.Join(dir, "stammer-mcp")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.buildVersion=v0.0.0-test", "-o", bin, ".")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build in %s: %v\n%s", dir, err, out)
		}
		b, _ := os.ReadFile(bin)
		sums = append(sums, fmt.Sprintf("%x", sha256.Sum256(b)))
		if v, _ := exec.Command(bin, "--version").Output(); !strings.Contains(string(v), "v0.0.0-test") {
			t.Errorf("--version = %q", v)
		}
	}
	if sums[0] != sums[1] {
		t.Errorf("two -trimpath builds differ: %s vs %s", sums[0], sums[1])
	}
}

// TestReadmePolicySnippet loads the README's access policy example and
// checks it means what the README says of it.
func TestReadmePolicySnippet(t *testing.T) {
	var snippet string
	for _, b := range readmeBlocks(t, "json") {
		if strings.Contains(b, `"rules"`) {
			snippet = b
		}
	}
	if snippet == "" {
		t.Fatal("no access policy example in the README")
	}
	p, err := policy.Parse([]byte(snippet))
	if err != nil {
		t.Fatal(err)
	}
	ana := p.ScopeFor(auth.Identity{Subject: "x", Email: "Ana@Clinic.example"})
	staff := p.ScopeFor(auth.Identity{Subject: "y", Groups: []string{"trattoria-staff"}})
	if !ana.Allows(17, "") || ana.Allows(42, "") || ana.IsAll() {
		t.Errorf("ana's scope: %s", ana.Describe())
	}
	if !staff.Allows(42, "") || !staff.Allows(0, "5F88E692-EDE2-4241-91BB-2DAE22A2535C") || staff.Allows(17, "") {
		t.Errorf("the group's scope: %s", staff.Describe())
	}
	if !p.ScopeFor(auth.Identity{Subject: auth.StaticSubject, Method: "token"}).IsAll() || !p.ScopeFor(auth.Identity{Subject: "auth0|6650a1f2c9"}).IsAll() {
		t.Error("the wildcard rules do not give every chatbot")
	}
	// "Callers with the static MCP_HTTP_TOKEN are the subject mcp-http-token":
	// only they, not an OAuth token whose sub is that string.
	if !p.ScopeFor(auth.Identity{Subject: auth.StaticSubject, Method: "oauth"}).IsEmpty() {
		t.Error("an OAuth token whose sub is mcp-http-token gets the static token's chatbots")
	}
	if !p.ScopeFor(auth.Identity{Subject: "someone"}).IsEmpty() {
		t.Error("a user in no rule reads something")
	}
}

// TestReadmeDemoOutputsAreReal runs each demo call whose output the README
// shows (the Quick start one and the four exchanges of "Asking good
// questions") and checks every line of the shown block is a line of the
// real output, in the same order ("…" stands for lines left out), so the
// README cannot drift from what the model reads.
func TestReadmeDemoOutputsAreReal(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	tests := []struct {
		shown string // how the README shows the call
		tool  string
		args  string
		first string // the shown block's first line
	}{
		{"go run . --demo call list_conversations '", "list_conversations",
			`{"chatbot_id":17,"startDate":"2026-11-01","endDate":"2026-11-24","onlyDeletedConversations":false}`,
			"DEMO DATA: fictional conversations"},
		{"`list_conversations ", "conversation_insights", // "then conversation_insights with the same arguments"
			`{"chatbot_id":17,"startDate":"2026-11-16","endDate":"2026-11-22","onlyDeletedConversations":false}`,
			"- trend: "},
		{"`conversation_insights ", "conversation_insights",
			`{"chatbot_id":17,"startDate":"2026-11-01","endDate":"2026-11-24","onlyDeletedConversations":false}`,
			"- fallback answers: "},
		{"`get_conversation ", "get_conversation", `{"chatbot_id":17,"conversation_number":4812}`,
			"Stammer conversation #4812 "},
		{"`list_chatbots ", "list_chatbots", `{}`, "Chatbots 1–5 of 5."},
	}
	for _, tc := range tests {
		if !strings.Contains(doc, tc.shown+tc.args) {
			t.Errorf("the README no longer shows the call %s%s", tc.shown, tc.args)
			continue
		}
		start := strings.Index(doc, "```\n"+tc.first)
		if start < 0 {
			t.Errorf("the README shows no output block starting %q", tc.first)
			continue
		}
		block := doc[start+4:]
		block = block[:strings.Index(block, "```")]
		cmd := exec.Command(binary, "--demo", "call", tc.tool, tc.args)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %s: %v", tc.tool, tc.args, err)
		}
		real := strings.Split(string(out), "\n")
		at := 0
		for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
			if line == "…" {
				continue
			}
			for at < len(real) && real[at] != line {
				at++
			}
			if at == len(real) {
				t.Errorf("%s %s: README line not in the real output (or out of order): %q\noutput:\n%s", tc.tool, tc.args, line, out)
				break
			}
			at++
		}
	}
}

// TestReadmeChatbotsFile runs list_chatbots on the demo with the README's
// STAMMER_CHATBOTS_FILE example: the names and aliases it gives appear on
// the chatbots' rows.
func TestReadmeChatbotsFile(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "```\n17 ")
	if start < 0 {
		t.Fatal("the README shows no STAMMER_CHATBOTS_FILE example")
	}
	block := doc[start+4:]
	block = block[:strings.Index(block, "```")]
	file := filepath.Join(t.TempDir(), "chatbots")
	if err := os.WriteFile(file, []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "--demo", "call", "list_chatbots", `{"startDate":"2026-09-01","endDate":"2026-11-24"}`)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "STAMMER_CHATBOTS_FILE=" + file}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		`- 17 "Dental clinic Rivera" (aliases: clinic) · uuid 05b5e310-4a22-4a53-b440-1922ca9815cf · `,
		`- 23 "Harbour Homes" (aliases: realty) · `,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("list_chatbots with the README's file lacks %q:\n%s", want, out)
		}
	}
}

// TestReadmeAnchorsResolve: every in-page link of the README (#anchor)
// names a heading, with the anchor GitHub derives from its text.
func TestReadmeAnchorsResolve(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	inCode := false
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
		}
		if inCode || !strings.HasPrefix(line, "#") {
			continue
		}
		text := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		var a strings.Builder
		for _, r := range text {
			switch {
			case r == ' ':
				a.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				a.WriteRune(r)
			}
		}
		anchors[a.String()] = true
	}
	links := regexp.MustCompile(`\]\(#([^)]+)\)`).FindAllStringSubmatch(string(b), -1)
	if len(links) < 10 {
		t.Fatalf("found only %d in-page links", len(links))
	}
	for _, m := range links {
		if !anchors[m[1]] {
			t.Errorf("README links to #%s, which no heading makes", m[1])
		}
	}
}

// TestReadmeKubernetesDeployment runs the container of the README's
// Deployment as Kubernetes would: its args, with every env variable it
// sets (from the Secret the README's kubectl line creates), must serve its
// probes' path on its containerPort.
func TestReadmeKubernetesDeployment(t *testing.T) {
	blocks := readmeBlocks(t, "yaml")
	if len(blocks) == 0 {
		t.Fatal("the README shows no Kubernetes Deployment")
	}
	y := blocks[0]
	find := func(re string) []string {
		m := regexp.MustCompile(re).FindStringSubmatch(y)
		if m == nil {
			t.Fatalf("the Deployment has no %s", re)
		}
		return m
	}
	var args []string
	if err := json.Unmarshal([]byte(find(`(?m)^\s+args: (\[.*\])$`)[1]), &args); err != nil {
		t.Fatal(err)
	}
	port := find(`containerPort: (\d+)`)[1]
	probe := find(`readinessProbe:\s+httpGet: \{path: (\S+), port: (\d+)\}`)
	if probe[2] != port || !strings.Contains(y, "livenessProbe:\n            httpGet: {path: "+probe[1]+", port: "+port+"}") {
		t.Errorf("the probes do not both ask %s on port %s", probe[1], port)
	}
	doc, _ := os.ReadFile("README.md")
	var env []string
	for _, m := range regexp.MustCompile(`- name: (\S+)\n\s+valueFrom: \{secretKeyRef: \{name: stammer-mcp, key: (\S+)\}\}`).FindAllStringSubmatch(y, -1) {
		if !strings.Contains(string(doc), "kubectl create secret generic stammer-mcp") || !strings.Contains(string(doc), "--from-literal="+m[2]+"=") {
			t.Errorf("the Secret key %s is not created by the README's kubectl line", m[2])
		}
		env = append(env, m[1]+"=a-long-random-value-for-"+m[2])
	}
	if len(env) < 2 {
		t.Fatalf("the Deployment sets %d variables from the Secret", len(env))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, free, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	for i := range args {
		if i > 0 && args[i-1] == "--listen" {
			if !strings.HasSuffix(args[i], ":"+port) {
				t.Errorf("--listen %s, but the containerPort is %s", args[i], port)
			}
			args[i] = "0.0.0.0:" + free
		}
	}
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get("http://127.0.0.1:" + free + probe[1])
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			t.Fatalf("the Deployment's container did not answer its probe: %v\n%s", err, stderr.String())
		}
	}
}
