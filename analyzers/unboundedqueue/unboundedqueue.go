package unboundedqueue

import (
	_ "embed"
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/analysis"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/internal/report"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

//go:embed doc.go
var doc string

// The rules of the analyzer.
var (
	ruleGoroutinePerMessage = report.Rule{Analyzer: "unboundedqueue", Name: "goroutine-per-message",
		Summary: "A loop that receives messages starts a goroutine for each one with nothing limiting how many run at once."}
	ruleSendInGoroutine = report.Rule{Analyzer: "unboundedqueue", Name: "send-in-goroutine",
		Summary: "A goroutine is started only to send on a long-lived channel, so blocked sends pile up as parked goroutines."}
	ruleHugeBuffer = report.Rule{Analyzer: "unboundedqueue", Name: "huge-buffer",
		Summary: "A channel buffer so large (or sized by untrusted input) that it never pushes back."}
	ruleSliceQueue = report.Rule{Analyzer: "unboundedqueue", Name: "slice-queue",
		Summary: "A slice used as a FIFO queue grows without bound: appends are not checked against a maximum length."}
	ruleUnboundedRead = report.Rule{Analyzer: "unboundedqueue", Name: "unbounded-read",
		Summary: "Untrusted input (a request body, a connection, a decoded length) is read into memory without a size limit."}
)

// Rules lists the checks of the analyzer; their IDs are the diagnostic
// categories and the names accepted by //bplint:ignore.
var Rules = []report.Rule{
	ruleGoroutinePerMessage,
	ruleSendInGoroutine,
	ruleHugeBuffer,
	ruleSliceQueue,
	ruleUnboundedRead,
	report.DirectiveRule("unboundedqueue"),
}

// Options configures the analyzer.
type Options struct {
	// MaxBuffer is the channel capacity from which a constant buffer
	// is reported as effectively unbounded (rule huge-buffer).
	MaxBuffer int64
	// ResponseBodies also reports io.ReadAll of the bodies of responses
	// to outgoing HTTP requests (rule unbounded-read). Off by default:
	// the server at the other end is usually trusted.
	ResponseBodies bool
	// DialedConns also reports unbounded reads of connections the code
	// dialed itself (rule unbounded-read). Off by default, like
	// response bodies: the peer is a server the program chose.
	DialedConns bool
	// Tests also reports findings in _test.go files. Off by default: a
	// test is its own producer and peer.
	Tests bool
	// MaxInFlight sizes the semaphore and the worker pool that the fixes
	// of goroutine-per-message insert.
	MaxInFlight int64
	// MaxQueue is the length bound that slice-queue fixes check before
	// appending.
	MaxQueue int64
	// MaxBody is the byte limit of the http.MaxBytesReader fix of
	// unbounded-read.
	MaxBody int64
}

// DefaultOptions returns the options the bplint command starts from.
func DefaultOptions() Options {
	return Options{MaxBuffer: 65536, MaxInFlight: 64, MaxQueue: 1024, MaxBody: 1 << 20}
}

// Analyzer reports queues whose memory grows with the producer's rate
// instead of being held by a bound.
// Its flags configure it; New makes independent instances.
var Analyzer = New(DefaultOptions())

// New returns an analyzer configured by opts. Each analyzer owns its
// options: flags set on one never change another.
func New(opts Options) *analysis.Analyzer {
	o := opts
	a := &analysis.Analyzer{
		Name:     "unboundedqueue",
		Doc:      report.ExtractDoc(doc, "unboundedqueue"),
		URL:      report.AnalyzerURL("unboundedqueue"),
		Requires: []*analysis.Analyzer{fileinspect.Analyzer},
		Run:      func(pass *analysis.Pass) (any, error) { return run(pass, &o) },
	}
	a.Flags.Var(&positive{&o.MaxBuffer}, "max-buffer",
		"report make(chan T, N) with a constant N at or above this capacity (huge-buffer)")
	a.Flags.BoolVar(&o.ResponseBodies, "response-bodies", o.ResponseBodies,
		"also report io.ReadAll of the bodies of responses to outgoing HTTP requests (unbounded-read)")
	a.Flags.BoolVar(&o.DialedConns, "dialed-conns", o.DialedConns,
		"also report unbounded reads of connections this code dialed (unbounded-read)")
	a.Flags.BoolVar(&o.Tests, "tests", o.Tests,
		"also report findings in _test.go files")
	a.Flags.Var(&positive{&o.MaxInFlight}, "max-inflight",
		"size of the semaphore and of the worker pool that goroutine-per-message fixes insert")
	a.Flags.Var(&positive{&o.MaxQueue}, "max-queue",
		"length bound that slice-queue fixes check before appending")
	a.Flags.Var(&positive{&o.MaxBody}, "max-body",
		"byte limit of the http.MaxBytesReader fix for request bodies (unbounded-read)")
	return a
}

// positive is a flag.Value holding a positive integer.
type positive struct{ p *int64 }

var _ flag.Value = (*positive)(nil)

func (v *positive) String() string {
	if v == nil || v.p == nil {
		return "0"
	}
	return strconv.FormatInt(*v.p, 10)
}

func (v *positive) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		return fmt.Errorf("want a positive integer, got %q", s)
	}
	if n <= 0 {
		return fmt.Errorf("want a positive integer, got %d", n)
	}
	*v.p = n
	return nil
}

// validate reports options that no flag could have set but a program
// configuring the analyzer might.
func (o *Options) validate() error {
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"MaxBuffer (-max-buffer)", o.MaxBuffer},
		{"MaxInFlight (-max-inflight)", o.MaxInFlight},
		{"MaxQueue (-max-queue)", o.MaxQueue},
		{"MaxBody (-max-body)", o.MaxBody},
	} {
		if f.v <= 0 {
			return fmt.Errorf("unboundedqueue: option %s must be positive, got %d", f.name, f.v)
		}
	}
	return nil
}

// checker holds the state of one pass.
type checker struct {
	pass *analysis.Pass
	info *types.Info
	opts *Options
	r    *report.Reporter

	file     *ast.File // the file being walked
	testFile bool      // file is a _test.go file, or of a test package, and -tests is off

	funcs map[ast.Node]*funcIndex // by outermost function, built lazily

	// Package-wide facts gathered during the walk, used by checks that
	// run after it (deferred).
	readers  map[types.Object][]ast.Expr // values assigned to reader variables, fields and parameters
	setLimit map[types.Object]bool       // errgroup.Group objects with a SetLimit call
	queues   map[queueKey]*sliceQueue
	queueIDs []queueKey        // queues in order of discovery
	sorted   map[queueKey]bool // queues the package sorts or shuffles
	// cuts maps slice fields and package variables to the functions
	// assigning them something other than an append to them.
	cuts map[types.Object]map[ast.Node]bool
	// callers maps the functions of the package to the innermost
	// functions calling them (test files left out), built lazily.
	callers map[*types.Func][]ast.Node
	// callersAll is set once callers holds every function, and
	// callersAsked counts the functions looked up one by one before.
	callersAll   bool
	callersAsked int
	// boundNames are the constants slice-queue fixes declare, by queue.
	boundNames map[queueKey]string
	deferred   []func()

	typeCache map[types.Type]uint8

	// srcFile and srcBytes cache the content of the last file source
	// read.
	srcFile  *token.File
	srcBytes []byte
	srcErr   error

	// mayDecode is set when the package can decode integers from
	// untrusted input (it imports encoding/binary, or strconv and
	// net/http): only then are non-constant make sizes traced.
	mayDecode bool
}

func run(pass *analysis.Pass, opts *Options) (any, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	in := fileinspect.Of(pass)
	// Findings in test files are dropped after the Reporter has seen
	// them, so that directives there are neither missed nor reported.
	rpass := pass
	testPkg := !opts.Tests && scope.TestPackage(pass.Pkg)
	if !opts.Tests {
		p := *pass
		p.Report = func(d analysis.Diagnostic) {
			if testPkg || scope.InTestFile(pass.Fset, d.Pos) {
				return
			}
			pass.Report(d)
		}
		rpass = &p
	}
	r := report.New(rpass, Rules)
	defer r.Finish()
	c := &checker{
		pass:      pass,
		info:      pass.TypesInfo,
		opts:      opts,
		r:         r,
		funcs:     make(map[ast.Node]*funcIndex),
		readers:   make(map[types.Object][]ast.Expr),
		setLimit:  make(map[types.Object]bool),
		queues:    make(map[queueKey]*sliceQueue),
		sorted:    make(map[queueKey]bool),
		cuts:      make(map[types.Object]map[ast.Node]bool),
		typeCache: make(map[types.Type]uint8),
		mayDecode: calls.Imports(pass.Pkg, "encoding/binary") ||
			calls.Imports(pass.Pkg, "strconv") && calls.Imports(pass.Pkg, "net/http"),
	}
	filter := []ast.Node{
		(*ast.GoStmt)(nil),
		(*ast.CallExpr)(nil),
		(*ast.AssignStmt)(nil),
		(*ast.ValueSpec)(nil),
		(*ast.KeyValueExpr)(nil),
	}
	for file, fc := range report.SourceFiles(pass, in) {
		c.setFile(file)
		for cur := range fc.Preorder(filter...) {
			switch n := cur.Node().(type) {
			case *ast.GoStmt:
				c.goStmt(cur, n)
			case *ast.CallExpr:
				c.call(cur, n)
			case *ast.AssignStmt:
				c.assign(cur, n)
			case *ast.ValueSpec:
				c.valueSpec(n)
			case *ast.KeyValueExpr:
				c.keyValue(n)
			}
		}
	}
	for _, f := range c.deferred {
		f()
	}
	c.sliceQueues()
	return nil, nil
}

// later runs f after the walk, when the package-wide facts are known,
// with c.file set to the current file.
func (c *checker) later(f func()) {
	file := c.file
	c.deferred = append(c.deferred, func() {
		c.setFile(file)
		f()
	})
}

func (c *checker) setFile(f *ast.File) {
	c.file = f
	c.testFile = !c.opts.Tests && (scope.TestPackage(c.pass.Pkg) || scope.InTestFile(c.pass.Fset, f.FileStart))
}
