package fileinspect_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"testing"

	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/fileinspect"
)

func parse(t *testing.T, fset *token.FileSet, srcs ...string) []*ast.File {
	t.Helper()
	var files []*ast.File
	for i, src := range srcs {
		f, err := parser.ParseFile(fset, string(rune('a'+i))+".go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// The package-wide walk must see what one inspector over all files
// sees, in the same order, and find every node by node and by position.
func TestMatchesPackageInspector(t *testing.T) {
	fset := token.NewFileSet()
	files := parse(t, fset,
		"package p\nfunc a() { go b(); x := 1; _ = x }\n",
		"package p\nfunc b() { for { select {} } }\nvar v = func() int { return 2 }\n",
		"package p\n",
	)
	// Files listed out of position order, as a parallel parse leaves them.
	files[0], files[1] = files[1], files[0]
	pkg := fileinspect.New(files)
	whole := inspector.New(files)

	types := []ast.Node{(*ast.FuncDecl)(nil), (*ast.GoStmt)(nil), (*ast.FuncLit)(nil), (*ast.BasicLit)(nil)}
	var want, got []ast.Node
	for c := range whole.Root().Preorder(types...) {
		want = append(want, c.Node())
	}
	for c := range pkg.Preorder(types...) {
		got = append(got, c.Node())
	}
	if len(got) != len(want) {
		t.Fatalf("Preorder yields %d nodes, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("node %d: got %T at %v, want %T at %v", i, got[i], fset.Position(got[i].Pos()), want[i], fset.Position(want[i].Pos()))
		}
	}

	for _, n := range want {
		c, ok := pkg.FindNode(n)
		if !ok || c.Node() != n {
			t.Errorf("FindNode(%T at %v) = %v, %v", n, fset.Position(n.Pos()), c, ok)
		}
		c, ok = pkg.FindByPos(n.Pos(), n.End())
		if !ok || c.Node().Pos() != n.Pos() {
			t.Errorf("FindByPos(%v) = %v, %v", fset.Position(n.Pos()), c, ok)
		}
	}
	if _, ok := pkg.FindByPos(token.NoPos, token.NoPos); ok {
		t.Error("FindByPos(NoPos) found a node")
	}

	var fileNodes []ast.Node
	for f, c := range pkg.Files() {
		if c.Node() != f {
			t.Errorf("Files yields cursor on %T for file %s", c.Node(), fset.Position(f.Pos()).Filename)
		}
		fileNodes = append(fileNodes, f)
	}
	if len(fileNodes) != len(files) {
		t.Errorf("Files yields %d files, want %d", len(fileNodes), len(files))
	}
}

// Cursors of two files belong to two inspectors; Contains must answer
// false instead of panicking as inspector.Cursor.Contains does.
func TestContainsAcrossFiles(t *testing.T) {
	fset := token.NewFileSet()
	pkg := fileinspect.New(parse(t, fset, "package p\nfunc a() {}\n", "package p\nfunc b() {}\n"))
	a, b := pkg.File(0), pkg.File(1)
	if fileinspect.Contains(a, b) || fileinspect.Contains(b, a) {
		t.Error("a file contains another file")
	}
	for fn := range a.Preorder((*ast.FuncDecl)(nil)) {
		if !fileinspect.Contains(a, fn) || fileinspect.Contains(fn, a) {
			t.Error("Contains disagrees with the tree within one file")
		}
	}
}

// Compare orders cursors as a walk of the package visits them: by the
// package's file order (not by position in the file set), then depth
// first within a file.
func TestCompareInWalkOrder(t *testing.T) {
	fset := token.NewFileSet()
	second := parse(t, fset, "package p\nfunc c() { d() }\nfunc d() {}\n")[0] // earlier in the file set
	first := parse(t, fset, "package p\nfunc a() { b() }\nfunc b() {}\n")[0]
	pkg := fileinspect.New([]*ast.File{first, second})
	var walk []inspector.Cursor
	for cur := range pkg.Preorder((*ast.FuncDecl)(nil), (*ast.CallExpr)(nil)) {
		walk = append(walk, cur)
	}
	if len(walk) != 6 {
		t.Fatalf("walked %d nodes, want 6", len(walk))
	}
	shuffled := []inspector.Cursor{walk[5], walk[0], walk[3], walk[2], walk[4], walk[1]}
	slices.SortFunc(shuffled, pkg.Compare)
	for i := range walk {
		if shuffled[i] != walk[i] {
			t.Fatalf("sorted by Compare, position %d holds %T at %v; the walk has %T at %v", i,
				shuffled[i].Node(), fset.Position(shuffled[i].Node().Pos()), walk[i].Node(), fset.Position(walk[i].Node().Pos()))
		}
	}
}
