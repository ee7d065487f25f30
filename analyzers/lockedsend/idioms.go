package lockedsend

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/cfg"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/flow"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// This file holds the idioms that make a channel operation under a
// mutex harmless although it looks blocking.

// slotPerGoroutine reports whether the send at op is on a channel the
// function makes with one slot per goroutine that sends on it:
//
//	running := make(chan bool, n)
//	for i := 0; i < n; i++ {
//		go func() {
//			m.Lock()
//			running <- true // never waits: n goroutines, n slots
//			c.Wait()
//			m.Unlock()
//		}()
//	}
//
// Every send on the channel is in the one goroutine started by a loop
// that runs as many times as the capacity says, which sends at most
// once per round of its own loops (a goroutine that sends again after
// waiting to be woken up keeps to its slot).
func (st *state) slotPerGoroutine(fn *fnInfo, ch ast.Expr) bool {
	l := st.localChan(fn, ch)
	if l == nil || l.Cap == nil || l.Remade || l.Escapes || len(l.Passed) > 0 {
		return false
	}
	lit, ok := fn.cur.Node().(*ast.FuncLit)
	if !ok || fn.cur.ParentEdgeKind() != edge.CallExpr_Fun || fn.cur.Parent().ParentEdgeKind() != edge.GoStmt_Call {
		return false
	}
	for _, s := range l.Sends {
		if enclosingFunc(s.Cursor) != lit {
			return false // another sender
		}
	}
	var runs []ast.Node
	for _, loop := range loops(fn.cur) {
		if loop.Pos() > l.Make.Pos() {
			runs = append(runs, loop)
		}
	}
	if len(runs) != 1 || !loopRuns(runs[0], l.Cap) {
		return false
	}
	return sendsPerRound(lit.Body, types.ExprString(ch)) <= 1
}

// enclosingFunc returns the innermost function literal or declaration
// enclosing c.
func enclosingFunc(c inspector.Cursor) ast.Node {
	for e := range c.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		return e.Node()
	}
	return nil
}

// closedFirst reports whether a select that waits to send while
// holding the mutex of site has a way out that everyone else who needs
// the mutex opens first: a case receiving from a channel field that
// every function of the package locking the mutex in a way that waits
// for the holder closes before it locks (go-ethereum's
// TypeMuxSubscription: deliver sends under postMu.RLock() with a case on
// s.closing; closewait closes s.closing, then takes postMu.Lock()).
// The mutex keeps the channel from being closed mid-send; it does not
// make anyone wait for the receiver.
func (st *state) closedFirst(sel *ast.SelectStmt, site *lockSite) bool {
	mu := site.p.last()
	if mu.Exported() {
		return false // other packages may lock it
	}
	var ways []*types.Var
	for _, s := range sel.Body.List {
		cc := s.(*ast.CommClause)
		if chans.CaseKind(st.info, cc) != chans.Recv {
			continue
		}
		if f := chans.Field(st.info, chans.RecvChan(cc.Comm)); f != nil {
			ways = append(ways, f)
		}
	}
	if len(ways) == 0 {
		return false
	}
	for _, fn := range st.fns {
		for _, l := range fn.locked {
			if l.p.last() != mu || site.read && l.read {
				continue // readers do not wait for a reader
			}
			if !st.closesBefore(fn, ways, l.pos) {
				return false
			}
		}
	}
	return true
}

// stopCase reports whether cc, a case of a select in fn, receives from a
// stop channel: a channel field that some other non-test function of the
// package closes while no mutex can be held (a Stop method closing
// s.done, a worker whose exit closes it). The select then ends when the
// owner stops, a bound like a context's; the summary of a callee cannot
// know the caller's mutex, so a closer that may hold any mutex does not
// count. A close by fn itself (a loop
// that closes its input when told to stop) cannot end a select fn is
// blocked in.
func (st *state) stopCase(fn *fnInfo, cc *ast.CommClause) bool {
	f := chans.Field(st.info, chans.RecvChan(cc.Comm))
	if f == nil {
		return false
	}
	if st.closers == nil {
		st.closers = make(map[*types.Var][]*fnInfo)
		for _, fn := range st.fns {
			if scope.InTestFile(st.pass.Fset, fn.body.Pos()) {
				continue
			}
			for _, call := range fn.closes {
				if cf := chans.Field(st.info, call.Args[0]); cf != nil {
					st.closers[cf.Origin()] = append(st.closers[cf.Origin()], fn)
				}
			}
		}
	}
	for _, closer := range st.closers[f.Origin()] {
		if closer.outer != fn.outer && st.lockFree(closer) {
			return true
		}
	}
	return false
}

// lockFree reports whether fn runs with no mutex held: it locks none,
// itself or through the functions it calls; a literal's enclosing
// function locks none either (once.Do(func() { close(quit) }) under
// Close's mutex); and no function of the package calls it while holding
// one.
func (st *state) lockFree(fn *fnInfo) bool {
	if free, ok := st.free[fn]; ok {
		return free
	}
	free := st.computeLockFree(fn)
	if st.free == nil {
		st.free = make(map[*fnInfo]bool)
	}
	st.free[fn] = free
	return free
}

func (st *state) computeLockFree(fn *fnInfo) bool {
	if len(st.lockSet(fn)) > 0 || fn.outer != fn && len(st.lockSet(fn.outer)) > 0 {
		return false
	}
	if fn.obj == nil {
		return true
	}
	for _, caller := range st.fns {
		for _, call := range caller.calls {
			if callee := calls.Callee(st.info, call); callee == nil || callee.Origin() != fn.obj {
				continue
			}
			if s, _, ok := st.stateAt(caller, call); !ok || s.held != 0 {
				return false
			}
		}
	}
	return true
}

// closesBefore reports whether every path from the entry of fn to the
// Lock call at lock closes one of the channel fields ways first.
func (st *state) closesBefore(fn *fnInfo, ways []*types.Var, lock token.Pos) bool {
	gr := st.graphs.Of(fn.body)
	stops := make(map[flow.Point]bool)
	for _, call := range fn.closes {
		if fn.deferredCloses[call] {
			continue
		}
		f := chans.Field(st.info, call.Args[0])
		for _, w := range ways {
			if f == w {
				if b, i := gr.Block(call); b != nil {
					stops[flow.Point{Block: b, Index: i}] = true
				}
			}
		}
	}
	if len(stops) == 0 {
		return false
	}
	var target flow.Point
	for _, es := range fn.lockStmts {
		if es.X.Pos() == lock {
			if b, i := gr.Block(es); b != nil {
				target = flow.Point{Block: b, Index: i}
			}
		}
	}
	if target.Block == nil {
		return false
	}
	return !gr.Reaches(nil, func(p flow.Point) flow.Mark {
		switch {
		case p == target:
			return flow.Count
		case stops[p]:
			return flow.Stop
		}
		return flow.Pass
	})
}

// stateGuarded reports whether a receive under the mutex of site only
// runs once a flag says the value is there: it is inside `if x.f`, and
// every operation on the other side of the channel (its sends and
// closes) holds the mutex and belongs to a function that sets the flag
// (net/http's wantConn: tryDeliver sets w.done and sends on w.result
// under w.mu; cancel receives from w.result under w.mu only if w.done).
// Then the holder cannot be waiting for a sender.
func (st *state) stateGuarded(fn *fnInfo, op *chanOp, u *ast.UnaryExpr, site *lockSite) bool {
	field := chans.Field(st.info, u.X)
	if field == nil {
		return false
	}
	var flags []*types.Var
	inIfBody(op.cur, func(cond ast.Expr) bool {
		flags = append(flags, condFlags(st.info, cond)...)
		return false
	})
	if len(flags) == 0 {
		return false
	}
	st.indexSides()
	sd := st.sides[field]
	if sd == nil || len(sd.sends) == 0 {
		return false
	}
	mu := site.p.last()
	for _, o := range sd.sends {
		if o.deferred || !st.holds(o.fn, o.node, mu) || !setsAny(st.info, o.fn.body, flags) {
			return false
		}
	}
	return true
}

// guardedUnder reports whether op is a receive that stateGuarded
// shows cannot wait, under a mutex the function holds there.
func (st *state) guardedUnder(fn *fnInfo, op *chanOp) bool {
	u, ok := op.node.(*ast.UnaryExpr)
	if !ok {
		return false
	}
	s, lf, ok := st.stateAt(fn, op.node)
	if !ok || lf == nil {
		return false
	}
	for i, site := range lf.sites {
		if s.held&(1<<i) != 0 && st.stateGuarded(fn, op, u, site) {
			return true
		}
	}
	return false
}

// condFlags returns the boolean fields a condition tests true: x.f,
// and the operands of && chains.
func condFlags(info *types.Info, cond ast.Expr) []*types.Var {
	switch c := ast.Unparen(cond).(type) {
	case *ast.BinaryExpr:
		if c.Op == token.LAND {
			return append(condFlags(info, c.X), condFlags(info, c.Y)...)
		}
	case *ast.SelectorExpr:
		if f := chans.Field(info, c); f != nil {
			if b, ok := f.Type().Underlying().(*types.Basic); ok && b.Kind() == types.Bool {
				return []*types.Var{f}
			}
		}
	}
	return nil
}

// setsAny reports whether body assigns true to one of the fields flags.
func setsAny(info *types.Info, body *ast.BlockStmt, flags []*types.Var) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || found || len(as.Lhs) != len(as.Rhs) {
			return !found
		}
		for i, l := range as.Lhs {
			f := chans.Field(info, l)
			if id, ok := ast.Unparen(as.Rhs[i]).(*ast.Ident); f != nil && ok && info.Uses[id] == types.Universe.Lookup("true") {
				for _, fl := range flags {
					if f == fl {
						found = true
					}
				}
			}
		}
		return !found
	})
	return found
}

// holds reports whether fn holds the mutex mu (by its last field or
// variable) at the node n.
func (st *state) holds(fn *fnInfo, n ast.Node, mu types.Object) bool {
	s, lf, ok := st.stateAt(fn, n)
	if !ok || lf == nil {
		return false
	}
	for i, site := range lf.sites {
		if s.held&(1<<i) != 0 && site.p.last() == mu {
			return true
		}
	}
	return false
}

// cancelledBefore reports whether the receive from a context's Done
// channel at op only runs after that context was cancelled: every path
// from the entry of the function to it calls the context's cancel
// function, or passes the body of a select case that received from the
// same Done channel.
//
//	ssWithCtx.ctx.Cancel(err) // the stream's context
//	<-ss.Context().Done()
//
//	select {
//	case <-lp.ctx.Done():
//	case <-lp.leader.disconnectNotify():
//		cancel() // from cctx, cancel := context.WithCancel(ctx); lp.ctx = cctx
//	}
//	<-lp.ctx.Done()
//
// The Done channel is closed then: the receive does not wait.
func (st *state) cancelledBefore(fn *fnInfo, op *chanOp) bool {
	u := op.node.(*ast.UnaryExpr)
	doneCall, ok := ast.Unparen(u.X).(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := ast.Unparen(doneCall.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	ctx := sel.X
	gr := st.graphs.Of(fn.body)
	target, ti := gr.Block(u)
	if target == nil {
		return false
	}
	stops := make(map[flow.Point]bool)
	ast.Inspect(fn.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.DeferStmt, *ast.GoStmt:
			return false // runs later, or elsewhere
		case *ast.CallExpr:
			if st.cancels(fn, n, ctx) {
				if b, i := gr.Block(n); b != nil {
					stops[flow.Point{Block: b, Index: i}] = true
				}
			}
		case *ast.CommClause:
			if x := chans.RecvChan(n.Comm); x != nil && types.ExprString(x) == types.ExprString(u.X) {
				if b := gr.BlockOf(n, cfg.KindSelectCaseBody); b != nil {
					stops[flow.Point{Block: b, Index: -1}] = true
				}
			}
		}
		return true
	})
	if len(stops) == 0 {
		return false
	}
	return !gr.Reaches(nil, func(p flow.Point) flow.Mark {
		switch {
		case p.Block == target && p.Index == ti:
			return flow.Count
		case stops[p]:
			return flow.Stop
		}
		return flow.Pass
	})
}

// cancels reports whether call cancels the context ctx: a cancel
// function made with it (c, cancel := context.WithCancel(parent), and
// ctx is c or a field the function stores c in), or a Cancel method of
// a context value reached from the same variable as ctx.
func (st *state) cancels(fn *fnInfo, call *ast.CallExpr, ctx ast.Expr) bool {
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		v, ok := st.info.Uses[f].(*types.Var)
		if !ok || !isCancelFunc(v.Type()) {
			return false
		}
		def := st.definition(v)
		as, ok := def.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
			return false
		}
		made, ok := ast.Unparen(as.Lhs[0]).(*ast.Ident)
		if !ok {
			return false
		}
		c, _ := st.info.ObjectOf(made).(*types.Var)
		if c == nil {
			return false
		}
		if root := st.rootVar(ctx, 0); root == c {
			return true
		}
		field := chans.Field(st.info, ctx)
		return field != nil && st.storedIn(fn.outer, c, field)
	case *ast.SelectorExpr:
		if f.Sel.Name != "Cancel" && f.Sel.Name != "cancel" {
			return false
		}
		if t := st.info.TypeOf(f.X); t == nil || !hasDone(t) {
			return false
		}
		r := st.rootVar(f.X, 0)
		return r != nil && r == st.rootVar(ctx, 0)
	}
	return false
}

// isCancelFunc reports whether t is context.CancelFunc or
// context.CancelCauseFunc.
func isCancelFunc(t types.Type) bool {
	return calls.IsNamed(t, "context", "CancelFunc") || calls.IsNamed(t, "context", "CancelCauseFunc")
}

// hasDone reports whether values of t have a Done method of a context.
func hasDone(t types.Type) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Done")
	fn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	sig := fn.Signature()
	if sig.Params().Len() != 0 || sig.Results().Len() != 1 {
		return false
	}
	ch := chans.Of(sig.Results().At(0).Type())
	return ch != nil && chans.IsSignal(ch.Elem())
}

// rootVar returns the variable an expression is reached from (x of
// x.f.g(), x[i], *x), following a variable defined by a type assertion
// back to the asserted value. Unlike chans.RootVar it goes through calls:
// a context reached as s.Context() is rooted at s.
func (st *state) rootVar(e ast.Expr, depth int) *types.Var {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.SelectorExpr:
			e = x.X
		case *ast.CallExpr:
			e = x.Fun
		case *ast.IndexExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.Ident:
			v := st.varOf(x)
			if v == nil || depth >= 3 {
				return v
			}
			// withCtx, ok := ss.(streamWithCtx): the root of ss.
			if as, ok := st.definition(v).(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
				if ta, ok := ast.Unparen(as.Rhs[0]).(*ast.TypeAssertExpr); ok {
					if r := st.rootVar(ta.X, depth+1); r != nil {
						return r
					}
				}
			}
			return v
		default:
			return nil
		}
	}
}

// definition returns the assignment, value spec or range statement
// that declares the local variable v, or nil.
func (st *state) definition(v *types.Var) ast.Node {
	if def, ok := st.defs[v]; ok {
		return def
	}
	def := st.findDefinition(v)
	if st.defs == nil {
		st.defs = make(map[*types.Var]ast.Node)
	}
	st.defs[v] = def
	return def
}

func (st *state) findDefinition(v *types.Var) ast.Node {
	if v.Parent() == nil || v.Parent() == st.pass.Pkg.Scope() {
		return nil
	}
	if st.bodies == nil {
		for _, fn := range st.fns {
			if fn.outer == fn {
				st.bodies = append(st.bodies, fn.body)
			}
		}
		slices.SortFunc(st.bodies, func(a, b *ast.BlockStmt) int { return cmp.Compare(a.Pos(), b.Pos()) })
	}
	i, _ := slices.BinarySearchFunc(st.bodies, v.Pos(), func(b *ast.BlockStmt, pos token.Pos) int {
		switch {
		case b.End() <= pos:
			return -1
		case b.Pos() > pos:
			return 1
		}
		return 0
	})
	if i == len(st.bodies) || st.bodies[i].Pos() > v.Pos() {
		return nil
	}
	body := st.bodies[i]
	// The innermost statement whose left-hand side holds v's name.
	var def ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || n.End() <= v.Pos() || n.Pos() > v.Pos() {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && v.Pos() < n.TokPos {
				def = n
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE && v.Pos() < n.TokPos {
				def = n
			}
		case *ast.ValueSpec:
			if len(n.Names) > 0 && v.Pos() <= n.Names[len(n.Names)-1].Pos() {
				def = n
			}
		}
		return true
	})
	return def
}

// storedIn reports whether the function outer (or a literal in it)
// stores the variable c into the field f: T{f: c}, x.f = c.
func (st *state) storedIn(outer *fnInfo, c *types.Var, f *types.Var) bool {
	isC := func(e ast.Expr) bool { return st.varOf(e) == c }
	found := false
	ast.Inspect(outer.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok && st.info.Uses[id] == f && isC(n.Value) {
				found = true
			}
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if chans.Field(st.info, l) == f && isC(n.Rhs[i]) {
						found = true
					}
				}
			}
		}
		return !found
	})
	return found
}
