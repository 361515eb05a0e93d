//go:build unix

package rtree

import "syscall"

// cpuNanos is the CPU time used by the process so far. Benchmarks report it
// per op beside wall time because this machine is shared: wall time counts
// the waits for a core, CPU time mostly does not.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
