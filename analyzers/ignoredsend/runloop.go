package ignoredsend

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// receiverNeverStops reports whether every receiver of the channel
// field is a goroutine that never stops receiving from it: each receive
// of the field in the package's non-test code (a receive or a select
// case; no range, the field goes nowhere else) lies in an endless loop,
// for { ... } with no way out (no return, no break or goto leaving it,
// no runtime.Goexit; a panic is no way out unless the function recovers
// it), in a function started with go (go h.run(), go func() { ... }()).
// Such a receiver comes back to the receive forever, so a send on the
// field waits at most until it does (a hub's register channel: for {
// select { case c := <-h.register: ... } }). When the loop blocks
// elsewhere for good, that operation is the one to report.
func (c *checker) receiverNeverStops(field types.Object) bool {
	if v, ok := c.endless[field]; ok {
		return v
	}
	ok := c.computeNeverStops(field)
	if c.endless == nil {
		c.endless = make(map[types.Object]bool)
	}
	c.endless[field] = ok
	return ok
}

func (c *checker) computeNeverStops(field types.Object) bool {
	u := c.fieldUsesOf(field)
	if u.other || u.ranges > 0 || len(u.recvs) == 0 {
		return false
	}
	for _, r := range u.recvs {
		var loop inspector.Cursor
		for l := range scope.Loops(r) {
			loop = l
			break
		}
		if !loop.Valid() || !c.endlessLoop(loop) {
			return false
		}
		fn, ok := scope.Func(loop)
		if !ok || !c.startedWithGo(fn) {
			return false
		}
	}
	return true
}

// endlessLoop reports whether the loop at cur is for { ... } (or for
// true) and nothing in its body leaves it.
func (c *checker) endlessLoop(cur inspector.Cursor) bool {
	loop, ok := cur.Node().(*ast.ForStmt)
	if !ok {
		return false
	}
	if loop.Cond != nil {
		if tv := c.info.Types[loop.Cond]; tv.Value == nil || tv.Value.String() != "true" {
			return false
		}
	}
	var label string
	if lab, ok := cur.Parent().Node().(*ast.LabeledStmt); ok {
		label = lab.Label.Name
	}
	fn, _ := scope.Func(cur)
	recovers := false
	if body := scope.Body(fn); body != nil {
		ast.Inspect(body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && calls.IsBuiltin(c.info, call, "recover") {
				recovers = true
			}
			return !recovers
		})
	}
	leaves := false
	// depth counts the statements between the loop and a break that
	// an unlabeled break would leave instead of the loop.
	var walk func(n ast.Node, breakable bool)
	walk = func(n ast.Node, inner bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			if leaves {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				leaves = true
			case *ast.BranchStmt:
				switch n.Tok {
				case token.GOTO:
					leaves = true
				case token.BREAK:
					if n.Label == nil && !inner || n.Label != nil && n.Label.Name != "" && !c.labelInside(cur, n.Label) {
						leaves = true
					}
				case token.CONTINUE:
					if n.Label != nil && n.Label.Name != label && !c.labelInside(cur, n.Label) {
						leaves = true // continues an outer loop
					}
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if n != ast.Node(loop) && !inner {
					walk(n, true)
					return false
				}
			case *ast.CallExpr:
				if fn := calls.Callee(c.info, n); calls.IsFunc(fn, "runtime", "Goexit") {
					leaves = true
				}
				if recovers && calls.IsBuiltin(c.info, n, "panic") {
					leaves = true
				}
			}
			return !leaves
		})
	}
	walk(loop.Body, false)
	return !leaves
}

// labelInside reports whether the label a branch statement names is
// declared inside the loop at loop (so the branch stays in it).
func (c *checker) labelInside(loop inspector.Cursor, label *ast.Ident) bool {
	obj := c.info.Uses[label]
	if obj == nil {
		return false
	}
	n := loop.Node()
	return n.Pos() < obj.Pos() && obj.Pos() < n.End()
}

// startedWithGo reports whether the function at fn runs as a goroutine:
// a literal started by go, or a declared function with a go statement
// among its (non-test) calls.
func (c *checker) startedWithGo(fn inspector.Cursor) bool {
	switch n := fn.Node().(type) {
	case *ast.FuncLit:
		_, ok := scope.Goroutine(c.info, fn)
		return ok
	case *ast.FuncDecl:
		obj, ok := c.info.Defs[n.Name].(*types.Func)
		if !ok {
			return false
		}
		for _, call := range c.funcs().calls[obj] {
			if call.ParentEdgeKind() == edge.GoStmt_Call {
				return true
			}
		}
	}
	return false
}
