package ignoredsend

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// poolPut reports whether the send at cur gives an object back to a
// pool kept in a buffered channel field: the send is in a method of the
// pool's type T on a field of its receiver, the type or the field is
// named like a pool (chans.PoolName: StickyConnPool, idleConns), every
// make of the field buffers it, a method of T also takes from the field
// (Get), and the value sent is a parameter of the method: the object the
// caller hands back. Objects circulate between the buffer and the
// pool's users; one given back was handed out before, by Get or by the
// pool's own constructor of objects, and left room behind when it was
// (the buffer is sized for the objects in circulation, the contract of
// every pool: put back only what you got). The put cannot wait then.
// A pool method that sends an object it makes itself (p.ch <-
// newConn()) is no put back and stays reported.
func (c *checker) poolPut(cur inspector.Cursor, send *ast.SendStmt) bool {
	sel, ok := ast.Unparen(send.Chan).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	field := c.channelField(sel)
	if field == nil || !c.bufferedField(field) {
		return false
	}
	fd := enclosingDecl(cur)
	recv := c.receiverVar(fd)
	if recv == nil {
		return false
	}
	if id, ok := ast.Unparen(sel.X).(*ast.Ident); !ok || c.info.Uses[id] != recv {
		return false
	}
	named := receiverNamed(recv)
	if named == nil || !chans.PoolName(named.Obj().Name()) && !chans.PoolName(field.Name()) {
		return false
	}
	// The value handed back: a parameter of the method.
	id, ok := ast.Unparen(send.Value).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || !isParamOf(c.info, fd, v) || !c.stableVar(cur, v) {
		return false
	}
	// One put per call: a loop in the method would put the same object
	// again (a literal's body could run any number of times).
	for range scope.Loops(cur) {
		return false
	}
	if fn, _ := scope.Func(cur); fn.Node() != ast.Node(fd) {
		return false
	}
	// The pool's own calls hand back objects too: one it makes there
	// (p.Put(ctx, &conn{}), p.Put(ctx, dial())) was never handed out.
	if m, ok := c.info.Defs[fd.Name].(*types.Func); ok {
		i := paramIndex(m, v)
		for _, call := range c.funcs().callsOf(m) {
			args := call.Node().(*ast.CallExpr).Args
			if i < 0 || i >= len(args) || c.newObject(call, args[i]) {
				return false
			}
		}
	}
	u := c.fieldUsesOf(field)
	if u.other {
		return false
	}
	for _, r := range u.recvs {
		if d := enclosingDecl(r); d != nil {
			if rv := c.receiverVar(d); rv != nil && receiverNamed(rv) == named {
				return true // a take by a method of the pool
			}
		}
	}
	return false
}

// paramIndex returns the index of the parameter v of fn, or -1.
func paramIndex(fn *types.Func, v *types.Var) int {
	params := fn.Signature().Params()
	for i := range params.Len() {
		if params.At(i) == v {
			return i
		}
	}
	return -1
}

// newObject reports whether e, at cur, may be an object made there: not
// a variable, or a local variable defined by anything but a receive or
// a variable (cn := <-p.ch, cn := got).
func (c *checker) newObject(cur inspector.Cursor, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return true
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok {
		return true
	}
	if v.IsField() || v.Pkg() == nil || v.Parent() == nil || v.Parent() == v.Pkg().Scope() {
		return true
	}
	made := false
	c.declOf(v, func(_ ast.Node, rhs ast.Expr) {
		switch r := ast.Unparen(rhs).(type) {
		case nil, *ast.Ident:
		case *ast.UnaryExpr:
			made = made || r.Op != token.ARROW
		default:
			made = true
		}
	})
	return made
}

// receiverVar returns the named receiver of a method declaration, or nil.
func (c *checker) receiverVar(fd *ast.FuncDecl) *types.Var {
	if fd == nil || fd.Recv == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 {
		return nil
	}
	v, _ := c.info.Defs[fd.Recv.List[0].Names[0]].(*types.Var)
	return v
}

// receiverNamed returns the named type of a receiver (T of *T), or nil.
func receiverNamed(v *types.Var) *types.Named {
	t := types.Unalias(v.Type())
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	n, _ := t.(*types.Named)
	if n != nil {
		n = n.Origin()
	}
	return n
}

// isParamOf reports whether v is a parameter of the declared function fd.
func isParamOf(info *types.Info, fd *ast.FuncDecl, v *types.Var) bool {
	for _, f := range fd.Type.Params.List {
		for _, name := range f.Names {
			if info.Defs[name] == v {
				return true
			}
		}
	}
	return false
}
