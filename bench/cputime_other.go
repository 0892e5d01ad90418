//go:build !linux

package main

import "time"

// cpuTime is 0 off Linux, where this bench does not read another process's
// CPU clock: settle then stops after quietWindows.
func (p *proc) cpuTime() time.Duration { return 0 }
