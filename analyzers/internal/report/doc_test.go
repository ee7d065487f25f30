package report

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"
)

// packageComment must read a package comment as go/ast does: on every
// analyzer's doc.go, and on the shapes a doc.go could take.
func TestPackageCommentMatchesGoAST(t *testing.T) {
	docs, err := filepath.Glob("../../*/doc.go")
	if err != nil || len(docs) < 4 {
		t.Fatalf("analyzer doc.go files: %v, %v", docs, err)
	}
	sources := map[string]string{
		"directives and blank runs": "// Package p does things.\n//\n//\n// Second   \n//go:generate x\n//line a.go:1\n//\n//  indented\n//\npackage p\n",
		"no space after marker":     "//Package p.\n//\t\ttabbed\npackage p\n",
		"detached comment":          "// Copyright.\n\n// Package p.\npackage p\n",
		"leading blank line":        "//\n// Package p.\npackage p\n",
	}
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		sources[d] = string(b)
	}
	for name, src := range sources {
		f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil || f.Doc == nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, ok := packageComment(src)
		if want := f.Doc.Text(); !ok || got != want {
			t.Errorf("%s: packageComment = %q, %v; go/ast says %q", name, got, ok, want)
		}
	}
	if _, ok := packageComment("package p\n"); ok {
		t.Error("a file without a package comment has one")
	}
}
