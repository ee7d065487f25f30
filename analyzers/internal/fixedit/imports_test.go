package fixedit

import (
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
)

// pass type-checks src as a one-file package and returns a pass over it
// and the position of the comment /*here*/.
func testPass(t *testing.T, src string) (*analysis.Pass, *ast.File, token.Pos) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{
		Types:     map[ast.Expr]types.TypeAndValue{},
		Defs:      map[*ast.Ident]types.Object{},
		Uses:      map[*ast.Ident]types.Object{},
		Scopes:    map[ast.Node]*types.Scope{},
		Implicits: map[ast.Node]types.Object{},
	}
	conf := types.Config{Importer: fakeImporter{importer.Default()}, Error: func(error) {}}
	pkg, _ := conf.Check("p", fset, []*ast.File{f}, info)
	pos := f.Package
	for _, g := range f.Comments {
		for _, c := range g.List {
			if c.Text == "/*here*/" {
				pos = c.Pos()
			}
		}
	}
	return &analysis.Pass{Fset: fset, Files: []*ast.File{f}, Pkg: pkg, TypesInfo: info}, f, pos
}

// fakeImporter makes non-standard imports resolve to empty packages.
type fakeImporter struct{ std types.Importer }

func (fi fakeImporter) Import(path string) (*types.Package, error) {
	if !isStd(path) {
		p := types.NewPackage(path, defaultName(path))
		p.MarkComplete()
		return p, nil
	}
	return fi.std.Import(path)
}

func apply(src string, edits []analysis.TextEdit, fset *token.FileSet) string {
	sort.Slice(edits, func(i, j int) bool { return edits[i].Pos < edits[j].Pos })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		start, end := fset.Position(e.Pos).Offset, fset.Position(e.End).Offset
		b.WriteString(src[last:start])
		b.Write(e.NewText)
		last = end
	}
	b.WriteString(src[last:])
	return b.String()
}

func TestImport(t *testing.T) {
	const bp = BoundedPath
	for _, tc := range []struct {
		name, path, src, want, wantName string
	}{
		{
			name: "no imports", path: bp, wantName: "bounded",
			src:  "package p\n\nfunc f() { /*here*/ }\n",
			want: "package p\n\nimport \"github.com/bplint/bplint/runtime/bounded\"\n\nfunc f() { /*here*/ }\n",
		},
		{
			name: "single import becomes a group", path: bp, wantName: "bounded",
			src:  "package p\n\nimport \"fmt\"\n\nfunc f() { fmt.Println() /*here*/ }\n",
			want: "package p\n\nimport (\n\t\"fmt\"\n\t\"github.com/bplint/bplint/runtime/bounded\"\n)\n\nfunc f() { fmt.Println() /*here*/ }\n",
		},
		{
			name: "std group gets a second run", path: bp, wantName: "bounded",
			src:  "package p\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nvar _, _ = fmt.Println, os.Exit\n\nfunc f() { /*here*/ }\n",
			want: "package p\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n\t\"github.com/bplint/bplint/runtime/bounded\"\n)\n\nvar _, _ = fmt.Println, os.Exit\n\nfunc f() { /*here*/ }\n",
		},
		{
			name: "sorted into the non-std run", path: bp, wantName: "bounded",
			src:  "package p\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/a\"\n\t\"golang.org/x/z\"\n)\n\nvar _, _, _ = fmt.Println, a.X, z.Y\n\nfunc f() { /*here*/ }\n",
			want: "package p\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/a\"\n\t\"github.com/bplint/bplint/runtime/bounded\"\n\t\"golang.org/x/z\"\n)\n\nvar _, _, _ = fmt.Println, a.X, z.Y\n\nfunc f() { /*here*/ }\n",
		},
		{
			name: "std sorted into the std run", path: "context", wantName: "context",
			src:  "package p\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n\t\"example.com/a\"\n)\n\nvar _, _, _ = fmt.Println, os.Exit, a.X\n\nfunc f() { /*here*/ }\n",
			want: "package p\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"os\"\n\n\t\"example.com/a\"\n)\n\nvar _, _, _ = fmt.Println, os.Exit, a.X\n\nfunc f() { /*here*/ }\n",
		},
		{
			name: "std before a non-std-only group", path: "context", wantName: "context",
			src:  "package p\n\nimport (\n\t\"example.com/a\"\n)\n\nvar _ = a.X\n\nfunc f() { /*here*/ }\n",
			want: "package p\n\nimport (\n\t\"context\"\n\n\t\"example.com/a\"\n)\n\nvar _ = a.X\n\nfunc f() { /*here*/ }\n",
		},
		{
			name: "existing import reused", path: "fmt", wantName: "fmt",
			src:  "package p\n\nimport \"fmt\"\n\nfunc f() { fmt.Println() /*here*/ }\n",
			want: "package p\n\nimport \"fmt\"\n\nfunc f() { fmt.Println() /*here*/ }\n",
		},
		{
			name: "existing alias reused", path: bp, wantName: "bq",
			src:  "package p\n\nimport bq \"github.com/bplint/bplint/runtime/bounded\"\n\nvar _ = bq.X\n\nfunc f() { /*here*/ }\n",
			want: "package p\n\nimport bq \"github.com/bplint/bplint/runtime/bounded\"\n\nvar _ = bq.X\n\nfunc f() { /*here*/ }\n",
		},
		{
			name: "taken name gets an alias", path: bp, wantName: "bounded2",
			src:  "package p\n\nfunc f(bounded int) { _ = bounded /*here*/ }\n",
			want: "package p\n\nimport bounded2 \"github.com/bplint/bplint/runtime/bounded\"\n\nfunc f(bounded int) { _ = bounded /*here*/ }\n",
		},
		{
			name: "shadowed import is not reused", path: "fmt", wantName: "fmt2",
			src:  "package p\n\nimport \"fmt\"\n\nfunc f() { fmt := 1; _ = fmt /*here*/ }\n\nvar _ = fmt.Println\n",
			want: "package p\n\nimport (\n\t\"fmt\"\n\tfmt2 \"fmt\"\n)\n\nfunc f() { fmt := 1; _ = fmt /*here*/ }\n\nvar _ = fmt.Println\n",
		},
		{
			name: "versioned path", path: "example.com/mod/v2", wantName: "mod",
			src:  "package p\n\nfunc f() { /*here*/ }\n",
			want: "package p\n\nimport \"example.com/mod/v2\"\n\nfunc f() { /*here*/ }\n",
		},
		{
			name: "cgo preamble stays attached", path: "fmt", wantName: "fmt",
			src:  "package p\n\n// #include <stdio.h>\nimport \"C\"\n\nfunc f() { /*here*/ }\n",
			want: "package p\n\n// #include <stdio.h>\nimport \"C\"\n\nimport \"fmt\"\n\nfunc f() { /*here*/ }\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pass, f, pos := testPass(t, tc.src)
			name, edits := Import(pass, f, pos, tc.path)
			if name != tc.wantName {
				t.Errorf("name = %q, want %q", name, tc.wantName)
			}
			got := apply(tc.src, edits, pass.Fset)
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
			if formatted, err := format.Source([]byte(got)); err != nil || string(formatted) != got {
				t.Errorf("result is not gofmt'd (%v):\n%s", err, formatted)
			}
		})
	}
}

func TestFreshName(t *testing.T) {
	src := "package p\n\nfunc f(sem int) {\n\t_ = sem /*here*/\n\tif true {\n\t\tsem2 := 1\n\t\t_ = sem2\n\t}\n}\n"
	pass, f, pos := testPass(t, src)
	scope := pass.TypesInfo.Scopes[f].Innermost(pos)
	if got := FreshName(scope, pos, "sem"); got != "sem3" {
		t.Errorf("FreshName = %q, want sem3 (sem is a parameter, sem2 is declared in an inner scope)", got)
	}
	later := "package p\n\nfunc f() {\n\t_ = 0 /*here*/\n\tsem := 1\n\t_ = sem\n}\n"
	pass2, f2, pos2 := testPass(t, later)
	if got := FreshName(pass2.TypesInfo.Scopes[f2].Innermost(pos2), pos2, "sem"); got != "sem2" {
		t.Errorf("FreshName = %q, want sem2 (sem is declared later in the same block)", got)
	}
	if got := FreshName(scope, pos, "len"); got != "len2" {
		t.Errorf("FreshName(len) = %q, want len2 (never shadow a predeclared name)", got)
	}
}
