package main

import (
	"math"
	"runtime/debug"
	"testing"

	"golang.org/x/tools/go/analysis"
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

func TestRelaxGC(t *testing.T) {
	for _, tc := range userGC {
		t.Run(tc.name, func(t *testing.T) {
			defer debug.SetGCPercent(debug.SetGCPercent(100))
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
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
			defer debug.SetGCPercent(debug.SetGCPercent(100))
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
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
