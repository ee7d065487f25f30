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
// package closes while no mutex needs to be held (a Stop method closing
// s.done, a worker whose exit closes it; see freeOf). The select then
// ends when the owner stops, a bound like a context's; the summary of a
// callee cannot know the caller's mutex, so a closer that must hold some
// mutex does not count. A close by fn itself (a loop that closes its
// input when told to stop) cannot end a select fn is blocked in.
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
		if closer.outer != fn.outer && st.freeOf(closer, fn) {
			return true
		}
	}
	return false
}

// A freeEntry says how a closer can run with no mutex held: see
// lockFree.
type freeEntry struct {
	locks bool // it locks a mutex, itself or in the function around it
	// called is set when the package calls it; callers are the
	// functions that call it while they hold no mutex.
	called  bool
	callers []*fnInfo
}

// freeOf reports whether the closer can run with no mutex held while
// the goroutine running sender waits: it locks none, itself or through
// the functions it calls; a literal's enclosing function locks none
// either (once.Do(func() { close(quit) }) under Close's mutex); and
// either the package never calls it (its callers are elsewhere), or
// some call of it holds no mutex and is made by a function other than
// sender and than the functions that call sender themselves: that
// goroutine is not the one blocked in sender.
//
// One call with no mutex held is enough, as one closer is: the stop
// channel is a way out that needs no mutex. Calls that hold one (Next
// stopping its own subscription under its mutex, an owner stopping it
// under another struct's mutex) cannot run while that mutex is taken,
// but they are not the only way to stop. When every call holds a mutex
// the closer does not count, whichever mutex it is: telling them apart
// would need the package's lock order (a goroutine holding the other
// mutex may be waiting for the one the sender holds).
func (st *state) freeOf(closer, sender *fnInfo) bool {
	e := st.lockFree(closer)
	if e.locks {
		return false
	}
	if !e.called {
		return true
	}
	for _, c := range e.callers {
		if c != sender && (sender.obj == nil || !st.callsFunc(c, sender.obj)) {
			return true
		}
	}
	return false
}

// callsFunc reports whether fn calls g directly.
func (st *state) callsFunc(fn *fnInfo, g *types.Func) bool {
	return slices.Contains(st.statics(fn).callees, g)
}

// lockFree returns how fn can run with no mutex held: whether it
// locks one, itself, through the functions it calls, or (a literal) in
// its enclosing function, and which functions of the package call it
// holding none.
func (st *state) lockFree(fn *fnInfo) *freeEntry {
	if e, ok := st.free[fn]; ok {
		return e
	}
	e := st.computeLockFree(fn)
	if st.free == nil {
		st.free = make(map[*fnInfo]*freeEntry)
	}
	st.free[fn] = e
	return e
}

func (st *state) computeLockFree(fn *fnInfo) *freeEntry {
	e := new(freeEntry)
	if len(st.lockSet(fn)) > 0 || fn.outer != fn && len(st.lockSet(fn.outer)) > 0 {
		e.locks = true
		return e
	}
	if fn.obj == nil {
		return e
	}
	var done *fnInfo // the last caller added: its other calls do not count
	for _, ref := range st.callsTo(fn.obj) {
		e.called = true
		if ref.caller == done {
			continue
		}
		if s, _, ok := st.stateAt(ref.caller, ref.call); ok && s.held == 0 && st.runsFree(ref.caller) {
			e.callers = append(e.callers, ref.caller)
			done = ref.caller
		}
	}
	return e
}

// A callRef is a call of a function of the package, from caller.
type callRef struct {
	caller *fnInfo
	call   *ast.CallExpr
}

// callsTo returns the static calls of the declared function g that the
// functions of the package make (not in go or defer statements), in the
// order of st.fns and of their calls.
func (st *state) callsTo(g *types.Func) []callRef {
	if st.callers == nil {
		st.callers = make(map[*types.Func][]callRef)
		for _, fn := range st.fns {
			s := st.statics(fn)
			for i, callee := range s.callees {
				if st.byObj[callee] != nil {
					st.callers[callee] = append(st.callers[callee], callRef{fn, s.calls[i]})
				}
			}
		}
	}
	return st.callers[g]
}

// runsFree reports whether fn, which holds no mutex where it calls a
// closer, runs as code that counts for a lock-free call: a function of
// a non-test file, and, for a literal, one that a go statement starts
// or that its enclosing function creates with no mutex held (the
// literal of once.Do under Close's mutex runs under it).
func (st *state) runsFree(fn *fnInfo) bool {
	if scope.InTestFile(st.pass.Fset, fn.body.Pos()) {
		return false
	}
	for range 8 {
		if _, ok := fn.cur.Node().(*ast.FuncLit); !ok {
			return true
		}
		if !st.runsInPlace(fn.cur) {
			return true // a goroutine, or a callback run later
		}
		parent := st.byNode[enclosingFunc(fn.cur.Parent())]
		if parent == nil {
			return false
		}
		if s, _, ok := st.stateAt(parent, st.stmtOf(fn.cur)); !ok || s.held != 0 {
			return false
		}
		fn = parent
	}
	return false
}

// runsInPlace reports whether the function literal at lit runs where
// it is written, on the goroutine that writes it: called there (not by
// go), or passed to sync.Once's Do.
func (st *state) runsInPlace(lit inspector.Cursor) bool {
	switch lit.ParentEdgeKind() {
	case edge.CallExpr_Fun:
		return lit.Parent().ParentEdgeKind() != edge.GoStmt_Call
	case edge.CallExpr_Args:
		call := lit.Parent().Node().(*ast.CallExpr)
		fn := calls.Callee(st.info, call)
		return calls.IsMethod(fn, "sync", "Once", "Do")
	}
	return false
}

// stmtOf returns the statement around the node at c.
func (st *state) stmtOf(c inspector.Cursor) ast.Node {
	for e := range c.Enclosing() {
		if _, ok := e.Node().(ast.Stmt); ok {
			return e.Node()
		}
	}
	return c.Node()
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

// firstHandoff reports whether the send at op, in a goroutine literal
// fn, hands the first value of a local channel ch to a receiver that
// takes it before it ever locks mu (the handshake of a goroutine that
// signals it holds the mutex, as sync's cond tests do):
//
//	ch := make(chan struct{})
//	go func() {
//		m.Lock()
//		ch <- struct{}{} // taken by the first <-ch below
//		cond.Wait()
//		m.Unlock()
//		ch <- struct{}{}
//	}()
//	<-ch
//	m.Lock()
//	...
//	<-ch
//
// Every send on ch is in the goroutine, which the function starts once
// per channel, and op is the first of them (none before it, and it is in
// no loop of the goroutine). Every receive is in the function that makes
// the channel, outside its literals, and the first of them is a plain
// receive in the statement list of the go statement, after it: with one
// sender and one receiver, that receive takes the first value. The
// function locks mu nowhere before it (directly, or through a function
// of the package it calls), so it never waits for mu on the way to the
// receive that takes op's value: the receives after a Lock are no
// deadlock partner of this send.
func (st *state) firstHandoff(fn *fnInfo, op *chanOp, ch ast.Expr, mu types.Object) bool {
	lit, ok := fn.cur.Node().(*ast.FuncLit)
	if !ok || fn.cur.ParentEdgeKind() != edge.CallExpr_Fun || fn.cur.Parent().ParentEdgeKind() != edge.GoStmt_Call {
		return false
	}
	goCur := fn.cur.Parent().Parent()
	l := st.localChan(fn, ch)
	if l == nil || l.Escapes || l.Remade || len(l.Passed) > 0 || len(l.Ranges) > 0 {
		return false
	}
	send := op.node.(*ast.SendStmt)
	for _, s := range l.Sends {
		if enclosingFunc(s.Cursor) != lit || s.Cursor.Node().Pos() < send.Pos() {
			return false // another goroutine sends, or an earlier send
		}
	}
	for e := range op.cur.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil)) {
		if e.Node() == lit {
			break
		}
		return false // a send in a loop of the goroutine
	}
	// The goroutine starts once per channel: every loop around the go
	// statement also makes the channel anew.
	for _, loop := range loops(goCur) {
		if !(loop.Pos() <= l.Make.Pos() && l.Make.Pos() < loop.End()) {
			return false
		}
	}
	if goCur.Node().Pos() < l.Make.Pos() {
		return false
	}

	// The receiver and its first receive.
	var first *chans.Op
	for i := range l.Recvs {
		r := &l.Recvs[i]
		if first == nil || r.Cursor.Node().Pos() < first.Cursor.Node().Pos() {
			first = r
		}
	}
	if first == nil || first.Case != nil {
		return false
	}
	recvFn := enclosingFunc(goCur)
	for _, r := range l.Recvs {
		if enclosingFunc(r.Cursor) != recvFn {
			return false
		}
	}
	// <-ch, v := <-ch or v, ok := <-ch as a statement of the list that
	// holds the go statement, after it.
	stmt := first.Cursor.Parent()
	switch stmt.Node().(type) {
	case *ast.ExprStmt:
	case *ast.AssignStmt:
		if first.Cursor.ParentEdgeKind() != edge.AssignStmt_Rhs {
			return false
		}
	default:
		return false
	}
	if stmt.Parent() != goCur.Parent() || stmt.ParentEdgeKind() != goCur.ParentEdgeKind() || stmt.Node().Pos() < goCur.Node().Pos() {
		return false
	}
	r := st.byNode[recvFn]
	if r == nil {
		return false
	}
	at := first.Cursor.Node().Pos()
	for _, lk := range r.locked {
		if lk.p.last() == mu && lk.pos < at {
			return false
		}
	}
	for _, call := range st.statics(r).calls {
		if call.Pos() >= at {
			continue
		}
		if callee := calls.Callee(st.info, call); callee != nil {
			if g := st.byObj[callee.Origin()]; g != nil {
				if _, ok := st.lockSet(g)[mu]; ok {
					return false
				}
			}
		}
	}
	return true
}

// setupRoom reports whether a call under a mutex, of a function of the
// package whose only blocking operations are sends on a field F of its
// receiver, finds room for them in a channel that a setup method made
// just before, on the same value:
//
//	srv.setupPortMapping() // srv.portMappingRegister = make(chan *portMapping, 2)
//	if srv.ListenAddr != "" {
//		srv.setupListening() // sends at most once on srv.portMappingRegister
//	}
//
// The setup method is a call statement x.setup() earlier in a statement
// list around the call, on the same variable x, whose body assigns
// r.F = make(chan T, n) (n a constant) at its top level, with no return
// before. The sends on F from there to the end of the statement holding
// the call are counted per path, through the calls of package functions
// (a loop that may send, a goroutine that may send, or a call that
// assigns F counts as too many): at most n, the room the fresh channel
// has, as freshHasRoom counts the sends after a make in one function.
func (st *state) setupRoom(fn *fnInfo, call *ast.CallExpr) bool {
	g := st.calleeFn(call)
	if g == nil || st.summary(g) == nil || g.block.Depth != 0 || len(g.blockOps) == 0 {
		return false
	}
	for _, c := range st.statics(g).calls {
		if st.calleeBlocks(c) != nil {
			return false
		}
	}
	recv := recvVar(st.info, g)
	var field *types.Var
	for _, b := range g.blockOps {
		send, ok := b.op.node.(*ast.SendStmt)
		if !ok {
			return false
		}
		sel, ok := ast.Unparen(send.Chan).(*ast.SelectorExpr)
		f := chans.Field(st.info, send.Chan)
		if !ok || f == nil || recv == nil || st.varOf(sel.X) != recv || field != nil && f.Origin() != field {
			return false
		}
		field = f.Origin()
	}
	fsel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x := st.varOf(fsel.X)
	if x == nil {
		return false
	}
	cur, ok := fn.cur.FindNode(call)
	if !ok {
		return false
	}
	for c := cur; ; c = c.Parent() {
		var list []ast.Stmt
		switch p := c.Parent().Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit, *ast.File, nil:
			return false
		case *ast.BlockStmt:
			list = p.List
		case *ast.CaseClause:
			list = p.Body
		case *ast.CommClause:
			list = p.Body
		}
		if list == nil || c.ParentEdgeKind() == edge.CommClause_Comm {
			continue
		}
		idx := c.ParentEdgeIndex()
		for k := idx - 1; k >= 0; k-- {
			n, sends, ok := st.setupCall(list[k], x, field)
			if !ok {
				continue
			}
			// Nothing but what runs from here to the call sends on
			// the field: no goroutine started earlier takes the room.
			if !st.sendersWithin(fn, call, list[k], field, list[k].Pos(), list[idx].End()) {
				return false
			}
			for _, s := range list[k+1 : idx+1] {
				sends += st.fieldSends(s, field)
				if countIn(s, func(n ast.Node) bool { return assigns(st.info, n, x) }) > 0 {
					return false // another value from here on
				}
			}
			return int64(sends) <= n
		}
	}
}

// calleeFn returns the function of the package a call statically calls.
func (st *state) calleeFn(call *ast.CallExpr) *fnInfo {
	callee := calls.Callee(st.info, call)
	if callee == nil {
		return nil
	}
	return st.byObj[callee.Origin()]
}

// recvVar returns the receiver variable of a declared method.
func recvVar(info *types.Info, fn *fnInfo) *types.Var {
	fd, ok := fn.cur.Node().(*ast.FuncDecl)
	if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 {
		return nil
	}
	v, _ := info.Defs[fd.Recv.List[0].Names[0]].(*types.Var)
	return v
}

// setupCall recognizes the statement x.setup() whose method assigns
// r.field = make(chan T, n) at the top level of its body with no return
// before: it returns n and the sends on field the method makes after.
func (st *state) setupCall(s ast.Stmt, x, field *types.Var) (int64, int, bool) {
	es, ok := s.(*ast.ExprStmt)
	if !ok {
		return 0, 0, false
	}
	call, ok := ast.Unparen(es.X).(*ast.CallExpr)
	if !ok {
		return 0, 0, false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || st.varOf(sel.X) != x {
		return 0, 0, false
	}
	h := st.calleeFn(call)
	if h == nil {
		return 0, 0, false
	}
	r := recvVar(st.info, h)
	if r == nil {
		return 0, 0, false
	}
	if _, ok := r.Type().Underlying().(*types.Pointer); !ok {
		return 0, 0, false // a value receiver makes the channel in a copy
	}
	for i, stmt := range h.body.List {
		if as, ok := stmt.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 {
			lsel, ok := ast.Unparen(as.Lhs[0]).(*ast.SelectorExpr)
			if f := chans.Field(st.info, as.Lhs[0]); ok && f != nil && f.Origin() == field && st.varOf(lsel.X) == r {
				_, capExpr, ok := chans.MakeChan(st.info, as.Rhs[0])
				n, isConst := chans.ConstCap(st.info, capExpr)
				if !ok || !isConst || n <= 0 {
					return 0, 0, false
				}
				sends := 0
				for _, after := range h.body.List[i+1:] {
					sends += st.fieldSends(after, field)
				}
				return n, sends, true
			}
		}
		if countIn(stmt, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ReturnStmt:
				return true
			case *ast.BranchStmt:
				return n.Tok == token.GOTO // may jump over the make
			}
			return false
		}) > 0 ||
			st.fieldSends(stmt, field) > 0 {
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// manySends stands for more sends than any buffer of a setup has.
const manySends = 1 << 20

// fieldSends returns the most sends on the channel field field (of any
// value) that one execution of n can make, counting exclusive branches
// once and following the calls of the package's functions; a loop or a
// goroutine that may send, or an assignment of the field, count as
// manySends.
func (st *state) fieldSends(n ast.Node, field *types.Var) int {
	switch s := n.(type) {
	case nil:
		return 0
	case *ast.BlockStmt:
		if s == nil {
			return 0
		}
		t := 0
		for _, x := range s.List {
			t += st.fieldSends(x, field)
		}
		return min(t, manySends)
	case *ast.IfStmt:
		return min(st.fieldSends(s.Init, field)+st.exprSends(s.Cond, field)+
			max(st.fieldSends(s.Body, field), st.fieldSends(s.Else, field)), manySends)
	case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		var init ast.Stmt
		var tag ast.Node
		var body *ast.BlockStmt
		switch s := s.(type) {
		case *ast.SwitchStmt:
			init, body = s.Init, s.Body
			if s.Tag != nil {
				tag = s.Tag
			}
		case *ast.TypeSwitchStmt:
			init, tag, body = s.Init, s.Assign, s.Body
		case *ast.SelectStmt:
			body = s.Body
		}
		most := 0
		for _, c := range body.List {
			t := 0
			switch c := c.(type) {
			case *ast.CaseClause:
				for _, e := range c.List {
					t += st.exprSends(e, field)
				}
				for _, x := range c.Body {
					t += st.fieldSends(x, field)
				}
			case *ast.CommClause:
				t += st.fieldSends(c.Comm, field)
				for _, x := range c.Body {
					t += st.fieldSends(x, field)
				}
			}
			most = max(most, t)
		}
		return min(st.fieldSends(init, field)+st.exprSends(tag, field)+most, manySends)
	case *ast.LabeledStmt:
		return st.fieldSends(s.Stmt, field)
	case *ast.ForStmt, *ast.RangeStmt:
		if st.exprSends(s, field) > 0 {
			return manySends
		}
		return 0
	case *ast.SendStmt:
		t := st.exprSends(s.Value, field)
		if f := chans.Field(st.info, s.Chan); f != nil && f.Origin() == field {
			t++
		}
		return min(t, manySends)
	}
	return st.exprSends(n, field)
}

// exprSends counts, in a node without statements that branch, the sends
// on field, the calls of package functions that send on it, goroutines
// that may, and assignments of the field (manySends).
func (st *state) exprSends(n ast.Node, field *types.Var) int {
	if n == nil {
		return 0
	}
	t := 0
	var inPlace map[*ast.FuncLit]bool // literals called where they are written
	ast.Inspect(n, func(x ast.Node) bool {
		if t >= manySends {
			return false
		}
		switch x := x.(type) {
		case *ast.FuncLit:
			// Counted by the call that runs it in place (and by go,
			// below); a literal run some other way may run any
			// number of times.
			if !inPlace[x] && st.fieldSends(x.Body, field) > 0 {
				t = manySends
			}
			return false
		case *ast.GoStmt:
			if lit, ok := ast.Unparen(x.Call.Fun).(*ast.FuncLit); ok && st.exprSends(lit.Body, field) > 0 {
				t = manySends
			}
		case *ast.SendStmt:
			if f := chans.Field(st.info, x.Chan); f != nil && f.Origin() == field {
				t++
			}
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if f := chans.Field(st.info, l); f != nil && f.Origin() == field {
					t = manySends
				}
			}
		case *ast.CallExpr:
			if lit, ok := ast.Unparen(x.Fun).(*ast.FuncLit); ok {
				if inPlace == nil {
					inPlace = make(map[*ast.FuncLit]bool)
				}
				inPlace[lit] = true
				t += st.fieldSends(lit.Body, field)
			}
			if g := st.calleeFn(x); g != nil {
				t += st.funcSends(g, field)
			}
		}
		return true
	})
	// A goroutine started on a function of the package.
	if gs, ok := n.(*ast.GoStmt); ok {
		if g := st.calleeFn(gs.Call); g != nil && st.funcSends(g, field) > 0 {
			t = manySends
		}
	}
	return min(t, manySends)
}

// funcSends is fieldSends of a function's body, memoized; a recursive
// call counts as manySends.
func (st *state) funcSends(g *fnInfo, field *types.Var) int {
	key := fieldFn{g, field}
	if n, ok := st.fnSends[key]; ok {
		return n
	}
	if st.fnSends == nil {
		st.fnSends = make(map[fieldFn]int)
	}
	st.fnSends[key] = manySends // breaks cycles
	n := st.fieldSends(g.body, field)
	st.fnSends[key] = n
	return n
}

// sendersWithin reports whether no other goroutine can send on the
// channel field field while the function fn runs from the setup
// statement setup (at lo) to the statement holding call (ending at
// hi). Each function of the package that may send on it (see
// funcSends), but fn, is unexported and used only by calls made
// there, after it in fn (the same goroutine, later, when no loop or
// goto takes fn back), in another such function, or with a mutex
// held that fn holds from the setup to the call without unlocking it;
// every function literal that sends on it is written in those places
// but the last. Uses in _test.go files of functions declared
// elsewhere do not count.
func (st *state) sendersWithin(fn *fnInfo, call *ast.CallExpr, setup ast.Stmt, field *types.Var, lo, hi token.Pos) bool {
	set := st.fieldSenders(field)
	inFn := func(pos token.Pos) bool { return fn.body.Pos() <= pos && pos < fn.body.End() }
	cur, ok := fn.cur.FindNode(setup)
	later := ok && len(loops(cur)) == 0 && countIn(fn.body, func(n ast.Node) bool {
		b, ok := n.(*ast.BranchStmt)
		return ok && b.Tok == token.GOTO
	}) == 0
	in := func(pos token.Pos) bool {
		if inFn(pos) && lo <= pos && (pos < hi || later) {
			return true
		}
		for _, g := range set.funcs {
			if g != fn && g.body.Pos() <= pos && pos < g.body.End() {
				return true
			}
		}
		return false
	}
	// The mutexes fn holds from the setup to the call.
	var guard map[types.Object]bool
	holds := func(h *fnInfo, n ast.Node) bool {
		for mu := range st.heldAt(h, n) {
			if guard[mu] {
				return true
			}
		}
		return false
	}
	guarded := func(pos token.Pos) bool {
		if guard == nil {
			guard = make(map[types.Object]bool)
			at := st.heldAt(fn, setup)
			for mu := range st.heldAt(fn, call) {
				if at[mu] {
					guard[mu] = true
				}
			}
			for _, ls := range fn.lockStmts {
				if lo <= ls.Pos() && ls.Pos() < hi && isUnlock(ls) {
					clear(guard)
				}
			}
		}
		if len(guard) == 0 || !pos.IsValid() {
			return false
		}
		h := st.fnAt(pos)
		if h == nil {
			return false
		}
		for _, c := range st.statics(h).calls {
			if c.Fun.Pos() <= pos && pos < c.Fun.End() {
				return holds(h, c)
			}
		}
		return false
	}
	// g sends only while it holds a mutex of the guard, itself or in
	// the calls that may send.
	sendsGuarded := func(g *fnInfo) bool {
		guarded(token.NoPos) // fills guard
		if len(guard) == 0 {
			return false
		}
		ok := true
		ast.Inspect(g.body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
				if st.exprSends(n, field) > 0 {
					ok = false
				}
				return false
			case *ast.SendStmt:
				if f := chans.Field(st.info, n.Chan); f != nil && f.Origin() == field && !holds(g, n) {
					ok = false
				}
			case *ast.CallExpr:
				if h := st.calleeFn(n); h != nil && st.funcSends(h, field) > 0 && !holds(g, n) {
					ok = false
				}
			}
			return ok
		})
		return ok
	}
	via := make(map[*fnInfo]bool)
	for _, g := range set.funcs {
		if g == fn || g == fn.outer || st.sendsOnlyVia(g, fn, field, via) {
			continue // fn itself, or its callers
		}
		usesOK := !g.obj.Exported()
		for _, pos := range set.uses[g] {
			if !usesOK {
				break
			}
			usesOK = in(pos) || guarded(pos)
		}
		if !usesOK && !sendsGuarded(g) {
			return false
		}
	}
	for _, lit := range set.lits {
		if !in(lit.cur.Node().Pos()) {
			return false
		}
	}
	return true
}

// sendsOnlyVia reports whether g may send on field only by calling fn
// (a caller of the function whose room is counted), itself, in its
// literals or goroutines, or through functions that do the same; memo
// holds the answers so far.
func (st *state) sendsOnlyVia(g, fn *fnInfo, field *types.Var, memo map[*fnInfo]bool) bool {
	if fn.obj == nil {
		return false
	}
	if ok, seen := memo[g]; seen {
		return ok
	}
	memo[g] = false // cycles
	ok := true
	ast.Inspect(g.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SendStmt:
			if f := chans.Field(st.info, n.Chan); f != nil && f.Origin() == field {
				ok = false
			}
		case *ast.CallExpr:
			if h := st.calleeFn(n); h != nil && h != fn && st.funcSends(h, field) > 0 && !st.sendsOnlyVia(h, fn, field, memo) {
				ok = false
			}
		}
		return ok
	})
	memo[g] = ok
	return ok
}

// heldAt returns the mutexes (the last objects of their access paths)
// held at n in fn.
func (st *state) heldAt(fn *fnInfo, n ast.Node) map[types.Object]bool {
	s, lf, ok := st.stateAt(fn, n)
	if !ok || lf == nil {
		return nil
	}
	out := make(map[types.Object]bool)
	for i, site := range lf.sites {
		if i < 64 && s.held&(1<<i) != 0 {
			out[site.p.last()] = true
		}
	}
	return out
}

// isUnlock reports whether s is a call of Unlock or RUnlock.
func isUnlock(s *ast.ExprStmt) bool {
	call, ok := ast.Unparen(s.X).(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	return ok && (sel.Sel.Name == "Unlock" || sel.Sel.Name == "RUnlock")
}

// fnAt returns the innermost function of the package whose body holds
// pos.
func (st *state) fnAt(pos token.Pos) *fnInfo {
	var best *fnInfo
	for _, g := range st.fns {
		if g.body.Pos() <= pos && pos < g.body.End() && (best == nil || g.body.Pos() >= best.body.Pos()) {
			best = g
		}
	}
	return best
}

// A senderSet lists the functions of the package that may send on a
// channel field: declared ones, with the positions of their uses, and
// literals that send on it themselves.
type senderSet struct {
	funcs []*fnInfo
	uses  map[*fnInfo][]token.Pos
	lits  []*fnInfo
}

// fieldSenders returns the senderSet of field, memoized.
func (st *state) fieldSenders(field *types.Var) *senderSet {
	if set, ok := st.senderSets[field]; ok {
		return set
	}
	if st.senderSets == nil {
		st.senderSets = make(map[*types.Var]*senderSet)
	}
	set := &senderSet{uses: make(map[*fnInfo][]token.Pos)}
	byObj := make(map[*types.Func]*fnInfo)
	for _, g := range st.fns {
		switch {
		case g.obj != nil:
			if st.funcSends(g, field) > 0 {
				set.funcs = append(set.funcs, g)
				byObj[g.obj] = g
			}
		case st.directSends(g, field):
			set.lits = append(set.lits, g)
		}
	}
	for id, obj := range st.info.Uses {
		f, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		g := byObj[f.Origin()]
		if g == nil || scope.InTestFile(st.pass.Fset, id.Pos()) && !scope.InTestFile(st.pass.Fset, g.body.Pos()) {
			continue
		}
		set.uses[g] = append(set.uses[g], id.Pos())
	}
	st.senderSets[field] = set
	return set
}

// directSends reports whether the body of fn, outside its own
// literals, sends on field.
func (st *state) directSends(fn *fnInfo, field *types.Var) bool {
	return scope.AnyOutsideLiterals(fn.body, func(n ast.Node) bool {
		send, ok := n.(*ast.SendStmt)
		if !ok {
			return false
		}
		f := chans.Field(st.info, send.Chan)
		return f != nil && f.Origin() == field
	})
}

// fieldFn keys funcSends.
type fieldFn struct {
	fn    *fnInfo
	field *types.Var
}

// assigns reports whether n is an assignment of the variable v.
func assigns(info *types.Info, n ast.Node, v *types.Var) bool {
	as, ok := n.(*ast.AssignStmt)
	if !ok {
		return false
	}
	for _, l := range as.Lhs {
		if id, ok := ast.Unparen(l).(*ast.Ident); ok && info.ObjectOf(id) == v {
			return true
		}
	}
	return false
}
