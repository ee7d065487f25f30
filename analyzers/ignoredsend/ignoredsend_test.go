package ignoredsend_test

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bplint/bplint/analyzers/ignoredsend"
	"github.com/bplint/bplint/analyzers/internal/benchload"
	"github.com/bplint/bplint/analyzers/internal/fixtest"
)

func TestUncancellableSend(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), ignoredsend.Analyzer, "uncancellablesend/...")
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

func TestIgnoredResult(t *testing.T) {
	fixtest.Run(t, analysistest.TestData(), ignoredsend.Analyzer, "ignoredresult")
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

func BenchmarkAnalyzer(b *testing.B) {
	benchload.Run(b, ignoredsend.Analyzer)
}
