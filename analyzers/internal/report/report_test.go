package report_test

import (
	"go/ast"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/internal/report"
)

var leak = report.Rule{Analyzer: "fanout", Name: "timeout-leak", Summary: "test rule"}

// flagger reports every call of a function named flag as a finding of
// fanout/timeout-leak, under the name of the first analyzer of the suite.
var flagger = &analysis.Analyzer{
	Name:     "fanout",
	Doc:      "test analyzer",
	Requires: []*analysis.Analyzer{fileinspect.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		r := report.New(pass, []report.Rule{leak, report.DirectiveRule("fanout")})
		defer r.Finish()
		for _, fc := range report.SourceFiles(pass, fileinspect.Of(pass)) {
			for c := range fc.Preorder((*ast.CallExpr)(nil)) {
				call := c.Node().(*ast.CallExpr)
				if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "flag" {
					r.Reportf(leak, call, "flagged")
				}
			}
		}
		return nil, nil
	},
}

func TestDirectives(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), flagger, "directives", "fileignore")
	for _, res := range results {
		for _, d := range res.Diagnostics {
			want := "fanout/timeout-leak"
			if strings.Contains(d.Message, "bplint:") {
				want = "fanout/directive"
			}
			if d.Category != want {
				t.Errorf("%s: category %q, want %q", res.Pass.Fset.Position(d.Pos), d.Category, want)
			}
			if !strings.HasPrefix(d.URL, report.DocBase+"fanout#hdr-") {
				t.Errorf("%s: URL %q lacks the rule anchor", res.Pass.Fset.Position(d.Pos), d.URL)
			}
		}
	}
}

func TestCgoFilesAreNotGenerated(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("cgo needs a C compiler")
	}
	analysistest.Run(t, analysistest.TestData(), flagger, "cgouser")
}

func TestRuleURL(t *testing.T) {
	got := report.Rule{Analyzer: "unboundedqueue", Name: "huge-buffer"}.URL()
	want := "https://pkg.go.dev/github.com/bplint/bplint/analyzers/unboundedqueue#hdr-Rule_huge_buffer"
	if got != want {
		t.Errorf("URL() = %q, want %q", got, want)
	}
}

func TestExtractDoc(t *testing.T) {
	src := "// Package x does x.\n//\n// # Analyzer x\n//\n// x: check x\n//\n// Details.\n//\n// # Rule one\n//\n// One.\npackage x\n"
	got := report.ExtractDoc(src, "x")
	want := "check x\n\nDetails.\n\n# Rule one\n\nOne."
	if got != want {
		t.Errorf("ExtractDoc = %q, want %q", got, want)
	}
	for _, bad := range []string{"package x\n", "// # Analyzer y\n//\n// y: t\npackage x\n", "// # Analyzer x\n//\n// no title\npackage x\n"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("ExtractDoc(%q) did not panic", bad)
				}
			}()
			report.ExtractDoc(bad, "x")
		}()
	}
}
