package scope

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
)

// A Context is a context.Context that code at some position can use.
type Context struct {
	Expr string       // how to write it there: "ctx", "s.ctx", "r.Context()"
	Obj  types.Object // the variable or field; for a request context, the parameter
	// Request is set when Expr calls the Context method of a request
	// parameter (r.Context(), stream.Context()).
	Request bool
}

// IsContext reports whether t is context.Context.
func IsContext(t types.Type) bool { return calls.IsNamed(t, "context", "Context") }

// ContextAt returns the context.Context that code at c can wait on: the
// innermost local variable or parameter of type context.Context visible
// there (captured ones included); or else the context of a request that
// a parameter holds, r.Context() for r *http.Request and x.Context() for
// x of a type with a method Context() context.Context (grpc.ServerStream
// and its generated stream types), when the code runs while the
// function with that parameter runs (see RequestContext); or else a
// context field of the method receiver that the enclosing method reads.
// Contexts that can never be cancelled (a variable only ever set to
// context.Background() or context.TODO()) do not count: waiting on their
// Done blocks forever.
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
	if ctx, ok := RequestContext(info, c); ok {
		return ctx, true
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

// RequestContext returns the context of a request held by a parameter
// visible at c: r.Context() for a parameter r *http.Request, x.Context()
// for a parameter x whose type has a method Context() context.Context
// (grpc.ServerStream and friends; testing.T and B are not requests). The
// parameter belongs to the function enclosing c or to one around it, as
// long as each function literal in between runs while that function
// runs: called in place, deferred, or passed to a call that is not a go
// statement or a Go method. The context of a request ends with it, so a
// goroutine that outlives the handler must not wait on it.
func RequestContext(info *types.Info, c inspector.Cursor) (Context, bool) {
	pos := c.Node().Pos()
	var file *ast.File
	for f := range c.Enclosing((*ast.File)(nil)) {
		file = f.Node().(*ast.File)
	}
	fileScope := info.Scopes[file]
	if fileScope == nil {
		return Context{}, false
	}
	inner := fileScope.Innermost(pos)
	if inner == nil {
		return Context{}, false
	}
	for fn := range c.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if fn == c {
			continue
		}
		var ft *ast.FuncType
		switch n := fn.Node().(type) {
		case *ast.FuncDecl:
			ft = n.Type
		case *ast.FuncLit:
			ft = n.Type
		}
		for _, field := range ft.Params.List {
			for _, id := range field.Names {
				v, ok := info.Defs[id].(*types.Var)
				if !ok || id.Name == "_" || !isRequest(v.Type()) {
					continue
				}
				if _, obj := inner.LookupParent(id.Name, pos); obj != v {
					continue // shadowed
				}
				return Context{Expr: id.Name + ".Context()", Obj: v, Request: true}, true
			}
		}
		if _, ok := fn.Node().(*ast.FuncDecl); ok || !runsInPlace(info, fn) {
			break
		}
	}
	return Context{}, false
}

// runsInPlace reports whether the function literal at lit runs while
// the function around it runs: called where it stands (not by go),
// deferred, or passed to a call that does not start it as a goroutine.
func runsInPlace(info *types.Info, lit inspector.Cursor) bool {
	if _, ok := Goroutine(info, lit); ok {
		return false
	}
	switch lit.ParentEdgeKind() {
	case edge.CallExpr_Fun:
		return lit.Parent().ParentEdgeKind() != edge.GoStmt_Call
	case edge.CallExpr_Args:
		return lit.Parent().ParentEdgeKind() != edge.GoStmt_Call
	}
	return false
}

// isRequest reports whether a parameter of type t carries the context
// of a request: a type with a method Context() context.Context, like
// *net/http.Request, declared on it (or, for an interface, embedded:
// grpc's generated stream interfaces embed grpc.ServerStream), other
// than the testing types.
func isRequest(t types.Type) bool {
	if IsContext(t) {
		return false
	}
	named := types.Unalias(t)
	if p, ok := named.(*types.Pointer); ok {
		named = types.Unalias(p.Elem())
	}
	if n, ok := named.(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "testing" {
		return false // t.Context() of a test is not a request's
	}
	obj, index, _ := types.LookupFieldOrMethod(t, true, nil, "Context")
	m, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	if !types.IsInterface(t) && len(index) > 1 {
		// Promoted from an embedded field (net/http's transportRequest
		// embeds *Request): a wrapper, not the request itself.
		return false
	}
	sig := m.Signature()
	return sig.Params().Len() == 0 && sig.Results().Len() == 1 && IsContext(sig.Results().At(0).Type())
}
