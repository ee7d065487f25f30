//go:build unix

package bounded

import (
	"syscall"
	"testing"
)

// processCPU returns the user+system CPU time consumed by the process, in
// nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// reportCPU starts measuring process CPU time; the returned function
// reports it per operation as the "cpu-ns/op" metric. On a shared machine
// wall-clock ns/op includes time the benchmark spent descheduled, while
// cpu-ns/op counts only the CPU the process used (all its threads, so for
// multi-goroutine benchmarks it includes the consumer's).
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	}
}
