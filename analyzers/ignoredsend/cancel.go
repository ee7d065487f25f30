package ignoredsend

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/fixedit"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// exempt reports whether rule 1 and 2 stay quiet at cur: in tests, and
// in func main, where a blocked goroutine ends with the process.
func (c *checker) exempt(cur inspector.Cursor) bool {
	if c.isTest {
		return true
	}
	if c.pass.Pkg.Name() == "main" {
		for fd := range cur.Enclosing((*ast.FuncDecl)(nil)) {
			d := fd.Node().(*ast.FuncDecl)
			return d.Recv == nil && d.Name.Name == "main"
		}
	}
	return false
}

// sendStmt checks a send statement (not a select case).
func (c *checker) sendStmt(cur inspector.Cursor, send *ast.SendStmt) {
	if cur.ParentEdgeKind() == edge.CommClause_Comm || c.exempt(cur) {
		return
	}
	if chans.Of(c.info.TypeOf(send.Chan)) == nil {
		return
	}
	clause, stop := c.enclosingStop(cur)
	if clause != nil && clause.Comm != nil {
		if c.isStopCase(clause) {
			return // the stop has come: waiting on it again would skip the send
		}
		stop = nil // only a send in the default case is judged by the stop case
	}
	ctx, hasCtx := c.contextAt(cur)
	if stop == nil && !hasCtx {
		return
	}
	if l := c.local(cur, send.Chan); l != nil {
		if c.fanoutModels(l) {
			return // fanout's finding, if any: it knows the receiver's paths
		}
		if c.sendsAssured(l) || c.lenGuarded(cur, l) {
			return
		}
	}
	if c.paramAssured(cur, send.Chan) {
		return // every caller passes a channel drained until close, or with room
	}
	if c.oneShotField(cur, send) || c.rendezvousReply(cur, send) || c.poolPut(cur, send) || c.workerReply(cur, send) {
		return
	}
	if c.tokenPassed(send) {
		return // at most one token is ever pending: the buffer has room
	}
	if c.countedSend(cur) {
		return // the sends are counted against the buffer's capacity
	}
	if f := c.channelField(send.Chan); f != nil && c.receiverNeverStops(f) {
		return // the receiver comes back to the receive forever
	}
	if chans.DrainedBefore(cur, send.Chan) || c.guarded(cur, "", nil) {
		return // room was made or checked just before
	}
	if c.replyChan(cur, send.Chan) || c.semaphore(cur, send.Chan) || testHook(send.Chan) ||
		c.freshBuffer(cur, send) || c.lastBeforeClose(cur, send) {
		return
	}
	chText := types.ExprString(send.Chan)
	comm, ok := c.exprText(send)
	var d analysis.Diagnostic
	rule := ruleSend
	switch {
	case stop != nil && clause.Comm == nil:
		rule = ruleDefault
		d = analysis.Diagnostic{
			Pos: send.Pos(), End: send.End(),
			Message: fmt.Sprintf("send on %s in the default case blocks without watching %s, which the select polls: while the send waits, the stop is never seen, and if the receiver is gone the goroutine blocks forever; select on the send and %[2]s together",
				chText, caseText(stop)),
		}
		if ok {
			if fix, ok := c.stopFix(cur, comm, stop); ok {
				d.SuggestedFixes = append(d.SuggestedFixes, fix)
			} else if hasCtx {
				if fix, ok := c.ctxFix(cur, "", "case "+comm+":", ctx, giveUpSend); ok {
					d.SuggestedFixes = append(d.SuggestedFixes, fix)
				}
			}
		}
	case hasCtx:
		d = analysis.Diagnostic{
			Pos: send.Pos(), End: send.End(),
			Message: fmt.Sprintf("send on %s blocks until a receiver takes the value, but does not watch %s.Done(): if the receiver stops first, this goroutine blocks forever; select on the send and %[2]s.Done()",
				chText, ctx.Expr),
		}
		if ok {
			if fix, ok := c.ctxFix(cur, "", "case "+comm+":", ctx, giveUpSend); ok {
				d.SuggestedFixes = append(d.SuggestedFixes, fix)
			}
		}
	default:
		return
	}
	c.r.Report(rule, d)
}

// caseText renders the communication of a select case: "<-s.quit".
func caseText(cc *ast.CommClause) string {
	if e := chans.RecvChan(cc.Comm); e != nil {
		return "<-" + types.ExprString(e)
	}
	return "the stop case"
}

// enclosingStop returns the select clause whose body holds the
// statement at cur (within the same function), and the case of that
// select that waits for a stop: <-ctx.Done(), or a bare receive from a
// stop channel (a signal channel, or one named like done, stop, quit).
func (c *checker) enclosingStop(cur inspector.Cursor) (*ast.CommClause, *ast.CommClause) {
	for anc := range cur.Enclosing((*ast.CommClause)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		clause, ok := anc.Node().(*ast.CommClause)
		if !ok {
			return nil, nil
		}
		sel := anc.Parent().Parent().Node().(*ast.SelectStmt)
		for _, s := range sel.Body.List {
			cc := s.(*ast.CommClause)
			if cc != clause && c.isStopCase(cc) {
				return clause, cc
			}
		}
		return clause, nil
	}
	return nil, nil
}

// isStopCase reports whether a select case waits for a stop.
func (c *checker) isStopCase(cc *ast.CommClause) bool {
	switch chans.CaseKind(c.info, cc) {
	case chans.CtxDone:
		return true
	case chans.Recv:
	default:
		return false
	}
	// A bare receive: <-ch, or _ = <-ch.
	if as, ok := cc.Comm.(*ast.AssignStmt); ok {
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); !ok || id.Name != "_" {
				return false
			}
		}
	}
	e := chans.RecvChan(cc.Comm)
	ch := chans.Of(c.info.TypeOf(e))
	if ch == nil {
		return false
	}
	if stopName(e) {
		return true
	}
	// A signal channel whose case leaves; a signal case that falls
	// through is a try-acquire (<-sem) or a tick, not a stop.
	return chans.IsSignal(ch.Elem()) && len(cc.Body) > 0 && c.leavesFunc(cc.Body[len(cc.Body)-1])
}

// leavesFunc reports whether s leaves the function or the loop around
// it: return, a labeled break, goto, panic.
func (c *checker) leavesFunc(s ast.Stmt) bool {
	if b, ok := s.(*ast.BranchStmt); ok {
		return b.Tok == token.GOTO || b.Tok == token.BREAK && b.Label != nil
	}
	return c.returnsOrPanics(s)
}

// returnsOrPanics reports whether s is a return statement or a call of
// the panic builtin.
func (c *checker) returnsOrPanics(s ast.Node) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.ExprStmt:
		call, ok := s.X.(*ast.CallExpr)
		return ok && calls.IsBuiltin(c.info, call, "panic")
	}
	return false
}

var stopWords = []string{"done", "stop", "quit", "clos", "shutdown", "exit", "cancel", "die", "term", "kill", "abort", "halt"}

// stopName reports whether a channel expression is named like a stop
// channel: s.quit, stopCh, done, closing.
func stopName(e ast.Expr) bool {
	name := strings.ToLower(chanName(e))
	for _, w := range stopWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// ctxFix replaces the statement at cur by
//
//	select {
//	<firstCase>
//	case <-ctx.Done():
//		return <zero values>, ctx.Err()
//	}
//
// where firstCase is "case ch <- v:" or "case v = <-ch:"; pre is text
// put before the select (a declaration of the received variable). When
// returning there would skip code that follows the statement, the case
// on ctx.Done() is empty if g allows giving up the operation, and there
// is no fix otherwise (see doneCaseAt).
func (c *checker) ctxFix(cur inspector.Cursor, pre, firstCase string, ctx scope.Context, g giveUp) (analysis.SuggestedFix, bool) {
	stmt := cur.Node()
	dc, ok := c.doneCaseAt(cur, ctx, stmt.Pos(), g)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	text := pre + "select {\n" + firstCase + "\ncase <-" + ctx.Expr + ".Done():"
	if !dc.giveUp {
		text += "\n\t" + dc.text
	}
	text += "\n}"
	edits, ok := c.replaceStmt(cur, text)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	msg := "Select on " + ctx.Expr + ".Done() and " + dc.action()
	return analysis.SuggestedFix{Message: msg, TextEdits: append(edits, dc.q.Edits...)}, true
}

// action says what the case on ctx.Done() does, for fix messages:
// "return", "return ctx.Err()", "give up the send".
func (dc doneCase) action() string {
	switch {
	case dc.giveUp:
		return "give up the send"
	case dc.errResult:
		return "return " + dc.text[strings.LastIndex(dc.text, " ")+1:]
	}
	return "return"
}

// usable reports whether ctx.Expr denotes ctx.Obj at pos.
func (c *checker) usable(ctx scope.Context, pos token.Pos) bool {
	root, field, isField := strings.Cut(ctx.Expr, ".")
	_, obj := c.scopeAt(pos).LookupParent(root, pos)
	if !isField || ctx.Request {
		return obj == ctx.Obj
	}
	v, ok := obj.(*types.Var)
	if !ok {
		return false
	}
	f, _, _ := types.LookupFieldOrMethod(v.Type(), true, c.pass.Pkg, field)
	return f == ctx.Obj
}

// stopFix replaces the send statement at cur by a select on the send
// and the stop case, whose body it copies. The body must end in a
// return and hold no break that the new select would capture.
func (c *checker) stopFix(cur inspector.Cursor, comm string, stop *ast.CommClause) (analysis.SuggestedFix, bool) {
	body, ok := c.copyBody(stop, cur.Node().Pos())
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	stopComm, ok := c.exprText(stop.Comm)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	text := "select {\ncase " + comm + ":\ncase " + stopComm + ":\n\t" + body + "\n}"
	edits, ok := c.replaceStmt(cur, text)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	return analysis.SuggestedFix{Message: "Select on the send and " + caseText(stop), TextEdits: edits}, true
}

// copyBody returns the source of the statements of a select case,
// indented relative to column zero, when they can run unchanged at pos:
// the last one returns, no unlabeled break among them would bind to a
// new select, and every name they use means the same at pos.
func (c *checker) copyBody(cc *ast.CommClause, pos token.Pos) (string, bool) {
	if len(cc.Body) == 0 {
		return "", false
	}
	if _, ok := cc.Body[len(cc.Body)-1].(*ast.ReturnStmt); !ok {
		return "", false
	}
	ok := true
	sc := c.scopeAt(pos)
	for _, s := range cc.Body {
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				// A break inside binds there; names still checked below.
				if _, isLit := n.(*ast.FuncLit); isLit {
					return false
				}
				ast.Inspect(n, func(m ast.Node) bool {
					if id, isID := m.(*ast.Ident); isID {
						ok = ok && c.sameAt(sc, id, pos)
					}
					return ok
				})
				return false
			case *ast.BranchStmt:
				if n.Tok == token.BREAK && n.Label == nil || n.Tok == token.GOTO || n.Tok == token.FALLTHROUGH {
					ok = false
				}
			case *ast.Ident:
				ok = ok && c.sameAt(sc, n, pos)
			}
			return ok
		})
		if !ok {
			return "", false
		}
	}
	text, ok := c.spanText(cc.Body[0].Pos(), cc.Body[len(cc.Body)-1].End())
	if !ok {
		return "", false
	}
	return fixedit.Reindent(text, "\t"), true
}

// sameAt reports whether the identifier id, where it is used, denotes
// what its name denotes at pos.
func (c *checker) sameAt(sc *types.Scope, id *ast.Ident, pos token.Pos) bool {
	obj := c.info.Uses[id]
	if obj == nil {
		return true // a declaration, a field or method name, or a label
	}
	if v, ok := obj.(*types.Var); ok && v.IsField() {
		return true
	}
	if _, ok := obj.(*types.Func); ok && obj.(*types.Func).Signature().Recv() != nil {
		return true
	}
	if obj.Parent() == nil {
		return true
	}
	_, got := sc.LookupParent(id.Name, pos)
	return got == obj
}

// selectStmt checks a select statement: a non-blocking one for silent
// drops, a blocking one made only of sends for a missing escape.
func (c *checker) selectStmt(cur inspector.Cursor, sel *ast.SelectStmt) {
	if chans.HasDefault(sel) {
		c.silentDrop(cur, sel)
		return
	}
	if c.exempt(cur) {
		return
	}
	var sends []*ast.SendStmt
	for _, s := range sel.Body.List {
		cc := s.(*ast.CommClause)
		if chans.CaseKind(c.info, cc) != chans.Send {
			return // a receive, ctx.Done or a timer lets it leave
		}
		sends = append(sends, cc.Comm.(*ast.SendStmt))
	}
	if len(sends) == 0 {
		return
	}
	ctx, ok := c.contextAt(cur)
	if !ok {
		return
	}
	var names []string
	assured := true
	for _, s := range sends {
		names = append(names, types.ExprString(s.Chan))
		sc, _ := cur.FindNode(s)
		if l := c.local(sc, s.Chan); l == nil || !c.sendsAssured(l) && !c.fanoutModels(l) {
			assured = false
		}
	}
	if assured {
		return
	}
	d := analysis.Diagnostic{
		Pos: sel.Select, End: sel.Body.Lbrace,
		Message: fmt.Sprintf("select blocks until a receiver takes a value on %s, but has no case for %s.Done(): if the receivers stop first, this goroutine blocks forever; add a case <-%[2]s.Done()",
			strings.Join(names, " or "), ctx.Expr),
	}
	if dc, ok := c.doneCaseAt(cur, ctx, sel.Body.Rbrace, giveUpSend); ok {
		indent := fixedit.Indent(c.pass, sel.Select)
		text := "case <-" + ctx.Expr + ".Done():\n" + indent
		msg := "Add a case on " + ctx.Expr + ".Done() that returns"
		switch {
		case dc.giveUp:
			msg = "Add a case on " + ctx.Expr + ".Done() that gives up the send"
		case dc.errResult:
			msg += " " + ctx.Expr + ".Err()"
		}
		if !dc.giveUp {
			text = "case <-" + ctx.Expr + ".Done():\n" + indent + "\t" + dc.text + "\n" + indent
		}
		if b, tf := c.src(sel.Body.Rbrace); b != nil && startsLine(b, tf, sel.Body.Rbrace) {
			d.SuggestedFixes = []analysis.SuggestedFix{{
				Message:   msg,
				TextEdits: append([]analysis.TextEdit{{Pos: sel.Body.Rbrace, End: sel.Body.Rbrace, NewText: []byte(text)}}, dc.q.Edits...),
			}}
		}
	}
	c.r.Report(ruleSend, d)
}

// recvAssign checks v := <-ch and v = <-ch outside a select.
func (c *checker) recvAssign(cur inspector.Cursor, as *ast.AssignStmt) {
	if len(as.Lhs) != 1 || len(as.Rhs) != 1 || (as.Tok != token.DEFINE && as.Tok != token.ASSIGN) {
		return
	}
	u, ok := ast.Unparen(as.Rhs[0]).(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW || cur.ParentEdgeKind() == edge.CommClause_Comm {
		return
	}
	if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name == "_" {
		return // an explicit wait; the value is not needed
	}
	if c.exempt(cur) || chans.RecvKind(c.info, u.X) != chans.Recv {
		return
	}
	if clause, _ := c.enclosingStop(cur); clause != nil && clause.Comm != nil && c.isStopCase(clause) {
		return // draining after the stop, on purpose
	}
	ctx, ok := c.contextAt(cur)
	if !ok {
		return
	}
	if l := c.local(cur, u.X); l != nil && !l.Escapes && (len(l.Sends) > 0 || len(l.Closes) > 0 || passedToGoroutine(l)) {
		return // the function owns both ends
	}
	if c.token(cur, u.X) {
		return // taking a token the function puts back: a lock
	}
	if c.answeredRecv(cur, u) {
		return // the reply to a request a worker has taken
	}
	chText := types.ExprString(u.X)
	d := analysis.Diagnostic{
		Pos: u.Pos(), End: u.End(),
		Message: fmt.Sprintf("receive from %s blocks until a value arrives, but does not watch %s.Done(): if the sender stops first, this goroutine blocks forever; select on the receive and %[2]s.Done()",
			chText, ctx.Expr),
	}
	lhs, ok1 := c.exprText(as.Lhs[0])
	rhs, ok2 := c.exprText(u)
	if ok1 && ok2 {
		pre := ""
		typeOK := true
		if as.Tok == token.DEFINE {
			if t := c.info.TypeOf(as.Lhs[0]); t != nil {
				q := fixedit.NewQualifier(c.pass, c.file, as.Pos())
				pre = "var " + lhs + " " + q.Type(t) + "\n"
				typeOK = q.Ok && len(q.Edits) == 0
			} else {
				typeOK = false
			}
		}
		if typeOK {
			if fix, ok := c.ctxFix(cur, pre, "case "+lhs+" = "+rhs+":", ctx, neverGiveUp); ok {
				d.SuggestedFixes = []analysis.SuggestedFix{fix}
			}
		}
	}
	c.r.Report(ruleRecv, d)
}

// passedToGoroutine reports whether l is passed to a function started
// with go: the function's own sender.
func passedToGoroutine(l *localChan) bool {
	for _, p := range l.Passed {
		if p.ParentEdgeKind() == edge.GoStmt_Call {
			return true
		}
	}
	return false
}

// replyChan reports whether ch is the reply channel of a request: a
// channel received from a channel (reqc = <-w.requests), the field of a
// request received or ranged over (req.reply where req := <-ch), or the
// field of a request object handed in (a parameter or a range variable,
// not the receiver nor an object the function builds) that every make
// in the package buffers (op.resp where each op gets make(chan T, 1)). The requester
// made that channel for this reply and waits on it, or gave it room:
// the serving side does not leave it waiting.
func (c *checker) replyChan(cur inspector.Cursor, ch ast.Expr) bool {
	switch e := ast.Unparen(ch).(type) {
	case *ast.Ident:
		v, ok := c.info.Uses[e].(*types.Var)
		return ok && !v.IsField() && c.receivedVar(v)
	case *ast.SelectorExpr:
		// The root of req.reply, or of ct.call.err.
		root := ast.Unparen(e.X)
		for {
			s, ok := root.(*ast.SelectorExpr)
			if !ok {
				break
			}
			root = ast.Unparen(s.X)
		}
		id, ok := root.(*ast.Ident)
		if !ok {
			return false
		}
		v, ok := c.info.Uses[id].(*types.Var)
		if !ok || v.IsField() {
			return false
		}
		if c.receivedVar(v) {
			return true
		}
		sel := c.info.Selections[e]
		if sel == nil || sel.Kind() != types.FieldVal || c.isReceiver(cur, v) || !c.handedIn(v) {
			return false
		}
		return c.bufferedField(sel.Obj())
	}
	return false
}

// handedIn reports whether the local variable v holds an object the
// function was given rather than one it built: a parameter, or the
// variable of a range statement.
func (c *checker) handedIn(v *types.Var) bool {
	id, ok := c.in.FindByPos(v.Pos(), v.Pos()+token.Pos(len(v.Name())))
	if !ok {
		return false
	}
	switch id.Parent().Node().(type) {
	case *ast.Field: // a parameter
		return id.Parent().Parent().ParentEdgeKind() == edge.FuncType_Params
	case *ast.RangeStmt:
		return true
	}
	return false
}

// isReceiver reports whether v is the receiver of the method enclosing cur.
func (c *checker) isReceiver(cur inspector.Cursor, v *types.Var) bool {
	fd := enclosingDecl(cur)
	if fd == nil || fd.Recv == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 {
		return false
	}
	return c.info.Defs[fd.Recv.List[0].Names[0]] == v
}

// receivedVar reports whether the local variable v holds a value
// received from a channel: declared by v := <-ch, by a range over a
// channel, or declared without a value and only assigned receives.
func (c *checker) receivedVar(v *types.Var) bool {
	var found bool
	c.declOf(v, func(decl ast.Node, rhs ast.Expr) {
		switch d := decl.(type) {
		case *ast.RangeStmt:
			found = chans.Of(c.info.TypeOf(d.X)) != nil
		case *ast.AssignStmt:
			found = isRecv(rhs)
		case *ast.ValueSpec:
			if rhs != nil {
				found = isRecv(rhs) // var req = <-ch
				return
			}
			// var req request; ... case req = <-ch:
			fn, ok := c.in.FindByPos(d.Pos(), d.End())
			if !ok {
				return
			}
			fn, ok = scope.Func(fn)
			if !ok {
				return
			}
			n := 0
			for a := range fn.Preorder((*ast.AssignStmt)(nil)) {
				as := a.Node().(*ast.AssignStmt)
				for _, l := range as.Lhs {
					if lid, ok := l.(*ast.Ident); ok && c.info.Uses[lid] == v {
						if len(as.Rhs) != 1 || !isRecv(as.Rhs[0]) {
							return
						}
						n++
					}
				}
			}
			found = n > 0
		}
	})
	return found
}

// bufferedField reports whether every channel the package stores in
// the field (in composite literals and assignments) is made with a
// capacity (at least one, or not constant), directly or through a local
// variable, and there is at least one.
func (c *checker) bufferedField(field types.Object) bool {
	fi := c.fieldOf(field)
	return fi != nil && fi.buffered
}

type fieldInit struct {
	n          int
	buffered   bool // every make gives it room: a capacity >= 1, or one not constant
	unbuffered bool // every make is unbuffered
	single     bool // every make has a capacity of exactly one
}

// fieldOf returns what the package stores in the channel field, or nil.
func (c *checker) fieldOf(field types.Object) *fieldInit {
	if c.fields == nil {
		c.fields = c.fieldInits()
	}
	fi := c.fields[field]
	if fi == nil || fi.n == 0 {
		return nil
	}
	return fi
}

// fieldInits scans the package once for the values stored in channel
// fields.
func (c *checker) fieldInits() map[types.Object]*fieldInit {
	out := make(map[types.Object]*fieldInit)
	record := func(field types.Object, val ast.Expr) {
		if field == nil || chans.Of(field.Type()) == nil {
			return
		}
		fi := out[field]
		if fi == nil {
			fi = &fieldInit{buffered: true, unbuffered: true, single: true}
			out[field] = fi
		}
		fi.n++
		k, known, made := c.madeCap(val)
		fi.buffered = fi.buffered && made && (!known || k >= 1)
		fi.unbuffered = fi.unbuffered && made && known && k == 0
		fi.single = fi.single && made && known && k == 1
	}
	for n := range c.in.Preorder((*ast.CompositeLit)(nil), (*ast.AssignStmt)(nil)) {
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
				if kv, ok := elt.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						record(c.info.ObjectOf(id), kv.Value)
					}
				} else if i < st.NumFields() {
					record(st.Field(i), elt)
				}
			}
		case *ast.AssignStmt:
			if len(x.Lhs) != len(x.Rhs) {
				continue
			}
			for i, l := range x.Lhs {
				if sel, ok := ast.Unparen(l).(*ast.SelectorExpr); ok {
					if s := c.info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
						record(s.Obj(), x.Rhs[i])
					}
				}
			}
		}
	}
	return out
}

// hasChanField reports whether a field of st is a channel: only then
// can a literal of st store a channel in a field.
func (c *checker) hasChanField(st *types.Struct) bool {
	return memoized(&c.chanStructs, st, func(st *types.Struct) bool {
		for f := range st.Fields() {
			if chans.Of(f.Type()) != nil {
				return true
			}
		}
		return false
	})
}

// mayBeStruct reports whether a composite literal may set fields: it
// has elements, and its syntax does not make it an array, slice or map
// literal. It spares the type lookup of most literals.
func mayBeStruct(lit *ast.CompositeLit) bool {
	switch lit.Type.(type) {
	case *ast.ArrayType, *ast.MapType:
		return false
	}
	return len(lit.Elts) > 0
}

func typeparamsFree(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	return t.Underlying()
}

// madeCap reports whether e is make(chan T, k), or a local variable
// declared with one, and its capacity k when constant (known).
func (c *checker) madeCap(e ast.Expr) (k int64, known, made bool) {
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		v, ok := c.info.Uses[id].(*types.Var)
		if !ok || v.IsField() {
			return 0, false, false
		}
		c.declOf(v, func(decl ast.Node, rhs ast.Expr) {
			if rhs != nil {
				if _, ok := ast.Unparen(rhs).(*ast.Ident); !ok {
					k, known, made = c.madeCap(rhs)
				}
			}
		})
		return k, known, made
	}
	_, capExpr, ok := chans.MakeChan(c.info, e)
	if !ok {
		return 0, false, false
	}
	if capExpr == nil {
		return 0, true, true
	}
	k, known = chans.ConstCap(c.info, capExpr)
	return k, known, true
}

// semaphore reports whether the send on ch at cur puts back a token: a
// signal value sent on a channel that the enclosing function (or one
// around it) also receives from (a counting semaphore), or any value
// sent back on a channel it received from before (a channel used as a
// mutex: mem := <-memMu; ...; memMu <- mem). Putting back a token taken
// never blocks.
func (c *checker) semaphore(cur inspector.Cursor, ch ast.Expr) bool {
	t := chans.Of(c.info.TypeOf(ch))
	if t == nil {
		return false
	}
	signal := chans.IsSignal(t.Elem())
	want := types.ExprString(ch)
	found := false
	c.channelOps(cur, want, func(op ast.Node, recv bool) {
		if recv && (signal || op.Pos() < cur.Node().Pos()) {
			found = true
		}
	})
	return found
}

// token reports whether the receive from ch at cur takes a token that
// the function puts back later (a channel used as a mutex).
func (c *checker) token(cur inspector.Cursor, ch ast.Expr) bool {
	found := false
	c.channelOps(cur, types.ExprString(ch), func(op ast.Node, recv bool) {
		if !recv && op.Pos() > cur.Node().Pos() {
			found = true
		}
	})
	return found
}

// channelOps calls f with every send and receive on the channel written
// want in the outermost function around cur.
func (c *checker) channelOps(cur inspector.Cursor, want string, f func(op ast.Node, recv bool)) {
	var outer inspector.Cursor
	for fn := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		outer = fn
	}
	if !outer.Valid() {
		return
	}
	for n := range outer.Preorder((*ast.UnaryExpr)(nil), (*ast.SendStmt)(nil)) {
		switch x := n.Node().(type) {
		case *ast.UnaryExpr:
			if x.Op == token.ARROW && types.ExprString(x.X) == want {
				f(x, true)
			}
		case *ast.SendStmt:
			if types.ExprString(x.Chan) == want {
				f(x, false)
			}
		}
	}
}

// freshBuffer reports whether the send statement at cur fills a channel
// made just before with room for it: `ch = make(chan T, k)` (or a
// struct literal with ch: make(chan T, k)) among the statements before
// it, with at most k sends on the way and no other goroutine started
// from there on. The walk goes out of if statements and plain blocks,
// and out of the literal of a go statement started right after the make
// (minio's `ch := make(chan T, 1); go func() { if err != nil { ch <-
// T{Err: err}; return }; ... }()`), never out of a loop. A preceding
// `if ... { ...; return }` holds sends of other paths only.
func (c *checker) freshBuffer(cur inspector.Cursor, send *ast.SendStmt) bool {
	want := types.ExprString(send.Chan)
	sends := 1
	for {
		if !isListEdge(cur.ParentEdgeKind()) {
			return false
		}
		for prev, ok := cur.PrevSibling(); ok; prev, ok = prev.PrevSibling() {
			if k, ok := c.makesBuffer(prev.Node(), send.Chan); ok {
				return int64(sends) <= k
			}
			if leavesEarly(prev.Node(), want) {
				continue
			}
			n, ok := sendsOn(prev.Node(), want)
			if !ok {
				return false
			}
			sends += n
		}
		if cur.ParentEdgeKind() != edge.BlockStmt_List {
			return false
		}
		block := cur.Parent()
		switch owner := block.Parent(); owner.Node().(type) {
		case *ast.IfStmt:
			cur = owner
		case *ast.BlockStmt:
			cur = block
		case *ast.FuncLit:
			// Only the literal of `go func() {...}()`: it runs once, and
			// nothing after the go statement may send on ch meanwhile.
			call := owner.Parent()
			if owner.ParentEdgeKind() != edge.CallExpr_Fun || call.ParentEdgeKind() != edge.GoStmt_Call {
				return false
			}
			cur = call.Parent()
			for next, ok := cur.NextSibling(); ok; next, ok = next.NextSibling() {
				if n, ok := sendsOn(next.Node(), want); !ok || n > 0 {
					return false
				}
			}
		default:
			return false
		}
	}
}

// sendsOn counts the sends on the channel expression want in n, or
// returns false when a function literal in n sends on it: it may run
// any number of times, at any moment. Literals that do not send on it
// (a goroutine that drains it) do not count.
func sendsOn(n ast.Node, want string) (int, bool) {
	sends, ok := 0, true
	root, _, _ := strings.Cut(want, ".")
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			// go worker(ch), go s.run(): a function we cannot see may
			// send on what it is handed.
			if _, lit := ast.Unparen(n.Call.Fun).(*ast.FuncLit); !lit && mentions(n.Call, root) {
				ok = false
			}
		case *ast.FuncLit:
			if inner, _ := sendsOn(n.Body, want); inner > 0 {
				ok = false
			}
			return false
		case *ast.SendStmt:
			if types.ExprString(n.Chan) == want {
				sends++
			}
		}
		return ok
	})
	return sends, ok
}

// mentions reports whether the identifier name occurs in n.
func mentions(n ast.Node, name string) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}

// leavesEarly reports whether s is `if init; cond { ...; return }` with
// no else, whose init and condition send nothing and start nothing: the
// statements of its body run on paths that never reach what follows it.
func leavesEarly(s ast.Node, want string) bool {
	is, ok := s.(*ast.IfStmt)
	if !ok || is.Else != nil || len(is.Body.List) == 0 {
		return false
	}
	if _, ret := is.Body.List[len(is.Body.List)-1].(*ast.ReturnStmt); !ret {
		return false
	}
	for _, n := range []ast.Node{is.Init, is.Cond} {
		if n == nil {
			continue
		}
		if sends, ok := sendsOn(n, want); !ok || sends > 0 {
			return false
		}
	}
	return true
}

// makesBuffer reports whether the statement s assigns ch a channel made
// with a constant capacity k >= 1, or defines the root of ch (x in x.f)
// with a struct literal whose field f is one.
func (c *checker) makesBuffer(s ast.Node, ch ast.Expr) (int64, bool) {
	as, ok := s.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != len(as.Rhs) {
		return 0, false
	}
	want := types.ExprString(ch)
	sel, _ := ast.Unparen(ch).(*ast.SelectorExpr)
	for i, l := range as.Lhs {
		rhs := as.Rhs[i]
		switch {
		case types.ExprString(l) == want:
		case sel != nil && types.ExprString(l) == types.ExprString(sel.X):
			// x := &T{f: make(chan E, k)}
			s := c.info.Selections[sel]
			if s == nil {
				continue
			}
			mk, _ := c.fieldMake(rhs, s.Obj())
			if mk == nil {
				continue
			}
			rhs = mk
		default:
			continue
		}
		_, capExpr, ok := chans.MakeChan(c.info, rhs)
		if !ok || capExpr == nil {
			return 0, false
		}
		k, ok := chans.ConstCap(c.info, capExpr)
		return k, ok && k >= 1
	}
	return 0, false
}

// lastBeforeClose reports whether the send at cur is followed by close
// of the same channel, on a field every make buffers: a one-shot result
// (the close makes any later send panic, so this send is the last).
func (c *checker) lastBeforeClose(cur inspector.Cursor, send *ast.SendStmt) bool {
	next, ok := cur.NextSibling()
	if !ok || !isListEdge(cur.ParentEdgeKind()) {
		return false
	}
	es, ok := next.Node().(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := ast.Unparen(es.X).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || !calls.IsBuiltin(c.info, call, "close") || types.ExprString(call.Args[0]) != types.ExprString(send.Chan) {
		return false
	}
	sel, ok := ast.Unparen(send.Chan).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s := c.info.Selections[sel]
	return s != nil && s.Kind() == types.FieldVal && c.bufferedField(s.Obj())
}

// testHook reports whether ch is named as a test hook (rangeLogsTestHook,
// testHookCh): nil in production, read by the test that sets it.
func testHook(ch ast.Expr) bool {
	return strings.Contains(strings.ToLower(chanName(ch)), "testhook")
}

// chanName returns the name a channel expression ends in: ch, s.quit
// (quit), s.Done() (Done), w.closed() (closed); "" for others.
func chanName(e ast.Expr) string {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.CallExpr:
		switch f := ast.Unparen(e.Fun).(type) {
		case *ast.SelectorExpr:
			return f.Sel.Name
		case *ast.Ident:
			return f.Name
		}
	}
	return ""
}

func isRecv(e ast.Expr) bool {
	u, ok := ast.Unparen(e).(*ast.UnaryExpr)
	return ok && u.Op == token.ARROW
}

// declOf calls f with the statement that declares the local variable v
// and the expression assigned to it there (nil for a range).
func (c *checker) declOf(v *types.Var, f func(decl ast.Node, rhs ast.Expr)) {
	id, ok := c.in.FindByPos(v.Pos(), v.Pos()+token.Pos(len(v.Name())))
	if !ok {
		return
	}
	for anc := range id.Enclosing((*ast.RangeStmt)(nil), (*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.BlockStmt)(nil)) {
		switch n := anc.Node().(type) {
		case *ast.ValueSpec:
			for j, id := range n.Names {
				if c.info.Defs[id] == v {
					switch {
					case len(n.Values) == 0:
						f(n, nil)
					case len(n.Values) == len(n.Names):
						f(n, n.Values[j])
					}
				}
			}
		case *ast.RangeStmt:
			f(n, nil)
		case *ast.AssignStmt:
			for j, l := range n.Lhs {
				if lid, ok := l.(*ast.Ident); ok && c.info.Defs[lid] == v {
					if len(n.Rhs) == len(n.Lhs) {
						f(n, n.Rhs[j])
					} else if len(n.Rhs) == 1 {
						f(n, n.Rhs[0]) // v, ok := <-ch
					}
				}
			}
		}
		return
	}
}

// countedSend reports whether the send at cur is one of sends the
// function counts against its channel's capacity (see chans.Counter):
// the buffer always has room for it.
func (c *checker) countedSend(cur inspector.Cursor) bool {
	if c.counter == nil {
		c.counter = chans.NewCounter(c.info, c.in)
	}
	return c.counter.Fits(cur)
}
