package main

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"
)

// TestSettleWaitsOutWork: settleOn waits while the CPU clock moves, stops
// after quietWindows still windows in a row (a single still window inside
// work is not enough), and gives up at maxSettle.
func TestSettleWaitsOutWork(t *testing.T) {
	for _, tt := range []struct {
		name string
		busy []bool // per window: did the process work in it?
		want time.Duration
	}{
		{"idle at once", nil, quietWindows * idleWindow},
		{"busy for five windows", []bool{true, true, true, true, true}, (5 + quietWindows) * idleWindow},
		{"one still window inside work", []bool{true, false, true, true}, (4 + quietWindows) * idleWindow},
		{"busy throughout", slices.Repeat([]bool{true}, 400), maxSettle},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var clock time.Duration
			window := 0
			sleep := func(d time.Duration) {
				if d != idleWindow {
					t.Fatalf("slept %v, want windows of %v", d, idleWindow)
				}
				if window < len(tt.busy) && tt.busy[window] {
					clock += d / 2
				}
				window++
			}
			if got := settleOn(context.Background(), func() time.Duration { return clock }, sleep); got != tt.want {
				t.Errorf("waited %v, want %v", got, tt.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := settleOn(ctx, func() time.Duration { return 0 }, func(time.Duration) { t.Fatal("slept after cancel") }); got != 0 {
		t.Errorf("waited %v after cancel", got)
	}
}

// TestCPUTimeIsCurrent: cpuTime reads a clock that counts the thread
// running right now. A clock brought up to date only at scheduler ticks
// (every 4 ms at 250 Hz, as /proc/PID/task/*/schedstat is) shows no growth
// over most 1 ms spins, and settle would take a busy server for an idle one.
func TestCPUTimeIsCurrent(t *testing.T) {
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: &exec.Cmd{Process: self}}
	if p.cpuTime() <= 0 {
		t.Skip("no process CPU clock here")
	}
	seen := 0
	for range 10 {
		before := p.cpuTime()
		for start := time.Now(); time.Since(start) < time.Millisecond; {
		}
		if p.cpuTime()-before >= time.Millisecond/2 {
			seen++
		}
	}
	if seen < 7 {
		t.Errorf("cpuTime grew by 0.5 ms or more over only %d of 10 spins of 1 ms", seen)
	}
}

// TestSettleReturnsForAnIdleProcess: a real process that does nothing is
// idle in a few windows, not after maxSettle.
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
