package ignoredsend_test

import (
	"fmt"
	"go/ast"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bplint/bplint/analyzers"
	"github.com/bplint/bplint/analyzers/fanout"
	"github.com/bplint/bplint/analyzers/ignoredsend"
	"github.com/bplint/bplint/analyzers/internal/benchload"
	"github.com/bplint/bplint/analyzers/internal/fixtest"
)

func TestUncancellableSend(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), ignoredsend.Analyzer, "uncancellablesend/...")
}

// TestRequestContext checks that handlers use the context of their
// request: r.Context() for *http.Request, stream.Context() for streams.
func TestRequestContext(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), ignoredsend.Analyzer, "requestctx")
}

func TestUncancellableRecv(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), ignoredsend.Analyzer, "uncancellablerecv")
}

func TestSendInDefault(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), ignoredsend.Analyzer, "sendindefault")
}

func TestSilentDrop(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), ignoredsend.Analyzer, "silentdrop/...")
}

// TestHelperPackages checks that test-helper packages (internal/testutils,
// names ending in test) count as test code, and words like "latest" do not.
func TestHelperPackages(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), ignoredsend.Analyzer, "helperpkg/...")
}

func TestIgnoredResult(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), ignoredsend.Analyzer, "ignoredresult")
}

// A pass for facts only (go vet's dependencies) exports the markers'
// facts and checks nothing.
func TestFactsOnly(t *testing.T) {
	a := ignoredsend.New(ignoredsend.DefaultOptions())
	analyzers.FactsOnly([]*analysis.Analyzer{a}, true)
	marks := fixtest.Results(analysistest.TestData(), a, "mustcheck/a")
	if n := len(marks[0].Facts); n < 4 {
		t.Errorf("a facts-only pass exports %d mustcheck facts in mustcheck/a, want at least 4", n)
	}
	for _, r := range [][]*analysistest.Result{marks, fixtest.Results(analysistest.TestData(), a, "ignoredresult")} {
		if n := len(r[0].Diagnostics); n != 0 {
			t.Errorf("a facts-only pass reports %d findings in %s", n, r[0].Pass.Pkg.Path())
		}
	}
	full := fixtest.Results(analysistest.TestData(), ignoredsend.New(ignoredsend.DefaultOptions()), "ignoredresult")
	if len(full[0].Diagnostics) == 0 {
		t.Error("a full pass reports nothing in ignoredresult: the test shows nothing")
	}
}

// TestMustCheckFacts checks that //bplint:mustcheck crosses packages:
// package a marks functions and an interface method, package b calls them.
func TestMustCheckFacts(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), ignoredsend.Analyzer, "mustcheck/a", "mustcheck/b")
}

// TestMustCheckLocal checks that without facts, markers still count in
// their own package.
func TestMustCheckLocal(t *testing.T) {
	a := ignoredsend.New(ignoredsend.Options{})
	if len(a.FactTypes) != 0 {
		t.Fatalf("CrossPackage off, yet the analyzer declares facts %v", a.FactTypes)
	}
	fixtest.Run(t, analysistest.TestData(), a, "mustchecklocal")
}

// TestBounded checks the bounded methods in module mode, against the
// real runtime module.
func TestBounded(t *testing.T) {
	fixtest.Run(t, filepath.Join(analysistest.TestData(), "bounded"), ignoredsend.Analyzer, "./...")
}

func TestMethodsFlag(t *testing.T) {
	a := ignoredsend.New(ignoredsend.DefaultOptions())
	if err := a.Flags.Set("methods", "Push,Emit"); err != nil {
		t.Fatal(err)
	}
	fixtest.Run(t, analysistest.TestData(), a, "methodsflag")
	// The flag of one instance does not leak into another.
	if got := ignoredsend.Analyzer.Flags.Lookup("methods").Value.String(); got != "" {
		t.Errorf("default analyzer's methods = %q after setting another instance's flag", got)
	}
}

func TestMethodsFlagErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Push,,Emit", "empty method name"},
		{"Push,1st", `"1st" is not a method name`},
		{"a.b", `"a.b" is not a method name`},
		{"Push Emit", `"Push Emit" is not a method name`},
	} {
		a := ignoredsend.New(ignoredsend.DefaultOptions())
		err := a.Flags.Set("methods", tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("-methods=%q: error %v, want one containing %q", tc.in, err, tc.want)
		}
	}
	for _, ok := range []string{"", "Push", " Push , Emit "} {
		a := ignoredsend.New(ignoredsend.DefaultOptions())
		if err := a.Flags.Set("methods", ok); err != nil {
			t.Errorf("-methods=%q: unexpected error %v", ok, err)
		}
	}
}

// collector is an analysistest.Testing that keeps the errors instead
// of failing: TestFanoutOverlap compares findings, not want comments.
type collector struct{ errs []string }

func (c *collector) Errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// TestFanoutOverlap runs fanout and ignoredsend on the same leaks: each
// function must get one finding, from the analyzer its doc names
// (fanout for local channels it models, ignoredsend for the others).
func TestFanoutOverlap(t *testing.T) {
	got := make(map[string][]string) // function -> analyzers that report in it
	for _, a := range []*analysis.Analyzer{fanout.Analyzer, ignoredsend.Analyzer} {
		for _, r := range analysistest.Run(new(collector), analysistest.TestData(), a, "fanoutoverlap") {
			for _, d := range r.Diagnostics {
				for _, f := range r.Pass.Files {
					for _, decl := range f.Decls {
						if fd, ok := decl.(*ast.FuncDecl); ok && fd.Pos() <= d.Pos && d.Pos < fd.End() {
							got[fd.Name.Name] = append(got[fd.Name.Name], a.Name)
						}
					}
				}
			}
		}
	}
	want := map[string]string{
		"fetch":      "fanout",
		"firstError": "fanout",
		"fetchVia":   "fanout",
		"gen":        "ignoredsend",
		"relay":      "ignoredsend",
		"stream":     "ignoredsend",
	}
	for fn, a := range want {
		if g := got[fn]; len(g) != 1 || g[0] != a {
			t.Errorf("%s: findings from %v, want one from %s", fn, g, a)
		}
	}
	for fn, g := range got {
		if _, ok := want[fn]; !ok {
			t.Errorf("%s: unexpected findings from %v", fn, g)
		}
	}
}

func BenchmarkAnalyzer(b *testing.B) {
	benchload.Run(b, ignoredsend.Analyzer)
}
