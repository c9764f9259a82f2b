//go:build unix

package main

import (
	"syscall"
	"time"
)

// cpuTime is the process's user + system CPU time so far: on a shared
// machine the wall time of a measurement includes other processes' turns,
// the CPU time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
