// Package cachetest runs a real Valkey or Redis server on loopback for
// tests of the shared cache, like net/http/httptest does for HTTP: it
// starts valkey-server or redis-server from PATH on a free port, with no
// persistence, and stops it when the test ends. Tests can kill and restart
// it to check that calls survive the cache going away.
//
// When neither server is installed the test is skipped with a note, unless
// the environment variable CI is "true", where it fails: CI installs one
// (see .ci/run).
package cachetest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running cache server.
type Server struct {
	// Addr is host:port on loopback.
	Addr string
	// URL is redis://Addr/0, what STAMMER_CACHE_URL takes.
	URL string

	bin  string
	dir  string
	port int
	mu   sync.Mutex
	proc *proc // nil when not running
}

// Start starts a server for t, or skips t when none is installed (fails
// under CI=true).
func Start(t testing.TB) *Server {
	t.Helper()
	if Binary() == "" {
		msg := "neither valkey-server nor redis-server is on PATH; install one (Debian: apt-get install redis-server) to run the shared cache tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	s, err := Launch()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	return s
}

// Launch starts a server outside a test (the bench uses it); the caller
// must Kill it. It fails when no server is installed.
func Launch() (*Server, error) {
	bin := Binary()
	if bin == "" {
		return nil, errors.New("neither valkey-server nor redis-server is on PATH")
	}
	dir, err := os.MkdirTemp("", "cachetest-")
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, dir: dir}
	for range 5 { // a free port can be taken between finding and listening
		if s.port, err = freePort(); err != nil {
			break
		}
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	s.URL = "redis://" + s.Addr + "/0"
	return s, nil
}

// Binary returns the server binary on PATH, preferring Valkey, or "".
func Binary() string {
	for _, name := range []string{"valkey-server", "redis-server"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs the server and waits until it answers PING.
func (s *Server) start() error {
	cmd := exec.Command(s.bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir, "--enable-debug-command", "local")
	// The server writes its output to a file in its directory, read only
	// for an error message: no copying goroutine, nothing to lock.
	log, err := os.Create(filepath.Join(s.dir, "server.log"))
	if err != nil {
		return err
	}
	defer log.Close() // the server has its own descriptor
	output := func() string {
		b, _ := os.ReadFile(log.Name())
		return string(b[:min(len(b), 64<<10)])
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return err
	}
	p := &proc{cmd: cmd, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(p.exited) }()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if reply, err := s.do(addr, "PING"); err == nil && reply == "+PONG" {
			s.mu.Lock()
			s.proc = p
			s.mu.Unlock()
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("server exited; its output:\n%s", output())
		case <-time.After(20 * time.Millisecond):
		}
	}
	p.kill()
	return fmt.Errorf("server did not answer PING on %s; its output:\n%s", addr, output())
}

// proc is one run of the server.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.exited
}

// Kill stops the server at once (SIGKILL), as a crash would. Restart
// can start it again.
func (s *Server) Kill() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p != nil {
		p.kill()
	}
}

// Close kills the server and removes its directory.
func (s *Server) Close() {
	s.Kill()
	os.RemoveAll(s.dir)
}

// Restart starts the server again on the same port, empty.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Kill()
	var err error
	for range 50 { // the port may linger for a moment
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("restarting the cache server: %v", err)
}

// Do sends one command and returns the reply: a simple reply as its line
// ("+OK", ":1", "-ERR …"), a bulk string as its text.
func (s *Server) Do(t testing.TB, args ...string) string {
	t.Helper()
	reply, err := s.Command(args...)
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	return reply
}

// Command is Do outside a test.
func (s *Server) Command(args ...string) (string, error) { return s.do(s.Addr, args...) }

// do speaks just enough RESP for tests: one command, one reply.
func (s *Server) do(addr string, args ...string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.Write([]byte(b.String())); err != nil {
		return "", err
	}
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if err != nil || !strings.HasPrefix(line, "$") || line == "$-1" {
		return line, err
	}
	n, err := strconv.Atoi(line[1:])
	if err != nil {
		return line, err
	}
	bulk := make([]byte, n+2)
	_, err = io.ReadFull(r, bulk)
	return string(bulk[:n]), err
}
