package scope

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
)

// A Context is a context.Context that code at some position can use.
type Context struct {
	Expr string       // how to write it there: "ctx", "s.ctx"
	Obj  types.Object // the variable or field
}

// IsContext reports whether t is context.Context.
func IsContext(t types.Type) bool { return calls.IsNamed(t, "context", "Context") }

// ContextAt returns the context.Context that code at c can wait on: the
// innermost local variable or parameter of type context.Context visible
// there (captured ones included), or else a context field of the method
// receiver that the enclosing method reads. Contexts that can never be
// cancelled (a variable only ever set to context.Background() or
// context.TODO()) do not count: waiting on their Done blocks forever.
func ContextAt(info *types.Info, c inspector.Cursor) (Context, bool) {
	pos := c.Node().Pos()
	fn, ok := Func(c)
	if !ok {
		return Context{}, false
	}
	var file *ast.File
	for f := range c.Enclosing((*ast.File)(nil)) {
		file = f.Node().(*ast.File)
	}
	if s := info.Scopes[file]; s != nil {
		for sc := s.Innermost(pos); sc != nil && sc != s && sc.Parent() != types.Universe; sc = sc.Parent() {
			if v := contextIn(info, c, sc, pos); v != nil {
				return Context{Expr: v.Name(), Obj: v}, true
			}
		}
	}
	// A field of the receiver: func (s *Server) f() { ... s.ctx ... }.
	for f := range fn.Enclosing((*ast.FuncDecl)(nil)) {
		return receiverContext(info, f)
	}
	return Context{}, false
}

// contextIn returns the context variable declared in sc before pos,
// preferring one named ctx, or nil.
func contextIn(info *types.Info, c inspector.Cursor, sc *types.Scope, pos token.Pos) *types.Var {
	var found *types.Var
	for _, name := range sc.Names() {
		v, ok := sc.Lookup(name).(*types.Var)
		if !ok || !IsContext(v.Type()) || v.Pos() >= pos || name == "_" {
			continue
		}
		if neverCancelled(info, c, v) {
			continue
		}
		if found == nil || name == "ctx" {
			found = v
		}
	}
	return found
}

// neverCancelled reports whether v is declared with a value of
// context.Background() or context.TODO() and never assigned again.
func neverCancelled(info *types.Info, c inspector.Cursor, v *types.Var) bool {
	fn, ok := Func(c)
	if !ok {
		return false
	}
	// Find the outermost function, whose body holds every assignment.
	for f := range fn.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		fn = f
	}
	background := false
	for n := range fn.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)) {
		var lhs, rhs []ast.Expr
		switch s := n.Node().(type) {
		case *ast.AssignStmt:
			lhs, rhs = s.Lhs, s.Rhs
		case *ast.ValueSpec:
			for _, id := range s.Names {
				lhs = append(lhs, id)
			}
			rhs = s.Values
		}
		for i, l := range lhs {
			id, ok := l.(*ast.Ident)
			if !ok || info.ObjectOf(id) != v {
				continue
			}
			if len(rhs) != len(lhs) || !isBackground(info, rhs[i]) {
				return false
			}
			background = true
		}
	}
	return background
}

func isBackground(info *types.Info, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn := calls.Callee(info, call)
	return calls.IsFunc(fn, "context", "Background") || calls.IsFunc(fn, "context", "TODO")
}

// receiverContext finds recv.f, a context.Context field of the receiver
// that the method at decl reads.
func receiverContext(info *types.Info, decl inspector.Cursor) (Context, bool) {
	fd := decl.Node().(*ast.FuncDecl)
	if fd.Recv == nil || len(fd.Recv.List) == 0 || len(fd.Recv.List[0].Names) == 0 {
		return Context{}, false
	}
	recv := info.Defs[fd.Recv.List[0].Names[0]]
	if recv == nil {
		return Context{}, false
	}
	for n := range decl.Preorder((*ast.SelectorExpr)(nil)) {
		sel := n.Node().(*ast.SelectorExpr)
		id, ok := sel.X.(*ast.Ident)
		if !ok || info.Uses[id] != recv {
			continue
		}
		if s := info.Selections[sel]; s != nil && s.Kind() == types.FieldVal && IsContext(s.Obj().Type()) {
			return Context{Expr: id.Name + "." + sel.Sel.Name, Obj: s.Obj()}, true
		}
	}
	return Context{}, false
}
