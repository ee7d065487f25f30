package ignoredsend

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// This file follows a channel parameter back to the callers that pass
// it, within the package: a send on a parameter cannot be left waiting
// when every caller passes a channel that a goroutine drains until it
// is closed (a pipeline stage), or one whose buffer holds every send
// (errc := make(chan error, 1); go reader(errc) sending once).

// maxParamDepth bounds how many callers up a parameter is followed.
const maxParamDepth = 3

// A funcIndex knows the functions declared in the package and where
// they are called. Each part is computed on first use: the declarations
// and the interfaces' method names with walks that skip function bodies
// (cheap); the calls of one function from the identifiers that denote
// it in the type information, each found in the syntax, which spares a
// walk of every call of a large package. Few functions are ever asked
// about (one or two in nats-server's server package); past
// maxCallQueries of them, one walk of the calls indexes every function.
type funcIndex struct {
	c      *checker
	decls  map[*types.Func]inspector.Cursor
	uses   map[*types.Func]*funcUses
	all    bool // uses holds every function of the package
	asked  int  // functions looked up one by one
	ifaces map[string]bool
}

// maxCallQueries is how many functions funcIndex looks up one at a time
// (a scan of the type information's uses each) before it indexes them
// all in one walk.
const maxCallQueries = 4

// funcUses are the calls of one function of the package, outside test
// files (tests call internals with channels of their own; the code
// under test is judged by its real callers), and whether it is opaque:
// used as a value, or called as a method expression (T.m(recv, ...):
// the arguments shift).
type funcUses struct {
	calls  []inspector.Cursor // *ast.CallExpr calling the function
	opaque bool
}

func (c *checker) funcs() *funcIndex {
	if c.fnIndex == nil {
		c.fnIndex = &funcIndex{c: c}
	}
	return c.fnIndex
}

// decl returns the declaration, with a body, of the package's function fn.
func (x *funcIndex) decl(fn *types.Func) (inspector.Cursor, bool) {
	if x.decls == nil {
		x.decls = make(map[*types.Func]inspector.Cursor)
		for cur := range x.c.in.Preorder((*ast.FuncDecl)(nil)) {
			n := cur.Node().(*ast.FuncDecl)
			if fn, ok := x.c.info.Defs[n.Name].(*types.Func); ok && n.Body != nil {
				x.decls[fn] = cur
			}
		}
	}
	cur, ok := x.decls[fn]
	return cur, ok
}

// ifaceMethod reports whether an interface of the package has a method
// of that name: a method of that name may be called through one.
func (x *funcIndex) ifaceMethod(name string) bool {
	if x.ifaces == nil {
		x.ifaces = make(map[string]bool)
		for cur := range x.c.in.Preorder((*ast.InterfaceType)(nil)) {
			for _, m := range cur.Node().(*ast.InterfaceType).Methods.List {
				for _, name := range m.Names {
					x.ifaces[name.Name] = true
				}
			}
		}
	}
	return x.ifaces[name]
}

// callsOf returns the calls of fn outside test files.
func (x *funcIndex) callsOf(fn *types.Func) []inspector.Cursor { return x.usesOf(fn).calls }

// opaque reports whether fn is used otherwise than called by name.
func (x *funcIndex) opaque(fn *types.Func) bool { return x.usesOf(fn).opaque }

var noUses = new(funcUses) // shared: never modified

// usesOf returns the calls and the opacity of fn, computed once.
func (x *funcIndex) usesOf(fn *types.Func) *funcUses {
	c := x.c
	if fn == nil || fn.Pkg() != c.pass.Pkg || fn.Origin() != fn {
		return noUses // calls are indexed by the origin of the package's functions
	}
	if u, ok := x.uses[fn]; ok || x.all {
		if u == nil {
			u = noUses
		}
		return u
	}
	if x.uses == nil {
		x.uses = make(map[*types.Func]*funcUses)
	}
	if x.asked >= maxCallQueries {
		x.indexAll()
		return x.usesOf(fn)
	}
	x.asked++
	u, ok := x.usesByIdents(fn)
	if !ok {
		u = x.usesByWalk(fn)
	}
	x.uses[fn] = u
	return u
}

// usesByIdents finds the uses of fn from the identifiers that denote
// it, far fewer than the package's calls: an identifier that does not
// name the function of a call makes it opaque. It reports false if an
// identifier is not found in the syntax.
func (x *funcIndex) usesByIdents(fn *types.Func) (*funcUses, bool) {
	c := x.c
	var ids []*ast.Ident
	for id, obj := range c.info.Uses {
		if f, ok := obj.(*types.Func); ok && (f == fn || f.Origin() == fn) {
			ids = append(ids, id)
		}
	}
	u := new(funcUses)
	for _, id := range ids {
		cur, ok := c.in.FindByPos(id.Pos(), id.End())
		if !ok || cur.Node() != id {
			return nil, false
		}
		call, ok := calls.CalledThrough(cur)
		if !ok {
			u.opaque = true // used as a value
			continue
		}
		n := call.Node().(*ast.CallExpr)
		switch {
		case c.methodExpr(n.Fun):
			u.opaque = true
		case !c.inTestFile(n.Pos()):
			u.calls = append(u.calls, call)
		}
	}
	slices.SortFunc(u.calls, c.in.Compare)
	return u, true
}

// usesByWalk finds the uses of fn with a walk of the package's calls.
func (x *funcIndex) usesByWalk(fn *types.Func) *funcUses {
	c := x.c
	// The calls naming fn; any other use, found in the type
	// information, makes it opaque.
	u := new(funcUses)
	called := 0
	name := fn.Name()
	for cur := range c.in.Preorder((*ast.CallExpr)(nil)) {
		n := cur.Node().(*ast.CallExpr)
		id := calls.CalledIdent(n.Fun)
		if id == nil || id.Name != name {
			continue
		}
		if f, ok := c.info.Uses[id].(*types.Func); !ok || f.Origin() != fn {
			continue
		}
		called++
		switch {
		case c.methodExpr(n.Fun):
			u.opaque = true
		case !c.inTestFile(n.Pos()):
			u.calls = append(u.calls, cur)
		}
	}
	if !u.opaque {
		uses := 0
		for _, obj := range c.info.Uses {
			if f, ok := obj.(*types.Func); ok && (f == fn || f.Origin() == fn) {
				uses++
			}
		}
		u.opaque = uses > called // used as a value
	}
	return u
}

// indexAll indexes the calls of every function of the package in one
// walk, as usesOf finds them for one.
func (x *funcIndex) indexAll() {
	c := x.c
	x.all = true
	uses := make(map[*types.Func]*funcUses)
	get := func(fn *types.Func) *funcUses {
		u := uses[fn]
		if u == nil {
			u = new(funcUses)
			uses[fn] = u
		}
		return u
	}
	called := make(map[*ast.Ident]bool)
	for cur := range c.in.Preorder((*ast.CallExpr)(nil)) {
		n := cur.Node().(*ast.CallExpr)
		id := calls.CalledIdent(n.Fun)
		if id == nil {
			continue
		}
		fn, ok := c.info.Uses[id].(*types.Func)
		if !ok || fn.Pkg() != c.pass.Pkg {
			continue
		}
		fn = fn.Origin()
		called[id] = true
		switch {
		case c.methodExpr(n.Fun):
			get(fn).opaque = true
		case !c.inTestFile(n.Pos()):
			u := get(fn)
			u.calls = append(u.calls, cur)
		}
	}
	for id, obj := range c.info.Uses {
		if fn, ok := obj.(*types.Func); ok && fn.Pkg() == c.pass.Pkg && !called[id] {
			get(fn.Origin()).opaque = true // used as a value
		}
	}
	x.uses = uses
}

// methodExpr reports whether a call's function expression is a method
// expression (T.m(recv, ...)).
func (c *checker) methodExpr(fun ast.Expr) bool {
	e, ok := calls.CalledExpr(fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s := c.info.Selections[e]
	return s != nil && s.Kind() == types.MethodExpr
}

// inTestFile reports whether pos lies in a _test.go file.
func (c *checker) inTestFile(pos token.Pos) bool { return scope.InTestFile(c.pass.Fset, pos) }

// A paramFunc is a function with a channel parameter: the function's
// cursor, the parameter, its index, and the calls that pass it.
type paramFunc struct {
	fn    inspector.Cursor
	param *types.Var
	index int
	calls []inspector.Cursor
}

// paramOf returns the function whose parameter v is, with every call
// of it, when the package sees all of them: an unexported function or
// method (no interface of the package has a method of its name) used
// only in calls, or a function literal called where it stands.
func (c *checker) paramOf(at inspector.Cursor, v *types.Var) (paramFunc, bool) {
	for fn := range at.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		sig := scope.Signature(c.info, fn)
		if sig == nil {
			return paramFunc{}, false
		}
		index := -1
		for i := range sig.Params().Len() {
			if sig.Params().At(i) == v {
				index = i
			}
		}
		if index < 0 {
			continue
		}
		if sig.Variadic() && index == sig.Params().Len()-1 {
			return paramFunc{}, false
		}
		pf := paramFunc{fn: fn, param: v, index: index}
		switch n := fn.Node().(type) {
		case *ast.FuncLit:
			if fn.ParentEdgeKind() != edge.CallExpr_Fun {
				return paramFunc{}, false
			}
			pf.calls = []inspector.Cursor{fn.Parent()}
		case *ast.FuncDecl:
			obj, ok := c.info.Defs[n.Name].(*types.Func)
			if !ok || ast.IsExported(n.Name.Name) {
				return paramFunc{}, false
			}
			x := c.funcs()
			if x.opaque(obj) || (n.Recv != nil && x.ifaceMethod(n.Name.Name)) {
				return paramFunc{}, false
			}
			pf.calls = x.callsOf(obj)
		}
		if len(pf.calls) == 0 || chans.UsesOf(c.info, fn, v).Remade {
			return paramFunc{}, false
		}
		return pf, true
	}
	return paramFunc{}, false
}

// paramAssured reports whether a send on the channel parameter that ch
// denotes at cur cannot be left waiting: each caller passes a channel
// that a goroutine drains until close, or whose buffer holds every send
// made on it, or a parameter of its own for which the same holds.
func (c *checker) paramAssured(cur inspector.Cursor, ch ast.Expr) bool {
	id, ok := ast.Unparen(ch).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || v.IsField() {
		return false
	}
	return c.paramVarAssured(cur, v, 0)
}

func (c *checker) paramVarAssured(at inspector.Cursor, v *types.Var, depth int) bool {
	if depth > maxParamDepth {
		return false
	}
	pf, ok := c.paramOf(at, v)
	if !ok {
		return false
	}
	for _, call := range pf.calls {
		args := call.Node().(*ast.CallExpr).Args
		if pf.index >= len(args) {
			return false
		}
		arg := ast.Unparen(args[pf.index])
		if l := c.local(call, arg); l != nil {
			if !c.drainedUntilClose(l) && !c.holdsAll(l) {
				return false
			}
			continue
		}
		id, ok := arg.(*ast.Ident)
		if !ok {
			return false
		}
		av, ok := c.info.Uses[id].(*types.Var)
		if !ok || av.IsField() || !c.paramVarAssured(call, av, depth+1) {
			return false
		}
	}
	return true
}

// holdsAll reports whether the buffer of l holds every send on it: the
// function's own sends plus those of the functions it passes l to.
func (c *checker) holdsAll(l *localChan) bool {
	if l.Remade || l.Escapes {
		return false
	}
	return covers(c.capOf(l), c.sendsWithCallees(l, 0))
}

// sendsWithCallees counts the sends on l per run of its maker like
// sendTotal, plus, for each call l is passed to, the sends the callee
// makes on it per call times how often the call runs. A call to a
// function the package does not declare counts as unknown.
func (c *checker) sendsWithCallees(l *localChan, depth int) total {
	t := c.sendTotal(l)
	if depth > maxParamDepth {
		t.inf = true
		return t
	}
	for _, p := range l.Passed {
		call := p.Node().(*ast.CallExpr)
		fn, sig := c.calleeFunc(p)
		if !fn.Valid() {
			t.inf = true
			return t
		}
		for i, a := range call.Args {
			if chans.Obj(c.info, a) != l.Var || i >= sig.Params().Len() {
				continue
			}
			if sig.Variadic() && i == sig.Params().Len()-1 {
				t.inf = true
				return t
			}
			sub := &localChan{Local: chans.UsesOf(c.info, fn, sig.Params().At(i)), maker: fn}
			if sub.Remade || sub.Escapes {
				t.inf = true
				return t
			}
			per := c.sendsWithCallees(sub, depth+1)
			if per.inf || len(per.syms) > 0 {
				t.inf = true
				return t
			}
			_, m := c.multiplicity(p, l.maker)
			t.add(m.times(mult{k: per.k}))
		}
	}
	return t
}

// calleeFunc returns the function that the call at callCur runs, when
// the package declares it (or it is a literal), and its signature.
func (c *checker) calleeFunc(callCur inspector.Cursor) (inspector.Cursor, *types.Signature) {
	call := callCur.Node().(*ast.CallExpr)
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		cur, ok := callCur.FindNode(lit)
		sig, _ := c.info.TypeOf(lit).(*types.Signature)
		if !ok || sig == nil {
			return inspector.Cursor{}, nil
		}
		return cur, sig
	}
	obj := calleeObj(c.info, call)
	if obj == nil {
		return inspector.Cursor{}, nil
	}
	cur, ok := c.funcs().decl(obj)
	if !ok {
		return inspector.Cursor{}, nil
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := c.info.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
			return inspector.Cursor{}, nil
		}
	}
	return cur, obj.Signature()
}

// calleeObj returns the package-level function or concrete method that
// call calls, or nil.
func calleeObj(info *types.Info, call *ast.CallExpr) *types.Func {
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	var id *ast.Ident
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	}
	if id == nil {
		return nil
	}
	fn, ok := info.Uses[id].(*types.Func)
	if !ok {
		return nil
	}
	if sig := fn.Signature(); sig.Recv() != nil && types.IsInterface(sig.Recv().Type()) {
		return nil
	}
	return fn.Origin()
}

// drainedUntilClose reports whether a goroutine receives from l until
// it is closed and never stops before: a range over it, a loop on
// v, ok := <-l that leaves only when !ok, or a function started with
// go (or called in a goroutine) that does so with the channel passed
// in. Such a receiver takes every value sent before the close, which
// the owner makes after the senders are done (or their sends panic).
func (c *checker) drainedUntilClose(l *localChan) bool {
	for _, rc := range l.Ranges {
		if _, ok := scope.InGoroutine(c.info, rc); ok && c.noEarlyExit(rc) {
			return true
		}
	}
	for _, op := range l.Recvs {
		if _, ok := scope.InGoroutine(c.info, op.Cursor); ok && c.commaOkDrain(op) {
			return true
		}
	}
	for _, p := range l.Passed {
		spawned := p.ParentEdgeKind() == edge.GoStmt_Call
		if !spawned {
			_, spawned = scope.InGoroutine(c.info, p)
		}
		if !spawned {
			continue
		}
		fn, sig := c.calleeFunc(p)
		if !fn.Valid() {
			continue
		}
		for i, a := range p.Node().(*ast.CallExpr).Args {
			if chans.Obj(c.info, a) == l.Var && i < sig.Params().Len() && c.paramDrains(fn, sig.Params().At(i)) {
				return true
			}
		}
	}
	return false
}

// paramDrains reports whether the function at fn, in its own body,
// receives from its channel parameter v until the channel is closed.
func (c *checker) paramDrains(fn inspector.Cursor, v *types.Var) bool {
	u := chans.UsesOf(c.info, fn, v)
	if u.Remade {
		return false
	}
	for _, rc := range u.Ranges {
		if f, _ := scope.Func(rc); f == fn && c.noEarlyExit(rc) {
			return true
		}
	}
	for _, op := range u.Recvs {
		if f, _ := scope.Func(op.Cursor); f == fn && c.commaOkDrain(op) {
			return true
		}
	}
	return false
}

// commaOkDrain reports whether the receive op is v, ok := <-ch (or =),
// directly or as a select case, inside an endless loop that it leaves
// only when !ok:
//
//	for {
//		select {
//		case v, ok := <-ch:
//			if !ok {
//				break loop
//			}
//			...
//		case <-tick.C:
//		}
//	}
func (c *checker) commaOkDrain(op chans.Op) bool {
	as, ok := op.Cursor.Parent().Node().(*ast.AssignStmt)
	if !ok || op.Cursor.ParentEdgeKind() != edge.AssignStmt_Rhs || len(as.Lhs) != 2 {
		return false
	}
	okID, isID := as.Lhs[1].(*ast.Ident)
	if !isID || okID.Name == "_" {
		return false
	}
	okVar := c.info.ObjectOf(okID)
	// The statements after the receive, where the check must come first.
	var rest []ast.Stmt
	if op.Case != nil {
		rest = op.Case.Body
	} else {
		stmt := op.Cursor.Parent()
		if !isListEdge(stmt.ParentEdgeKind()) {
			return false
		}
		for next, ok := stmt.NextSibling(); ok; next, ok = next.NextSibling() {
			rest = append(rest, next.Node().(ast.Stmt))
		}
	}
	if len(rest) == 0 {
		return false
	}
	check, ok := rest[0].(*ast.IfStmt)
	if !ok || check.Init != nil || check.Else != nil {
		return false
	}
	not, ok := ast.Unparen(check.Cond).(*ast.UnaryExpr)
	if !ok || not.Op != token.NOT {
		return false
	}
	if id, ok := ast.Unparen(not.X).(*ast.Ident); !ok || c.info.Uses[id] != okVar {
		return false
	}
	// The innermost loop, which must have no condition.
	for loop := range scope.Loops(op.Cursor) {
		f, ok := loop.Node().(*ast.ForStmt)
		if !ok || f.Cond != nil {
			return false
		}
		return c.exitsOnlyIn(loop, check.Body)
	}
	return false
}
