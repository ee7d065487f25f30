package fanout

import (
	_ "embed"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/report"
)

//go:embed doc.go
var doc string

// Rules lists the checks of the analyzer; their IDs are the diagnostic
// categories and the names accepted by //bplint:ignore.
var Rules = []report.Rule{
	{Analyzer: "fanout", Name: "timeout-leak", Summary: "A goroutine sends on an unbuffered channel whose receiver can leave first."},
	report.DirectiveRule("fanout"),
}

// Options configures the analyzer.
type Options struct{}

// DefaultOptions returns the options the bplint command starts from.
func DefaultOptions() Options { return Options{} }

// Analyzer reports fan-out goroutines that can be left blocked on a send.
// Its flags configure it; New makes independent instances.
var Analyzer = New(DefaultOptions())

// New returns an analyzer configured by opts. Each analyzer owns its
// options: flags set on one never change another.
func New(opts Options) *analysis.Analyzer {
	o := opts
	a := &analysis.Analyzer{
		Name:     "fanout",
		Doc:      report.ExtractDoc(doc, "fanout"),
		URL:      report.AnalyzerURL("fanout"),
		Requires: []*analysis.Analyzer{inspect.Analyzer},
		Run:      func(pass *analysis.Pass) (any, error) { return run(pass, &o) },
	}
	return a
}

func run(pass *analysis.Pass, opts *Options) (any, error) {
	in := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	r := report.New(pass, Rules)
	defer r.Finish()
	for _, file := range report.Files(pass, in) {
		_ = file
	}
	return nil, nil
}
