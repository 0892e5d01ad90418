package main

// The measured process is the binary TestMain builds, without -race, so
// these numbers hold under go test -race too.

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stammer-mcp/stammer-mcp/stammer/stammertest"
)

// procKB reads a "VmRSS:"-style line of /proc/PID/status, in kB.
func procKB(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return -1
}

// TestSixEndlessBodiesStayBounded: six concurrent calls against answers
// that never end (4 GiB each, chunked) with the default settings. The
// process's peak resident memory stays under 700 MB (each call alone may
// read 256 MiB), every call is answered, and the memory is handed back:
// resident memory falls under 100 MB within 30 s of the last answer. With
// STAMMER_MEMORY_BASELINE=1 the same run also measures a baseline without
// the process-wide bounds (six turns, no shared budget, no memory limit),
// for the ratio in docs/reliability.md: it reads 1.5 GB, too much to do on
// every run of the suite on a shared machine.
func TestSixEndlessBodiesStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads about two gigabytes of JSON")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to read the resident memory")
	}
	peak, settle := endlessBurst(t, nil)
	t.Logf("bounded (defaults): peak %d MB, under 100 MB %v after the last answer", peak>>10, settle.Round(time.Millisecond))
	if peak > 700<<10 {
		t.Errorf("peak resident memory %d MB, want at most 700 MB", peak>>10)
	}
	if settle < 0 {
		t.Error("resident memory still over 100 MB 30 s after the last answer")
	}
	if os.Getenv("STAMMER_MEMORY_BASELINE") == "" {
		return
	}
	base, baseSettle := endlessBurst(t, []string{"STAMMER_MAX_CONCURRENT_REQUESTS=6", "STAMMER_MAX_INFLIGHT_BYTES=8GiB", "STAMMER_MEMORY_LIMIT=off"})
	t.Logf("baseline (unbounded): peak %d MB, under 100 MB after %v (-1 = not within 30 s); bounded/baseline peak = %.2f",
		base>>10, baseSettle.Round(time.Millisecond), float64(peak)/float64(base))
}

// endlessBurst runs six calls against endless bodies through the binary with
// env added, and returns the peak resident memory (kB) and how long after
// the last answer it fell under 100 MB (-1: not within 30 s).
func endlessBurst(t *testing.T, env []string) (int64, time.Duration) {
	t.Helper()
	srv := stammertest.NewServer(t, stammertest.WithToken(canary))
	s := startSession(t, append([]string{"STAMMER_BASE_URL=" + srv.URL, "STAMMER_API_TOKEN=" + canary, "STAMMER_TIMEOUT=50s"}, env...))
	initialize(s)
	pid := s.cmd.Process.Pid
	srv.SetFault(stammertest.Fault{HugeBody: 4 << 30, Chunked: true})
	var ids []int
	for n := 1; n <= 6; n++ {
		ids = append(ids, s.send("tools/call", slowCall(n)))
	}
	for id, msg := range s.awaitAll(ids...) {
		isErr, text := toolResult(t, msg)
		if !isErr || !strings.Contains(text, "larger than 256 MiB") && !strings.Contains(text, "This server is busy") {
			t.Errorf("call %d: isError=%v %.300q", id, isErr, text)
		}
	}
	done := time.Now()
	peak := procKB(pid, "VmHWM")
	settle := time.Duration(-1)
	for time.Since(done) < 30*time.Second {
		if procKB(pid, "VmRSS") < 100<<10 {
			settle = time.Since(done)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	srv.ClearFault()
	if isErr, text, _ := s.callTool("list_conversations", map[string]any{"onlyDeletedConversations": false}); isErr {
		t.Errorf("the call after the burst: %s", text)
	}
	s.close()
	return peak, settle
}
