package ignoredsend

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// tokenPassed reports whether the send at cur hands over the token of
// a token-passing (ping-pong) protocol on the channel field T it sends
// on: one side puts a token on T, the other takes it, does one piece of
// work and answers on a field P; only then is the next token put on T
// (go-ethereum's UDPv5: dispatch arms readNextCh, readLoop ranges over
// it and hands each packet read to packetInCh, dispatch re-arms after
// each packet it takes):
//
//	t.T <- struct{}{}                 // the arm, once per object
//	for { select { case p := <-t.P: handle(p); t.T <- struct{}{} } }
//
//	for range t.T { p := read(); t.P <- p } // one P per token
//
// The protocol holds when all of this holds in the package's non-test
// code:
//   - T is an unexported field, only ever set in composite literals to
//     make(chan X, k) with a constant k >= 1, and used only in sends,
//     receives, ranges, close, len and cap (it goes nowhere else);
//   - P is an unexported channel field, only set in composite literals to
//     a make, never closed, and going nowhere else either;
//   - every send on P (a statement or a select case) follows a receive
//     from T on the same variable (t.P after t.T): it lies in the body of
//     a range over T, in the body of a select case receiving from T, or
//     after a receive statement from T in the same block, with no loop,
//     function literal, go or defer in between and no goto in the
//     function; and each such receive is followed so by at most one send
//     on P. A send on its receiver in a method counts as a send at each
//     call of the method (on a variable, so placed), the method being
//     unexported, only called (no method value), and not named like a
//     method of the package's interfaces;
//   - every send on T but one follows, in the same way, a receive from P
//     on the same variable, each receive followed so by at most one send
//     on T (the re-arms). The one other send (the arm) lies, with no
//     loop, literal, go or defer around it, in a method that sends on its
//     receiver and that the package calls at one place only, as x.m()
//     or go x.m(), again outside loops and literals, where x is a local
//     variable never written after its definition, which sets it to a
//     new object: &S{...}, or a result of a function of the package that
//     returns nil, &S{...} or a local variable so set. The arm then runs
//     at most once per object.
//
// The variables are locals (receivers, parameters) never written after
// their definition, so that t.T and t.P name the fields of one object.
//
// Why a send s on the T of one object cannot block: let m re-arms and
// a <= 1 arm precede s. Each re-arm came after a receive from P of its
// own, and so does s if it is a re-arm: at least m receives from P (m+1)
// took place before s. P is never closed, so each of them took the value
// of a distinct send on P, and each of those came after a receive from T
// of its own: at least m receives from T (m+1) took place before s,
// against m sends on T for an arm (at most 1+m for a re-arm). So the
// buffer of T is empty when s starts, and its capacity >= 1 takes the
// value at once. Other receives from T (a test's, a second reader's)
// only empty it further; a send after close(T) panics rather than
// blocks; a receive of the closed T lets the reader send on P unpaired,
// but a re-arm answering it comes after the close and panics too.
// The arm need not come first in its method: the count holds in any
// order, as long as there is at most one arm per object. Left out:
// copies of the whole struct over another object (*t = *u), which
// would share one T between two objects.
func (c *checker) tokenPassed(send *ast.SendStmt) bool {
	field := c.channelField(send.Chan)
	if field == nil {
		return false
	}
	return memoized(&c.tokens, field, c.computeTokenPass)
}

func (c *checker) computeTokenPass(tok types.Object) bool {
	if tok.Exported() || !c.madeInLiterals(tok, 1) {
		return false
	}
	u := c.fieldUsesOf(tok)
	if u.other || len(u.sends) == 0 {
		return false
	}
	// The sends on T: re-arms after a receive from P, and one arm.
	var reply types.Object
	arms := 0
	rearms := make(map[ast.Node]int)
	for _, s := range u.sends {
		v := c.fieldVar(s.Node().(*ast.SendStmt).Chan)
		if v == nil || !c.stableVar(s, v) {
			return false
		}
		open, f, fn, ok := c.opener(s, v, func(f types.Object) bool { return f != tok })
		if !ok {
			return false
		}
		if open == nil {
			arms++
			if arms > 1 || !c.oncePerObject(fn, v) {
				return false
			}
			continue
		}
		if reply != nil && f != reply {
			return false
		}
		reply = f
		if rearms[open]++; rearms[open] > 1 {
			return false
		}
	}
	if reply == nil || reply.Exported() || !c.madeInLiterals(reply, 0) {
		return false
	}
	pu := c.fieldUsesOf(reply)
	if pu.other || pu.closes > 0 {
		return false
	}
	// Every send on P after a receive from T, at most one per receive.
	paid := make(map[ast.Node]int)
	for _, s := range pu.sends {
		if !c.paidByToken(s, c.fieldVar(s.Node().(*ast.SendStmt).Chan), tok, paid, 0) {
			return false
		}
	}
	return true
}

// paidByToken records the receive from the field tok that opens the
// region of the operation at op on v (a send on P, or the call of a
// method that makes one), following the calls of the method that holds
// it when there is none; it returns false when some path to op has no
// such receive, or a receive opens the region of two.
func (c *checker) paidByToken(op inspector.Cursor, v *types.Var, tok types.Object, paid map[ast.Node]int, depth int) bool {
	if v == nil || !c.stableVar(op, v) {
		return false
	}
	open, _, fn, ok := c.opener(op, v, func(f types.Object) bool { return f == tok })
	if !ok {
		return false
	}
	if open != nil {
		paid[open]++
		return paid[open] <= 1
	}
	m, ok := c.privateMethod(fn, v)
	if !ok || depth >= maxParamDepth {
		return false
	}
	calls := c.funcs().callsOf(m)
	if len(calls) == 0 {
		return false
	}
	for _, call := range calls {
		if !c.paidByToken(call, c.callRecv(call), tok, paid, depth+1) {
			return false
		}
	}
	return true
}

// opener walks up from the operation at op to the receive on v.f, for
// a field f that want accepts, that opens its region: the range over
// v.f whose body holds op, the select case receiving from v.f whose
// body holds it, or the nearest receive statement from v.f before it in
// a block. It returns that range, case or statement and f, or, when op
// lies in no such region, a nil node and the function declaration
// holding op. It fails (ok false) when a loop, function literal, go or
// defer lies in between (op could run more than once per receive, or
// later), or the function has a goto.
func (c *checker) opener(op inspector.Cursor, v *types.Var, want func(types.Object) bool) (open ast.Node, f types.Object, fn inspector.Cursor, ok bool) {
	fn, ok = scope.Func(op)
	if !ok || hasGoto(scope.Body(fn)) {
		return nil, nil, fn, false
	}
	for cur := op; cur != fn; cur = cur.Parent() {
		k, idx := cur.ParentEdge()
		parent := cur.Parent()
		var before []ast.Stmt
		switch p := parent.Node().(type) {
		case *ast.FuncLit, *ast.ForStmt, *ast.GoStmt, *ast.DeferStmt:
			return nil, nil, fn, false
		case *ast.RangeStmt:
			switch k {
			case edge.RangeStmt_X:
				continue // evaluated once
			case edge.RangeStmt_Body:
				if f := c.fieldOn(p.X, v); f != nil && chans.Of(c.info.TypeOf(p.X)) != nil && want(f) {
					return p, f, fn, true
				}
			}
			return nil, nil, fn, false
		case *ast.BlockStmt:
			if k == edge.BlockStmt_List {
				before = p.List[:idx]
			}
		case *ast.CaseClause:
			if k == edge.CaseClause_Body {
				before = p.Body[:idx]
			}
		case *ast.CommClause:
			if k == edge.CommClause_Body {
				before = p.Body[:idx]
			}
		}
		for i := len(before) - 1; i >= 0; i-- {
			if f := c.fieldOn(chans.RecvChan(before[i]), v); f != nil && want(f) {
				return before[i], f, fn, true
			}
		}
		if cc, ok := parent.Node().(*ast.CommClause); ok && k == edge.CommClause_Body {
			if f := c.fieldOn(chans.RecvChan(cc.Comm), v); f != nil && want(f) {
				return cc, f, fn, true
			}
		}
	}
	if _, ok := fn.Node().(*ast.FuncDecl); !ok {
		return nil, nil, fn, false
	}
	return nil, nil, fn, true
}

// fieldOn returns f when e is v.f, a field of v itself (not promoted).
func (c *checker) fieldOn(e ast.Expr, v *types.Var) types.Object {
	if e == nil || v == nil || c.fieldVar(e) != v {
		return nil
	}
	return c.channelField(e)
}

// fieldVar returns v when e is v.f for a local variable v and a field
// f of v itself, or nil.
func (c *checker) fieldVar(e ast.Expr) *types.Var { return c.selectedFrom(e, types.FieldVal) }

// callRecv returns v for a call v.m(...) of a method of v itself, or nil.
func (c *checker) callRecv(call inspector.Cursor) *types.Var {
	return c.selectedFrom(call.Node().(*ast.CallExpr).Fun, types.MethodVal)
}

// selectedFrom returns v when e is v.x, with x a field or method (as
// kind says) of v itself, not of an embedded field, and v a variable;
// otherwise nil.
func (c *checker) selectedFrom(e ast.Expr, kind types.SelectionKind) *types.Var {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	s := c.info.Selections[sel]
	if s == nil || s.Kind() != kind || len(s.Index()) != 1 {
		return nil
	}
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := c.info.Uses[id].(*types.Var)
	return v
}

// privateMethod returns the method declared at fn when v is its
// receiver and the package sees all its calls: it is unexported, not
// used as a value, and no interface of the package has a method of its
// name.
func (c *checker) privateMethod(fn inspector.Cursor, v *types.Var) (*types.Func, bool) {
	fd, ok := fn.Node().(*ast.FuncDecl)
	if !ok || c.receiverVar(fd) != v {
		return nil, false
	}
	m, ok := c.info.Defs[fd.Name].(*types.Func)
	if !ok || m.Exported() {
		return nil, false
	}
	x := c.funcs()
	if x.opaque(m) || x.ifaceMethod(m.Name()) {
		return nil, false
	}
	return m, true
}

// oncePerObject reports whether the method declared at fn, with
// receiver v, runs at most once per object: the package calls it at
// one place only (x.m() or go x.m()), outside loops and literals, on a
// local variable that is set there to a new object and never written
// again.
func (c *checker) oncePerObject(fn inspector.Cursor, v *types.Var) bool {
	m, ok := c.privateMethod(fn, v)
	if !ok {
		return false
	}
	calls := c.funcs().callsOf(m)
	if len(calls) != 1 {
		return false
	}
	call := calls[0]
	x := c.callRecv(call)
	if x == nil || !c.stableVar(call, x) {
		return false
	}
	at := call
	if at.ParentEdgeKind() == edge.GoStmt_Call {
		at = at.Parent()
	}
	if _, _, _, ok := c.opener(at, x, func(types.Object) bool { return false }); !ok {
		return false
	}
	return c.freshVar(x, 0)
}

// freshVar reports whether the local v is defined to a new object
// (see freshValue).
func (c *checker) freshVar(v *types.Var, depth int) bool {
	fresh := false
	c.declOf(v, func(decl ast.Node, _ ast.Expr) {
		switch d := decl.(type) {
		case *ast.AssignStmt:
			if d.Tok != token.DEFINE {
				return
			}
			for j, l := range d.Lhs {
				if id, ok := l.(*ast.Ident); ok && c.info.Defs[id] == v {
					switch {
					case len(d.Rhs) == len(d.Lhs):
						fresh = c.freshValue(d.Rhs[j], 0, depth)
					case len(d.Rhs) == 1:
						fresh = c.freshValue(d.Rhs[0], j, depth)
					}
				}
			}
		case *ast.ValueSpec:
			for j, id := range d.Names {
				if c.info.Defs[id] == v {
					switch {
					case len(d.Values) == len(d.Names):
						fresh = c.freshValue(d.Values[j], 0, depth)
					case len(d.Values) == 1:
						fresh = c.freshValue(d.Values[0], j, depth)
					}
				}
			}
		}
	})
	return fresh
}

// freshValue reports whether result i of e is a new object at each
// evaluation: &S{...}, or a call of a function of the package (with
// unnamed results, so that no deferred call replaces them) whose every
// return gives nil, &S{...} or a local variable defined so and never
// written again.
func (c *checker) freshValue(e ast.Expr, i, depth int) bool {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND && i == 0 {
		_, ok := ast.Unparen(u.X).(*ast.CompositeLit)
		return ok
	}
	call, ok := e.(*ast.CallExpr)
	if !ok || depth >= maxParamDepth {
		return false
	}
	f := calleeObj(c.info, call)
	if f == nil {
		return false
	}
	decl, ok := c.funcs().decl(f)
	if !ok {
		return false
	}
	res := f.Signature().Results()
	if i >= res.Len() || res.At(i).Name() != "" {
		return false
	}
	returns := 0
	for r := range decl.Preorder((*ast.ReturnStmt)(nil), (*ast.FuncLit)(nil)) {
		ret, ok := r.Node().(*ast.ReturnStmt)
		if !ok {
			continue // a literal's returns are its own (Preorder still descends)
		}
		if inner, _ := scope.Func(r); inner != decl {
			continue
		}
		if len(ret.Results) != res.Len() {
			return false
		}
		returns++
		out := ast.Unparen(ret.Results[i])
		if c.info.Types[out].IsNil() || c.freshValue(out, 0, depth+1) {
			continue
		}
		id, ok := out.(*ast.Ident)
		if !ok {
			return false
		}
		w, ok := c.info.Uses[id].(*types.Var)
		if !ok || !c.stableVar(r, w) || !c.freshVar(w, depth+1) {
			return false
		}
	}
	return returns > 0
}

// stableVar reports whether v is a local of the function declaration
// holding at (a receiver, parameter or variable) that nothing writes
// after its definition: no assignment, ++, --, range assignment or
// address taken.
func (c *checker) stableVar(at inspector.Cursor, v *types.Var) bool {
	var decl inspector.Cursor
	for d := range at.Enclosing((*ast.FuncDecl)(nil)) {
		decl = d
		break
	}
	if !decl.Valid() || v.IsField() || v.Pos() < decl.Node().Pos() || v.Pos() >= decl.Node().End() {
		return false
	}
	if ok, seen := c.stable[v]; seen {
		return ok
	}
	ok := true
	for cur := range decl.Preorder((*ast.Ident)(nil)) {
		if c.info.Uses[cur.Node().(*ast.Ident)] != v {
			continue
		}
		use := cur
		for use.ParentEdgeKind() == edge.ParenExpr_X {
			use = use.Parent()
		}
		switch use.ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.IncDecStmt_X, edge.RangeStmt_Key, edge.RangeStmt_Value:
			ok = false
		case edge.UnaryExpr_X:
			if use.Parent().Node().(*ast.UnaryExpr).Op == token.AND {
				ok = false
			}
		}
	}
	if c.stable == nil {
		c.stable = make(map[*types.Var]bool)
	}
	c.stable[v] = ok
	return ok
}

// madeInLiterals reports whether the package's non-test code sets the
// channel field f only in composite literals, each time to a make with
// a constant capacity of at least minCap (any make when minCap is 0).
func (c *checker) madeInLiterals(f types.Object, minCap int64) bool {
	stores := c.fieldStoresOf(f)
	if len(stores) == 0 {
		return false
	}
	for _, s := range stores {
		if !s.lit.Valid() {
			return false
		}
		_, capExpr, ok := chans.MakeChan(c.info, s.value)
		if !ok {
			return false
		}
		if minCap == 0 {
			continue
		}
		if capExpr == nil {
			return false
		}
		if k, known := chans.ConstCap(c.info, capExpr); !known || k < minCap {
			return false
		}
	}
	return true
}

// hasGoto reports whether body has a goto (a loop without a for).
func hasGoto(body *ast.BlockStmt) bool {
	found := false
	if body != nil {
		ast.Inspect(body, func(n ast.Node) bool {
			if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.GOTO {
				found = true
			}
			return !found
		})
	}
	return found
}
