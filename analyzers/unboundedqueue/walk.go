package unboundedqueue

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
)

// call dispatches a call expression to the checks it may concern.
func (c *checker) call(cur inspector.Cursor, call *ast.CallExpr) {
	if len(call.Args) == 0 {
		// Every call checked below takes arguments (make, copy,
		// io.ReadAll(r), g.Go(f), sort.Slice(q, less), ...), and
		// recordArgs has nothing to record.
		return
	}
	var fn *types.Func
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		obj := c.info.Uses[id]
		if b, ok := obj.(*types.Builtin); ok {
			switch b.Name() {
			case "make":
				c.makeCall(cur, call)
			case "copy":
				c.copyCall(cur, call)
			}
			return
		}
		fn, _ = obj.(*types.Func) // what calls.Callee finds, without a second look-up
	} else {
		fn = calls.Callee(c.info, call)
	}
	if fn == nil || fn.Pkg() == nil {
		return
	}
	if len(call.Args) > 0 && !c.inTestFile() {
		c.sortCall(cur, call, fn)
	}
	switch fn.Pkg().Path() {
	case "io", "io/ioutil":
		switch {
		case fn.Name() == "ReadAll" && len(call.Args) == 1 && fn.Signature().Recv() == nil:
			c.readAll(cur, call, fn)
		case (fn.Name() == "Copy" || fn.Name() == "CopyBuffer") && len(call.Args) >= 2 && fn.Signature().Recv() == nil:
			if inMemory(c.info.TypeOf(call.Args[0])) {
				c.copyToMemory(cur, call, call.Args[1])
			}
		}
	case "bytes":
		if calls.IsMethod(fn, "bytes", "Buffer", "ReadFrom") && len(call.Args) == 1 {
			c.copyToMemory(cur, call, call.Args[0])
		}
	case "bufio":
		switch fn.Name() {
		case "ReadString", "ReadBytes":
			if calls.IsMethod(fn, "bufio", "Reader", fn.Name()) {
				c.readLine(cur, call, fn)
			}
		}
	case "sync":
		if fn.Name() == "Go" {
			c.goCall(cur, call, fn)
		}
	case "golang.org/x/sync/errgroup":
		switch fn.Name() {
		case "Go":
			c.goCall(cur, call, fn)
		case "SetLimit":
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if obj := objOf(c.info, sel.X); obj != nil {
					c.setLimit[obj] = true
				}
			}
		}
	}
	if fn.Pkg() == c.pass.Pkg && !c.inTestFile() {
		c.recordArgs(call, fn)
	}
}

// recordArgs records the readers passed to a function of this package
// as values of its parameters.
func (c *checker) recordArgs(call *ast.CallExpr, fn *types.Func) {
	params := fn.Origin().Signature().Params()
	for i, a := range call.Args {
		if i >= params.Len() || fn.Signature().Variadic() && i >= params.Len()-1 {
			break
		}
		p := params.At(i)
		if _, basic := types.Unalias(p.Type()).(*types.Basic); basic {
			continue // no reader is assignable to a basic type
		}
		if c.isReader(c.info.TypeOf(a)) {
			c.readers[p] = append(c.readers[p], a)
		}
	}
}

func (c *checker) assign(cur inspector.Cursor, as *ast.AssignStmt) {
	if as.Tok != token.ASSIGN && as.Tok != token.DEFINE {
		return
	}
	if len(as.Rhs) == 1 && len(as.Lhs) > 1 && !c.inTestFile() {
		// c, err := ln.Accept(): the call stands for its results.
		if tuple, ok := c.info.TypeOf(as.Rhs[0]).(*types.Tuple); ok && tuple.Len() == len(as.Lhs) {
			for i, l := range as.Lhs {
				if !c.isReader(tuple.At(i).Type()) {
					continue
				}
				if obj := objOf(c.info, l); obj != nil {
					c.readers[obj] = append(c.readers[obj], as.Rhs[0])
				}
			}
		}
		return
	}
	if len(as.Lhs) != len(as.Rhs) {
		return
	}
	for i, l := range as.Lhs {
		r := as.Rhs[i]
		if as.Tok == token.ASSIGN {
			c.queueAssign(cur, as, l, r)
		}
		c.recordReader(l, r)
	}
}

func (c *checker) valueSpec(vs *ast.ValueSpec) {
	if len(vs.Names) != len(vs.Values) {
		return
	}
	for i, n := range vs.Names {
		c.recordReader(n, vs.Values[i])
	}
}

func (c *checker) keyValue(kv *ast.KeyValueExpr) {
	if c.inTestFile() {
		return
	}
	if v, ok := keyField(c.info, kv); ok && c.isReader(c.info.TypeOf(kv.Value)) {
		c.readers[v] = append(c.readers[v], kv.Value)
	}
}

// keyField returns the (generic) field that a key of a struct literal
// names.
func keyField(info *types.Info, kv *ast.KeyValueExpr) (*types.Var, bool) {
	id, ok := kv.Key.(*ast.Ident)
	if !ok {
		return nil, false
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || !v.IsField() {
		return nil, false
	}
	return v.Origin(), true
}

// recordReader records a reader assigned to a variable or field, so
// that reads from it can be traced to a connection or request body.
func (c *checker) recordReader(l, r ast.Expr) {
	if c.inTestFile() {
		return
	}
	if _, ok := ast.Unparen(r).(*ast.FuncLit); ok {
		return // its type is its signature: no Read method
	}
	if !c.isReader(c.info.TypeOf(r)) {
		return
	}
	if obj := objOf(c.info, l); obj != nil {
		c.readers[obj] = append(c.readers[obj], r)
	}
}
