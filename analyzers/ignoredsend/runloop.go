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
	return memoized(&c.endless, field, c.computeNeverStops)
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
		if !ok || !c.startedWithGo(fn) || !c.reachedLoop(fn, loop) {
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
	recovers := c.mayRecover(fn)
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
				// Its returns and branches are its own, but a literal
				// called in the loop ends the goroutine as well by
				// runtime.Goexit, or a panic that gets recovered.
				leaves = c.endsGoroutine(n.Body, recovers)
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

// mayRecover reports whether the function at fn may recover a panic:
// it calls recover (in a literal too), or defers a call of a function
// of the package that does, or of a function value.
func (c *checker) mayRecover(fn inspector.Cursor) bool {
	body := scope.Body(fn)
	if body == nil {
		return false
	}
	recovers := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if calls.IsBuiltin(c.info, n, "recover") {
				recovers = true
			}
		case *ast.DeferStmt:
			if _, lit := ast.Unparen(n.Call.Fun).(*ast.FuncLit); lit {
				break // its body is inspected
			}
			callee := calls.Callee(c.info, n.Call)
			if callee == nil {
				if tv, ok := c.info.Types[n.Call.Fun]; !ok || !tv.IsBuiltin() && !tv.IsType() {
					recovers = true // a function value: it may recover
				}
				break
			}
			if decl, ok := c.funcs().decl(callee.Origin()); ok {
				ast.Inspect(scope.Body(decl), func(n ast.Node) bool {
					if call, ok := n.(*ast.CallExpr); ok && calls.IsBuiltin(c.info, call, "recover") {
						recovers = true
					}
					_, lit := n.(*ast.FuncLit)
					return !recovers && !lit // recover works called directly by the deferred function
				})
			}
		}
		return !recovers
	})
	return recovers
}

// endsGoroutine reports whether n calls runtime.Goexit, or panic when
// the function recovers.
func (c *checker) endsGoroutine(n ast.Node, recovers bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if calls.IsFunc(calls.Callee(c.info, call), "runtime", "Goexit") || recovers && calls.IsBuiltin(c.info, call, "panic") {
				found = true
			}
		}
		return !found
	})
	return found
}

// reachedLoop reports whether the function at fn, once started, comes
// to the loop at loop: the loop is a statement of the function's body
// (possibly labeled, in nested blocks, not under an if, switch or
// select that may skip it), and no statement before it can leave the
// function (a return, a goto, runtime.Goexit, a panic the function
// recovers).
func (c *checker) reachedLoop(fn, loop inspector.Cursor) bool {
	recovers := c.mayRecover(fn)
	for cur := loop; cur != fn; cur = cur.Parent() {
		k, idx := cur.ParentEdge()
		switch k {
		case edge.LabeledStmt_Stmt:
		case edge.BlockStmt_List:
			for _, s := range cur.Parent().Node().(*ast.BlockStmt).List[:idx] {
				if c.mayLeave(s, recovers) {
					return false
				}
			}
		case edge.FuncDecl_Body, edge.FuncLit_Body:
		default:
			return false
		}
	}
	return true
}

// mayLeave reports whether the statement s may leave its function: a
// return or goto outside literals, or what endsGoroutine finds.
func (c *checker) mayLeave(s ast.Stmt, recovers bool) bool {
	leaves := scope.AnyOutsideLiterals(s, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ReturnStmt:
			return true
		case *ast.BranchStmt:
			return n.Tok == token.GOTO
		}
		return false
	})
	return leaves || c.endsGoroutine(s, recovers)
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
		for _, call := range c.funcs().callsOf(obj) {
			if call.ParentEdgeKind() == edge.GoStmt_Call {
				return true
			}
		}
	}
	return false
}
