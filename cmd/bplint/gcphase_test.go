package main

import (
	"math"
	"runtime/debug"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
)

// gcSettings returns the collector's target and memory limit, leaving
// them unchanged.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// userGC lists the environments relaxGC must and must not act in.
var userGC = []struct {
	name, gogc, gomemlimit string
	relaxed                bool
}{
	{"default", "", "", true},
	{"GOGC set by the user", "150", "", false},
	{"GOMEMLIMIT set by the user", "", "1GiB", false},
}

// inEnvironment sets GOGC and GOMEMLIMIT for the test, and the
// collector's target and memory limit to the runtime's defaults (100,
// none), restoring them all after the test.
func inEnvironment(t *testing.T, gogc, gomemlimit string) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
	t.Setenv("GOGC", gogc)
	t.Setenv("GOMEMLIMIT", gomemlimit)
}

func TestRelaxGC(t *testing.T) {
	for _, tc := range userGC {
		t.Run(tc.name, func(t *testing.T) {
			inEnvironment(t, tc.gogc, tc.gomemlimit)
			restore := relaxGC()
			percent, limit := gcSettings()
			if tc.relaxed {
				if percent != analysisGCPercent {
					t.Errorf("during analysis: GC percent %d, want %d", percent, analysisGCPercent)
				}
				if limit == math.MaxInt64 || limit <= 0 {
					t.Errorf("during analysis: memory limit %d, want a bound", limit)
				}
			} else if percent != 100 || limit != math.MaxInt64 {
				t.Errorf("during analysis: GC percent %d, memory limit %d; want the user's 100 and none", percent, limit)
			}
			restore()
			if percent, limit := gcSettings(); percent != 100 || limit != math.MaxInt64 {
				t.Errorf("restored: GC percent %d, memory limit %d; want 100 and none", percent, limit)
			}
		})
	}
}

func TestRelaxGCDuringAnalysis(t *testing.T) {
	for _, tc := range userGC {
		t.Run(tc.name, func(t *testing.T) {
			inEnvironment(t, tc.gogc, tc.gomemlimit)
			runs := 0
			a := &analysis.Analyzer{Name: "a", Run: func(*analysis.Pass) (any, error) { runs++; return nil, nil }}
			b := &analysis.Analyzer{Name: "b", Run: func(*analysis.Pass) (any, error) { runs++; return nil, nil }}
			relaxGCDuringAnalysis([]*analysis.Analyzer{a, b})
			if percent, _ := gcSettings(); percent != 100 {
				t.Fatalf("before any analyzer ran: GC percent %d, want 100 (loading is collected as usual)", percent)
			}
			a.Run(nil)
			b.Run(nil)
			if runs != 2 {
				t.Errorf("the wrapped analyzers ran %d times, want 2", runs)
			}
			want := 100
			if tc.relaxed {
				want = analysisGCPercent
			}
			if percent, _ := gcSettings(); percent != want {
				t.Errorf("once analysis started: GC percent %d, want %d", percent, want)
			}
		})
	}
}

// The batched driver relaxes the collector while each batch is analyzed,
// and only then.
func TestBatchesRelaxGCWhileAnalyzing(t *testing.T) {
	t.Chdir(fixture(t))
	for _, tc := range userGC {
		t.Run(tc.name, func(t *testing.T) {
			inEnvironment(t, tc.gogc, tc.gomemlimit)
			var seen []int
			probe := &analysis.Analyzer{
				Name: "probe",
				Doc:  "probe: record the collector's target",
			}
			var mu sync.Mutex // the packages of a batch are analyzed in parallel
			probe.Run = func(*analysis.Pass) (any, error) {
				mu.Lock() // gcSettings sets the target for a moment
				defer mu.Unlock()
				percent, _ := gcSettings()
				seen = append(seen, percent)
				return nil, nil
			}
			err := analyzeInBatches([]string{"./variants/...", "./leak"}, true, []*analysis.Analyzer{probe},
				func(msg string) { t.Errorf("load error: %s", msg) }, func(*checker.Graph) {})
			if err != nil {
				t.Fatal(err)
			}
			want := 100
			if tc.relaxed {
				want = analysisGCPercent
			}
			if len(seen) == 0 {
				t.Fatal("the probe never ran")
			}
			for _, p := range seen {
				if p != want {
					t.Errorf("during analysis: GC percent %d, want %d (all: %v)", p, want, seen)
					break
				}
			}
			if percent, limit := gcSettings(); percent != 100 || limit != math.MaxInt64 {
				t.Errorf("after the run: GC percent %d, memory limit %d; want 100 and none", percent, limit)
			}
		})
	}
}
