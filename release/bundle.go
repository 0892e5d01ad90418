package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/stammer-mcp/stammer-mcp/tools"
)

// One bundle for every OS, with platform_overrides, rather than one per OS:
// the MCP registry lists a single .mcpb URL per package with no way to pick
// one by platform, and an agency owner should not have to know which file
// is theirs. Claude Desktop applies the override of process.platform. The
// overrides cannot tell CPUs apart, so macOS gets a universal binary
// (arm64 + x86-64) and Windows the x86-64 one, which Windows on Arm runs
// under its x64 emulation. Linux (no Claude Desktop, but other MCPB hosts)
// gets x86-64; Linux on arm64 uses the archive.
var bundleBinaries = []struct {
	platform string // process.platform, the key of platform_overrides
	path     string // inside the bundle
	from     []target
}{
	{"darwin", "server/darwin/stammer-mcp", []target{{"darwin", "arm64"}, {"darwin", "amd64"}}},
	{"win32", "server/win32/stammer-mcp.exe", []target{{"windows", "amd64"}}},
	{"linux", "server/linux/stammer-mcp", []target{{"linux", "amd64"}}},
}

// bundleName is the .mcpb file of a version.
func bundleName(version string) string { return "stammer-mcp-" + version + ".mcpb" }

// manifest is the bundle's manifest.json, MCP Bundle manifest version 0.3
// (the latest the pinned mcpb CLI marks stable), in the specification's
// field order.
type manifest struct {
	ManifestVersion string            `json:"manifest_version"`
	Name            string            `json:"name"`
	DisplayName     string            `json:"display_name"`
	Version         string            `json:"version"`
	Description     string            `json:"description"`
	LongDescription string            `json:"long_description"`
	Author          manifestAuthor    `json:"author"`
	Repository      manifestRepo      `json:"repository"`
	Homepage        string            `json:"homepage"`
	Documentation   string            `json:"documentation"`
	Support         string            `json:"support"`
	Server          manifestServer    `json:"server"`
	Tools           []manifestTool    `json:"tools"`
	Keywords        []string          `json:"keywords"`
	License         string            `json:"license"`
	Compatibility   manifestCompat    `json:"compatibility"`
	UserConfig      map[string]option `json:"user_config"`
}

type manifestAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

type manifestRepo struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type manifestServer struct {
	Type       string    `json:"type"`
	EntryPoint string    `json:"entry_point"`
	MCPConfig  mcpConfig `json:"mcp_config"`
}

type mcpConfig struct {
	Command           string              `json:"command"`
	Args              []string            `json:"args"`
	Env               map[string]string   `json:"env,omitempty"`
	PlatformOverrides map[string]override `json:"platform_overrides,omitempty"`
}

// override is what platform_overrides changes for one OS: the binary only.
type override struct {
	Command string `json:"command"`
}

type manifestTool struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type manifestCompat struct {
	Platforms []string `json:"platforms"`
}

// option is one user_config entry: what Claude Desktop asks for at install.
type option struct {
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Sensitive   bool   `json:"sensitive,omitempty"`
	Default     any    `json:"default,omitempty"`
	Min         *int   `json:"min,omitempty"`
	Max         *int   `json:"max,omitempty"`
}

const repoURL = "https://github.com/stammer-mcp/stammer-mcp"

// The range of STAMMER_MAX_OUTPUT_TOKENS the server accepts (config.go);
// the release test checks both ends against the built binary.
const (
	minOutputTokens = 1500
	maxOutputTokens = 100000
)

// newManifest is the manifest of version v with the given tools. Every
// optional setting has a default: Claude Desktop substitutes defaults for
// settings left empty, and a variable without a value would reach the
// server as the literal text "${user_config.…}".
func newManifest(v string, serverTools []manifestTool) manifest {
	ptr := func(n int) *int { return &n }
	m := manifest{
		ManifestVersion: "0.3",
		Name:            "stammer-mcp",
		DisplayName:     "Stammer.ai conversations",
		Version:         v,
		Description:     "Read the conversations of your Stammer.ai AI agents: totals, transcripts, top questions, failures.",
		LongDescription: "Lets Claude answer questions about the conversations of the AI agents (chatbots) an agency runs on Stammer.ai " +
			"or its own white-label Stammer domain: how many conversations, on which channels, what people asked, where the bot failed, " +
			"and the transcript of any conversation. It only reads, with the agency's API token, and never changes anything in the account.",
		Author:        manifestAuthor{Name: "The stammer-mcp authors", URL: repoURL},
		Repository:    manifestRepo{Type: "git", URL: repoURL},
		Homepage:      repoURL,
		Documentation: repoURL + "#readme",
		Support:       repoURL + "/issues",
		Server: manifestServer{
			Type:       "binary",
			EntryPoint: bundleBinaries[0].path,
			MCPConfig: mcpConfig{
				Command: "${__dirname}/" + bundleBinaries[0].path,
				Args:    []string{},
				Env: map[string]string{
					"STAMMER_API_TOKEN":         "${user_config.api_token}",
					"STAMMER_BASE_URL":          "${user_config.base_url}",
					"STAMMER_MAX_OUTPUT_TOKENS": "${user_config.max_output_tokens}",
				},
				PlatformOverrides: map[string]override{},
			},
		},
		Tools:         serverTools,
		Keywords:      []string{"stammer", "chatbot", "conversations", "analytics", "agency", "white-label"},
		License:       "MIT",
		Compatibility: manifestCompat{},
		UserConfig: map[string]option{
			"api_token": {
				Type: "string", Title: "Stammer API token", Required: true, Sensitive: true,
				Description: "Your agency's API token, from the Stammer (or white-label) dashboard: look for \"API\" in the agency's settings or profile menu. It is sent only to the API base URL below.",
			},
			"base_url": {
				Type: "string", Title: "API base URL", Default: "https://app.stammer.ai",
				Description: "Leave as is on Stammer.ai. White-label agencies put the domain their dashboard is served from, e.g. https://app.your-agency.example (with /pt or another language prefix only if the agency uses one). Must be https.",
			},
			"max_output_tokens": {
				Type: "number", Title: "Output budget (tokens)", Default: tools.DefaultMaxOutputTokens, Min: ptr(minOutputTokens), Max: ptr(maxOutputTokens),
				Description: "The most one tool result may take of Claude's context, in tokens. Longer results are cut and say how to get the rest.",
			},
		},
	}
	for _, b := range bundleBinaries {
		m.Compatibility.Platforms = append(m.Compatibility.Platforms, b.platform)
		m.Server.MCPConfig.PlatformOverrides[b.platform] = override{Command: "${__dirname}/" + b.path}
	}
	return m
}

// packBundle lays out the bundle in dist/mcpb/, validates and packs it with
// the official mcpb CLI, and returns the .mcpb's name.
func packBundle(ctx context.Context, o options, b build) (string, error) {
	start := time.Now()
	stage := filepath.Join(o.dist, "mcpb")
	for _, bb := range bundleBinaries {
		dst := filepath.Join(stage, filepath.FromSlash(bb.path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		var src []string
		for _, t := range bb.from {
			src = append(src, filepath.Join(o.dist, t.String(), t.exe()))
		}
		var err error
		if len(src) > 1 {
			err = universal(dst, src...)
		} else {
			err = copyFile(src[0], dst, 0o755)
		}
		if err != nil {
			return "", err
		}
	}
	for _, doc := range []string{"README.md", "LICENSE"} {
		if err := copyFile(filepath.Join(o.root, doc), filepath.Join(stage, doc), 0o644); err != nil {
			return "", err
		}
	}

	// The tools the manifest lists are those the server advertises: ask the
	// binary just built for this machine.
	h, ok := host()
	if !ok {
		return "", errors.New("this machine is none of the release targets, so no binary here can list the tools for the manifest")
	}
	tools, err := listTools(ctx, filepath.Join(o.dist, h.String(), h.exe()))
	if err != nil {
		return "", err
	}
	m, err := json.MarshalIndent(newManifest(b.Version, tools), "", "  ")
	if err != nil {
		return "", err
	}
	manifestPath := filepath.Join(stage, "manifest.json")
	if err := os.WriteFile(manifestPath, append(m, '\n'), 0o644); err != nil {
		return "", err
	}

	cli, err := mcpbCLI(ctx, o)
	if err != nil {
		return "", err
	}
	name := bundleName(b.Version)
	for _, args := range [][]string{{"validate", manifestPath}, {"pack", stage, filepath.Join(o.dist, name)}} {
		cmd := exec.CommandContext(ctx, "node", append([]string{cli}, args...)...)
		cmd.Dir = o.dist
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("mcpb %s: %v\n%s", args[0], err, out)
		}
	}
	fmt.Fprintf(o.log, "release: %s (%d tools) in %s\n", name, len(tools), time.Since(start).Round(100*time.Millisecond))
	return name, nil
}

// listTools starts bin --demo over stdio and returns tools/list.
func listTools(ctx context.Context, bin string) ([]manifestTool, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := client.NewStdioMCPClient(bin, []string{"LOG_LEVEL=error"}, "--demo")
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	defer c.Close()
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "stammer-mcp release", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		return nil, fmt.Errorf("initialize %s: %w", bin, err)
	}
	var tools []manifestTool
	var req mcp.ListToolsRequest
	for {
		res, err := c.ListTools(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("tools/list: %w", err)
		}
		for _, t := range res.Tools {
			tools = append(tools, manifestTool{Name: t.Name, Description: t.Description})
		}
		if res.NextCursor == "" {
			break
		}
		req.Params.Cursor = res.NextCursor
	}
	if len(tools) == 0 {
		return nil, errors.New("the server lists no tools")
	}
	return tools, nil
}

// mcpbCLI installs the pinned mcpb CLI into release/mcpb/node_modules
// (npm ci, unless it already holds this package-lock.json's install) and
// returns the path of its script.
func mcpbCLI(ctx context.Context, o options) (string, error) {
	dir := filepath.Join(o.root, "release", "mcpb")
	if _, err := exec.LookPath("node"); err != nil {
		return "", errors.New("node is not on PATH: the bundle is packed by the official mcpb CLI, which needs Node.js 20+ with npm")
	}
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return "", err
	}
	installed, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	if err != nil || installed.ModTime().Before(lock.ModTime()) {
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	return filepath.Join(dir, "node_modules", "@anthropic-ai", "mcpb", "dist", "cli", "cli.js"), nil
}

// copyFile copies src to dst with the given mode.
func copyFile(src, dst string, mode os.FileMode) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, mode)
}
