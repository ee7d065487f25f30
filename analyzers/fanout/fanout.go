package fanout

import (
	_ "embed"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/internal/flow"
	"github.com/bplint/bplint/analyzers/internal/report"
)

//go:embed doc.go
var doc string

var (
	ruleTimeout     = report.Rule{Analyzer: "fanout", Name: "timeout-leak", Summary: "A goroutine sends on an unbuffered channel whose receiver can leave first."}
	ruleEarlyReturn = report.Rule{Analyzer: "fanout", Name: "early-return", Summary: "Goroutines started in a loop send on a channel too small for all of them, and the receiving loop can leave before it has received them all."}
	ruleNCast       = report.Rule{Analyzer: "fanout", Name: "ncast", Summary: "Several goroutines send on a channel too small for all of them, and the function receives only some of the values."}
	ruleUnclosed    = report.Rule{Analyzer: "fanout", Name: "unclosed-range", Summary: "A range over a channel that this function makes and nothing closes never ends."}
)

// Rules lists the checks of the analyzer; their IDs are the diagnostic
// categories and the names accepted by //bplint:ignore.
var Rules = []report.Rule{
	ruleTimeout,
	ruleEarlyReturn,
	ruleNCast,
	ruleUnclosed,
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
		Requires: []*analysis.Analyzer{fileinspect.Analyzer},
		Run:      func(pass *analysis.Pass) (any, error) { return run(pass, &o) },
	}
	return a
}

// A checker holds the state of one pass.
type checker struct {
	pass   *analysis.Pass
	info   *types.Info
	r      *report.Reporter
	graphs *flow.Graphs
	// decls maps the functions and methods declared in the package to
	// their declarations, to look into the callees a channel is passed to.
	decls map[*types.Func]inspector.Cursor
	// sums caches what a callee does with one of its parameters; a nil
	// entry marks a summary in progress (recursion).
	sums map[sumKey]*summary
}

func run(pass *analysis.Pass, _ *Options) (any, error) {
	in := fileinspect.Of(pass)
	r := report.New(pass, Rules)
	defer r.Finish()
	c := &checker{
		pass:   pass,
		info:   pass.TypesInfo,
		r:      r,
		graphs: flow.New(pass.TypesInfo),
		decls:  make(map[*types.Func]inspector.Cursor),
		sums:   make(map[sumKey]*summary),
	}
	// One walk: index the declared functions, and find the top-level
	// functions that make a channel.
	var tops []inspector.Cursor
	for _, fc := range report.SourceFiles(pass, in) {
		var top inspector.Cursor // the current top-level function
		marked := false          // whether top is in tops already
		for cur := range fc.Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.CallExpr)(nil)) {
			switch n := cur.Node().(type) {
			case *ast.FuncDecl:
				if fn, ok := c.info.Defs[n.Name].(*types.Func); ok && n.Body != nil {
					c.decls[fn] = cur
				}
				top, marked = cur, false
			case *ast.FuncLit:
				if !top.Valid() || !fileinspect.Contains(top, cur) {
					top, marked = cur, false // a function literal at package level
				}
			case *ast.CallExpr:
				if marked || !top.Valid() {
					continue
				}
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "make" {
					if _, _, ok := chans.MakeChan(c.info, n); ok {
						tops = append(tops, top)
						marked = true
					}
				}
			}
		}
	}
	for _, top := range tops {
		for _, l := range chans.Locals(c.info, top) {
			c.checkChan(top, l)
		}
	}
	return nil, nil
}
