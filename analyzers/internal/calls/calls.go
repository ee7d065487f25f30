// Package calls answers what a call expression calls, by type, never by
// spelling: a renamed import or a method value still resolves.
package calls

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Callee returns the function or method a call statically calls, or nil
// (calls of function values, conversions and built-ins).
func Callee(info *types.Info, call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(info, call).(*types.Func)
	return fn
}

// CalledIdent returns the name a call's function expression calls
// through ((f)(...), f[T](...), x.m(...)), or nil: every call that
// [Callee] resolves calls its name, so calls of a function can be found
// by name before any type lookup.
func CalledIdent(fun ast.Expr) *ast.Ident {
	switch e := CalledExpr(fun).(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return e.Sel
	}
	return nil
}

// CalledExpr returns a call's function expression without the
// parentheses and type arguments around what it calls: f for (f)(...)
// and f[T](...), x.m for x.m(...).
func CalledExpr(fun ast.Expr) ast.Expr {
	for {
		switch e := fun.(type) {
		case *ast.ParenExpr:
			fun = e.X
		case *ast.IndexExpr:
			fun = e.X
		case *ast.IndexListExpr:
			fun = e.X
		default:
			return fun
		}
	}
}

// CalledName returns the name of CalledIdent(fun), or "".
func CalledName(fun ast.Expr) string {
	if id := CalledIdent(fun); id != nil {
		return id.Name
	}
	return ""
}

// CalledThrough returns the call whose function expression calls
// through the identifier at id, as CalledIdent finds it.
func CalledThrough(id inspector.Cursor) (inspector.Cursor, bool) {
	cur := id
	if cur.ParentEdgeKind() == edge.SelectorExpr_Sel {
		cur = cur.Parent()
	}
	for {
		switch cur.ParentEdgeKind() {
		case edge.ParenExpr_X, edge.IndexExpr_X, edge.IndexListExpr_X:
			cur = cur.Parent()
		case edge.CallExpr_Fun:
			return cur.Parent(), true
		default:
			return inspector.Cursor{}, false
		}
	}
}

// IsFunc reports whether fn is the package-level function pkgPath.name.
func IsFunc(fn *types.Func, pkgPath, name string) bool {
	return fn != nil && fn.Name() == name && fn.Pkg() != nil && fn.Pkg().Path() == pkgPath &&
		fn.Signature().Recv() == nil
}

// IsMethod reports whether fn is the method typeName.name declared in
// package pkgPath (also when reached through embedding or an interface
// of that package).
func IsMethod(fn *types.Func, pkgPath, typeName, name string) bool {
	if fn == nil || fn.Name() != name || fn.Pkg() == nil || fn.Pkg().Path() != pkgPath {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	return IsNamed(recv.Type(), pkgPath, typeName)
}

// IsNamed reports whether t, or what t points to, is the named type
// pkgPath.name.
func IsNamed(t types.Type, pkgPath, name string) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := n.Obj()
	return obj.Name() == name && obj.Pkg() != nil && obj.Pkg().Path() == pkgPath
}

// IsBuiltin reports whether call calls the built-in function name
// (make, close, len, ...), not a function that shadows it.
func IsBuiltin(info *types.Info, call *ast.CallExpr, name string) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok || id.Name != name {
		return false
	}
	_, ok = info.Uses[id].(*types.Builtin)
	return ok
}

// Imports reports whether pkg imports path directly. Analyzers call it
// first to skip packages that cannot contain what they look for.
func Imports(pkg *types.Package, path string) bool {
	for _, imp := range pkg.Imports() {
		if imp.Path() == path {
			return true
		}
	}
	return false
}
