// Package scope answers questions about the code around a node: which
// function encloses it, whether it runs in a goroutine of its own,
// which context.Context it can use, and what it must return.
package scope

import (
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"
	"unicode"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
)

// AnyOutsideLiterals reports whether pred holds for root or a node
// under it that runs in root's own function: function literals, whose
// bodies run when called, are not entered (a literal root is not
// either). The walk stops at the first node pred accepts.
func AnyOutsideLiterals(root ast.Node, pred func(ast.Node) bool) bool {
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		if _, lit := n.(*ast.FuncLit); found || lit || n == nil {
			return false
		}
		found = pred(n)
		return !found
	})
	return found
}

// Func returns the cursor of the innermost function (*ast.FuncDecl or
// *ast.FuncLit) enclosing c, or false at package level.
func Func(c inspector.Cursor) (inspector.Cursor, bool) {
	for f := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if f != c {
			return f, true
		}
	}
	return inspector.Cursor{}, false
}

// Body returns the body of the function at fn, or nil.
func Body(fn inspector.Cursor) *ast.BlockStmt {
	switch n := fn.Node().(type) {
	case *ast.FuncDecl:
		return n.Body
	case *ast.FuncLit:
		return n.Body
	}
	return nil
}

// Signature returns the type of the function at fn.
func Signature(info *types.Info, fn inspector.Cursor) *types.Signature {
	switch n := fn.Node().(type) {
	case *ast.FuncDecl:
		if obj, ok := info.Defs[n.Name].(*types.Func); ok {
			return obj.Signature()
		}
	case *ast.FuncLit:
		sig, _ := info.TypeOf(n).(*types.Signature)
		return sig
	}
	return nil
}

// ReturnsError reports whether sig's last result is of type error.
func ReturnsError(sig *types.Signature) bool {
	if sig == nil || sig.Results().Len() == 0 {
		return false
	}
	return types.Identical(sig.Results().At(sig.Results().Len()-1).Type(), errorType)
}

var errorType = types.Universe.Lookup("error").Type()

// A Spawn is a place where a function starts running concurrently.
type Spawn struct {
	// At is the *ast.GoStmt, or the call that starts its function
	// argument in a goroutine (errgroup.Group.Go, sync.WaitGroup.Go).
	At inspector.Cursor
	// Fn is the function started: an *ast.FuncLit cursor, or an
	// invalid cursor when a named function or method value is started.
	Fn inspector.Cursor
}

// Goroutine returns how the function literal at fn is started
// concurrently, if it is: `go func(){...}()` or passed to a method
// named Go (errgroup.Group, sync.WaitGroup in Go 1.25, conc pools).
func Goroutine(info *types.Info, fn inspector.Cursor) (Spawn, bool) {
	if _, ok := fn.Node().(*ast.FuncLit); !ok {
		return Spawn{}, false
	}
	switch fn.ParentEdgeKind() {
	case edge.CallExpr_Fun:
		call := fn.Parent()
		if call.ParentEdgeKind() == edge.GoStmt_Call {
			return Spawn{At: call.Parent(), Fn: fn}, true
		}
	case edge.CallExpr_Args:
		call := fn.Parent()
		if isGoMethod(info, call.Node().(*ast.CallExpr)) {
			return Spawn{At: call, Fn: fn}, true
		}
	}
	return Spawn{}, false
}

// isGoMethod reports whether call is x.Go(f): a method named Go taking
// a single function, the convention of errgroup and WaitGroup.
func isGoMethod(info *types.Info, call *ast.CallExpr) bool {
	fn := calls.Callee(info, call)
	if fn == nil || fn.Name() != "Go" || fn.Signature().Recv() == nil || len(call.Args) != 1 {
		return false
	}
	_, isFunc := info.TypeOf(call.Args[0]).Underlying().(*types.Signature)
	return isFunc
}

// Spawns yields the goroutines started at or under c: go statements and
// Go(func) calls, each once.
func Spawns(info *types.Info, c inspector.Cursor) func(yield func(Spawn) bool) {
	return func(yield func(Spawn) bool) {
		for n := range c.Preorder((*ast.GoStmt)(nil), (*ast.CallExpr)(nil)) {
			var s Spawn
			switch x := n.Node().(type) {
			case *ast.GoStmt:
				s.At = n
				if lit, ok := ast.Unparen(x.Call.Fun).(*ast.FuncLit); ok {
					s.Fn, _ = n.FindNode(lit)
				}
			case *ast.CallExpr:
				if !isGoMethod(info, x) {
					continue
				}
				s.At = n
				if lit, ok := ast.Unparen(x.Args[0]).(*ast.FuncLit); ok {
					s.Fn, _ = n.FindNode(lit)
				}
			}
			if !yield(s) {
				return
			}
		}
	}
}

// InGoroutine returns the spawn of the innermost function literal
// enclosing c when that literal runs as a goroutine. A call to a
// function literal that is not a goroutine is looked through.
func InGoroutine(info *types.Info, c inspector.Cursor) (Spawn, bool) {
	for fn := range c.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if fn == c {
			continue
		}
		if _, ok := fn.Node().(*ast.FuncDecl); ok {
			return Spawn{}, false
		}
		if s, ok := Goroutine(info, fn); ok {
			return s, true
		}
		if fn.ParentEdgeKind() != edge.CallExpr_Fun {
			// A function value stored or passed: when it runs is unknown.
			return Spawn{}, false
		}
	}
	return Spawn{}, false
}

// Loops yields the for and range statements enclosing c within its
// function, innermost first.
func Loops(c inspector.Cursor) func(yield func(inspector.Cursor) bool) {
	return func(yield func(inspector.Cursor) bool) {
		for l := range c.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
			if l == c {
				continue
			}
			switch l.Node().(type) {
			case *ast.FuncLit, *ast.FuncDecl:
				return
			}
			if !yield(l) {
				return
			}
		}
	}
}

// InTestFile reports whether pos lies in a _test.go file. Rules use it
// to keep test-only code (fixtures, fakes, deliberately leaky goroutines
// in a test of a timeout) out of the findings or out of the evidence.
func InTestFile(fset *token.FileSet, pos token.Pos) bool {
	tf := fset.File(pos)
	return tf != nil && strings.HasSuffix(tf.Name(), "_test.go")
}

// TestSupport reports whether cur is in code that exists for tests
// outside a _test.go file: a function taking a *testing.T, *testing.B,
// *testing.F or testing.TB, a method of a test double (a type named
// Mock..., Fake... or Stub...), or a file named for them (mock.go,
// mocks.go, mock_x.go, x_mock.go, and the same with fake). Test doubles stand in for the
// network and are fed by the test itself.
func TestSupport(info *types.Info, fset *token.FileSet, cur inspector.Cursor) bool {
	if tf := fset.File(cur.Node().Pos()); tf != nil {
		base := strings.TrimSuffix(filepath.Base(tf.Name()), ".go")
		for _, w := range []string{"mock", "fake"} {
			if strings.HasPrefix(base, w+"_") || strings.HasSuffix(base, "_"+w) || base == w || base == w+"s" {
				return true
			}
		}
	}
	for fn := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		sig := Signature(info, fn)
		if sig == nil {
			continue
		}
		for p := range sig.Params().Variables() {
			for _, name := range []string{"T", "B", "F", "TB"} {
				if calls.IsNamed(p.Type(), "testing", name) {
					return true
				}
			}
		}
		if recv := sig.Recv(); recv != nil && testDouble(recv.Type()) {
			return true
		}
	}
	return false
}

// testDouble reports whether t is (a pointer to) a type named like a
// test double: Mock, Fake or Stub, then an upper-case letter or nothing.
func testDouble(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok {
		return false
	}
	name := n.Obj().Name()
	for _, w := range []string{"Mock", "Fake", "Stub"} {
		if rest, ok := strings.CutPrefix(name, w); ok && (rest == "" || unicode.IsUpper(rune(rest[0]))) {
			return true
		}
	}
	return false
}

// helperElems are path elements of packages that exist for tests.
var helperElems = map[string]bool{
	"test": true, "tests": true, "testing": true, "testdata": true,
	"testutil": true, "testutils": true, "testhelper": true, "testhelpers": true,
	"testenv": true, "testlib": true, "testtools": true, "testsupport": true,
	"testfixtures": true, "testserver": true, "e2e": true,
}

// notHelpers are package names that end like a test helper's but are
// words.
var notHelpers = map[string]bool{"latest": true, "contest": true, "attest": true, "protest": true, "detest": true}

// TestPackage reports whether a package exists for tests: an element of
// its path is test, testing, testutil(s), testhelper(s), e2e...
// (grpc's internal/testutils, go-redis's maintnotifications/e2e), or its
// name ends in test or testing (httptest, fstest). Its fakes and
// harnesses serve tests, which block, drop and grow at will.
func TestPackage(pkg *types.Package) bool {
	path, name := pkg.Path(), pkg.Name()
	for e := range strings.SplitSeq(strings.ToLower(path), "/") {
		if helperElems[e] {
			return true
		}
	}
	n := strings.ToLower(name)
	for _, suffix := range []string{"test", "testing", "testutil", "testutils"} {
		if strings.HasSuffix(n, suffix) && len(n) > len(suffix) && !notHelpers[n] {
			return true
		}
	}
	return false
}
