package chans

import (
	"go/ast"
	"go/token"
	"go/types"
)

// doneVar reports whether id denotes a local variable that holds the
// Done channel of a context: declared in a function, of a receive-only
// channel type of signals, and assigned exactly once, from a Done()
// call (done := ctx.Done()). A variable whose address is taken, that is
// declared without a value and assigned later, or that is a parameter,
// is not.
//
// types.Info does not link a variable to its declaration, so this finds
// the file of the variable among the scopes the type checker recorded
// and walks the variable's scope in it. Only the few variables of type
// <-chan struct{} pay for it.
func doneVar(info *types.Info, id *ast.Ident) bool {
	v, ok := info.Uses[id].(*types.Var)
	if !ok || v.IsField() || v.Pkg() == nil {
		return false
	}
	ch := Of(v.Type())
	if ch == nil || ch.Dir() != types.RecvOnly || !IsSignal(ch.Elem()) {
		return false
	}
	scope := v.Parent()
	if scope == nil || scope == v.Pkg().Scope() || !scope.Pos().IsValid() {
		return false
	}
	fileScope := scope
	for fileScope.Parent() != nil && fileScope.Parent() != v.Pkg().Scope() {
		fileScope = fileScope.Parent()
	}
	var file ast.Node
	for n, s := range info.Scopes {
		if s == fileScope {
			file = n
			break
		}
	}
	if file == nil {
		return false
	}
	lo, hi := scope.Pos(), scope.End()
	assigned, fromDone := 0, false
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil || n.End() <= lo || n.Pos() >= hi {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if lid, ok := ast.Unparen(l).(*ast.Ident); ok && info.ObjectOf(lid) == v {
					assigned++
					if len(n.Lhs) == len(n.Rhs) && isDoneCall(info, n.Rhs[i]) {
						fromDone = true
					}
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if info.Defs[name] == v {
					assigned++
					if len(n.Values) == len(n.Names) && isDoneCall(info, n.Values[i]) {
						fromDone = true
					}
				}
			}
		case *ast.UnaryExpr:
			if x, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND && info.Uses[x] == v {
				assigned += 2 // &done: assigned who knows where
			}
		}
		return true
	})
	return assigned == 1 && fromDone
}

// isDoneCall reports whether e calls the Done method of a context.
func isDoneCall(info *types.Info, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	return ok && RecvKind(info, call) == CtxDone
}
