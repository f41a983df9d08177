//go:build unix

package search_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) the process has used so far.
// On the shared development machine wall-clock latency mostly measures
// the other jobs; CPU time per query is the comparable figure.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
