package main

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestCPUTimeCountsEveryThread: cpuTime sums the threads' CPU time, so it
// grows by at least the CPU this process burns.
func TestCPUTimeCountsEveryThread(t *testing.T) {
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: &exec.Cmd{Process: self}}
	before := p.cpuTime()
	if before <= 0 {
		t.Fatalf("cpuTime = %v before burning: /proc not read", before)
	}
	burn(20 * time.Millisecond)
	if grew := p.cpuTime() - before; grew < 2*time.Millisecond {
		t.Errorf("cpuTime grew by %v while this process spun for 20ms", grew)
	}
}

// TestSettleReturnsForAnIdleProcess: a process that does nothing is idle
// at once (one window, give or take a busy machine), not after maxSettle.
func TestSettleReturnsForAnIdleProcess(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep command:", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	time.Sleep(50 * time.Millisecond) // past the exec
	if waited := (&proc{cmd: cmd}).settle(context.Background()); waited >= maxSettle {
		t.Errorf("settle waited %v for an idle process", waited)
	}
}

// burn spins for about d of wall time.
func burn(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}
