package lockedsend_test

import (
	"testing"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"

	"github.com/bplint/bplint/analyzers"
	"github.com/bplint/bplint/analyzers/internal/benchload"
	"github.com/bplint/bplint/analyzers/internal/fixtest"
	"github.com/bplint/bplint/analyzers/lockedsend"
)

func TestSendUnderLock(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), lockedsend.Analyzer, "sendunderlock")
}

func BenchmarkAnalyzer(b *testing.B) {
	benchload.Run(b, lockedsend.Analyzer)
}

// BenchmarkAnalyzerSplit reports how the analyzer's own time divides
// between the benchmark's root packages and their dependencies, which
// the driver analyzes from source only because the analyzer declares
// facts.
func BenchmarkAnalyzerSplit(b *testing.B) {
	pkgs := benchload.Packages(b)
	var root, deps time.Duration
	var nroot, ndeps int
	for b.Loop() {
		graph, err := checker.Analyze([]*analysis.Analyzer{lockedsend.Analyzer}, pkgs, nil)
		if err != nil {
			b.Fatal(err)
		}
		for act := range graph.All() {
			if act.Analyzer != lockedsend.Analyzer {
				continue
			}
			if act.IsRoot {
				root += act.Duration
				nroot++
			} else {
				deps += act.Duration
				ndeps++
			}
		}
	}
	b.ReportMetric(float64(root.Milliseconds())/float64(b.N), "root-ms/op")
	b.ReportMetric(float64(deps.Milliseconds())/float64(b.N), "deps-ms/op")
	b.ReportMetric(float64(nroot)/float64(b.N), "root-pkgs")
	b.ReportMetric(float64(ndeps)/float64(b.N), "dep-pkgs")
}

// TestRecvUnderLock checks receives with -shutdown-waits: by default a
// receive is reported only when the sender needs the mutex too (see
// TestShutdown and the deadlock cases of TestSendUnderLock).
func TestRecvUnderLock(t *testing.T) {
	a := lockedsend.New(lockedsend.Options{Depth: 1, CrossPackage: true, ShutdownWaits: true})
	fixtest.Run(t, analysistest.TestData(), a, "recvunderlock")
}

// TestShutdownWaits checks waits for another goroutine under
// -shutdown-waits, and the waits that stay quiet even then.
func TestShutdownWaits(t *testing.T) {
	a := lockedsend.New(lockedsend.Options{Depth: 1, CrossPackage: true, ShutdownWaits: true})
	fixtest.Run(t, analysistest.TestData(), a, "callunderlock/a", "shutdownwaits")
}

func TestCallUnderLock(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), lockedsend.Analyzer, "callunderlock/a", "callunderlock/b")
}

func TestCallUnderLockDepth2(t *testing.T) {
	a := lockedsend.New(lockedsend.Options{Depth: 2, CrossPackage: true})
	fixtest.Run(t, analysistest.TestData(), a, "callunderlock/two")
}

func TestCallUnderLockDepth(t *testing.T) {
	a := lockedsend.New(lockedsend.Options{Depth: 3, CrossPackage: true})
	fixtest.Run(t, analysistest.TestData(), a, "callunderlock/deep")
}

func TestCrossPackageOff(t *testing.T) {
	a := lockedsend.New(lockedsend.Options{Depth: 1})
	if len(a.FactTypes) != 0 {
		t.Fatalf("CrossPackage off, yet the analyzer declares facts %v", a.FactTypes)
	}
	fixtest.Run(t, analysistest.TestData(), a, "crosspackageoff")
}

// A pass for facts only (go vet's dependencies) exports the facts and
// checks nothing; without the switch the same package has a finding.
func TestFactsOnly(t *testing.T) {
	a := lockedsend.New(lockedsend.DefaultOptions())
	analyzers.FactsOnly([]*analysis.Analyzer{a}, true)
	analysistest.Run(t, analysistest.TestData(), a, "factsonly")

	full := lockedsend.New(lockedsend.DefaultOptions())
	res := fixtest.Results(analysistest.TestData(), full, "factsonly")
	if n := len(res[0].Diagnostics); n != 1 {
		t.Errorf("a full pass reports %d findings in factsonly, want 1: the test would not show that the check was skipped", n)
	}
}

// A pass for facts only skips a package that has no channel and calls
// nothing that may block (plain), but not one whose only blocking is in
// a callee of another package (wrap).
func TestFactsOnlyWithoutChannels(t *testing.T) {
	a := lockedsend.New(lockedsend.Options{Depth: 2, CrossPackage: true})
	analyzers.FactsOnly([]*analysis.Analyzer{a}, true)
	analysistest.Run(t, analysistest.TestData(), a, "factsonly/wrap", "factsonly/plain")
}

// The early exit for packages that lock nothing still checks the
// suppression comments.
func TestNoLocks(t *testing.T) {
	a := lockedsend.New(lockedsend.Options{Depth: 1})
	fixtest.Run(t, analysistest.TestData(), a, "nolocks")
}

func TestCrossPackageFlag(t *testing.T) {
	a := lockedsend.New(lockedsend.DefaultOptions())
	if len(a.FactTypes) == 0 {
		t.Fatal("by default the analyzer declares its facts")
	}
	if err := a.Flags.Set("cross-package", "false"); err != nil {
		t.Fatal(err)
	}
	if len(a.FactTypes) != 0 {
		t.Fatal("-cross-package=false leaves the fact types declared")
	}
	if err := a.Flags.Set("cross-package", "maybe"); err == nil {
		t.Error("-cross-package=maybe accepted")
	}
	fixtest.Run(t, analysistest.TestData(), a, "crosspackageoff")
}

func TestWaitUnderLock(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), lockedsend.Analyzer, "waitunderlock")
}

func TestBounded(t *testing.T) {
	a := lockedsend.New(lockedsend.Options{Depth: 2, Bounded: true, CrossPackage: true})
	fixtest.Run(t, analysistest.TestData(), a, "bounded")
}

func TestShutdown(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), lockedsend.Analyzer, "shutdown")
}
