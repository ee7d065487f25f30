package ignoredsend

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/cfg"

	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/flow"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// This file decides, for a channel a function makes itself, whether a
// send on it can be left waiting: it cannot when the buffer holds every
// send the function can make, or when a receiver that does not leave
// early is certain to run.

// A localFunc holds the local channels of one function.
type localFunc struct {
	cur     inspector.Cursor
	byVar   map[*types.Var]*localChan
	byField map[fieldKey]*localChan
}

type fieldKey struct {
	v     *types.Var
	field types.Object
}

// A localChan is a local channel with its lazily computed verdict.
type localChan struct {
	*chans.Local
	maker   inspector.Cursor
	decided bool
	assured bool // every send completes: buffered for all, or drained
	// fanoutDecided and fanout cache fanoutModels.
	fanoutDecided, fanout bool
}

// local returns the channel that e denotes when the function enclosing
// cur, or one enclosing it, makes it; otherwise nil. Besides variables,
// it knows fields of a struct the function makes: x.ch, where
// x := &T{ch: make(chan E, n)}; for those only the buffer counts, as
// the struct may go anywhere.
func (c *checker) local(cur inspector.Cursor, e ast.Expr) *localChan {
	if sel, ok := ast.Unparen(e).(*ast.SelectorExpr); ok {
		return c.localField(cur, sel)
	}
	v, ok := chans.Obj(c.info, e).(*types.Var)
	if !ok || v.IsField() || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
		return nil
	}
	for fn := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		body := scope.Body(fn)
		if body == nil || v.Pos() < body.Pos() || v.Pos() >= body.End() {
			continue
		}
		return c.localFuncOf(fn).byVar[v]
	}
	return nil
}

// sendsAssured reports whether every send on l completes: the buffer
// holds all the sends the function can make, or a receiver drains the
// channel on every path.
func (c *checker) sendsAssured(l *localChan) bool {
	if !l.decided {
		l.decided = true
		l.assured = c.decideAssured(l)
	}
	return l.assured
}

func (c *checker) decideAssured(l *localChan) bool {
	if l.Remade {
		return false
	}
	total := c.sendTotal(l)
	if covers(c.capOf(l), total) {
		return true
	}
	if _, isConst := l.ConstCap(c.info); !isConst && !l.Escapes {
		// make(chan T, n) for work the function keeps to itself: sized
		// for it, in a relation the analyzer cannot follow (a worker
		// pool filling a buffer of one slot per item).
		return true
	}
	if l.Escapes || len(l.Passed) > 0 {
		return false // a receiver the function cannot see
	}
	return c.drained(l, total)
}

// A mult is how many times something runs: k, k*sym, or unknown.
type mult struct {
	inf bool
	k   int64
	sym string // a symbolic factor: "len(xs)", "n"; "" for none
}

var unknown = mult{inf: true}

func (m mult) times(f mult) mult {
	if m.inf || f.inf || (m.sym != "" && f.sym != "") || m.k > 1<<20 || f.k > 1<<20 {
		return unknown
	}
	return mult{k: m.k * f.k, sym: m.sym + f.sym}
}

// A total sums mults: a constant part and symbolic parts.
type total struct {
	inf  bool
	k    int64
	syms map[string]int64
}

func (t *total) add(m mult) {
	switch {
	case m.inf:
		t.inf = true
	case m.sym == "":
		t.k += m.k
	default:
		if t.syms == nil {
			t.syms = make(map[string]int64)
		}
		t.syms[m.sym] += m.k
	}
}

// capOf returns the capacity of l as a mult.
func (c *checker) capOf(l *localChan) mult {
	if n, ok := l.ConstCap(c.info); ok {
		return mult{k: n}
	}
	return mult{k: 1, sym: types.ExprString(l.Cap)}
}

// covers reports whether a buffer of capacity cp holds t sends.
func covers(cp mult, t total) bool {
	if t.inf || cp.inf {
		return false
	}
	if cp.sym == "" {
		return len(t.syms) == 0 && t.k <= cp.k
	}
	return t.k == 0 && len(t.syms) == 1 && t.syms[cp.sym] > 0 && t.syms[cp.sym] <= cp.k
}

// sendTotal counts the sends on l per execution of its maker that can
// fill its buffer. Sends in one loop body or function that exclude each
// other (each is the last send on its path, as in `if err != nil { ch
// <- err; return }; ch <- nil`) count once. When the maker's own sends
// each end it (a send, then return) and every goroutine or callback
// that sends is started after them, those and the later sends exclude
// each other too. A send guarded by `len(ch) < cap` does not count.
func (c *checker) sendTotal(l *localChan) total {
	type group struct {
		m        mult
		n        int64
		terminal bool
		first    token.Pos // earliest anchor of its sends in the maker
		last     token.Pos // latest send
	}
	groups := make(map[ast.Node]*group)
	var order []ast.Node
	for _, op := range l.Sends {
		stmt := op.Cursor
		if op.Case != nil {
			for s := range op.Cursor.Enclosing((*ast.SelectStmt)(nil)) {
				stmt = s
				break
			}
		}
		if c.lenGuarded(stmt, l) {
			continue
		}
		ctx, m := c.multiplicity(stmt, l.maker)
		if c.countdown(stmt) {
			// Only the goroutine that counts down to zero sends: once
			// per run of the maker.
			ctx, m = stmt, mult{k: 1}
		} else if endsRun(stmt) {
			// The send ends its function: once per run of it, loops
			// around it within the function notwithstanding.
			if fn, ok := scope.Func(stmt); ok {
				ctx, m = fn, c.runsOf(fn, l.maker)
			}
		}
		g := groups[ctx.Node()]
		if g == nil {
			g = &group{m: m, terminal: true, first: token.NoPos}
			groups[ctx.Node()] = g
			order = append(order, ctx.Node())
		}
		g.n++
		if g.terminal && !c.lastSend(stmt, ctx, l) {
			g.terminal = false
		}
		if a := c.anchor(op.Cursor, l.maker); a != nil && (g.first == token.NoPos || a.Pos() < g.first) {
			g.first = a.Pos()
		} else if a == nil {
			g.first = l.maker.Node().Pos() // unknown: as early as possible
		}
		g.last = max(g.last, stmt.Node().End())
	}
	count := func(g *group) mult {
		if g.terminal {
			return g.m
		}
		return g.m.times(mult{k: g.n})
	}
	var t total
	own := groups[l.maker.Node()]
	exclusive := own != nil && own.terminal && len(groups) > 1
	for _, n := range order {
		if g := groups[n]; exclusive && g != own && g.first < own.last {
			exclusive = false
		}
	}
	for _, n := range order {
		if g := groups[n]; !exclusive || g != own {
			t.add(count(g))
		}
	}
	if exclusive && !t.inf && len(t.syms) == 0 && t.k == 0 {
		t.add(count(own)) // max(own, others) when the others send nothing that counts
	}
	return t
}

// lenGuarded reports whether the send statement at cur only runs while
// the buffer has room: inside `if len(ch) < cap {...}` or a loop `for
// ... && len(ch) < cap`, with no other send on l in that body.
func (c *checker) lenGuarded(cur inspector.Cursor, l *localChan) bool {
	if l.Cap == nil {
		return false
	}
	return c.guarded(cur, types.ExprString(l.Cap), l.Sends)
}

// guarded reports whether the send statement at cur only runs while its
// channel has room: inside `if len(ch) < capText {...}` (or cap(ch)) or
// a loop `for ... && len(ch) < capText`, with no other send of sends in
// that body. capText may be "" when the capacity is unknown.
func (c *checker) guarded(cur inspector.Cursor, capText string, sends []chans.Op) bool {
	send, ok := cur.Node().(*ast.SendStmt)
	if !ok {
		return false
	}
	ch := types.ExprString(send.Chan)
	for anc := range cur.Enclosing((*ast.IfStmt)(nil), (*ast.ForStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		var cond ast.Expr
		var body *ast.BlockStmt
		switch n := anc.Node().(type) {
		case *ast.IfStmt:
			cond, body = n.Cond, n.Body
		case *ast.ForStmt:
			cond, body = n.Cond, n.Body
		default:
			return false
		}
		if body.Pos() > send.Pos() || send.End() > body.End() {
			continue // in the else branch or the header
		}
		if hasLenGuard(cond, ch, capText) {
			n := 0
			for _, op := range sends {
				if p := op.Cursor.Node().Pos(); body.Pos() <= p && p < body.End() {
					n++
				}
			}
			return n <= 1
		}
	}
	return false
}

// hasLenGuard reports whether cond requires len(ch) < capText (or
// cap(ch)) in a chain of &&.
func hasLenGuard(cond ast.Expr, ch, capText string) bool {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return false
	}
	switch b.Op {
	case token.LAND:
		return hasLenGuard(b.X, ch, capText) || hasLenGuard(b.Y, ch, capText)
	case token.LSS:
		return isCall(b.X, "len", ch) && (capText != "" && types.ExprString(b.Y) == capText || isCall(b.Y, "cap", ch))
	case token.GTR:
		return isCall(b.Y, "len", ch) && (capText != "" && types.ExprString(b.X) == capText || isCall(b.X, "cap", ch))
	}
	return false
}

func isCall(e ast.Expr, fn, arg string) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	id, ok := call.Fun.(*ast.Ident)
	return ok && id.Name == fn && types.ExprString(call.Args[0]) == arg
}

// multiplicity returns the innermost loop or function enclosing the
// statement at cur, and how many times the statement runs per run of
// maker: the product of the trip counts of the loops around it, where
// function literals in between are started or called where they stand.
func (c *checker) multiplicity(cur, maker inspector.Cursor) (inspector.Cursor, mult) {
	m := mult{k: 1}
	var ctx inspector.Cursor
	for anc := range cur.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if anc == cur {
			continue
		}
		if !ctx.Valid() {
			ctx = anc
		}
		if anc == maker {
			return ctx, m
		}
		switch n := anc.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			m = m.times(c.tripCount(n.(ast.Stmt)))
		case *ast.FuncLit:
			if _, ok := scope.Goroutine(c.info, anc); ok {
				continue
			}
			if callback(anc) {
				continue
			}
			return ctx, unknown // a function value stored away: runs any number of times
		default:
			return ctx, unknown
		}
	}
	return ctx, unknown
}

// runsOf returns how many times the function at fn runs per run of
// maker, which encloses it or is it.
func (c *checker) runsOf(fn, maker inspector.Cursor) mult {
	if fn == maker {
		return mult{k: 1}
	}
	if _, ok := scope.Goroutine(c.info, fn); !ok && !callback(fn) {
		return unknown
	}
	_, m := c.multiplicity(fn, maker)
	return m
}

// endsRun reports whether the statement at cur is the last its
// function runs: a return follows it, or the end of the function body,
// on the way out of the ifs, cases and blocks around it (not loops).
func endsRun(cur inspector.Cursor) bool {
	next, k := stmtAfter(cur)
	if k == afterStmt {
		_, isRet := next.Node().(*ast.ReturnStmt)
		return isRet
	}
	return k == afterFunc
}

// tripCount returns how many times a loop runs its body, when the loop
// says: range over a slice, map, array, or integer; for i := 0; i < n; i++.
func (c *checker) tripCount(loop ast.Stmt) mult {
	switch loop := loop.(type) {
	case *ast.RangeStmt:
		t := c.info.TypeOf(loop.X)
		if t == nil {
			return unknown
		}
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		switch u := t.Underlying().(type) {
		case *types.Basic:
			if u.Info()&types.IsInteger != 0 {
				return c.countOf(loop.X)
			}
			if u.Info()&types.IsString != 0 {
				return mult{k: 1, sym: "len(" + types.ExprString(loop.X) + ")"}
			}
		case *types.Array:
			return mult{k: u.Len()}
		case *types.Slice, *types.Map:
			return mult{k: 1, sym: "len(" + types.ExprString(loop.X) + ")"}
		}
	case *ast.ForStmt:
		// for i := 0; i < n; i++
		init, ok := loop.Init.(*ast.AssignStmt)
		if !ok || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
			return unknown
		}
		id, ok := init.Lhs[0].(*ast.Ident)
		if !ok {
			return unknown
		}
		if tv := c.info.Types[init.Rhs[0]]; tv.Value == nil || constant.Sign(tv.Value) != 0 {
			return unknown
		}
		cond, ok := loop.Cond.(*ast.BinaryExpr)
		if !ok || cond.Op != token.LSS {
			return unknown
		}
		if x, ok := cond.X.(*ast.Ident); !ok || c.info.ObjectOf(x) != c.info.ObjectOf(id) {
			return unknown
		}
		post, ok := loop.Post.(*ast.IncDecStmt)
		if !ok || post.Tok != token.INC {
			return unknown
		}
		if x, ok := post.X.(*ast.Ident); !ok || c.info.ObjectOf(x) != c.info.ObjectOf(id) {
			return unknown
		}
		return c.countOf(cond.Y)
	}
	return unknown
}

// countOf returns the integer expression e as a count.
func (c *checker) countOf(e ast.Expr) mult {
	if tv := c.info.Types[e]; tv.Value != nil {
		if n, ok := constant.Int64Val(constant.ToInt(tv.Value)); ok && n >= 0 {
			return mult{k: n}
		}
		return unknown
	}
	return mult{k: 1, sym: types.ExprString(e)}
}

// lastSend reports whether, after the statement at cur, no other send
// on l can run before the end of the current iteration or call of ctx:
// every later statement is free of such sends, or one of them leaves.
func (c *checker) lastSend(cur, ctx inspector.Cursor, l *localChan) bool {
	for {
		switch cur.ParentEdgeKind() {
		case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
			for next, ok := cur.NextSibling(); ok; next, ok = next.NextSibling() {
				if c.leaves(next.Node()) {
					return true
				}
				if c.sendsIn(next.Node(), l) {
					return false
				}
			}
		}
		parent := cur.Parent()
		if parent == ctx {
			return true
		}
		switch parent.Node().(type) {
		case *ast.BlockStmt, *ast.IfStmt, *ast.CaseClause, *ast.CommClause, *ast.LabeledStmt,
			*ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			cur = parent
		default:
			return false
		}
	}
}

// leaves reports whether the statement ends the current iteration or
// call: return, continue, panic.
func (c *checker) leaves(s ast.Node) bool {
	if b, ok := s.(*ast.BranchStmt); ok {
		return b.Tok == token.CONTINUE && b.Label == nil
	}
	return c.returnsOrPanics(s)
}

// sendsIn reports whether some send on l lies inside n.
func (c *checker) sendsIn(n ast.Node, l *localChan) bool {
	for _, op := range l.Sends {
		if p := op.Cursor.Node().Pos(); n.Pos() <= p && p < n.End() {
			return true
		}
	}
	return false
}

// drained reports whether a receiver certainly takes every send on l:
// a range over l that does not stop early runs in a goroutine, or every
// path from each send reaches such a range (or, for a single send, any
// receive of l) in the function that makes l.
func (c *checker) drained(l *localChan, t total) bool {
	drains := make(map[ast.Stmt]bool)
	for _, rc := range l.Ranges {
		rs := rc.Node().(*ast.RangeStmt)
		if !c.noEarlyExit(rc) {
			continue
		}
		fn, _ := scope.Func(rc)
		if fn != l.maker {
			if _, ok := scope.InGoroutine(c.info, rc); ok {
				return true // a draining goroutine
			}
			continue
		}
		drains[rs] = true
	}
	// Counted receive loops: for range xs { v := <-ch; ... } where the
	// loop runs once per send.
	for _, op := range l.Recvs {
		if op.Case != nil {
			continue
		}
		if loop, ok := c.countedDrain(op.Cursor, l, t); ok {
			drains[loop] = true
		}
	}
	// The anchors through which the sends run. With a single anchor that
	// sends once per run (a goroutine started in a loop that receives
	// after each start), or a single send in all, any receive will do.
	anchors := make(map[ast.Node][]chans.Op)
	for _, op := range l.Sends {
		a := c.anchor(op.Cursor, l.maker)
		if a == nil {
			return false
		}
		anchors[a] = append(anchors[a], op)
	}
	single := !t.inf && len(t.syms) == 0 && t.k == 1
	perRun := false
	if len(anchors) == 1 {
		for a, ops := range anchors {
			perRun = c.oncePerRun(a, ops, l)
		}
	}
	if len(drains) == 0 && !single && !perRun {
		return false
	}
	body := scope.Body(l.maker)
	gr := c.graphs.Of(body)
	// Receives in the maker itself, and the select cases receiving.
	var recvs []ast.Node
	cases := make(map[*ast.CommClause]bool)
	comms := make(map[ast.Node]bool)
	for _, op := range l.Recvs {
		if fn, _ := scope.Func(op.Cursor); fn != l.maker {
			continue
		}
		if op.Case != nil {
			cases[op.Case] = true
			continue
		}
		recvs = append(recvs, op.Cursor.Node())
	}
	for _, s := range l.Sends {
		if s.Case != nil {
			comms[s.Case.Comm] = true
		}
	}
	for _, op := range l.Recvs {
		if op.Case != nil {
			comms[op.Case.Comm] = true
		}
	}
	for anchor := range anchors {
		b, i := gr.Block(anchor)
		if b == nil {
			return false
		}
		hit := func(anyRecv bool) func(b *cfg.Block, n ast.Node) bool {
			return func(b *cfg.Block, n ast.Node) bool {
				if n == nil { // entering b
					switch b.Kind {
					case cfg.KindRangeLoop, cfg.KindForLoop:
						return drains[b.Stmt]
					case cfg.KindSelectCaseBody:
						return anyRecv && cases[b.Stmt.(*ast.CommClause)]
					}
					return false
				}
				if !anyRecv || comms[n] {
					return false
				}
				for _, r := range recvs {
					if n.Pos() <= r.Pos() && r.End() <= n.End() {
						return true
					}
				}
				return false
			}
		}
		switch {
		case len(drains) > 0 && !leavesAvoiding(gr, anchor, hit(false), nil):
			// Every path reaches a drain.
		case single && !leavesAvoiding(gr, anchor, hit(true), nil):
			// The only send is received on every path.
		case perRun && !leavesAvoiding(gr, anchor, hit(true), b.Nodes[i]):
			// Each run's send is received before the next run.
		default:
			return false
		}
	}
	return true
}

// oncePerRun reports whether the sends ops, which all run through
// anchor, send at most once per run of it: a goroutine or callback
// whose sends on l exclude each other, or a single send statement.
func (c *checker) oncePerRun(anchor ast.Node, ops []chans.Op, l *localChan) bool {
	lit, ok := anchor.(*ast.FuncLit)
	if !ok {
		return len(ops) == 1
	}
	litCur, ok := l.maker.FindNode(lit)
	if !ok {
		return false
	}
	sub := &localChan{Local: &chans.Local{Cap: l.Cap, Sends: ops}, maker: litCur}
	t := c.sendTotal(sub)
	return !t.inf && len(t.syms) == 0 && t.k <= 1
}

// leavesAvoiding reports whether some path from just after the node
// from reaches the function's exit, or the node again, without hit
// returning true for a block it enters (hit(b, nil)) or a node it
// passes. A hit on the entry of a select case body (KindSelectCaseBody)
// is how a path that takes a receiving case is stopped: go/cfg
// evaluates the communications of all cases before the select branches.
func leavesAvoiding(gr *flow.Graph, from ast.Node, hit func(*cfg.Block, ast.Node) bool, again ast.Node) bool {
	_, ok := gr.MinCount(from, func(p flow.Point) flow.Mark {
		n := p.Node()
		switch {
		case n != nil && n == again:
			return flow.Leave
		case hit(p.Block, n):
			return flow.Stop
		}
		return flow.Pass
	}, nil)
	return ok
}

// anchor returns the node of maker's body through which the operation
// at op runs: the operation itself, or the function literal holding it
// that maker starts or calls. It returns nil for a function literal
// stored or passed along.
func (c *checker) anchor(op, maker inspector.Cursor) ast.Node {
	var outer inspector.Cursor
	for fn := range op.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if fn == maker {
			break
		}
		outer = fn
	}
	if !outer.Valid() {
		if op.ParentEdgeKind() == edge.CommClause_Comm {
			for s := range op.Enclosing((*ast.SelectStmt)(nil)) {
				return s.Node()
			}
		}
		return op.Node()
	}
	if _, ok := scope.Goroutine(c.info, outer); ok || callback(outer) {
		return outer.Node()
	}
	return nil
}

// countedDrain recognizes a loop of maker that receives from l once per
// iteration without leaving early, and runs once per send:
//
//	for range xs { if err := <-errc; err != nil { ... } }
func (c *checker) countedDrain(recv inspector.Cursor, l *localChan, t total) (ast.Stmt, bool) {
	// The statement of the loop body holding the receive, outside any
	// nested block.
	stmt := recv
	for {
		p := stmt.Parent()
		if p.ParentEdgeKind() == edge.ForStmt_Body || p.ParentEdgeKind() == edge.RangeStmt_Body {
			break
		}
		switch p.Node().(type) {
		case *ast.BlockStmt, *ast.FuncLit, *ast.FuncDecl, *ast.CaseClause, *ast.CommClause:
			return nil, false
		}
		stmt = p
	}
	loopCur := stmt.Parent().Parent()
	loop := loopCur.Node().(ast.Stmt)
	if fn, _ := scope.Func(loopCur); fn != l.maker {
		return nil, false
	}
	if rs, ok := loop.(*ast.RangeStmt); ok && chans.Obj(c.info, rs.X) == l.Var {
		return nil, false // a range over l itself: a drain only without early exit, see drained
	}
	trips := c.tripCount(loop)
	var tt total
	tt.add(trips)
	if tt.inf || t.inf || tt.k != t.k || len(tt.syms) != len(t.syms) {
		return nil, false
	}
	for s, n := range t.syms {
		if tt.syms[s] != n {
			return nil, false
		}
	}
	if !c.noEarlyExit(loopCur) {
		return nil, false
	}
	return loop, true
}

// noEarlyExit reports whether the loop at cur runs to its end: its body
// neither returns, nor breaks out of it, nor jumps, nor panics.
func (c *checker) noEarlyExit(cur inspector.Cursor) bool { return c.exitsOnlyIn(cur, nil) }

// exitsOnlyIn reports whether every way out of the loop at cur other
// than its end (a return, a break out of it, a goto, a call that does
// not return) lies inside the node allowed, when not nil.
func (c *checker) exitsOnlyIn(cur inspector.Cursor, allowed ast.Node) bool {
	var body *ast.BlockStmt
	switch n := cur.Node().(type) {
	case *ast.RangeStmt:
		body = n.Body
	case *ast.ForStmt:
		body = n.Body
	}
	bodyCur, ok := cur.FindNode(body)
	if !ok {
		return false
	}
	exits := false
	labels := make(map[string]bool) // labels declared inside the body
	for n := range bodyCur.Preorder((*ast.LabeledStmt)(nil)) {
		labels[n.Node().(*ast.LabeledStmt).Label.Name] = true
	}
	bodyCur.Inspect([]ast.Node{(*ast.FuncLit)(nil), (*ast.ReturnStmt)(nil), (*ast.BranchStmt)(nil), (*ast.CallExpr)(nil)}, func(n inspector.Cursor) bool {
		if exits {
			return false
		}
		if allowed != nil && allowed.Pos() <= n.Node().Pos() && n.Node().End() <= allowed.End() {
			return false
		}
		switch x := n.Node().(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			exits = true
		case *ast.BranchStmt:
			switch x.Tok {
			case token.GOTO:
				exits = true
			case token.BREAK:
				if x.Label != nil {
					exits = !labels[x.Label.Name]
				} else {
					exits = !breakable(n, bodyCur)
				}
			case token.CONTINUE:
				if x.Label != nil && !labels[x.Label.Name] {
					// continue of the loop's own label is fine
					if lab, ok := cur.Parent().Node().(*ast.LabeledStmt); !ok || lab.Label.Name != x.Label.Name {
						exits = true
					}
				}
			}
		case *ast.CallExpr:
			exits = !c.graphs.MayReturn(x)
		}
		return !exits
	})
	return !exits
}

// breakable reports whether an unlabeled break at n targets a statement
// nested inside body (a for, range, switch or select), not the loop.
func breakable(n, body inspector.Cursor) bool {
	for anc := range n.Enclosing() {
		if anc == body {
			return false
		}
		switch anc.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			return true
		}
	}
	return false
}

// callback reports whether the function literal at lit is called where
// it stands (by a call, go or defer), passed to a call, sent on a
// channel, put in a composite literal, or assigned to a local variable:
// taken to run once, after that point (a request handed to a serving
// goroutine). A literal stored in a field or returned runs at times the
// function cannot see.
func callback(lit inspector.Cursor) bool {
	switch lit.ParentEdgeKind() {
	case edge.CallExpr_Fun, edge.CallExpr_Args, edge.ValueSpec_Values,
		edge.SendStmt_Value, edge.KeyValueExpr_Value, edge.CompositeLit_Elts:
		return true
	case edge.AssignStmt_Rhs:
		as := lit.Parent().Node().(*ast.AssignStmt)
		i := lit.ParentEdgeIndex()
		if len(as.Lhs) == len(as.Rhs) {
			_, isIdent := as.Lhs[i].(*ast.Ident)
			return isIdent
		}
	}
	return false
}

// localField returns the channel x.f when the function that declares
// the variable x initializes it with a composite literal (or its
// address) whose field f is make(chan E, n), and assigns neither x nor
// x.f again.
func (c *checker) localField(cur inspector.Cursor, sel *ast.SelectorExpr) *localChan {
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || v.IsField() || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
		return nil
	}
	selection := c.info.Selections[sel]
	if selection == nil || selection.Kind() != types.FieldVal || len(selection.Index()) != 1 {
		return nil
	}
	field := selection.Obj()
	for fn := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		body := scope.Body(fn)
		if body == nil || v.Pos() < body.Pos() || v.Pos() >= body.End() {
			continue
		}
		lf := c.localFuncOf(fn)
		key := fieldKey{v, field}
		if l, ok := lf.byField[key]; ok {
			return l
		}
		l := c.makeLocalField(fn, v, field)
		lf.byField[key] = l
		return l
	}
	return nil
}

func (c *checker) localFuncOf(fn inspector.Cursor) *localFunc {
	lf := c.locals[fn.Node()]
	if lf == nil {
		lf = &localFunc{cur: fn, byVar: make(map[*types.Var]*localChan), byField: make(map[fieldKey]*localChan)}
		for _, l := range chans.Locals(c.info, fn) {
			lf.byVar[l.Var] = &localChan{Local: l, maker: fn}
		}
		c.locals[fn.Node()] = lf
	}
	return lf
}

func (c *checker) makeLocalField(fn inspector.Cursor, v *types.Var, field types.Object) *localChan {
	var mk *ast.CallExpr
	var capExpr ast.Expr
	defined := false
	var sends []chans.Op
	for n := range fn.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.SendStmt)(nil), (*ast.UnaryExpr)(nil)) {
		switch x := n.Node().(type) {
		case *ast.AssignStmt, *ast.ValueSpec:
			var lhs, rhs []ast.Expr
			if as, ok := x.(*ast.AssignStmt); ok {
				lhs, rhs = as.Lhs, as.Rhs
			} else {
				vs := x.(*ast.ValueSpec)
				for _, id := range vs.Names {
					lhs = append(lhs, id)
				}
				rhs = vs.Values
			}
			for i, l := range lhs {
				switch l := ast.Unparen(l).(type) {
				case *ast.Ident:
					if c.info.Defs[l] == v && len(lhs) == len(rhs) && !defined {
						defined = true
						mk, capExpr = c.fieldMake(rhs[i], field)
						if mk == nil {
							return nil
						}
					} else if c.info.Uses[l] == v {
						return nil // assigned again
					}
				case *ast.SelectorExpr:
					if id, ok := ast.Unparen(l.X).(*ast.Ident); ok && c.info.Uses[id] == v && c.info.Selections[l] != nil && c.info.Selections[l].Obj() == field {
						return nil // x.f = ...
					}
				}
			}
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				if id, ok := ast.Unparen(x.X).(*ast.Ident); ok && c.info.Uses[id] == v {
					return nil // &x: assigned elsewhere, maybe
				}
			}
		case *ast.SendStmt:
			if s, ok := ast.Unparen(x.Chan).(*ast.SelectorExpr); ok {
				if id, ok := ast.Unparen(s.X).(*ast.Ident); ok && c.info.Uses[id] == v && c.info.Selections[s] != nil && c.info.Selections[s].Obj() == field {
					op := chans.Op{Cursor: n}
					if n.ParentEdgeKind() == edge.CommClause_Comm {
						op.Case = n.Parent().Node().(*ast.CommClause)
					}
					sends = append(sends, op)
				}
			}
		}
	}
	if mk == nil {
		return nil
	}
	return &localChan{
		Local: &chans.Local{Make: mk, Cap: capExpr, Sends: sends, Escapes: true},
		maker: fn,
	}
}

// fieldMake finds make(chan E, n) as field f of the composite literal
// e or &e.
func (c *checker) fieldMake(e ast.Expr, field types.Object) (*ast.CallExpr, ast.Expr) {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, nil
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if id, ok := kv.Key.(*ast.Ident); ok && id.Name == field.Name() {
			if call, capExpr, ok := chans.MakeChan(c.info, kv.Value); ok {
				return call, capExpr
			}
			return nil, nil
		}
	}
	return nil, nil
}
