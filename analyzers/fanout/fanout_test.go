package fanout_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bplint/bplint/analyzers/fanout"
	"github.com/bplint/bplint/analyzers/internal/benchload"
	"github.com/bplint/bplint/analyzers/internal/fixtest"
)

func TestTimeoutLeak(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), fanout.Analyzer, "timeoutleak")
}

func TestEarlyReturn(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), fanout.Analyzer, "earlyreturn")
}

func TestNCast(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), fanout.Analyzer, "ncast")
}

func TestUnclosedRange(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), fanout.Analyzer, "unclosedrange")
}

// TestQuiet holds the look-alike idioms that must not be reported.
func TestQuiet(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), fanout.Analyzer, "quiet")
}

func BenchmarkAnalyzer(b *testing.B) {
	benchload.Run(b, fanout.Analyzer)
}
