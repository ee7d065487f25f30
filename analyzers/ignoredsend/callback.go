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
	if !ok || c.capturedByCallback(cur, ctx) {
		return scope.Context{}, false
	}
	return ctx, true
}
