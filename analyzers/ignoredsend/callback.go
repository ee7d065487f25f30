package ignoredsend

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// deferredRegistrars are functions that keep a callback to run later,
// after the function that registers it has returned: a timer's
// callback, a context's AfterFunc, a finalizer or cleanup. A context
// the callback captures from the registering function belongs to a
// call that is usually over when the callback runs.
var deferredRegistrars = map[string]bool{
	"time.AfterFunc":       true,
	"context.AfterFunc":    true,
	"runtime.SetFinalizer": true,
	"runtime.AddCleanup":   true,
}

// capturedByCallback reports whether the context ctx, chosen for the
// code at cur, is a variable (or the request parameter) of a function
// that the code reaches only through a function literal handed to a
// deferred-callback registrar (time.AfterFunc, context.AfterFunc, ...).
// The callback runs after that function has returned, possibly long
// after: its context then says nothing about the callback's receiver,
// and waiting on it would change the protocol (pgx's slowWriteTimer
// callback signals bgReaderStarted to whoever stopped the timer too
// late; selecting on the connect call's ctx would skip that signal and
// leave the waiter blocked). A context field of a long-lived receiver
// is not such a variable: it still tells whether the object is done.
func (c *checker) capturedByCallback(cur inspector.Cursor, ctx scope.Context) bool {
	v, ok := ctx.Obj.(*types.Var)
	if !ok || v.IsField() && !ctx.Request {
		return false
	}
	for fn := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		lit, isLit := fn.Node().(*ast.FuncLit)
		if !isLit || (lit.Pos() <= v.Pos() && v.Pos() < lit.End()) {
			return false // ctx belongs to this function (or cur's own)
		}
		if c.registeredCallback(fn) {
			return true
		}
	}
	return false
}

// registeredCallback reports whether the function literal at lit is an
// argument of a call to a deferred-callback registrar.
func (c *checker) registeredCallback(lit inspector.Cursor) bool {
	if lit.ParentEdgeKind() != edge.CallExpr_Args {
		return false
	}
	fn := calls.Callee(c.info, lit.Parent().Node().(*ast.CallExpr))
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	return fn.Signature().Recv() == nil && deferredRegistrars[fn.Pkg().Path()+"."+fn.Name()]
}

// contextAt is scope.ContextAt without contexts that a deferred
// callback captured from the function that registered it (see
// capturedByCallback).
func (c *checker) contextAt(cur inspector.Cursor) (scope.Context, bool) {
	ctx, ok := scope.ContextAt(c.info, cur)
	if !ok {
		return scope.Context{}, false
	}
	if c.capturedByCallback(cur, ctx) {
		// The context field of the receiver, which ContextAt tries
		// only after the variables, still counts in the callback.
		return c.receiverContext(cur)
	}
	return ctx, true
}

// receiverContext returns recv.f, a context.Context field of the
// receiver of the method declaration holding cur that the method reads
// (as scope.ContextAt finds it when no variable is in scope).
func (c *checker) receiverContext(cur inspector.Cursor) (scope.Context, bool) {
	for decl := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		recv := c.receiverVar(decl.Node().(*ast.FuncDecl))
		if recv == nil {
			return scope.Context{}, false
		}
		for n := range decl.Preorder((*ast.SelectorExpr)(nil)) {
			sel := n.Node().(*ast.SelectorExpr)
			id, ok := sel.X.(*ast.Ident)
			if !ok || c.info.Uses[id] != recv {
				continue
			}
			if s := c.info.Selections[sel]; s != nil && s.Kind() == types.FieldVal && scope.IsContext(s.Obj().Type()) {
				return scope.Context{Expr: id.Name + "." + sel.Sel.Name, Obj: s.Obj()}, true
			}
		}
	}
	return scope.Context{}, false
}
