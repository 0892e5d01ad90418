package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// buildah runs buildah with a private vfs store under dir, so the test
// needs no daemon, no overlay support and leaves nothing behind.
func buildah(ctx context.Context, t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	base := []string{"--storage-driver", "vfs", "--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "run")}
	cmd := exec.CommandContext(ctx, "buildah", append(base, args...)...)
	cmd.Env = append(os.Environ(), "BUILDAH_ISOLATION=chroot")
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// TestContainerImage builds the Dockerfile with buildah, offline, from the
// release's Linux binaries (the README's container commands), then checks
// the image: its config (non-root, port, entry point, no token), the binary
// in its layer for each platform, and, run with buildah, that it refuses to
// listen off loopback without MCP_HTTP_TOKEN, and serves /healthz and a
// tool call against a fake Stammer API when given its tokens at run time.
func TestContainerImage(t *testing.T) {
	dist, b := release(t)
	if _, err := exec.LookPath("buildah"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("buildah is not on PATH (.ci/run installs Debian's) — CI=true, so this is a failure")
		}
		t.Skip("buildah is not on PATH: apt-get install buildah to build the container image here")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	line := readmeLine(t, "docker build ")
	if line != "docker build -t stammer-mcp ." {
		t.Fatalf("the README's build command is %q; this test builds what `docker build -t stammer-mcp .` does", line)
	}

	// The build context: the repository's Dockerfile and .dockerignore, and
	// the release's dist/linux_* where the Dockerfile expects them.
	work := t.TempDir()
	buildCtx := filepath.Join(work, "context")
	if err := os.MkdirAll(buildCtx, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Dockerfile", ".dockerignore"} {
		if err := copyFile(filepath.Join("..", f), filepath.Join(buildCtx, f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		dst := filepath.Join(buildCtx, "dist", "linux_"+arch, "stammer-mcp")
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := copyFile(filepath.Join(dist, "linux_"+arch, "stammer-mcp"), dst, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Something the .dockerignore must keep out of the image's context.
	os.WriteFile(filepath.Join(buildCtx, "stammer.env"), []byte("STAMMER_API_TOKEN=do-not-ship\n"), 0o600)

	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			tag := "localhost/stammer-mcp:" + arch
			if out, err := buildah(ctx, t, work, "bud", "--platform", "linux/"+arch, "-t", tag, buildCtx).CombinedOutput(); err != nil {
				t.Fatalf("buildah bud: %v\n%s", err, out)
			}
			out, err := buildah(ctx, t, work, "inspect", "--type", "image", tag).Output()
			if err != nil {
				t.Fatal(err)
			}
			var img struct {
				OCIv1 struct {
					Architecture string
					Config       struct {
						User         string
						ExposedPorts map[string]any
						Env          []string
						Entrypoint   []string
						Cmd          []string
					}
				}
			}
			if err := json.Unmarshal(out, &img); err != nil {
				t.Fatal(err)
			}
			c := img.OCIv1.Config
			if img.OCIv1.Architecture != arch || c.User != "65532:65532" || c.ExposedPorts["8080/tcp"] == nil ||
				!slices.Equal(c.Entrypoint, []string{"/stammer-mcp"}) || !slices.Equal(c.Cmd, []string{"--transport", "http", "--listen", "0.0.0.0:8080"}) {
				t.Errorf("image config: arch %s, %+v", img.OCIv1.Architecture, c)
			}
			for _, e := range c.Env {
				if strings.Contains(e, "TOKEN") {
					t.Errorf("the image bakes in %s", e)
				}
			}

			// The image's only layer holds the one binary, built for arch.
			files := imageFiles(ctx, t, work, tag)
			var names []string
			for name := range files {
				names = append(names, name)
			}
			if !slices.Equal(names, []string{"stammer-mcp"}) {
				t.Errorf("the image holds %q; want only stammer-mcp", names)
			}
			want, _ := os.ReadFile(filepath.Join(dist, "linux_"+arch, "stammer-mcp"))
			if !bytes.Equal(files["stammer-mcp"], want) {
				t.Errorf("the image's binary is not the release's linux_%s one", arch)
			}
			if h, _ := host(); h.OS == "linux" && h.Arch == arch {
				runImage(ctx, t, work, tag, b)
			}
		})
	}
}

// runImage runs the image's binary in a buildah container (chroot
// isolation, the host's network), as the image's user.
func runImage(ctx context.Context, t *testing.T, work, tag string, b build) {
	t.Helper()
	out, err := buildah(ctx, t, work, "from", "--name", "stammer-mcp-test", tag).Output()
	if err != nil {
		t.Fatalf("buildah from: %v", err)
	}
	ctr := strings.TrimSpace(string(out))
	run := func(env []string, args ...string) *exec.Cmd {
		a := []string{"run", "--isolation", "chroot"}
		for _, e := range env {
			a = append(a, "--env", e)
		}
		return buildah(ctx, t, work, append(append(a, ctr, "--"), args...)...)
	}

	out, err = run(nil, "/stammer-mcp", "--version").CombinedOutput()
	if want := fmt.Sprintf("stammer-mcp %s (commit %s, built %s)\n", b.Version, b.Commit, b.Date.Format(time.RFC3339)); err != nil || string(out) != want {
		t.Errorf("--version in the container: %q (%v), want %q", out, err, want)
	}
	out, err = run(nil, "/stammer-mcp", "--transport", "http", "--listen", "0.0.0.0:8080").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "MCP_HTTP_TOKEN") {
		t.Errorf("the default command without MCP_HTTP_TOKEN: %v, %q; want a refusal naming MCP_HTTP_TOKEN", err, out)
	}

	// Served for real: /healthz without auth, and a tool call with the
	// bearer token, answered from the fake API the run-time env points at.
	api := stammertest.NewServer(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const bearer = "container-test-bearer-token"
	srv := run([]string{"MCP_HTTP_TOKEN=" + bearer, "STAMMER_API_TOKEN=" + stammertest.DefaultToken, "STAMMER_BASE_URL=" + api.URL},
		"/stammer-mcp", "--transport", "http", "--listen", addr)
	var logs bytes.Buffer
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			srv.Process.Kill()
			<-done
		}
		if strings.Contains(logs.String(), stammertest.DefaultToken) || strings.Contains(logs.String(), bearer) {
			t.Errorf("a token reached the container's logs:\n%s", logs.String())
		}
	}()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "ok") {
				t.Fatalf("/healthz: %d %q", resp.StatusCode, body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the container never served /healthz: %v\n%s", err, logs.String())
		}
	}
	call := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_conversations","arguments":{"chatbot_id":17,"onlyDeletedConversations":false}}}`
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/mcp", strings.NewReader(call))
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(bufio.NewReader(resp.Body))
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Totals over all") {
		t.Errorf("tools/call in the container: %d %s", resp.StatusCode, body)
	}
	if len(api.Requests()) == 0 {
		t.Error("the container never called the API given in STAMMER_BASE_URL")
	}
}

// imageFiles pushes the image to an OCI layout and returns the regular
// files of its layers.
func imageFiles(ctx context.Context, t *testing.T, work, tag string) map[string][]byte {
	t.Helper()
	dir := filepath.Join(work, "oci-"+strings.ReplaceAll(tag, ":", "-")[len("localhost/"):])
	if out, err := buildah(ctx, t, work, "push", tag, "dir:"+dir).CombinedOutput(); err != nil {
		t.Fatalf("buildah push: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Layers []struct{ Digest string } }
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, l := range m.Layers {
		data, err := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(l.Digest, "sha256:")))
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = bytes.NewReader(data)
		if len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
			if r, err = gzip.NewReader(r); err != nil {
				t.Fatal(err)
			}
		}
		readTar(t, r, files, map[string]os.FileMode{})
	}
	return files
}
