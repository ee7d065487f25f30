package analyzers_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bplint/bplint/analyzers"
	"github.com/bplint/bplint/analyzers/fanout"
	"github.com/bplint/bplint/analyzers/ignoredsend"
	"github.com/bplint/bplint/analyzers/internal/benchload"
	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/lockedsend"
	"github.com/bplint/bplint/analyzers/unboundedqueue"
)

func TestSuitesAreIndependent(t *testing.T) {
	one, err := analyzers.New(analyzers.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	two, err := analyzers.New(analyzers.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	flagOf := func(as []*analysis.Analyzer, name, flag string) string {
		for _, a := range as {
			if a.Name == name {
				return a.Flags.Lookup(flag).Value.String()
			}
		}
		t.Fatalf("no analyzer %s", name)
		return ""
	}
	if err := one[3].Flags.Set("max-buffer", "7"); err != nil || one[3].Name != "unboundedqueue" {
		t.Fatalf("setting max-buffer on %s: %v", one[3].Name, err)
	}
	if got := flagOf(two, "unboundedqueue", "max-buffer"); got == "7" {
		t.Error("a flag set on one suite changed another")
	}
	if got := flagOf(analyzers.All, "unboundedqueue", "max-buffer"); got == "7" {
		t.Error("a flag set on a new suite changed analyzers.All")
	}
}

func TestDisable(t *testing.T) {
	cfg := analyzers.DefaultConfig()
	cfg.Disable = []string{"lockedsend"}
	as, err := analyzers.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Name == "lockedsend" {
			t.Error("lockedsend not disabled")
		}
	}
	cfg.Disable = []string{"lockedsnd"}
	if _, err := analyzers.New(cfg); err == nil || !strings.Contains(err.Error(), `unknown analyzer "lockedsnd"`) {
		t.Errorf("disabling an unknown analyzer: %v", err)
	}
}

func TestRulesHaveDocs(t *testing.T) {
	seen := make(map[string]bool)
	for _, r := range analyzers.Rules() {
		if seen[r.ID()] {
			t.Errorf("rule %s listed twice", r.ID())
		}
		seen[r.ID()] = true
		if r.Summary == "" {
			t.Errorf("rule %s has no summary", r.ID())
		}
		var doc string
		for _, a := range analyzers.All {
			if a.Name == r.Analyzer {
				doc = a.Doc
			}
		}
		if r.Name != "directive" && !strings.Contains(doc, "# Rule "+r.Name+"\n") {
			t.Errorf("rule %s has no \"# Rule %s\" section in its analyzer's doc.go", r.ID(), r.Name)
		}
	}
}

// nogoConfig is the part of a rules_go nogo configuration file that
// bplint's analyzers read: flags per analyzer.
type nogoConfig map[string]struct {
	AnalyzerFlags map[string]string `json:"analyzer_flags"`
}

// nogoAnalyzers is what a nogo target lists: each analyzer package's
// exported Analyzer.
var nogoAnalyzers = []*analysis.Analyzer{fanout.Analyzer, ignoredsend.Analyzer, lockedsend.Analyzer, unboundedqueue.Analyzer}

// TestNogoChild is the child process of TestNogo: it configures the
// package-level analyzers from BPLINT_NOGO_CONFIG as nogo does, in a
// process where nothing else touched them, and checks the package named
// by BPLINT_NOGO_PKG.
func TestNogoChild(t *testing.T) {
	pkg := os.Getenv("BPLINT_NOGO_PKG")
	if pkg == "" {
		t.Skip("run by TestNogo")
	}
	var cfg nogoConfig
	if err := json.Unmarshal([]byte(os.Getenv("BPLINT_NOGO_CONFIG")), &cfg); err != nil {
		t.Fatal(err)
	}
	for _, a := range nogoAnalyzers {
		for name, value := range cfg[a.Name].AnalyzerFlags {
			if err := a.Flags.Set(name, value); err != nil {
				t.Fatalf("%s: -%s=%s: %v", a.Name, name, value, err)
			}
		}
	}
	// The package's expectations are unboundedqueue's; the others must
	// stay quiet on it.
	analysistest.Run(t, analysistest.TestData(), unboundedqueue.Analyzer, pkg)
	for _, a := range nogoAnalyzers[:3] {
		for _, r := range analysistest.Run(&quiet{t}, analysistest.TestData(), a, pkg) {
			for _, d := range r.Diagnostics {
				t.Errorf("%s reports %s", a.Name, d.Message)
			}
		}
	}
}

// quiet is a testing.T for analysistest that ignores the package's want
// comments, which belong to another analyzer.
type quiet struct{ *testing.T }

func (q *quiet) Errorf(format string, args ...any) {
	if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "no diagnostic was reported matching") {
		q.T.Errorf("%s", msg)
	}
}

// TestNogo runs the analyzers as Bazel's nogo does: package-level
// Analyzer values, configured through their flags from a JSON file, in
// a fresh process.
func TestNogo(t *testing.T) {
	for _, tc := range []struct{ pkg, config string }{
		{"nogo", `{"unboundedqueue": {"analyzer_flags": {"max-buffer": "1024"}}}`},
		{"nogodefault", `{}`},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNogoChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "BPLINT_NOGO_PKG="+tc.pkg, "BPLINT_NOGO_CONFIG="+tc.config)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s with %s: %v\n%s", tc.pkg, tc.config, err, out)
		}
	}
}

func BenchmarkSuite(b *testing.B) {
	as, err := analyzers.New(analyzers.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	benchload.Run(b, as...)
}

// BenchmarkSuiteStandalone runs the suite as the bplint command does
// standalone: without cross-package facts.
func BenchmarkSuiteStandalone(b *testing.B) {
	as, err := analyzers.New(analyzers.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	analyzers.StandaloneDefaults(as)
	benchload.Run(b, as...)
}

// BenchmarkFloor is what every analyzer shares: the inspector of every
// file.
func BenchmarkFloor(b *testing.B) {
	benchload.Run(b, inspectAll)
}

var inspectAll = &analysis.Analyzer{
	Name:     "inspectall",
	Doc:      "build the inspector of every file",
	Requires: []*analysis.Analyzer{fileinspect.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		for range fileinspect.Of(pass).Files() {
		}
		return nil, nil
	},
}

// TestREADME checks that the README documents every rule and flag.
func TestREADME(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, r := range analyzers.Rules() {
		if r.Name != "directive" && !strings.Contains(readme, "`"+r.Name+"`") {
			t.Errorf("README.md does not list rule %s", r.ID())
		}
	}
	for _, a := range analyzers.All {
		a.Flags.VisitAll(func(f *flag.Flag) {
			if name := "-" + a.Name + "." + f.Name; !strings.Contains(readme, "`"+name+"`") {
				t.Errorf("README.md does not document flag %s", name)
			}
		})
	}
}
