package ignoredsend

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// This file recognizes a request/reply pair of channels: a worker
// goroutine ranges over a request channel Q and answers each request
// with one send on a reply channel R; every requester sends on Q and
// then, on every path, receives from R (minio-go's Object: doGetRequest
// sends on o.reqCh, or returns on ctx.Done() before sending, then waits
// on o.resCh). Then
//   - the worker's reply cannot block forever: the requester whose
//     request it took is waiting for it (each requester receives once
//     per request, each request gets at most one reply);
//   - the requester's receive is answered: the worker that took the
//     request replies on every path, or returns and closes R (a
//     deferred close(R)), which wakes the receive too.
//
// Q and R are channels a function makes (the pair's origin), followed
// where the package passes them: to parameters of its own functions and
// into fields of a struct literal that stores both (&Object{reqCh: q,
// resCh: r}); every other escape makes the pair unknown. The requester
// side is checked on every send on Q: a requester that can return
// between its send and its receive (a select on R and ctx.Done()) would
// leave the worker's reply waiting, and then nothing is quiet.

// A replyPair is what the package does with one reply channel.
type replyPair struct {
	ok bool
	// workerSends are the sends on R: all in the body of the worker's
	// range over Q.
	workerSends map[ast.Node]bool
	// requests are the receives from R that follow a request on Q.
	requests map[ast.Node]bool
	// atMostOne: no path of an iteration of the worker replies twice.
	atMostOne bool
	// answers: every path of an iteration replies, or returns with R
	// closed by a deferred close.
	answers bool
}

// A chanAliases is where the package puts one channel it makes: local
// variables and parameters (with the function whose body uses them),
// and struct fields (with the composite literal that stores them).
type chanAliases struct {
	vars   map[*types.Var]ast.Node
	fields map[types.Object]ast.Node
	sends  []inspector.Cursor // *ast.SendStmt on any alias
	recvs  []inspector.Cursor // <-x on any alias
	ranges []inspector.Cursor // *ast.RangeStmt over any alias
}

func (a *chanAliases) has(info *types.Info, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := info.Uses[e].(*types.Var)
		_, found := a.vars[v]
		return ok && found
	case *ast.SelectorExpr:
		if s := info.Selections[e]; s != nil && s.Kind() == types.FieldVal {
			_, found := a.fields[s.Obj()]
			return found
		}
	}
	return false
}

// workerReply reports whether the send at cur is the reply of a worker
// to a request whose requester waits for it (see replyPair).
func (c *checker) workerReply(cur inspector.Cursor, send *ast.SendStmt) bool {
	p := c.replyPairOf(cur, send.Chan)
	return p != nil && p.ok && p.atMostOne && p.workerSends[send]
}

// answeredRecv reports whether the receive u at cur waits for the reply
// to a request just made, which the worker answers (see replyPair).
func (c *checker) answeredRecv(cur inspector.Cursor, u *ast.UnaryExpr) bool {
	p := c.replyPairOf(cur, u.X)
	return p != nil && p.ok && p.answers && p.requests[u]
}

// replyPairOf returns the pair whose reply channel the expression ch at
// cur denotes, or nil.
func (c *checker) replyPairOf(cur inspector.Cursor, ch ast.Expr) *replyPair {
	origin, fn := c.originLocal(cur, ch, 0)
	if origin == nil {
		return nil
	}
	if p, ok := c.pairs[origin]; ok {
		return p
	}
	if c.pairs == nil {
		c.pairs = make(map[*types.Var]*replyPair)
	}
	p := &replyPair{}
	c.pairs[origin] = p // a cycle sees the pair as unknown
	c.buildPair(p, origin, fn)
	return p
}

// originLocal returns the local channel variable, made by make in its
// function (also returned), whose channel the expression e at cur
// holds: e itself, a parameter of a function the package only calls,
// from one call, or a field stored once, in a composite literal.
func (c *checker) originLocal(cur inspector.Cursor, e ast.Expr, depth int) (*types.Var, inspector.Cursor) {
	if depth > maxParamDepth+1 {
		return nil, inspector.Cursor{}
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := c.info.Uses[x].(*types.Var)
		if !ok || v.IsField() {
			return nil, inspector.Cursor{}
		}
		made := false
		c.declOf(v, func(decl ast.Node, rhs ast.Expr) {
			if _, _, ok := chans.MakeChan(c.info, rhs); ok {
				if as, isAssign := decl.(*ast.AssignStmt); isAssign && as.Tok == token.DEFINE || !isAssign {
					made = true
				}
			}
		})
		if made {
			id, ok := c.in.FindByPos(v.Pos(), v.Pos()+token.Pos(len(v.Name())))
			if !ok {
				return nil, inspector.Cursor{}
			}
			fn, ok := scope.Func(id)
			if !ok {
				return nil, inspector.Cursor{}
			}
			return v, fn
		}
		pf, ok := c.paramOf(cur, v)
		if !ok || len(pf.calls) != 1 {
			return nil, inspector.Cursor{}
		}
		args := pf.calls[0].Node().(*ast.CallExpr).Args
		if pf.index >= len(args) {
			return nil, inspector.Cursor{}
		}
		return c.originLocal(pf.calls[0], args[pf.index], depth+1)
	case *ast.SelectorExpr:
		f := c.channelField(x)
		if f == nil {
			return nil, inspector.Cursor{}
		}
		st := c.fieldStoresOf(f)
		if len(st) != 1 || !st[0].lit.Valid() {
			return nil, inspector.Cursor{}
		}
		return c.originLocal(st[0].lit, st[0].value, depth+1)
	}
	return nil, inspector.Cursor{}
}

// A fieldStore is a value the package stores into a field: in a
// composite literal (lit), or by an assignment (lit invalid).
type fieldStore struct {
	lit   inspector.Cursor
	value ast.Expr
}

// fieldStoresOf returns the values the package's non-test code stores
// into the channel field f.
func (c *checker) fieldStoresOf(f types.Object) []fieldStore {
	if c.stores == nil {
		c.stores = make(map[types.Object][]fieldStore)
		for n := range c.in.Preorder((*ast.CompositeLit)(nil), (*ast.AssignStmt)(nil)) {
			if c.inTestFile(n.Node().Pos()) {
				continue
			}
			switch x := n.Node().(type) {
			case *ast.CompositeLit:
				if !mayBeStruct(x) {
					continue
				}
				st, ok := typeparamsFree(c.info.TypeOf(x)).(*types.Struct)
				if !ok || !c.hasChanField(st) {
					continue
				}
				for i, elt := range x.Elts {
					var field types.Object
					val := elt
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							field = c.info.ObjectOf(id)
						}
						val = kv.Value
					} else if i < st.NumFields() {
						field = st.Field(i)
					}
					if field != nil && chans.Of(field.Type()) != nil {
						c.stores[field] = append(c.stores[field], fieldStore{lit: n, value: val})
					}
				}
			case *ast.AssignStmt:
				for i, l := range x.Lhs {
					if f := c.channelField(l); f != nil && chans.Of(f.Type()) != nil {
						var val ast.Expr
						if len(x.Lhs) == len(x.Rhs) {
							val = x.Rhs[i]
						}
						c.stores[f] = append(c.stores[f], fieldStore{value: val})
					}
				}
			}
		}
	}
	return c.stores[f]
}

// aliasesOf follows the channel the local v holds (declared in the
// function at fn) to every variable and field the package puts it in,
// or returns false when it goes anywhere else.
func (c *checker) aliasesOf(v *types.Var, fn inspector.Cursor) (*chanAliases, bool) {
	a := &chanAliases{vars: make(map[*types.Var]ast.Node), fields: make(map[types.Object]ast.Node)}
	if !c.followVar(a, v, fn, 0) {
		return nil, false
	}
	return a, true
}

func (c *checker) followVar(a *chanAliases, v *types.Var, fn inspector.Cursor, depth int) bool {
	if _, seen := a.vars[v]; seen {
		return true
	}
	if depth > maxParamDepth {
		return false
	}
	a.vars[v] = fn.Node()
	body := scope.Body(fn)
	if body == nil {
		return false
	}
	bodyCur, _ := fn.FindNode(body)
	for id := range bodyCur.Preorder((*ast.Ident)(nil)) {
		if c.info.Uses[id.Node().(*ast.Ident)] != v {
			continue
		}
		use := id
		for use.ParentEdgeKind() == edge.ParenExpr_X {
			use = use.Parent()
		}
		parent := use.Parent()
		switch use.ParentEdgeKind() {
		case edge.SendStmt_Chan:
			a.sends = append(a.sends, parent)
		case edge.UnaryExpr_X:
			if parent.Node().(*ast.UnaryExpr).Op != token.ARROW {
				return false
			}
			a.recvs = append(a.recvs, parent)
		case edge.RangeStmt_X:
			a.ranges = append(a.ranges, parent)
		case edge.BinaryExpr_X, edge.BinaryExpr_Y:
		case edge.CallExpr_Args:
			call := parent.Node().(*ast.CallExpr)
			if calls.IsBuiltin(c.info, call, "close") || calls.IsBuiltin(c.info, call, "len") || calls.IsBuiltin(c.info, call, "cap") {
				continue
			}
			callee := calls.Callee(c.info, call)
			if callee == nil || callee.Pkg() != c.pass.Pkg {
				return false
			}
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if s := c.info.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
					return false // T.m(recv, ...): the arguments shift
				}
			}
			decl, ok := c.funcs().decl(callee.Origin())
			sig := callee.Signature()
			i := use.ParentEdgeIndex()
			if !ok || call.Ellipsis.IsValid() || sig.Variadic() && i >= sig.Params().Len()-1 || i >= sig.Params().Len() {
				return false
			}
			p := callee.Origin().Signature().Params().At(i)
			if p.Name() == "" || p.Name() == "_" || chans.UsesOf(c.info, decl, p).Remade {
				return false
			}
			if !c.followVar(a, p, decl, depth+1) {
				return false
			}
		case edge.KeyValueExpr_Value:
			kv := parent.Node().(*ast.KeyValueExpr)
			lit := parent.Parent()
			if _, ok := lit.Node().(*ast.CompositeLit); !ok {
				return false
			}
			key, ok := kv.Key.(*ast.Ident)
			if !ok {
				return false
			}
			f, ok := c.info.ObjectOf(key).(*types.Var)
			if !ok || !f.IsField() || !c.followField(a, f, lit) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// followField adds the field f, stored in the composite literal lit,
// with its operations; false when the package stores anything else in
// f or its value goes elsewhere.
func (c *checker) followField(a *chanAliases, f types.Object, lit inspector.Cursor) bool {
	if _, seen := a.fields[f]; seen {
		return false // stored twice
	}
	if f.Exported() {
		return false // code outside the package can use it as it likes
	}
	if st := c.fieldStoresOf(f); len(st) != 1 || st[0].lit != lit {
		return false
	}
	u := c.fieldUsesOf(f)
	if u.other {
		return false
	}
	a.fields[f] = lit.Node()
	a.sends = append(a.sends, u.sends...)
	a.recvs = append(a.recvs, u.recvs...)
	if u.ranges > 0 {
		a.ranges = append(a.ranges, c.fieldRanges(f)...)
	}
	return true
}

// fieldRanges returns the ranges over the channel field f in non-test
// code; one walk of the package finds those of every field.
func (c *checker) fieldRanges(f types.Object) []inspector.Cursor {
	if c.ranges == nil {
		c.ranges = make(map[types.Object][]inspector.Cursor)
		for cur := range c.in.Preorder((*ast.RangeStmt)(nil)) {
			rs := cur.Node().(*ast.RangeStmt)
			if field := c.channelField(rs.X); field != nil && !c.inTestFile(rs.Pos()) {
				c.ranges[field] = append(c.ranges[field], cur)
			}
		}
	}
	return c.ranges[f]
}

// buildPair fills p for the reply channel made as the local r in fn.
func (c *checker) buildPair(p *replyPair, r *types.Var, fn inspector.Cursor) {
	ar, ok := c.aliasesOf(r, fn)
	if !ok || len(ar.sends) == 0 {
		return
	}
	// Every reply is sent in the body of one range over Q, directly.
	var worker inspector.Cursor
	p.workerSends = make(map[ast.Node]bool)
	for _, s := range ar.sends {
		var loop inspector.Cursor
		for l := range scope.Loops(s) {
			loop = l
			break
		}
		if !loop.Valid() || worker.Valid() && loop != worker {
			return
		}
		if _, ok := loop.Node().(*ast.RangeStmt); !ok {
			return
		}
		worker = loop
		p.workerSends[s.Node()] = true
	}
	rs := worker.Node().(*ast.RangeStmt)
	q, qfn := c.originLocal(worker, rs.X, 0)
	if q == nil || q == r {
		return
	}
	aq, ok := c.aliasesOf(q, qfn)
	if !ok || len(aq.recvs) != 0 || len(aq.ranges) != 1 || aq.ranges[0] != worker {
		return // someone else takes requests (or Q goes elsewhere)
	}
	// Every request is followed by a receive of its reply.
	p.requests = make(map[ast.Node]bool)
	for _, s := range aq.sends {
		recv := c.requestThenReply(s, aq, ar)
		if recv == nil {
			return
		}
		p.requests[recv] = true
	}
	if len(p.requests) == 0 {
		return
	}
	// The worker's paths.
	wfn, _ := scope.Func(worker)
	w := &replyWalk{c: c, r: ar, closeOnExit: c.defersClose(wfn, ar)}
	if lab, ok := worker.Parent().Node().(*ast.LabeledStmt); ok {
		w.label = lab.Label.Name
	}
	p.answers = w.list(rs.Body.List, 0, func(sent int) bool { return sent >= 1 }, w.exit)
	p.atMostOne = !w.twice
	p.ok = true
	// Every receive from R waits for a reply: another one could take
	// the reply the requester waits for.
	if len(ar.ranges) > 0 || len(ar.recvs) != len(p.requests) {
		p.answers = false
	}
	for _, r := range ar.recvs {
		if !p.requests[r.Node()] {
			p.answers = false
		}
	}
	// A worker that may stop taking requests without closing R leaves
	// a request that a buffered Q took unanswered.
	if !w.closeOnExit && !c.unbufferedLocal(q) {
		p.answers = false
	}
}

// unbufferedLocal reports whether the local v is defined by an
// unbuffered make: make(chan T) or make(chan T, 0).
func (c *checker) unbufferedLocal(v *types.Var) bool {
	unbuffered := false
	c.declOf(v, func(_ ast.Node, rhs ast.Expr) {
		if _, capExpr, ok := chans.MakeChan(c.info, rhs); ok {
			k, known := int64(0), true
			if capExpr != nil {
				k, known = chans.ConstCap(c.info, capExpr)
			}
			unbuffered = known && k == 0
		}
	})
	return unbuffered
}

// requestThenReply checks the send on Q at s: it is a statement, or
// the send case of a select whose other cases all leave the function
// (they return before any request is made), and the statements after
// it in its block lead, without leaving, to a plain receive from the
// counterpart of Q in R: the variable of R in the same function, or
// the field of R stored next to Q's, on the same object. It returns
// that receive, or nil.
func (c *checker) requestThenReply(s inspector.Cursor, aq, ar *chanAliases) ast.Node {
	send := s.Node().(*ast.SendStmt)
	// The counterpart of Q's expression in R.
	var isReply func(e ast.Expr) bool
	switch x := ast.Unparen(send.Chan).(type) {
	case *ast.Ident:
		fn := aq.vars[c.info.Uses[x].(*types.Var)]
		isReply = func(e ast.Expr) bool {
			id, ok := ast.Unparen(e).(*ast.Ident)
			if !ok {
				return false
			}
			v, ok := c.info.Uses[id].(*types.Var)
			f, found := ar.vars[v]
			return ok && found && f == fn
		}
	case *ast.SelectorExpr:
		lit := aq.fields[c.channelField(x)]
		root := types.ExprString(x.X)
		isReply = func(e ast.Expr) bool {
			sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
			if !ok || types.ExprString(sel.X) != root {
				return false
			}
			l, found := ar.fields[c.channelField(sel)]
			return found && l == lit
		}
	default:
		return nil
	}
	stmt := s
	if s.ParentEdgeKind() == edge.CommClause_Comm {
		clause := s.Parent().Node().(*ast.CommClause)
		sel := s.Parent().Parent().Parent()
		for _, cc := range sel.Node().(*ast.SelectStmt).Body.List {
			cc := cc.(*ast.CommClause)
			if cc == clause {
				if leavesSomewhere(c, cc.Body) {
					return nil
				}
				continue
			}
			if len(cc.Body) == 0 || !c.returnsOrPanics(cc.Body[len(cc.Body)-1]) {
				return nil
			}
		}
		stmt = sel
	}
	if !isListEdge(stmt.ParentEdgeKind()) {
		return nil
	}
	for next, ok := stmt.NextSibling(); ok; next, ok = next.NextSibling() {
		var rhs ast.Expr
		switch n := next.Node().(type) {
		case *ast.ExprStmt:
			rhs = n.X
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 {
				rhs = n.Rhs[0]
			}
		}
		if u, ok := ast.Unparen(rhs).(*ast.UnaryExpr); ok && u.Op == token.ARROW && isReply(u.X) {
			return u
		}
		if leavesSomewhere(c, []ast.Stmt{next.Node().(ast.Stmt)}) || c.touches(next.Node(), aq, ar) {
			return nil
		}
	}
	return nil
}

// leavesSomewhere reports whether the statements hold a return, a
// branch statement or a call of panic (outside function literals).
func leavesSomewhere(c *checker, stmts []ast.Stmt) bool {
	found := false
	for _, s := range stmts {
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt, *ast.BranchStmt:
				found = true
			case *ast.CallExpr:
				if calls.IsBuiltin(c.info, n, "panic") {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// touches reports whether n operates on a channel of the pair.
func (c *checker) touches(n ast.Node, sets ...*chanAliases) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		var e ast.Expr
		switch n := n.(type) {
		case *ast.SendStmt:
			e = n.Chan
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				e = n.X
			}
		}
		for _, a := range sets {
			if e != nil && a.has(c.info, e) {
				found = true
			}
		}
		return !found
	})
	return found
}

// defersClose reports whether the function at fn defers close of a
// variable of the set a at its top level.
func (c *checker) defersClose(fn inspector.Cursor, a *chanAliases) bool {
	body := scope.Body(fn)
	if body == nil {
		return false
	}
	for _, s := range body.List {
		d, ok := s.(*ast.DeferStmt)
		if ok && calls.IsBuiltin(c.info, d.Call, "close") && len(d.Call.Args) == 1 && a.has(c.info, d.Call.Args[0]) {
			return true
		}
	}
	return false
}

// A replyWalk follows the paths of one iteration of the worker's loop,
// counting replies (0, 1, 2 for more).
type replyWalk struct {
	c           *checker
	r           *chanAliases
	label       string // the label of the worker's loop, if any
	closeOnExit bool
	twice       bool // a path replies twice
	// breaks are where a break naming a labeled switch or select of
	// the iteration goes.
	breaks map[string]func(int) bool
}

// exit is the continuation of leaving the worker's loop or function:
// answered when a reply was sent, or R gets closed.
func (w *replyWalk) exit(sent int) bool { return sent >= 1 || w.closeOnExit }

// list reports whether every path through stmts, then k, answers;
// brk is where an unlabeled break goes.
func (w *replyWalk) list(stmts []ast.Stmt, sent int, k, brk func(int) bool) bool {
	if len(stmts) == 0 {
		return k(sent)
	}
	var memo [3]int8
	rest := func(s int) bool {
		if memo[s] == 0 {
			memo[s] = 2
			if w.list(stmts[1:], s, k, brk) {
				memo[s] = 1
			}
		}
		return memo[s] == 1
	}
	return w.stmt(stmts[0], sent, rest, brk)
}

func (w *replyWalk) stmt(s ast.Stmt, sent int, k, brk func(int) bool) bool {
	c := w.c
	switch s := s.(type) {
	case *ast.SendStmt:
		if w.r.has(c.info, s.Chan) {
			if sent >= 1 {
				w.twice = true
			}
			return k(min(sent+1, 2))
		}
	case *ast.ReturnStmt:
		if w.sends(s) {
			return w.fail()
		}
		return w.exit(sent)
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok && calls.IsBuiltin(c.info, call, "panic") {
			return w.exit(sent)
		}
	case *ast.BranchStmt:
		switch {
		case s.Tok == token.CONTINUE && (s.Label == nil || w.labels(s.Label)):
			return sent >= 1 // the iteration ends
		case s.Tok == token.BREAK && s.Label == nil:
			return brk(sent)
		case s.Tok == token.BREAK && w.labels(s.Label):
			return w.exit(sent)
		case s.Tok == token.BREAK && w.breaks[s.Label.Name] != nil:
			return w.breaks[s.Label.Name](sent)
		case s.Tok == token.GOTO:
			return w.fail() // it may come back to a reply
		}
		return false // it leaves the worker's loop for an outer one
	case *ast.BlockStmt:
		return w.list(s.List, sent, k, brk)
	case *ast.LabeledStmt:
		switch s.Stmt.(type) {
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			if w.breaks == nil {
				w.breaks = make(map[string]func(int) bool)
			}
			w.breaks[s.Label.Name] = k
			defer delete(w.breaks, s.Label.Name)
		}
		return w.stmt(s.Stmt, sent, k, brk)
	case *ast.IfStmt:
		if w.sends(s.Init) || w.sends(s.Cond) {
			return w.fail()
		}
		ok := w.list(s.Body.List, sent, k, brk)
		if s.Else == nil {
			return k(sent) && ok
		}
		return w.stmt(s.Else, sent, k, brk) && ok
	case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		var body *ast.BlockStmt
		switch s := s.(type) {
		case *ast.SwitchStmt:
			if w.sends(s.Init) || w.sends(s.Tag) {
				return w.fail()
			}
			body = s.Body
		case *ast.TypeSwitchStmt:
			body = s.Body
		case *ast.SelectStmt:
			body = s.Body
		}
		ok, hasDefault := true, false
		for _, cl := range body.List {
			start := sent
			var stmts []ast.Stmt
			switch cl := cl.(type) {
			case *ast.CaseClause:
				hasDefault = hasDefault || cl.List == nil
				stmts = cl.Body
			case *ast.CommClause:
				hasDefault = true // a select takes one of its cases
				if send, isSend := cl.Comm.(*ast.SendStmt); isSend && w.r.has(c.info, send.Chan) {
					if sent >= 1 {
						w.twice = true
					}
					start = min(sent+1, 2)
				}
				stmts = cl.Body
			}
			if n := len(stmts); n > 0 {
				if b, ok := stmts[n-1].(*ast.BranchStmt); ok && b.Tok == token.FALLTHROUGH {
					return w.fail()
				}
			}
			ok = w.list(stmts, start, k, k) && ok
		}
		if !hasDefault {
			ok = k(sent) && ok
		}
		return ok
	case *ast.ForStmt, *ast.RangeStmt:
		// A nested loop may run any number of times: no reply in it,
		// and no branch out of it.
		if w.sends(s) {
			return w.fail()
		}
		if w.branchesOut(s) {
			return false
		}
		if w.returns(s) && !w.exit(sent) {
			return false
		}
		return k(sent)
	}
	if w.sends(s) {
		return w.fail() // a reply where the walk cannot count it
	}
	return k(sent)
}

// fail records that the replies cannot be counted.
func (w *replyWalk) fail() bool {
	w.twice = true
	return false
}

// labels reports whether label names the worker's loop.
func (w *replyWalk) labels(label *ast.Ident) bool {
	return label.Name == w.label
}

// sends reports whether n (nil allowed) sends on R anywhere, function
// literals included.
func (w *replyWalk) sends(n ast.Node) bool {
	if n == nil {
		return false
	}
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if s, ok := n.(*ast.SendStmt); ok && w.r.has(w.c.info, s.Chan) {
			found = true
		}
		return !found
	})
	return found
}

// returns reports whether n holds a return (outside function literals).
func (w *replyWalk) returns(n ast.Node) bool {
	return scope.AnyOutsideLiterals(n, func(n ast.Node) bool {
		_, ok := n.(*ast.ReturnStmt)
		return ok
	})
}

// branchesOut reports whether a loop nested in the worker's holds a
// labeled branch or a goto, which may leave it.
func (w *replyWalk) branchesOut(n ast.Node) bool {
	return scope.AnyOutsideLiterals(n, func(n ast.Node) bool {
		br, ok := n.(*ast.BranchStmt)
		return ok && (br.Label != nil || br.Tok == token.GOTO)
	})
}

// perRequestReply reports whether a non-blocking send goes on a reply
// channel made for one request: a channel parameter of a function the
// package only calls (setProbeChannels(seqNo, ackCh, ...)), for which
// every caller passes a channel it makes itself, buffered (a constant
// capacity of at least one, or one that is not constant), hands to this
// call only and receives from (the waiter). The buffer is the room the
// waiter gave for the answers it wants; when it is full, answers to the
// same request are pending already and the waiter, which reads the
// first ones, loses nothing it would read when a later one is dropped.
// The default then only keeps the answering side (a packet handler, a
// timer) from blocking on a waiter that has timed out and left.
func (c *checker) perRequestReply(cur inspector.Cursor, send *ast.SendStmt) bool {
	id, ok := ast.Unparen(send.Chan).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || v.IsField() {
		return false
	}
	sendCur, ok := cur.FindNode(send)
	if !ok {
		return false
	}
	pf, ok := c.paramOf(sendCur, v)
	if !ok || len(pf.calls) == 0 {
		return false
	}
	for _, call := range pf.calls {
		args := call.Node().(*ast.CallExpr).Args
		if pf.index >= len(args) {
			return false
		}
		l := c.local(call, args[pf.index])
		if l == nil || l.Make == nil || l.Remade || l.Escapes || len(l.Passed) != 1 || l.Passed[0] != call {
			return false
		}
		if k, known := l.ConstCap(c.info); known && k < 1 {
			return false
		}
		if len(l.Recvs) == 0 && len(l.Ranges) == 0 {
			return false
		}
		// One request per make: no loop runs the call again on the
		// same channel.
		for loop := range scope.Loops(call) {
			if n := loop.Node(); !(n.Pos() <= l.Make.Pos() && l.Make.End() <= n.End()) {
				return false
			}
		}
	}
	return true
}
