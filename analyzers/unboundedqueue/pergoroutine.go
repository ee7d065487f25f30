package unboundedqueue

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
)

// A spawn is a place that starts a goroutine: a go statement, or a Go
// method call of an errgroup.Group or a sync.WaitGroup.
type spawn struct {
	cur   inspector.Cursor // the *ast.GoStmt or the Go *ast.CallExpr
	stmt  inspector.Cursor // the statement: the GoStmt, or the ExprStmt holding the call
	call  *ast.CallExpr    // the call started by a go statement; the Go call otherwise
	lit   *ast.FuncLit     // the function literal run by the goroutine, or nil
	group types.Object     // for errgroup.Group.Go, the group
	wg    bool             // sync.WaitGroup.Go
}

// A message is the receive that makes a loop a message loop.
type message struct {
	loop inspector.Cursor // the *ast.ForStmt or *ast.RangeStmt
	ch   ast.Expr         // the channel received from; for a read call, the call
	recv ast.Node         // where: the receive statement or the range expression
	op   ast.Expr         // the <-ch expression, nil for a range
	// For a message read by a method call (msg, err := sub.Next()), the
	// variables it was assigned to: the goroutine must use one.
	vars map[*types.Var]bool
}

// source describes where the messages come from, for messages.
func (m message) source() string {
	if m.vars != nil {
		return "every message returned by " + types.ExprString(m.ch)
	}
	return "every value received from " + types.ExprString(m.ch)
}

func (c *checker) goStmt(cur inspector.Cursor, g *ast.GoStmt) {
	lit, _ := ast.Unparen(g.Call.Fun).(*ast.FuncLit)
	c.perMessage(spawn{cur: cur, stmt: cur, call: g.Call, lit: lit})
	if lit != nil {
		c.sendInGoroutine(cur, g, lit)
	}
}

// goCall handles x.Go(f) of errgroup.Group and sync.WaitGroup.
func (c *checker) goCall(cur inspector.Cursor, call *ast.CallExpr, fn *types.Func) {
	isGroup := calls.IsMethod(fn, "golang.org/x/sync/errgroup", "Group", "Go")
	isWG := calls.IsMethod(fn, "sync", "WaitGroup", "Go")
	if !isGroup && !isWG || len(call.Args) != 1 || cur.ParentEdgeKind() != edge.ExprStmt_X {
		return
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return
	}
	sp := spawn{cur: cur, stmt: cur.Parent(), call: call, wg: isWG}
	sp.lit, _ = ast.Unparen(call.Args[0]).(*ast.FuncLit)
	if isGroup {
		sp.group = objOf(c.info, sel.X)
		if sp.group == nil {
			return
		}
	}
	c.perMessage(sp)
}

// perMessage checks rule goroutine-per-message for one spawn.
func (c *checker) perMessage(sp spawn) {
	m, ok := c.messageLoop(sp.cur)
	if !ok || m.vars != nil && !c.spawnUses(sp, m.vars) || !c.handlesMessage(sp, m) || c.limited(sp, m) {
		return
	}
	if sp.group != nil {
		// SetLimit may be called anywhere in the package.
		c.later(func() {
			if !c.setLimit[sp.group] {
				c.reportPerMessage(sp, m)
			}
		})
		return
	}
	c.reportPerMessage(sp, m)
}

// messageLoop finds the loop that receives the message a spawn handles:
// a range over a channel, or a for loop in which a receive from a
// channel (a statement before the spawn, a select case holding it, an
// if or switch initializer) precedes the spawn.
func (c *checker) messageLoop(at inspector.Cursor) (message, bool) {
	var cand *message
	child := at
	for cur := at.Parent(); cur.Valid(); child, cur = cur, cur.Parent() {
		switch n := cur.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl, *ast.File:
			return message{}, false
		case *ast.CommClause:
			if cand == nil && child.ParentEdgeKind() == edge.CommClause_Body {
				cand = c.recvComm(n.Comm)
			}
		case *ast.IfStmt:
			if cand == nil && n.Init != nil && child.ParentEdgeKind() != edge.IfStmt_Init {
				cand = c.recvStmt(n.Init)
			}
		case *ast.SwitchStmt:
			if cand == nil && n.Init != nil && child.ParentEdgeKind() == edge.SwitchStmt_Body {
				cand = c.recvStmt(n.Init)
			}
		case *ast.RangeStmt:
			if child.ParentEdgeKind() != edge.RangeStmt_Body {
				continue
			}
			if cand != nil {
				cand.loop = cur
				return *cand, true
			}
			if chans.Of(c.info.TypeOf(n.X)) != nil && c.isMessageChan(n.X) {
				return message{loop: cur, ch: n.X, recv: n.X}, true
			}
		case *ast.ForStmt:
			if child.ParentEdgeKind() == edge.ForStmt_Body && cand != nil {
				cand.loop = cur
				return *cand, true
			}
		}
		if cand == nil {
			switch child.ParentEdgeKind() {
			case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
				for s := range prevStmts(child) {
					if cand = c.recvStmt(s); cand != nil {
						break
					}
				}
			}
		}
	}
	return message{}, false
}

// prevStmts yields the statements before cur in its statement list,
// nearest first. (PrevSibling alone would cross from a case body into
// the case's expressions.)
func prevStmts(cur inspector.Cursor) func(yield func(ast.Stmt) bool) {
	return func(yield func(ast.Stmt) bool) {
		k := cur.ParentEdgeKind()
		for s, ok := cur.PrevSibling(); ok && s.ParentEdgeKind() == k; s, ok = s.PrevSibling() {
			st, isStmt := s.Node().(ast.Stmt)
			if !isStmt || !yield(st) {
				return
			}
		}
	}
}

// recvStmt returns the message received by a statement: v := <-ch,
// v, ok = <-ch, <-ch, or a select with such a case.
func (c *checker) recvStmt(s ast.Stmt) *message {
	if sel, ok := s.(*ast.SelectStmt); ok {
		for _, cc := range sel.Body.List {
			if m := c.recvComm(cc.(*ast.CommClause).Comm); m != nil {
				return m
			}
		}
		return nil
	}
	return c.recvComm(s)
}

// messageMethods are the names of methods that read one message from a
// stream, a subscription or a connection (sub.Next(), stream.Recv(),
// codec.ReadRequest()): a loop calling one is a message loop like a
// loop receiving from a channel.
var messageMethods = map[string]bool{
	"Recv": true, "RecvMsg": true, "Receive": true, "ReceiveMessage": true,
	"ReadMessage": true, "ReadMsg": true, "Next": true, "NextMsg": true, "NextMessage": true,
	"ReadRequest": true, "readRequest": true, "FetchMessage": true,
}

// readCall recognizes v, err := x.Recv() and the like: a method of
// messageMethods whose first result is a value (not a bool, an error,
// a signal or a connection).
func (c *checker) readCall(s ast.Stmt) *message {
	as, ok := s.(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 || as.Tok != token.DEFINE && as.Tok != token.ASSIGN {
		return nil
	}
	call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
	if !ok {
		return nil
	}
	fn := calls.Callee(c.info, call)
	if fn == nil || fn.Signature().Recv() == nil || !messageMethods[fn.Name()] || fn.Signature().Results().Len() == 0 {
		return nil
	}
	first := fn.Signature().Results().At(0).Type()
	if b, ok := first.Underlying().(*types.Basic); ok && b.Kind() == types.Bool || chans.IsSignal(first) || c.isConn(first) ||
		types.Identical(first, types.Universe.Lookup("error").Type()) {
		return nil
	}
	vars := make(map[*types.Var]bool)
	for _, l := range as.Lhs {
		if v, ok := c.info.ObjectOf(identOf(l)).(*types.Var); ok && !types.Identical(v.Type(), types.Universe.Lookup("error").Type()) {
			vars[v] = true
		}
	}
	if len(vars) == 0 {
		return nil
	}
	return &message{ch: call, recv: s, vars: vars}
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	if id == nil {
		return &ast.Ident{Name: "_"}
	}
	return id
}

// handlesMessage reports whether the goroutine of a spawn uses a
// variable declared in the message loop (the message, or something
// derived from it): a goroutine that ignores the message (a shutdown, a
// refresh it triggers) is not one goroutine per message.
func (c *checker) handlesMessage(sp spawn, m message) bool {
	loop := m.loop.Node()
	found := false
	ast.Inspect(sp.call, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !found {
			if v, ok := c.info.Uses[id].(*types.Var); ok && !v.IsField() && loop.Pos() <= v.Pos() && v.Pos() < loop.End() &&
				(sp.lit == nil || v.Pos() < sp.lit.Pos() || v.Pos() >= sp.lit.End()) && !c.isConn(v.Type()) {
				found = true // a connection is served, not a message handled
			}
		}
		return !found
	})
	return found
}

// spawnUses reports whether the goroutine of a spawn uses one of vars.
func (c *checker) spawnUses(sp spawn, vars map[*types.Var]bool) bool {
	return uses(c.info, sp.call, vars)
}

func (c *checker) recvComm(s ast.Stmt) *message {
	if s == nil {
		return nil
	}
	if m := c.readCall(s); m != nil {
		return m
	}
	ch := chans.RecvChan(s)
	if ch == nil || !c.isMessageChan(ch) {
		return nil
	}
	var op ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		op = ast.Unparen(s.X)
	case *ast.AssignStmt:
		op = ast.Unparen(s.Rhs[0])
	}
	return &message{ch: ch, recv: s, op: op}
}

// isMessageChan reports whether receiving from ch yields a message, a
// value that carries work: not a signal (struct{}, bool), a timer tick,
// a ctx.Done, an os.Signal, or a connection handed over by a listener.
func (c *checker) isMessageChan(ch ast.Expr) bool {
	t := chans.Of(c.info.TypeOf(ch))
	if t == nil || chans.RecvKind(c.info, ch) != chans.Recv {
		return false
	}
	elem := t.Elem()
	if chans.IsSignal(elem) || types.Identical(elem.Underlying(), types.Typ[types.Bool]) {
		return false
	}
	if calls.IsNamed(elem, "time", "Time") || calls.IsNamed(elem, "os", "Signal") || c.isConn(elem) {
		return false
	}
	return true
}

// limited reports whether something in the message loop bounds the
// goroutines a spawn starts: a semaphore acquired in the loop, a wait
// for the goroutine, a limiter call, or a guard that lets only one (or
// a counted number of) goroutines run.
func (c *checker) limited(sp spawn, m message) bool {
	var src types.Object
	if m.vars == nil {
		src = objOf(c.info, m.ch)
	}
	goChans := c.goroutineChans(sp)
	if src != nil && m.op != nil && goChans[src] {
		return true // a token taken from a pool that the goroutine gives back
	}
	if src != nil && m.op != nil && c.sendsOn(m.loop, src) {
		return true // s := <-state ... state <- s: a channel used as a lock
	}
	loop := m.loop
	var body *ast.BlockStmt
	switch n := loop.Node().(type) {
	case *ast.ForStmt:
		body = n.Body
	case *ast.RangeStmt:
		body = n.Body
	}
	bodyCur := loop.Child(body)
	found := false
	assigned := make(map[types.Object]token.Pos) // last assignment in the loop, outside closures
	bodyCur.Inspect(nil, func(cur inspector.Cursor) bool {
		if found {
			return false
		}
		switch n := cur.Node().(type) {
		case *ast.FuncLit:
			return false
		case *ast.SendStmt:
			obj := objOf(c.info, n.Chan)
			if obj != nil && obj == src {
				break
			}
			if ch := chans.Of(c.info.TypeOf(n.Chan)); ch != nil && chans.IsSignal(ch.Elem()) || obj != nil && goChans[obj] {
				found = true // sem <- struct{}{}, or a handoff to the goroutine
			}
		case *ast.UnaryExpr:
			if n.Op != token.ARROW || n == m.op || chans.RecvKind(c.info, n.X) != chans.Recv {
				break
			}
			if obj := objOf(c.info, n.X); obj != nil && obj != src && goChans[obj] {
				found = true // waits for the goroutine, or takes a token it gives back
			}
		case *ast.RangeStmt:
			if obj := objOf(c.info, n.X); obj != nil && obj != src && goChans[obj] && chans.Of(c.info.TypeOf(n.X)) != nil {
				found = true
			}
		case *ast.CallExpr:
			if isLimiterCall(calls.Callee(c.info, n)) {
				found = true
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if obj := assignedObj(c.info, l); obj != nil {
					assigned[obj] = n.Pos()
				}
			}
		case *ast.IncDecStmt:
			if obj := assignedObj(c.info, n.X); obj != nil {
				assigned[obj] = n.Pos()
			}
		}
		return true
	})
	if found {
		return true
	}
	// Guards: an if around the spawn, or an if before it that leaves
	// the iteration, testing state the loop itself updates (a flag, a
	// counter, a map of requests in flight), or comparing a count that
	// does not come from the message with a limit.
	child := sp.stmt
	for cur := child.Parent(); cur.Valid() && cur != loop; child, cur = cur, cur.Parent() {
		if ifs, ok := cur.Node().(*ast.IfStmt); ok && child.ParentEdgeKind() != edge.IfStmt_Init && child.ParentEdgeKind() != edge.IfStmt_Cond {
			if c.guards(ifs, loop, assigned) {
				return true
			}
		}
		switch child.ParentEdgeKind() {
		case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
			for s := range prevStmts(child) {
				if ifs, ok := s.(*ast.IfStmt); ok && c.guards(ifs, loop, assigned) {
					return true
				}
			}
		}
	}
	return false
}

// sendsOn reports whether the loop sends on ch outside goroutines.
func (c *checker) sendsOn(loop inspector.Cursor, ch types.Object) bool {
	found := false
	loop.Inspect([]ast.Node{(*ast.FuncLit)(nil), (*ast.SendStmt)(nil)}, func(k inspector.Cursor) bool {
		switch n := k.Node().(type) {
		case *ast.FuncLit:
			return false
		case *ast.SendStmt:
			if objOf(c.info, n.Chan) == ch {
				found = true
			}
		}
		return !found
	})
	return found
}

// guards reports whether an if statement in a message loop tests
// state that bounds the goroutines: a variable or field declared
// outside the loop that the loop assigns after the test, or a
// comparison of values that do not come from the message.
func (c *checker) guards(ifs *ast.IfStmt, loop inspector.Cursor, assigned map[types.Object]token.Pos) bool {
	inLoop := func(obj types.Object) bool {
		return obj.Pos() >= loop.Node().Pos() && obj.Pos() < loop.Node().End()
	}
	parts := []ast.Node{ifs.Init, ifs.Cond}
	// A flag computed just before: v, ok := s.inflight[id]; if !ok {...}
	if fi := c.index(loop); fi != nil {
		ast.Inspect(ifs.Cond, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if v, ok := c.info.Uses[id].(*types.Var); ok && inLoop(v) {
					for _, d := range fi.defs[v] {
						if d.rhs != nil && d.pos < ifs.Pos() && d.pos >= loop.Node().Pos() {
							parts = append(parts, d.rhs)
						}
					}
				}
			}
			return true
		})
	}
	for _, part := range parts {
		if part == nil {
			continue
		}
		found := false
		ast.Inspect(part, func(n ast.Node) bool {
			if found {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.Ident, *ast.SelectorExpr:
				obj := objOf(c.info, n.(ast.Expr))
				if obj != nil && !inLoop(obj) && !types.Identical(obj.Type(), types.Universe.Lookup("error").Type()) {
					if pos, ok := assigned[obj]; ok && pos > ifs.Pos() {
						found = true
					}
				}
			case *ast.BinaryExpr:
				switch n.Op {
				case token.LSS, token.LEQ, token.GTR, token.GEQ:
					if part == ifs.Cond && !c.mentionsLoopLocal(n, loop) && !isConst(c.info, n.X) {
						found = true
					}
				}
			}
			return true
		})
		if found {
			return true
		}
	}
	return false
}

// mentionsLoopLocal reports whether e uses a variable declared inside
// the loop (the message or something derived from it).
func (c *checker) mentionsLoopLocal(e ast.Node, loop inspector.Cursor) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !found {
			if v, ok := c.info.Uses[id].(*types.Var); ok && !v.IsField() && v.Pos() >= loop.Node().Pos() && v.Pos() < loop.Node().End() {
				found = true
			}
		}
		return !found
	})
	return found
}

func isConst(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.Value != nil
}

// exits reports whether a block ends by leaving: return, continue,
// break, goto, or a panic.
func exits(info *types.Info, b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	switch s := b.List[len(b.List)-1].(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return true
	case *ast.ExprStmt:
		call, ok := s.X.(*ast.CallExpr)
		return ok && calls.IsBuiltin(info, call, "panic")
	}
	return false
}

// assignedObj returns the variable or field an assignment to e changes:
// x, x.f, and the map or slice of x[k] or x.f[k].
func assignedObj(info *types.Info, e ast.Expr) types.Object {
	e = ast.Unparen(e)
	if ix, ok := e.(*ast.IndexExpr); ok {
		e = ix.X
	}
	return objOf(info, e)
}

// goroutineChans returns the channels that the goroutine of a spawn
// operates on: sends, receives, ranges and closes in its literal, and
// channels it passes to calls or receives as arguments.
func (c *checker) goroutineChans(sp spawn) map[types.Object]bool {
	out := make(map[types.Object]bool)
	add := func(e ast.Expr) {
		if chans.Of(c.info.TypeOf(e)) != nil {
			if obj := objOf(c.info, e); obj != nil {
				out[obj] = true
			}
		}
	}
	if sp.lit == nil {
		if sp.group == nil && !sp.wg {
			for _, a := range sp.call.Args {
				add(a)
			}
		}
		return out
	}
	if sp.group == nil && !sp.wg {
		for _, a := range sp.call.Args {
			add(a)
		}
	}
	ast.Inspect(sp.lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SendStmt:
			add(n.Chan)
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				add(n.X)
			}
		case *ast.RangeStmt:
			add(n.X)
		case *ast.CallExpr:
			for _, a := range n.Args {
				add(a)
			}
		}
		return true
	})
	return out
}

// isLimiterCall reports whether a call in a message loop acquires a
// limit or waits: semaphores (x/sync/semaphore and anything with an
// Acquire method), Wait methods (sync.WaitGroup, errgroup.Group,
// rate.Limiter, sync.Cond), calls on limiter-like types, and the
// bounded package.
func isLimiterCall(fn *types.Func) bool {
	if fn == nil {
		return false
	}
	if fn.Pkg() != nil {
		switch fn.Pkg().Path() {
		case fixedit.BoundedPath, "golang.org/x/sync/semaphore", "golang.org/x/time/rate":
			return true
		}
	}
	name := strings.ToLower(fn.Name())
	if strings.Contains(name, "acquire") || strings.HasPrefix(name, "wait") {
		return true
	}
	recv := strings.ToLower(recvName(fn))
	for _, s := range []string{"semaphore", "sema", "limiter", "throttle", "ratelimit", "bucket"} {
		if strings.HasPrefix(recv, s) || strings.HasSuffix(recv, s) {
			return true
		}
	}
	return false
}

func (c *checker) reportPerMessage(sp spawn, m message) {
	src := m.source()
	var msg string
	end := sp.call.Fun.End()
	if sp.lit != nil {
		end = sp.lit.Type.End()
	}
	switch {
	case sp.group != nil:
		g := types.ExprString(ast.Unparen(sp.call.Fun).(*ast.SelectorExpr).X)
		msg = fmt.Sprintf("%s.Go starts a goroutine for %s and %s has no SetLimit: "+
			"goroutines and their memory grow with the producer's rate; call %s.SetLimit before the loop", g, src, g, g)
		end = sp.call.Fun.End()
	default:
		msg = fmt.Sprintf("a goroutine is started for %s and nothing limits how many run at once: "+
			"goroutines and their memory grow with the producer's rate; "+
			"acquire a semaphore before starting it, or hand the messages to a fixed set of workers", src)
	}
	d := analysis.Diagnostic{
		Pos:     sp.cur.Node().Pos(),
		End:     end,
		Message: msg,
		Related: []analysis.RelatedInformation{{Pos: m.recv.Pos(), End: m.recv.End(), Message: "messages are received here"}},
	}
	d.SuggestedFixes = c.perMessageFixes(sp, m)
	c.r.Report(ruleGoroutinePerMessage, d)
}
