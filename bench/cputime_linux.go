package main

import (
	"time"

	"golang.org/x/sys/unix"
)

// cpuTime is the CPU time the process has used so far, from its CPU clock
// (CPUCLOCK_SCHED of the process: clock id (^pid << 3) | 2), which counts a
// thread that is running right now. /proc/PID/task/*/schedstat does not: it
// moves at scheduler ticks (4 ms here), so a busy thread could look idle for
// a 2 ms window. 0 when the clock cannot be read (then settle stops after
// quietWindows).
func (p *proc) cpuTime() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(int32(^p.cmd.Process.Pid<<3|2), &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
