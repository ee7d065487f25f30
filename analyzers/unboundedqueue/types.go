package unboundedqueue

import (
	"go/ast"
	"go/types"

	"github.com/bplint/bplint/analyzers/internal/calls"
)

// Type properties, cached per type.
const (
	propKnown  uint8 = 1 << iota
	propReader       // has a Read method
	propConn         // a network connection: Read, RemoteAddr, SetReadDeadline or SetDeadline
)

func (c *checker) props(t types.Type) uint8 {
	if t == nil {
		return propKnown
	}
	if p, ok := c.typeCache[t]; ok {
		return p
	}
	p := propKnown
	if hasMethod(t, "Read") {
		p |= propReader
		if hasMethod(t, "RemoteAddr") && (hasMethod(t, "SetReadDeadline") || hasMethod(t, "SetDeadline")) {
			p |= propConn
		}
	}
	c.typeCache[t] = p
	return p
}

func hasMethod(t types.Type, name string) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
	_, ok := obj.(*types.Func)
	return ok
}

// isConn reports whether values of t are network connections: net.Conn
// and everything with its reading, addressing and deadline methods
// (*net.TCPConn, *tls.Conn, wrappers of them, ...).
func (c *checker) isConn(t types.Type) bool { return c.props(t)&propConn != 0 }

// isReader reports whether t has a Read method.
func (c *checker) isReader(t types.Type) bool { return c.props(t)&propReader != 0 }

func isRequest(t types.Type) bool  { return calls.IsNamed(t, "net/http", "Request") }
func isResponse(t types.Type) bool { return calls.IsNamed(t, "net/http", "Response") }

// objOf returns the variable, field or package-level variable that e
// denotes, or nil.
func objOf(info *types.Info, e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := info.ObjectOf(e).(*types.Var); ok {
			return v
		}
	case *ast.SelectorExpr:
		if sel := info.Selections[e]; sel != nil {
			if sel.Kind() == types.FieldVal {
				// The generic field, not its instance: each method of a
				// generic type sees its own instantiation.
				return sel.Obj().(*types.Var).Origin()
			}
			return nil
		}
		if v, ok := info.ObjectOf(e.Sel).(*types.Var); ok {
			return v // pkg.Var
		}
	}
	return nil
}

// isPackageVar reports whether obj is a package-level variable.
func isPackageVar(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && !v.IsField() && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

// isField reports whether obj is a struct field.
func isField(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && v.IsField()
}

// isConversion reports whether call converts a value to a type.
func isConversion(info *types.Info, call *ast.CallExpr) bool {
	tv, ok := info.Types[call.Fun]
	return ok && tv.IsType()
}

// calleeIn returns the callee of call when it is declared in package
// path, or nil.
func calleeIn(info *types.Info, call *ast.CallExpr, path string) *types.Func {
	fn := calls.Callee(info, call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != path {
		return nil
	}
	return fn
}

// recvName returns the name of the named type of fn's receiver, or "".
func recvName(fn *types.Func) string {
	recv := fn.Signature().Recv()
	if recv == nil {
		return ""
	}
	t := recv.Type()
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}
