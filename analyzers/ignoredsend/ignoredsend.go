package ignoredsend

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/facts"
	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/internal/flow"
	"github.com/bplint/bplint/analyzers/internal/report"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

//go:embed doc.go
var doc string

const name = "ignoredsend"

var (
	ruleSend    = report.Rule{Analyzer: name, Name: "uncancellable-send", Summary: "A blocking channel send ignores the context or stop channel in scope, so it can block forever once the receiver is gone."}
	ruleRecv    = report.Rule{Analyzer: name, Name: "uncancellable-recv", Summary: "A blocking channel receive whose value is needed ignores the context in scope, so it can block forever once the sender is gone."}
	ruleDefault = report.Rule{Analyzer: name, Name: "send-in-default", Summary: "A blocking send sits in the default case of a select that polls a stop channel, so the stop is not seen while the send waits."}
	ruleDrop    = report.Rule{Analyzer: name, Name: "silent-drop", Summary: "A non-blocking send drops a data value when the channel is full, and nothing records or explains the drop."}
	ruleResult  = report.Rule{Analyzer: name, Name: "ignored-result", Summary: "The error or accepted result of a send-like call is discarded."}
)

// Rules lists the checks of the analyzer; their IDs are the diagnostic
// categories and the names accepted by //bplint:ignore.
var Rules = []report.Rule{
	ruleSend,
	ruleRecv,
	ruleDefault,
	ruleDrop,
	ruleResult,
	report.DirectiveRule(name),
}

// DefaultMethods are the names of send-like methods whose error or
// accepted result must be checked.
var DefaultMethods = []string{"Send", "SendMsg", "TrySend", "TryPush", "Offer", "Publish", "Enqueue"}

// Options configures the analyzer.
type Options struct {
	// Methods are names of send-like methods checked by the
	// ignored-result rule in addition to DefaultMethods.
	Methods []string
	// CrossPackage carries //bplint:mustcheck markers to the packages
	// that import the marked functions, as facts. Without it, markers
	// count only in their own package.
	CrossPackage bool
}

// DefaultOptions returns the options the bplint command starts from.
func DefaultOptions() Options { return Options{CrossPackage: true} }

// Analyzer reports channel sends and receives that can block forever,
// values dropped without a trace, and discarded results of send-like
// calls. Its flags configure it; New makes independent instances.
var Analyzer = New(DefaultOptions())

// New returns an analyzer configured by opts. Each analyzer owns its
// options: flags set on one never change another.
func New(opts Options) *analysis.Analyzer {
	o := opts
	o.Methods = slices.Clone(opts.Methods)
	a := &analysis.Analyzer{
		Name: name,
		Doc:  report.ExtractDoc(doc, name),
		URL:  report.AnalyzerURL(name),
		Run:  func(pass *analysis.Pass) (any, error) { return run(pass, &o) },
		// The inspector every analyzer of the suite shares: one walk
		// builds it. (With cross-package facts on, it is built for every
		// dependency too, as for every vet analyzer.)
		Requires: []*analysis.Analyzer{fileinspect.Analyzer},
	}
	facts.Declare(a, &o.CrossPackage, new(mustCheck))
	a.Flags.Var(methodList{&o.Methods}, "methods",
		"comma-separated names of further send-like methods whose error or bool result must be checked (besides "+strings.Join(DefaultMethods, ", ")+")")
	return a
}

// methodList is the flag.Value of -methods.
type methodList struct{ names *[]string }

func (m methodList) String() string {
	if m.names == nil {
		return ""
	}
	return strings.Join(*m.names, ",")
}

func (m methodList) Set(s string) error {
	names, err := ParseMethods(s)
	if err != nil {
		return err
	}
	*m.names = names
	return nil
}

// ParseMethods parses a comma-separated list of method names, as the
// -methods flag takes it. An empty string is an empty list.
func ParseMethods(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var names []string
	for part := range strings.SplitSeq(s, ",") {
		n := strings.TrimSpace(part)
		if n == "" {
			return nil, fmt.Errorf("empty method name in %q (want comma-separated Go identifiers, e.g. Push,Emit)", s)
		}
		if !token.IsIdentifier(n) {
			return nil, fmt.Errorf("%q is not a method name (want comma-separated Go identifiers, e.g. Push,Emit)", n)
		}
		names = append(names, n)
	}
	return names, nil
}

// A checker holds the state of one pass.
type checker struct {
	pass   *analysis.Pass
	info   *types.Info
	r      *report.Reporter
	in     *fileinspect.Package
	graphs *flow.Graphs
	// sendNames are the send-like method names of ignored-result.
	sendNames map[string]bool
	// marked are the package's own //bplint:mustcheck functions.
	marked map[*types.Func]*mustCheck

	file *ast.File
	// srcFile and srcBytes cache the content of the last file src read.
	srcFile  *token.File
	srcBytes []byte
	srcErr   error
	// isTest is set in _test.go files and in test-helper packages.
	isTest bool
	// boolNames are the send-like names whose single bool result must
	// be checked: names that promise acceptance (TrySend, Offer) and
	// the names the user gave.
	boolNames map[string]bool
	// locals caches local channel summaries per function.
	locals map[ast.Node]*localFunc
	// fields records, lazily, what the package stores in channel fields.
	fields map[types.Object]*fieldInit
	// chanStructs caches hasChanField.
	chanStructs map[*types.Struct]bool
	// polled records, lazily, the channel fields received without waiting.
	polled map[types.Object]bool
	// fieldOps records, lazily, the operations on channel fields.
	fieldOps map[types.Object]*fieldUses
	// fnIndex records, lazily, the package's functions and their calls.
	fnIndex *funcIndex
	// drops caches dropsWhenFull.
	drops map[*types.Func]bool
	// counter proves counted sends, lazily.
	counter *chans.Counter
	// endless caches receiverNeverStops per channel field.
	endless map[types.Object]bool
	// pairs caches the request/reply pairs per reply channel.
	pairs map[*types.Var]*replyPair
	// stores records, lazily, the values stored into channel fields.
	stores map[types.Object][]fieldStore
	// ranges records, lazily, the ranges over channel fields.
	ranges map[types.Object][]inspector.Cursor
	// dequeued caches handlesDequeued.
	dequeued map[*types.Func]bool
	// tokens caches tokenPassed per channel field, stable the
	// variables never written after their definition.
	tokens map[types.Object]bool
	stable map[*types.Var]bool
}

func run(pass *analysis.Pass, opts *Options) (any, error) {
	for _, m := range opts.Methods {
		if !token.IsIdentifier(m) {
			return nil, fmt.Errorf("ignoredsend: option Methods: %q is not a method name", m)
		}
	}
	marked := markedFuncs(pass)
	if facts.Only(pass) {
		return nil, nil // the markers' facts are out; nobody reads the findings
	}

	c := &checker{
		pass:      pass,
		marked:    marked,
		info:      pass.TypesInfo,
		r:         report.New(pass, Rules),
		graphs:    flow.New(pass.TypesInfo),
		sendNames: make(map[string]bool),
		boolNames: make(map[string]bool),
		locals:    make(map[ast.Node]*localFunc),
	}
	defer c.r.Finish()
	for _, n := range DefaultMethods {
		c.sendNames[upperFirst(n)] = true
		if promisesAcceptance(n) {
			c.boolNames[upperFirst(n)] = true
		}
	}
	for _, n := range opts.Methods {
		c.sendNames[upperFirst(n)] = true
		c.boolNames[upperFirst(n)] = true
	}
	c.in = fileinspect.Of(pass)
	helper := scope.TestPackage(pass.Pkg)

	nodeTypes := []ast.Node{
		(*ast.SendStmt)(nil),
		(*ast.SelectStmt)(nil),
		(*ast.AssignStmt)(nil),
		(*ast.ExprStmt)(nil),
		(*ast.GoStmt)(nil),
		(*ast.DeferStmt)(nil),
	}
	for file, fc := range report.SourceFiles(pass, c.in) {
		c.file = file
		c.isTest = helper || scope.InTestFile(pass.Fset, file.FileStart)
		for cur := range fc.Preorder(nodeTypes...) {
			switch n := cur.Node().(type) {
			case *ast.SendStmt:
				c.sendStmt(cur, n)
			case *ast.SelectStmt:
				c.selectStmt(cur, n)
			case *ast.AssignStmt:
				c.recvAssign(cur, n)
			case *ast.ExprStmt:
				if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
					c.discardedCall(cur, call, "")
				}
			case *ast.GoStmt:
				c.discardedCall(cur, n.Call, "go")
			case *ast.DeferStmt:
				c.discardedCall(cur, n.Call, "defer")
			}
		}
	}
	return nil, nil
}

// promisesAcceptance reports whether a send-like method of that name
// says by its name that it may refuse the value (TrySend, TryPush,
// Offer), so that its bool result means "accepted". A bool from Send or
// Publish often means something else (a blocking reflect send always
// returns true; a connection's send returns false while it closes).
func promisesAcceptance(name string) bool {
	name = upperFirst(name)
	return strings.HasPrefix(name, "Try") || name == "Offer"
}

// memoized returns compute(k), computed once per key and kept in *m
// (made on first use). A key asked again while it is being computed
// (recursion) is computed again: compute must not recurse on itself
// without bound.
func memoized[K comparable, V any](m *map[K]V, k K, compute func(K) V) V {
	if v, ok := (*m)[k]; ok {
		return v
	}
	v := compute(k)
	if *m == nil {
		*m = make(map[K]V)
	}
	(*m)[k] = v
	return v
}
