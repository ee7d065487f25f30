// Package fileinspect gives bplint's analyzers one AST inspector per
// file instead of the one per package that the inspect pass builds.
//
// The inspect pass sizes its event list from the package's extent but
// caps the estimate at a million events, so a large package (nats-server's
// server package has several million) grows the list by copying, over
// and over, while the other analyzers of the run allocate too. Built per
// file the estimate is never capped: on nats-server, building the
// inspectors costs a quarter of the time and 40% of the memory of the
// per-package ones. Files are also inspected only when something asks:
// a generated file, which no analyzer reports on, is built only for a
// package-wide query.
//
// Cursors of different files belong to different inspectors: compare
// them with [Contains], never with [inspector.Cursor.Contains], which
// panics on cursors of two inspectors.
package fileinspect

import (
	"cmp"
	"go/ast"
	"go/token"
	"iter"
	"reflect"
	"sort"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Analyzer builds the per-file inspectors of a package; its result is a
// *[Package].
var Analyzer = &analysis.Analyzer{
	Name:             "fileinspect",
	Doc:              "build one AST inspector per file of the package, on demand, for bplint's analyzers",
	URL:              "https://pkg.go.dev/github.com/bplint/bplint/analyzers/internal/fileinspect",
	Run:              func(pass *analysis.Pass) (any, error) { return New(pass.Files), nil },
	RunDespiteErrors: true,
	ResultType:       reflect.TypeFor[*Package](),
}

// Of returns the inspectors of the pass's package; the pass's analyzer
// must require [Analyzer].
func Of(pass *analysis.Pass) *Package { return pass.ResultOf[Analyzer].(*Package) }

// A Package holds the files of one package and builds the inspector of
// each the first time it is asked for. It is safe for concurrent use:
// the analyzers of a package run in parallel.
type Package struct {
	files []*ast.File
	once  []sync.Once
	ins   []*inspector.Inspector
	// byPos lists the indexes of files in order of position, to find the
	// file of a node.
	byPos []int
}

// New returns the inspectors of files, none built yet.
func New(files []*ast.File) *Package {
	byPos := make([]int, len(files))
	for i := range byPos {
		byPos[i] = i
	}
	sort.Slice(byPos, func(a, b int) bool { return files[byPos[a]].FileStart < files[byPos[b]].FileStart })
	return &Package{
		files: files,
		once:  make([]sync.Once, len(files)),
		ins:   make([]*inspector.Inspector, len(files)),
		byPos: byPos,
	}
}

// File returns the cursor of the i-th file of the package.
func (p *Package) File(i int) inspector.Cursor {
	p.once[i].Do(func() { p.ins[i] = inspector.New(p.files[i : i+1]) })
	c, _ := p.ins[i].Root().FirstChild()
	return c
}

// Files yields every file of the package with its cursor.
func (p *Package) Files() iter.Seq2[*ast.File, inspector.Cursor] {
	return func(yield func(*ast.File, inspector.Cursor) bool) {
		for i, f := range p.files {
			if !yield(f, p.File(i)) {
				return
			}
		}
	}
}

// Preorder yields the nodes of the given types in every file of the
// package, file by file, each file in depth-first order, as
// [inspector.Cursor.Preorder] does.
func (p *Package) Preorder(types ...ast.Node) iter.Seq[inspector.Cursor] {
	return func(yield func(inspector.Cursor) bool) {
		for i := range p.files {
			for c := range p.File(i).Preorder(types...) {
				if !yield(c) {
					return
				}
			}
		}
	}
}

// FindNode returns the cursor of n, which must be a node of one of the
// package's files; it reports false otherwise.
func (p *Package) FindNode(n ast.Node) (inspector.Cursor, bool) {
	i, ok := p.fileAt(n.Pos())
	if !ok {
		return inspector.Cursor{}, false
	}
	return p.File(i).FindNode(n)
}

// FindByPos returns the cursor of the innermost node of the package
// that encloses [start, end), as [inspector.Cursor.FindByPos] does.
func (p *Package) FindByPos(start, end token.Pos) (inspector.Cursor, bool) {
	i, ok := p.fileAt(start)
	if !ok {
		return inspector.Cursor{}, false
	}
	return p.File(i).FindByPos(start, end)
}

// fileAt returns the index of the file that holds pos.
func (p *Package) fileAt(pos token.Pos) (int, bool) {
	if !pos.IsValid() {
		return 0, false
	}
	k := sort.Search(len(p.byPos), func(k int) bool { return p.files[p.byPos[k]].FileEnd >= pos })
	if k == len(p.byPos) {
		return 0, false
	}
	i := p.byPos[k]
	if f := p.files[i]; pos < f.FileStart {
		return 0, false
	}
	return i, true
}

// Compare orders cursors of the package's files as a walk of the package
// visits them: file by file, each in depth-first order.
func (p *Package) Compare(a, b inspector.Cursor) int {
	i, _ := p.fileAt(a.Node().Pos())
	j, _ := p.fileAt(b.Node().Pos())
	if i != j {
		return cmp.Compare(i, j)
	}
	return cmp.Compare(a.Index(), b.Index())
}

// Contains reports whether a contains or is b. Unlike
// [inspector.Cursor.Contains] it accepts cursors of different files (of
// different inspectors), which never contain one another.
func Contains(a, b inspector.Cursor) bool {
	return a.Inspector() == b.Inspector() && a.Contains(b)
}
