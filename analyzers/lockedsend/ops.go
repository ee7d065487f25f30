package lockedsend

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/report"
)

func isNil(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[ast.Unparen(e)]
	return ok && tv.IsNil()
}

// exprText renders a (short) expression on one line for messages.
func exprText(_ *token.FileSet, e ast.Expr) string { return types.ExprString(e) }

// neverBlocks reports whether a send cannot block: on a local channel
// made with room for every send the function can make on it, or
// guarded by a check of the channel's length.
func (st *state) neverBlocks(fn *fnInfo, op *chanOp, send *ast.SendStmt, fact bool) bool {
	if fact && st.selfContained(fn, send.Chan) {
		return true // waits for the function's own goroutines
	}
	if room, known := st.freshHasRoom(op.cur, send.Chan); known {
		// A channel made earlier in the function: no role or
		// provenance of the field applies, but a length guard or a
		// count may show room where the count of sends does not.
		return room || st.lenGuarded(op.cur, send.Chan) || st.counter().Fits(op.cur)
	}
	if st.lenGuarded(op.cur, send.Chan) ||
		st.tokenChan(send.Chan) ||
		st.localHasRoom(fn, send.Chan) ||
		st.slotPerGoroutine(fn, send.Chan) ||
		chans.DrainedBefore(op.cur, send.Chan) ||
		st.counter().Fits(op.cur) {
		return true
	}
	// Role merges the instantiations of a field of a generic type
	// (singleflight made generic): every method instantiates it anew.
	switch st.prov.Role(send.Chan) {
	case chans.OneShot, chans.Notify, chans.Reply, chans.Semaphore, chans.Token:
		return true // buffered by construction for this send, or a lock
	}
	return false
}

// counter returns the package's chans.Counter, made on first use.
func (st *state) counter() *chans.Counter {
	if st.counted == nil {
		st.counted = chans.NewCounter(st.info, st.in)
	}
	return st.counted
}

// freshHasRoom looks for the assignment of the channel expression ch (a
// variable or a field) earlier in the function, in a statement list
// enclosing the send at c. When it finds one (known), it reports whether
// it is make(chan T, n) with room for the sends on ch in between:
//
//	p.avail = make(chan struct{}, 1)
//	p.avail <- struct{}{}
//
//	d.free = make(chan *buf, d.n)
//	for i := 0; i < d.n; i++ {
//		d.free <- new(buf)
//	}
func (st *state) freshHasRoom(c inspector.Cursor, ch ast.Expr) (room, known bool) {
	room, _, known = st.fresh(c, ch)
	return room, known
}

// fresh is freshHasRoom, and also reports whether the sends up to and
// including the one at c fill the channel to its capacity.
func (st *state) fresh(c inspector.Cursor, ch ast.Expr) (room, full, known bool) {
	want := types.ExprString(ch)
	var loops []ast.Node
	for cur := c; ; {
		parent := cur.Parent()
		var list []ast.Stmt
		switch p := parent.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit, *ast.File, nil:
			return false, false, false
		case *ast.ForStmt:
			if cur.Node() == p.Body {
				loops = append(loops, p)
			}
		case *ast.RangeStmt:
			if cur.Node() == p.Body {
				loops = append(loops, p)
			}
		case *ast.BlockStmt:
			list = p.List
		case *ast.CaseClause:
			list = p.Body
		case *ast.CommClause:
			list = p.Body
		}
		if list != nil {
			idx := cur.ParentEdgeIndex()
			for k := idx - 1; k >= 0; k-- {
				capExpr, found := st.assignsChan(list[k], want)
				if !found {
					continue
				}
				if capExpr == nil {
					return false, false, true
				}
				room, full := st.roomFor(capExpr, want, list[k+1:idx], list[idx], loops)
				return room, full, true
			}
		}
		cur = parent
	}
}

// assignsChan reports whether the statement s assigns the expression
// written want, and returns the capacity expression when it assigns a
// buffered make(chan T, n).
func (st *state) assignsChan(s ast.Stmt, want string) (ast.Expr, bool) {
	var lhs, rhs []ast.Expr
	switch s := s.(type) {
	case *ast.AssignStmt:
		lhs, rhs = s.Lhs, s.Rhs
	case *ast.DeclStmt:
		gd, ok := s.Decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			return nil, false
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, id := range vs.Names {
				lhs = append(lhs, id)
				if len(vs.Values) == len(vs.Names) {
					rhs = append(rhs, vs.Values[i])
				}
			}
		}
	default:
		return nil, false
	}
	for i, l := range lhs {
		if len(rhs) == len(lhs) {
			// d := &T{ch: make(chan T, n)} and then d.ch <- v.
			if capExpr, found := st.litField(types.ExprString(l), rhs[i], want); found {
				return capExpr, true
			}
		}
		if types.ExprString(l) != want {
			continue
		}
		if len(rhs) != len(lhs) {
			return nil, true
		}
		_, capExpr, ok := chans.MakeChan(st.info, rhs[i])
		if !ok {
			return nil, true
		}
		if n, ok := chans.ConstCap(st.info, capExpr); ok && n == 0 {
			return nil, true
		}
		return capExpr, true
	}
	return nil, false
}

// litField recognizes a composite literal assigned to base that sets
// the field named by want (base.f): it returns the capacity of the
// buffered channel it makes there, found set when it sets the field.
func (st *state) litField(base string, rhs ast.Expr, want string) (ast.Expr, bool) {
	if !strings.HasPrefix(want, base+".") || strings.Count(want[len(base)+1:], ".") > 0 {
		return nil, false
	}
	name := want[len(base)+1:]
	e := ast.Unparen(rhs)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, false
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
			_, capExpr, ok := chans.MakeChan(st.info, kv.Value)
			if !ok {
				return nil, true
			}
			if n, ok := chans.ConstCap(st.info, capExpr); ok && n == 0 {
				return nil, true
			}
			return capExpr, true
		}
	}
	return nil, true // the literal leaves the field nil
}

// roomFor reports whether a channel made with capacity capExpr has room
// for the sends on want in the statements between the make and the
// statement enclosing the send (between, then last), inside the loops
// (innermost first) that enclose the send and follow the make.
func (st *state) roomFor(capExpr ast.Expr, want string, between []ast.Stmt, last ast.Stmt, loops []ast.Node) (room, full bool) {
	sends := 0
	for _, s := range between {
		sends += maxSends(s, want)
	}
	switch len(loops) {
	case 0:
		sends += maxSends(last, want)
		if n, ok := chans.ConstCap(st.info, capExpr); ok {
			return int64(sends) <= n, int64(sends) == n
		}
		return sends == 1, false
	case 1:
		ok := sends == 0 && maxSendsAny(loops[0], want) == 1 && loopRuns(loops[0], capExpr)
		return ok, ok
	}
	return false, false
}

// maxSends returns the most sends on the channel written want that
// one execution of s can make, counting exclusive branches once, and a
// large number when a loop in s sends.
func maxSends(s ast.Node, want string) int { return countSends(s, want, false) }

// sendsPerRound is maxSends counting one iteration of each loop.
func sendsPerRound(s ast.Node, want string) int { return countSends(s, want, true) }

func countSends(s ast.Node, want string, perRound bool) int {
	const many = 1 << 20
	switch s := s.(type) {
	case nil:
		return 0
	case *ast.SendStmt:
		if types.ExprString(s.Chan) == want {
			return 1
		}
		return 0
	case *ast.BlockStmt:
		if s == nil {
			return 0
		}
		n := 0
		for _, x := range s.List {
			n += countSends(x, want, perRound)
		}
		return n
	case *ast.IfStmt:
		return countSends(s.Init, want, perRound) + max(countSends(s.Body, want, perRound), countSends(s.Else, want, perRound))
	case *ast.SwitchStmt:
		return countSends(s.Init, want, perRound) + maxClause(s.Body, want, perRound)
	case *ast.TypeSwitchStmt:
		return countSends(s.Init, want, perRound) + maxClause(s.Body, want, perRound)
	case *ast.SelectStmt:
		return maxClause(s.Body, want, perRound)
	case *ast.CaseClause:
		n := 0
		for _, x := range s.Body {
			n += countSends(x, want, perRound)
		}
		return n
	case *ast.CommClause:
		n := countSends(s.Comm, want, perRound)
		for _, x := range s.Body {
			n += countSends(x, want, perRound)
		}
		return n
	case *ast.LabeledStmt:
		return countSends(s.Stmt, want, perRound)
	case *ast.ForStmt, *ast.RangeStmt:
		if perRound {
			return countSends(loopBody(s), want, true)
		}
		if maxSendsAny(s, want) > 0 {
			return many
		}
		return 0
	}
	return maxSendsAny(s, want)
}

// loopBody returns the body of a for or range statement.
func loopBody(loop ast.Node) *ast.BlockStmt {
	if f, ok := loop.(*ast.ForStmt); ok {
		return f.Body
	}
	return loop.(*ast.RangeStmt).Body
}

func maxClause(body *ast.BlockStmt, want string, perRound bool) int {
	n := 0
	for _, c := range body.List {
		n = max(n, countSends(c, want, perRound))
	}
	return n
}

// maxSendsAny counts the sends on want anywhere in n, outside function
// literals.
func maxSendsAny(n ast.Node, want string) int {
	return countIn(n, func(x ast.Node) bool {
		send, ok := x.(*ast.SendStmt)
		return ok && types.ExprString(send.Chan) == want
	})
}

// countIn counts the nodes of n, outside function literals, for which
// pred holds.
func countIn(n ast.Node, pred func(ast.Node) bool) int {
	count := 0
	ast.Inspect(n, func(x ast.Node) bool {
		if _, ok := x.(*ast.FuncLit); ok {
			return false
		}
		if x != nil && pred(x) {
			count++
		}
		return true
	})
	return count
}

// loopRuns reports whether loop runs exactly as many times as the
// capacity expression says: for i := 0; i < n; i++ with capacity n,
// for range n, or for range xs with capacity len(xs).
func loopRuns(loop ast.Node, capExpr ast.Expr) bool {
	c := types.ExprString(capExpr)
	switch l := loop.(type) {
	case *ast.ForStmt:
		cond, ok := l.Cond.(*ast.BinaryExpr)
		if !ok || cond.Op != token.LSS || types.ExprString(cond.Y) != c {
			return false
		}
		init, ok := l.Init.(*ast.AssignStmt)
		if !ok || len(init.Rhs) != 1 || types.ExprString(init.Rhs[0]) != "0" {
			return false
		}
		return true
	case *ast.RangeStmt:
		x := types.ExprString(l.X)
		return x == c || "len("+x+")" == c
	}
	return false
}

// lenGuarded reports whether the operation at c only runs after a test
// of len(ch): `if len(ch) < cap(ch) { ch <- v }`, `for len(ch) > 0 {
// <-ch }`, or a preceding `if len(ch) == cap(ch) { return }`. Under a
// mutex that every sender (or receiver) holds, the test makes the
// operation non-blocking.
func (st *state) lenGuarded(c inspector.Cursor, ch ast.Expr) bool {
	want := types.ExprString(ch)
	mentionsLen := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && len(call.Args) == 1 &&
				(calls.IsBuiltin(st.info, call, "len") || calls.IsBuiltin(st.info, call, "cap")) &&
				types.ExprString(call.Args[0]) == want {
				found = true
			}
			return !found
		})
		return found
	}
	return anyEnclosing(c, func(n, child ast.Node) bool {
		switch p := n.(type) {
		case *ast.IfStmt:
			return child == p.Body && mentionsLen(p.Cond)
		case *ast.ForStmt:
			// for len(ch) > 0 { v := <-ch; ... }
			return child == p.Body && p.Cond != nil && mentionsLen(p.Cond)
		case *ast.BlockStmt:
			// An earlier `if len(ch) ... { return }` in the same block.
			for _, s := range p.List {
				if s.Pos() >= child.Pos() {
					break
				}
				if is, ok := s.(*ast.IfStmt); ok && is.Else == nil && mentionsLen(is.Cond) && leaves(is.Body) {
					return true
				}
			}
		}
		return false
	})
}

// anyEnclosing reports whether f holds for a node enclosing c inside
// its function, given the node and its child on the way down to c.
func anyEnclosing(c inspector.Cursor, f func(n, child ast.Node) bool) bool {
	for cur := c; ; {
		parent := cur.Parent()
		switch parent.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit, *ast.File, nil:
			return false
		}
		if f(parent.Node(), cur.Node()) {
			return true
		}
		cur = parent
	}
}

// inIfBody reports whether c is in the body of an if statement of its
// function whose condition satisfies cond.
func inIfBody(c inspector.Cursor, cond func(ast.Expr) bool) bool {
	return anyEnclosing(c, func(n, child ast.Node) bool {
		is, ok := n.(*ast.IfStmt)
		return ok && child == is.Body && cond(is.Cond)
	})
}

// leaves reports whether a block ends by leaving its enclosing code.
func leaves(b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	switch s := b.List[len(b.List)-1].(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.BREAK || s.Tok == token.CONTINUE || s.Tok == token.GOTO
	}
	return false
}

// localHasRoom reports whether ch is a channel the function makes with
// a capacity that covers every send on it: a constant capacity and no
// more sends than that, none in a loop, or make(chan T, len(xs)) and
// one send per iteration of a range over xs.
func (st *state) localHasRoom(fn *fnInfo, ch ast.Expr) bool {
	l := st.localChan(fn, ch)
	if l == nil || l.Remade || l.Escapes || len(l.Passed) > 0 {
		return false
	}
	if n, ok := l.ConstCap(st.info); ok {
		if n == 0 || int64(len(l.Sends)) > n {
			return false
		}
		for _, s := range l.Sends {
			if len(loops(s.Cursor)) > 0 {
				return false
			}
		}
		return true
	}
	call, ok := ast.Unparen(l.Cap).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || !calls.IsBuiltin(st.info, call, "len") {
		return false
	}
	xs := types.ExprString(call.Args[0])
	for _, s := range l.Sends {
		ls := loops(s.Cursor)
		if len(ls) != 1 {
			return false
		}
		rs, ok := ls[0].(*ast.RangeStmt)
		if !ok || types.ExprString(rs.X) != xs {
			return false
		}
	}
	return true
}

// loops returns the loops enclosing c up to the declared function,
// through function literals (a goroutine started in a loop runs many
// times).
func loops(c inspector.Cursor) []ast.Node {
	var out []ast.Node
	for e := range c.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncDecl)(nil)) {
		switch n := e.Node().(type) {
		case *ast.FuncDecl:
			return out
		case *ast.ForStmt, *ast.RangeStmt:
			if e != c {
				out = append(out, n)
			}
		}
	}
	return out
}

// noun describes an operation as the subject of a message.
func (st *state) noun(op *chanOp, desc string) string {
	switch n := op.node.(type) {
	case *ast.SendStmt:
		return "send on " + types.ExprString(n.Chan)
	case *ast.UnaryExpr:
		return "receive from " + types.ExprString(n.X)
	case *ast.RangeStmt:
		return "range over " + types.ExprString(n.X)
	}
	return "select " + strings.TrimPrefix(desc, "waits in a select ")
}

// unlockText is the call that ends the critical section of site.
func unlockText(site *lockSite) string {
	if site.read {
		return site.text + ".RUnlock()"
	}
	return site.text + ".Unlock()"
}

func (st *state) reportOp(fn *fnInfo, op *chanOp, lf *lockFlow, s lockState, site *lockSite, desc string, rule report.Rule, ev *evidence) {
	pos := op.node.Pos()
	end := op.node.End()
	switch n := op.node.(type) {
	case *ast.SelectStmt:
		end = n.Select + token.Pos(len("select"))
	case *ast.RangeStmt:
		end = n.X.End()
	}
	mu := site.text
	line := st.line(site.lockBefore(pos))
	subject := st.noun(op, desc)
	related := st.related(site, pos)
	// Who is on the other side, and does it need the mutex too?
	other := "a receiver"
	if rule == ruleRecv {
		other = "a sender"
	}
	deadlock := fmt.Sprintf("and %s that needs %s deadlocks", other, mu)
	if ev != nil {
		deadlock = fmt.Sprintf("and %s, which %s, locks %s too (%s): they can deadlock", ev.side.who, ev.side.what, mu, st.shortPos(ev.lock))
		related = append(related, ev.related(mu)...)
	}
	var msg string
	var fixes []analysis.SuggestedFix
	switch {
	case op.kind == opSend:
		fix, why := st.moveAfterUnlock(fn, op, lf, s, site)
		msg = fmt.Sprintf("%s while %s is locked (line %d): until a receiver takes the value, every goroutine that needs %[2]s waits, %[4]s; send after %[5]s",
			subject, mu, line, deadlock, unlockText(site))
		if fix != nil {
			fixes = append(fixes, *fix)
		} else {
			msg += " (no automatic fix: " + why + ")"
		}
	case rule == ruleSend: // a select that may send
		msg = fmt.Sprintf("%s while %s is locked (line %d): until the select can proceed, every goroutine that needs %[2]s waits, %[4]s; select after %[5]s",
			subject, mu, line, deadlock, unlockText(site))
	case op.kind == opRange:
		msg = fmt.Sprintf("%s while %s is locked (line %d): every receive waits for a sender while every goroutine that needs %[2]s waits too, %[4]s; receive after %[5]s",
			subject, mu, line, deadlock, unlockText(site))
	default:
		msg = fmt.Sprintf("%s while %s is locked (line %d): until a sender comes, every goroutine that needs %[2]s waits, %[4]s; receive before locking or after %[5]s",
			subject, mu, line, deadlock, unlockText(site))
	}
	st.r.Report(rule, analysis.Diagnostic{
		Pos:            pos,
		End:            end,
		Message:        msg,
		SuggestedFixes: fixes,
		Related:        related,
	})
}

// sides lists the operations of the package on one channel field.
type sides struct {
	recvs []sideOp // receives, ranges, receive cases
	sends []sideOp // sends, send cases, closes
}

// A sideOp is one operation on a channel, in function fn.
type sideOp struct {
	fn       *fnInfo
	node     ast.Node         // the send, receive, range, select case communication, or close call
	plain    bool             // node is a plain operation of fn.ops (not a select case or a close)
	cur      inspector.Cursor // its cursor, for plain operations
	pos      token.Pos
	when     token.Pos // where it runs in fn's order: the end of fn for a deferred close
	deferred bool
	who      string // "Server.loop", "the function literal at x.go:12"
	what     string // "receives from s.events"
}

// evidence is an operation on the other side of a channel, in another
// function that locks the mutex the operation holds.
type evidence struct {
	side sideOp
	lock token.Pos // where the other side locks the mutex
}

func (ev *evidence) related(mu string) []analysis.RelatedInformation {
	return []analysis.RelatedInformation{
		{Pos: ev.side.pos, Message: ev.side.what},
		{Pos: ev.lock, Message: "and locks " + mu + " here"},
	}
}

// otherSide returns an operation on the other side of the channel op
// works on (a receive for a send, a send or close for a receive), in
// another function of the package that locks site's mutex too before
// it gets there, or nil. It knows three kinds of channels: fields
// (s.events), local channels shared with the function's own
// goroutines, and channels kept in a collection field by the function
// that waits on them (a waiter stores `wait` in s.waiters[id] and
// receives from it).
func (st *state) otherSide(fn *fnInfo, op *chanOp, send bool, site *lockSite) *evidence {
	mu := site.p.last()
	for _, ch := range opChans(st.info, op, send) {
		if send && op.kind == opSend && st.firstHandoff(fn, op, ch, mu) {
			continue
		}
		fresh := loopLocal(st.info, ch, site)
		for _, o := range st.counterparts(fn, ch, send) {
			if o.fn == fn {
				continue
			}
			if pos, ok := st.locksBefore(o.fn, mu, o.when, fresh); ok {
				return &evidence{o, pos}
			}
		}
	}
	return nil
}

// loopLocal returns the positions of the declarations of the channel
// variable ch and of the variable the mutex of site starts from: a loop
// that holds one of them makes a new channel or mutex each time round,
// so the next iteration locking it is no evidence.
func loopLocal(info *types.Info, ch ast.Expr, site *lockSite) []token.Pos {
	var out []token.Pos
	if id, ok := ast.Unparen(ch).(*ast.Ident); ok {
		if v, ok := info.Uses[id].(*types.Var); ok {
			out = append(out, v.Pos())
		}
	}
	if v, ok := site.p[0].(*types.Var); ok && !v.IsField() {
		out = append(out, v.Pos())
	}
	return out
}

// opChans returns the channels an operation waits on: for a select,
// those of its send cases (send set) or receive cases.
func opChans(info *types.Info, op *chanOp, send bool) []ast.Expr {
	switch n := op.node.(type) {
	case *ast.SendStmt:
		return []ast.Expr{n.Chan}
	case *ast.UnaryExpr:
		return []ast.Expr{n.X}
	case *ast.RangeStmt:
		return []ast.Expr{n.X}
	case *ast.SelectStmt:
		var out []ast.Expr
		for _, s := range n.Body.List {
			cc := s.(*ast.CommClause)
			switch chans.CaseKind(info, cc) {
			case chans.Send:
				if send {
					out = append(out, cc.Comm.(*ast.SendStmt).Chan)
				}
			case chans.Recv:
				if !send {
					out = append(out, chans.RecvChan(cc.Comm))
				}
			}
		}
		return out
	}
	return nil
}

// counterparts returns the operations of the package on the other side
// of channel ch: receives when send is set, else sends and closes.
func (st *state) counterparts(fn *fnInfo, ch ast.Expr, send bool) []sideOp {
	pick := func(sd *sides) []sideOp {
		if sd == nil {
			return nil
		}
		if send {
			return sd.recvs
		}
		return sd.sends
	}
	if f := chans.Field(st.info, ch); f != nil {
		st.indexSides()
		return pick(st.sides[f])
	}
	v := st.varOf(ch)
	if v == nil {
		return nil
	}
	if l := st.local(fn, v); l != nil {
		// A channel of this function: its goroutines are the other side.
		return pick(st.localSides(fn.outer, v))
	}
	// An element of a collection field: the functions that store a
	// channel of theirs there wait on it.
	coll := st.prov.CollectionOf(ch)
	if coll == nil {
		return nil
	}
	var out []sideOp
	elems, _ := st.prov.Elems(coll)
	for _, es := range elems {
		lv, storer := st.varOf(es.Value), st.byNode[es.Func]
		if lv != nil && storer != nil {
			out = append(out, pick(st.localSides(storer.outer, lv))...)
		}
	}
	return out
}

// local returns the channel made by the function enclosing fn that v
// is, or nil.
func (st *state) local(fn *fnInfo, v *types.Var) *chans.Local {
	outer := fn.outer
	if !outer.localsOK {
		outer.locals = chans.Locals(st.info, outer.cur)
		outer.localsOK = true
	}
	for _, l := range outer.locals {
		if l.Var == v {
			return l
		}
	}
	return nil
}

// localChan returns the channel made by the function enclosing fn that
// the expression ch names, or nil.
func (st *state) localChan(fn *fnInfo, ch ast.Expr) *chans.Local {
	v := st.varOf(ch)
	if v == nil {
		return nil
	}
	return st.local(fn, v)
}

// varOf returns the variable an identifier uses, or nil.
func (st *state) varOf(e ast.Expr) *types.Var {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := st.info.Uses[id].(*types.Var)
	return v
}

// selfContained reports whether ch is a channel the function makes and
// shares only with its own goroutines: waiting on it waits for work the
// function started, not for a consumer elsewhere.
func (st *state) selfContained(fn *fnInfo, ch ast.Expr) bool {
	l := st.localChan(fn, ch)
	return l != nil && !l.Escapes && !l.Remade && len(l.Passed) == 0
}

// localSides indexes the operations on the local channel v in the
// function outer and its function literals.
func (st *state) localSides(outer *fnInfo, v *types.Var) *sides {
	sd := new(sides)
	for _, fn := range st.fns {
		if fn.outer != outer {
			continue
		}
		st.eachOp(fn, func(o sideOp, ch ast.Expr, recv bool) {
			if id, ok := ast.Unparen(ch).(*ast.Ident); ok && st.info.Uses[id] == v {
				if recv {
					sd.recvs = append(sd.recvs, o)
				} else {
					sd.sends = append(sd.sends, o)
				}
			}
		})
	}
	return sd
}

// eachOp calls f for every channel operation of fn: the operation,
// its channel, and whether it receives.
func (st *state) eachOp(fn *fnInfo, f func(o sideOp, ch ast.Expr, recv bool)) {
	who := st.fnName(fn)
	side := func(node ast.Node, ch ast.Expr, verb string) sideOp {
		return sideOp{fn: fn, node: node, pos: node.Pos(), when: node.Pos(), who: who, what: verb + " " + types.ExprString(ch)}
	}
	for _, op := range fn.ops {
		switch n := op.node.(type) {
		case *ast.SendStmt:
			o := side(n, n.Chan, "sends on")
			o.plain, o.cur = true, op.cur
			f(o, n.Chan, false)
		case *ast.UnaryExpr:
			o := side(n, n.X, "receives from")
			o.plain, o.cur = true, op.cur
			f(o, n.X, true)
		case *ast.RangeStmt:
			o := side(n, n.X, "ranges over")
			o.plain, o.cur = true, op.cur
			f(o, n.X, true)
		case *ast.SelectStmt:
			for _, s := range n.Body.List {
				cc := s.(*ast.CommClause)
				switch c := cc.Comm.(type) {
				case nil:
				case *ast.SendStmt:
					f(side(c, c.Chan, "sends on"), c.Chan, false)
				default:
					if x := chans.RecvChan(c); x != nil {
						f(side(c, x, "receives from"), x, true)
					}
				}
			}
		}
	}
	for _, call := range fn.closes {
		o := side(call, call.Args[0], "closes")
		if fn.deferredCloses[call] {
			o.deferred = true
			o.when = fn.body.End() // runs when fn returns
		}
		f(o, call.Args[0], false)
	}
}

// indexSides builds st.sides from the operations of every function.
func (st *state) indexSides() {
	if st.sides != nil {
		return
	}
	st.sides = make(map[*types.Var]*sides)
	for _, fn := range st.fns {
		st.eachOp(fn, func(o sideOp, ch ast.Expr, recv bool) {
			f := chans.Field(st.info, ch)
			if f == nil {
				return
			}
			sd := st.sides[f]
			if sd == nil {
				sd = new(sides)
				st.sides[f] = sd
			}
			if recv {
				sd.recvs = append(sd.recvs, o)
			} else {
				sd.sends = append(sd.sends, o)
			}
		})
	}
}

// tokenChan reports whether the field ch is a channel of lock tokens or
// a pool: buffered by construction and filled when made (a queue never
// starts full), or used by take-then-put-back (every function that
// sends on it also receives from it). Taking a token under a mutex
// nests locks; it is not backpressure from a consumer.
func (st *state) tokenChan(ch ast.Expr) bool {
	f := chans.Field(st.info, ch)
	if f == nil {
		return false
	}
	if _, ok := st.prov.BufferedCap(ch); !ok {
		return false
	}
	if st.tokens == nil {
		st.tokens = make(map[*types.Var]bool)
	}
	if t, ok := st.tokens[f]; ok {
		return t
	}
	st.tokens[f] = false // breaks cycles through freshHasRoom
	t := st.prefilled(f) || st.prov.Role(ch) == chans.Token
	st.tokens[f] = t
	return t
}

// prefilled reports whether the package fills the channel of field f to
// its capacity right after making it, or fills a local channel it then
// stores in f.
func (st *state) prefilled(f *types.Var) bool {
	st.indexSides()
	if sd := st.sides[f]; sd != nil {
		for _, o := range sd.sends {
			if send, ok := o.node.(*ast.SendStmt); ok && o.plain {
				if room, full, known := st.fresh(o.cur, send.Chan); known && room && full {
					return true
				}
			}
		}
	}
	stores, _ := st.prov.Stores(f)
	for _, store := range stores {
		e := store.Value
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			continue
		}
		v, ok := st.info.Uses[id].(*types.Var)
		if !ok {
			continue
		}
		// The local is made with capacity n and sent on n times.
		n, ok := st.prov.BufferedCap(e)
		if !ok || n <= 0 {
			continue
		}
		sends := int64(0)
		for _, fn := range st.fns {
			for _, op := range fn.ops {
				if send, ok := op.node.(*ast.SendStmt); ok {
					if sid, ok := ast.Unparen(send.Chan).(*ast.Ident); ok && st.info.Uses[sid] == v {
						sends++
					}
				}
			}
		}
		if sends >= n {
			return true
		}
	}
	return false
}

// fnName names a function for messages.
func (st *state) fnName(fn *fnInfo) string {
	if fn.obj != nil {
		return funcName(fn.obj)
	}
	return "the function literal at " + st.shortPos(fn.cur.Node().Pos())
}

// checkWait reports wg.Wait() under a mutex that a goroutine it waits
// for locks too.
func (st *state) checkWait(fn *fnInfo, call *ast.CallExpr, lf *lockFlow, s lockState) {
	wp, wx := methodRecvPath(st.info, call)
	if wp == nil {
		return
	}
	gs := st.waitedFor(wp.last())
	if len(gs) == 0 {
		return
	}
	handoff := st.handoffs()[fn.outer]
	for i, site := range lf.sites {
		if s.held&(1<<i) == 0 || handoff[site.key] {
			continue
		}
		for _, g := range gs {
			if body := g.fn.cur.Node(); body.Pos() <= call.Pos() && call.End() <= body.End() {
				continue // the goroutine waits for its own group
			}
			if st.addsTo(g.fn, wp.last()) {
				// The goroutine adds itself to the group (under the
				// mutex, typically): it locks before its own Add, so a
				// Wait that sees it pending does not wait for a lock.
				continue
			}
			lockPos, ok := st.lockSet(g.fn)[site.p.last()]
			if !ok {
				continue
			}
			st.r.Report(ruleWait, analysis.Diagnostic{
				Pos: call.Pos(),
				End: call.End(),
				Message: fmt.Sprintf("%s.Wait() while %s is locked (line %d): the goroutine started at %s, which it waits for, locks %[2]s too (%[5]s); it cannot finish while %[2]s is held, so Wait never returns; call %[6]s before waiting",
					types.ExprString(wx), site.text, st.line(site.lockBefore(call.Pos())), st.shortPos(g.sp.at.Pos()), st.shortPos(lockPos), unlockText(site)),
				Related: append(st.related(site, call.Pos()),
					analysis.RelatedInformation{Pos: g.sp.at.Pos(), Message: "goroutine started here"},
					analysis.RelatedInformation{Pos: lockPos, Message: "the goroutine locks " + site.text + " here"}),
			})
			return
		}
	}
}

type waitedGoroutine struct {
	sp *spawn
	fn *fnInfo
}

// waitedFor returns the goroutines of the package that a wait on the
// group w (a WaitGroup or errgroup field or variable) waits for: those
// started by w.Go(f), and those whose function calls w.Done().
func (st *state) waitedFor(w types.Object) []waitedGoroutine {
	var out []waitedGoroutine
	for _, sp := range st.spawns {
		var fn *fnInfo
		if lit, ok := sp.fn.(*ast.FuncLit); ok {
			fn = st.byLit[lit]
		} else if sp.obj != nil {
			fn = st.byObj[sp.obj]
		}
		if fn == nil {
			continue
		}
		if sp.group != nil && sp.group.last() == w || st.callsDone(fn, sp, w) {
			out = append(out, waitedGoroutine{sp, fn})
		}
	}
	return out
}

// callsDone reports whether the goroutine function fn, started at sp,
// calls Done on the group w: directly, or on a parameter that sp
// passes w to.
func (st *state) callsDone(fn *fnInfo, sp *spawn, w types.Object) bool {
	for _, p := range fn.dones {
		if p.last() == w {
			return true
		}
		if len(p) != 1 || fn.obj == nil || sp.call == nil {
			continue
		}
		params := fn.obj.Signature().Params()
		for i := 0; i < params.Len() && i < len(sp.call.Args); i++ {
			if params.At(i) == p[0] {
				if ap := pathOf(st.info, sp.call.Args[i]); ap != nil && ap.last() == w {
					return true
				}
			}
		}
	}
	return false
}

// locksBefore returns where fn locks the mutex mu (directly or through a
// function of the package it calls) before it reaches pos: earlier in
// the function, or in a loop that also holds pos (a receiver loop
// locks, then comes back for the next value).
func (st *state) locksBefore(fn *fnInfo, mu types.Object, pos token.Pos, fresh []token.Pos) (token.Pos, bool) {
	var cands []token.Pos
	for _, l := range fn.locked {
		if l.p.last() == mu {
			cands = append(cands, l.pos)
		}
	}
	s := st.statics(fn)
	for i, callee := range s.callees {
		if g := st.byObj[callee]; g != nil {
			if _, ok := st.lockSet(g)[mu]; ok {
				cands = append(cands, s.calls[i].Pos())
			}
		}
	}
	for _, c := range cands {
		if c < pos {
			return c, true
		}
	}
	if len(cands) == 0 {
		return 0, false
	}
	found := token.NoPos
	ast.Inspect(fn.body, func(n ast.Node) bool {
		if found.IsValid() || n == nil {
			return false
		}
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			for _, d := range fresh {
				if n.Pos() <= d && d < n.End() {
					return true // a new channel or mutex each time round
				}
			}
			if n.Pos() <= pos && pos < n.End() {
				for _, c := range cands {
					if n.Pos() <= c && c < n.End() {
						found = c
						return false
					}
				}
			}
		}
		return true
	})
	return found, found.IsValid()
}

// addsTo reports whether fn, or a function of the package it calls,
// calls Add on the group w.
func (st *state) addsTo(fn *fnInfo, w types.Object) bool {
	seen := make(map[*fnInfo]bool)
	var visit func(fn *fnInfo) bool
	visit = func(fn *fnInfo) bool {
		if seen[fn] {
			return false
		}
		seen[fn] = true
		for _, p := range fn.adds {
			if p.last() == w {
				return true
			}
		}
		for _, callee := range st.statics(fn).callees {
			if g := st.byObj[callee]; g != nil && visit(g) {
				return true
			}
		}
		return false
	}
	return visit(fn)
}

// lockSet returns the mutexes (by their last field or variable) that
// fn locks, directly or through the functions of the package it calls,
// with the position of a Lock call.
func (st *state) lockSet(fn *fnInfo) map[types.Object]token.Pos {
	if st.lockSets == nil {
		st.lockSets = make(map[*fnInfo]map[types.Object]token.Pos)
	}
	if m, ok := st.lockSets[fn]; ok {
		return m
	}
	m := make(map[types.Object]token.Pos)
	st.lockSets[fn] = m // breaks cycles
	for _, l := range fn.locked {
		if _, ok := m[l.p.last()]; !ok {
			m[l.p.last()] = l.pos
		}
	}
	for _, callee := range st.statics(fn).callees {
		if g := st.byObj[callee]; g != nil {
			for o, pos := range st.lockSet(g) {
				if _, ok := m[o]; !ok {
					m[o] = pos
				}
			}
		}
	}
	return m
}
