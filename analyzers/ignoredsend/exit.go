package ignoredsend

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/fixedit"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// This file decides what the case <-ctx.Done() that a fix adds does.
// Returning there is right only when the return skips nothing the
// function still does after the blocking operation: cleanup after it
// (stream.cancel(), delete(m, k), tr.Close()) must keep running when
// the context is done. Deferred calls run either way.

// A giveUp says whether a fix may give up the operation (an empty
// case <-ctx.Done(), after which the code that follows runs) when
// returning would skip code.
type giveUp int

const (
	// neverGiveUp: return or no fix (a receive whose value is needed).
	neverGiveUp giveUp = iota
	// giveUpSend: give up a send when the function cannot report the
	// failure anyway (it returns no error) and no endless loop runs
	// the send again at once.
	giveUpSend
	// alwaysGiveUp: the code dropped the value before (a non-blocking
	// send), so giving up on ctx.Done() loses nothing new.
	alwaysGiveUp
)

// A doneCase is the body of a new case <-ctx.Done(): a return
// statement, or nothing.
type doneCase struct {
	text   string // "return ctx.Err()", "" to give up
	giveUp bool
	q      *fixedit.Qualifier
	// errResult is set when the return gives ctx.Err() as the result.
	errResult bool
}

// doneCaseAt decides the body of a case <-ctx.Done() for the blocking
// statement at cur (a send, a receive, a select): return, when leaving
// the function there skips nothing and its results allow it; otherwise
// nothing, when g allows giving up; otherwise there is no fix. pos is
// where the text goes.
func (c *checker) doneCaseAt(cur inspector.Cursor, ctx scope.Context, pos token.Pos, g giveUp) (doneCase, bool) {
	if !c.usable(ctx, pos) {
		return doneCase{}, false
	}
	fn, ok := scope.Func(cur)
	if !ok {
		return doneCase{}, false
	}
	sig := scope.Signature(c.info, fn)
	stopCleans := c.stopCleansUp(cur)
	if !stopCleans && c.returnSkipsNothing(cur, ctx) {
		q := fixedit.NewQualifier(c.pass, c.file, pos)
		if ret, ok := returnText(q, sig, ctx.Expr+".Err()"); ok && q.Ok {
			return doneCase{text: ret, q: q, errResult: sig.Results().Len() > 0}, true
		}
	}
	switch g {
	case alwaysGiveUp:
	case giveUpSend:
		// Under a select whose stop case cleans up, the loop comes
		// back to that case, which returns as the code means to.
		if !stopCleans && (scope.ReturnsError(sig) || !c.finiteLoops(cur, ctx)) {
			return doneCase{}, false
		}
	default:
		return doneCase{}, false
	}
	return doneCase{giveUp: true, q: fixedit.NewQualifier(c.pass, c.file, pos)}, true
}

// returnSkipsNothing reports whether returning from the function at
// the statement at cur skips nothing that would run after it: leaving
// the blocks around cur, each statement that would come next is a
// return whose results call nothing, an if that only chooses whether
// to return so, a continue (then the loop ends, and what follows the
// loop must be nothing too), a select that returns so once ctx is done
// (it would return there), or there is none (the end of a loop body, of
// the function).
func (c *checker) returnSkipsNothing(cur inspector.Cursor, ctx scope.Context) bool {
	for {
		next, k := stmtAfter(cur)
		switch k {
		case afterFunc:
			return true
		case afterLoop:
			cur = next // what follows the loop once it ends
		case afterStmt:
			switch s := next.Node().(type) {
			case *ast.ReturnStmt:
				return c.pureResults(s)
			case *ast.IfStmt:
				// if errors.Is(err, io.EOF) { return }: either a return
				// or nothing, as far as skipping goes.
				if !c.pureExit(s) {
					return false
				}
				cur = next
			case *ast.SelectStmt:
				return c.returnsOnDone(s, ctx)
			case *ast.BranchStmt:
				loop, ok := continueTarget(next, s)
				if !ok {
					return false
				}
				cur = loop
			default:
				return false
			}
		default:
			return false
		}
	}
}

// An after says what runs when a statement completes.
type after int

const (
	afterStmt  after = iota // the statement returned
	afterLoop               // the end of the body of the loop returned
	afterFunc               // the end of the function body
	afterOther              // something else (a goto, a fallthrough, ...)
)

// stmtAfter returns what runs when the statement at cur completes
// without jumping: the next statement of its list, or, on the way out
// of the ifs, cases and blocks around it, the next statement after
// them, the end of a loop body, or the end of the function.
func stmtAfter(cur inspector.Cursor) (inspector.Cursor, after) {
	for {
		if isListEdge(cur.ParentEdgeKind()) {
			if next, ok := cur.NextSibling(); ok {
				return next, afterStmt
			}
		}
		parent := cur.Parent()
		switch parent.Node().(type) {
		case *ast.BlockStmt:
			switch parent.ParentEdgeKind() {
			case edge.FuncDecl_Body, edge.FuncLit_Body:
				return parent.Parent(), afterFunc
			case edge.ForStmt_Body, edge.RangeStmt_Body:
				return parent.Parent(), afterLoop
			case edge.IfStmt_Body, edge.IfStmt_Else:
				cur = parent.Parent()
			case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body, edge.LabeledStmt_Stmt:
				cur = parent // a bare block
			default:
				return inspector.Cursor{}, afterOther
			}
		case *ast.IfStmt, *ast.LabeledStmt:
			cur = parent // else if; a labeled statement
		case *ast.CaseClause, *ast.CommClause:
			cur = parent.Parent().Parent() // the switch or select
		default:
			return inspector.Cursor{}, afterOther
		}
	}
}

// stopCleansUp reports whether the statement at cur lies in a case of
// a select (in its function) that has a stop case (ctx.Done(), a stop
// channel) doing more than return: an event loop's shutdown path
// (close(t.readNextCh); drop the queues; return). Returning at cur would
// skip it; giving up lets the loop come back to the select and take it.
func (c *checker) stopCleansUp(cur inspector.Cursor) bool {
	for anc := range cur.Enclosing((*ast.CommClause)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		clause, ok := anc.Node().(*ast.CommClause)
		if !ok {
			return false
		}
		selCur := anc.Parent().Parent()
		sel := selCur.Node().(*ast.SelectStmt)
		looped := false
		for range scope.Loops(selCur) {
			looped = true
		}
		if !looped {
			continue // nothing brings control back to this select
		}
		for _, s := range sel.Body.List {
			cc := s.(*ast.CommClause)
			if cc == clause || !c.isStopCase(cc) {
				continue
			}
			if len(cc.Body) != 1 {
				return true
			}
			if ret, ok := cc.Body[0].(*ast.ReturnStmt); !ok || !c.pureResults(ret) {
				return true
			}
		}
	}
	return false
}

// continueTarget returns the loop statement (or the labeled statement
// holding it) that a continue at br continues, within its function.
func continueTarget(br inspector.Cursor, s *ast.BranchStmt) (inspector.Cursor, bool) {
	if s.Tok != token.CONTINUE {
		return inspector.Cursor{}, false
	}
	for anc := range br.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch anc.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return inspector.Cursor{}, false
		}
		lab, labeled := anc.Parent().Node().(*ast.LabeledStmt)
		if s.Label == nil {
			if labeled {
				return anc.Parent(), true
			}
			return anc, true
		}
		if labeled && lab.Label.Name == s.Label.Name {
			return anc.Parent(), true
		}
	}
	return inspector.Cursor{}, false
}

// pureResults reports whether the results of a return statement do no
// work (see pureExpr): skipping them skips nothing.
func (c *checker) pureResults(ret *ast.ReturnStmt) bool {
	for _, r := range ret.Results {
		if !c.pureExpr(r) {
			return false
		}
	}
	return true
}

// returnsOnDone reports whether the select has a case on ctx.Done()
// that only returns, with results that do no work.
func (c *checker) returnsOnDone(sel *ast.SelectStmt, ctx scope.Context) bool {
	for _, s := range sel.Body.List {
		cc := s.(*ast.CommClause)
		if chans.CaseKind(c.info, cc) != chans.CtxDone || types.ExprString(chans.RecvChan(cc.Comm)) != ctx.Expr+".Done()" {
			continue
		}
		if len(cc.Body) == 1 {
			if ret, ok := cc.Body[0].(*ast.ReturnStmt); ok && c.pureResults(ret) {
				return true
			}
		}
	}
	return false
}

// pureExit reports whether an if statement only chooses whether to
// return: no init, no else, a condition that does no work, and a body
// that is a return whose results do none.
func (c *checker) pureExit(s *ast.IfStmt) bool {
	if s.Init != nil || s.Else != nil || len(s.Body.List) != 1 || !c.pureExpr(s.Cond) {
		return false
	}
	ret, ok := s.Body.List[0].(*ast.ReturnStmt)
	return ok && c.pureResults(ret)
}

// pureFuncs are functions whose calls do no work worth keeping.
var pureFuncs = map[string]bool{
	"errors.Is": true, "strings.HasPrefix": true, "strings.HasSuffix": true,
	"strings.Contains": true, "bytes.Equal": true, "bytes.HasPrefix": true,
}

// pureExpr reports whether evaluating e does no work: it calls nothing
// but conversions, len, cap, min, max and a few pure functions
// (errors.Is, strings.HasPrefix, ...), and receives nothing.
func (c *checker) pureExpr(e ast.Expr) bool {
	return !scope.AnyOutsideLiterals(e, c.works)
}

// works reports whether evaluating n itself (not its operands) does
// work, as pureExpr counts it.
func (c *checker) works(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.UnaryExpr:
		return n.Op == token.ARROW
	case *ast.CallExpr:
		if tv, ok := c.info.Types[n.Fun]; ok && tv.IsType() {
			return false
		}
		if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
			if b, ok := c.info.Uses[id].(*types.Builtin); ok {
				switch b.Name() {
				case "len", "cap", "min", "max":
					return false
				}
			}
		}
		if fn := calls.Callee(c.info, n); fn != nil && fn.Pkg() != nil {
			if fn.Signature().Recv() == nil && pureFuncs[fn.Pkg().Path()+"."+fn.Name()] {
				return false
			}
			if calls.IsMethod(fn, "context", "Context", "Err") {
				return false // ctx.Err()
			}
		}
		return true
	}
	return false
}

// finiteLoops reports whether every loop around cur in its function
// ends on its own: a range over a slice, array, map, string, integer or
// channel, a counted for loop, or a loop whose body waits in a select
// with a case on ctx.Done() that leaves it. Giving up a send inside
// `for {}` would otherwise turn a blocked goroutine into a spinning one.
func (c *checker) finiteLoops(cur inspector.Cursor, ctx scope.Context) bool {
	for l := range scope.Loops(cur) {
		switch loop := l.Node().(type) {
		case *ast.RangeStmt:
			t := c.info.TypeOf(loop.X)
			if t == nil {
				return false
			}
			if _, isFunc := t.Underlying().(*types.Signature); isFunc && !c.leavesOnDone(loop.Body, ctx) {
				return false
			}
		case *ast.ForStmt:
			if c.tripCount(loop).inf && !c.leavesOnDone(loop.Body, ctx) {
				return false
			}
		}
	}
	return true
}

// leavesOnDone reports whether a statement of the loop body (not in a
// nested loop or function) is a select with a case on ctx.Done() that
// leaves the loop: return, a labeled break, goto, panic.
func (c *checker) leavesOnDone(body *ast.BlockStmt, ctx scope.Context) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt:
			return false
		case *ast.SelectStmt:
			for _, s := range n.Body.List {
				cc := s.(*ast.CommClause)
				if chans.CaseKind(c.info, cc) == chans.CtxDone && types.ExprString(chans.RecvChan(cc.Comm)) == ctx.Expr+".Done()" &&
					len(cc.Body) > 0 && c.leavesFunc(cc.Body[len(cc.Body)-1]) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}
