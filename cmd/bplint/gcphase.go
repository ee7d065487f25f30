package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"

	"golang.org/x/tools/go/analysis"
)

// analysisGCPercent is the garbage collector's target while the suite
// analyzes packages that are already loaded.
//
// When the first analyzer starts, the heap holds the packages' syntax
// and types, all of it live until the analysis ends; a collection during
// analysis marks it all again to free only what the analyzers threw
// away. On nats-server's 450k-line server package, under go vet, the
// analyzers allocate about 260 MB over a heap of 630 MB: just enough to
// start one more collection at the default target, 0.8 s of CPU (as
// much as the analysis itself) for nothing the process still needs. At
// 400 the target is five times the heap marked last, which the analysis
// of a package does not reach. The peak does not grow: the collection
// came too late to lower it (800 MB either way on that package), and
// analysisMemoryLimit bounds it in any case.
const analysisGCPercent = 400

// relaxGC sets the collector's target for an analysis phase and returns
// the function that restores the previous settings. A target chosen by
// the user (GOGC or GOMEMLIMIT in the environment) is left alone.
func relaxGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	limit := debug.SetMemoryLimit(analysisMemoryLimit())
	percent := debug.SetGCPercent(analysisGCPercent)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}

// analysisMemoryLimit bounds the relaxed phase: the runtime may grow to
// twice the memory it holds when the analysis starts, and past that
// collects as it must to stay under.
func analysisMemoryLimit() int64 {
	s := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(s)
	return 2 * int64(s[0].Value.Uint64()-s[1].Value.Uint64())
}

// relaxGCDuringAnalysis relaxes the collector (see relaxGC) when the
// first analyzer of suite starts, for good: the process must analyze one
// package and exit, as under the go vet and go fix protocols, where
// loading and type-checking come before any analyzer runs.
func relaxGCDuringAnalysis(suite []*analysis.Analyzer) {
	var once sync.Once
	for _, a := range suite {
		run := a.Run
		a.Run = func(pass *analysis.Pass) (any, error) {
			once.Do(func() { relaxGC() })
			return run(pass)
		}
	}
}
