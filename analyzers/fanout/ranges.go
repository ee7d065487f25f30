package fanout

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
	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/internal/fixedit"
)

// checkRanges applies unclosed-range: a range over the channel that
// only a close could end, where nothing closes the channel. It reports
// whether it reported.
func (c *checker) checkRanges(ch *channel) bool {
	l := ch.l
	if len(l.Closes) > 0 {
		return false
	}
	seen := make(map[ast.Node]bool)
	for _, pc := range l.Passed {
		call := pc.Node().(*ast.CallExpr)
		if seen[call] {
			continue
		}
		seen[call] = true
		for _, i := range argIndexes(c.info, call, l.Var) {
			sub := c.callee(pc, i, 1)
			if sub == nil || sub.unknown || sub.closes || sub.forever {
				return false // closed there, fed forever, or cannot tell
			}
		}
	}
	for _, g := range ch.gos {
		if g.sum.closes || g.sum.unknown || g.sum.forever {
			// Closed, or fed by a stream with no planned end: the
			// range is an event loop that lives as long as it does.
			return false
		}
	}
	for _, r := range l.Ranges {
		rs := r.Node().(*ast.RangeStmt)
		if c.rangeCanLeave(r) {
			continue // it stops by itself (a counted break, a return)
		}
		if !ch.placeDirect(r) && !c.canReturn(ch.body) {
			continue // a consumer goroutine of a function that runs forever
		}
		c.reportRange(ch, r, rs)
		return true
	}
	return false
}

// rangeCanLeave reports whether the body of the range at r has a way
// out other than the end of the channel: a return, a break or goto
// that leaves it, a labeled continue of an outer loop, or a call that
// never returns (panic, t.Fatal, os.Exit).
func (c *checker) rangeCanLeave(r inspector.Cursor) bool {
	for n := range r.Preorder((*ast.ReturnStmt)(nil), (*ast.BranchStmt)(nil), (*ast.ExprStmt)(nil), (*ast.FuncLit)(nil)) {
		switch s := n.Node().(type) {
		case *ast.FuncLit:
			// Preorder cannot prune; statements inside are skipped below.
		case *ast.ReturnStmt:
			if sameFunc(n, r) {
				return true
			}
		case *ast.ExprStmt:
			if call, ok := s.X.(*ast.CallExpr); ok && sameFunc(n, r) && !c.graphs.MayReturn(call) {
				return true
			}
		case *ast.BranchStmt:
			if !sameFunc(n, r) {
				continue
			}
			switch s.Tok {
			case token.GOTO:
				return true
			case token.BREAK:
				if s.Label != nil {
					if t := labeled(n, s.Label.Name); t.Valid() && (t == r || fileinspect.Contains(t, r)) {
						return true
					}
					continue
				}
				for e := range n.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.SwitchStmt)(nil), (*ast.TypeSwitchStmt)(nil), (*ast.SelectStmt)(nil)) {
					if e == r {
						return true
					}
					break
				}
			case token.CONTINUE:
				if s.Label != nil {
					if t := labeled(n, s.Label.Name); t.Valid() && t != r && fileinspect.Contains(t, r) {
						return true
					}
				}
			}
		}
	}
	return false
}

// sameFunc reports whether n and r are in the same function.
func sameFunc(n, r inspector.Cursor) bool {
	fn := func(c inspector.Cursor) inspector.Cursor {
		for e := range c.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
			if e != c {
				return e
			}
		}
		return inspector.Cursor{}
	}
	return fn(n) == fn(r)
}

func (c *checker) reportRange(ch *channel, r inspector.Cursor, rs *ast.RangeStmt) {
	fset := c.pass.Fset
	name := ch.l.Var.Name()
	d := analysis.Diagnostic{
		Pos: rs.Pos(),
		End: rs.X.End(),
		Related: []analysis.RelatedInformation{{
			Pos: ch.l.Make.Pos(), End: ch.l.Make.End(),
			Message: fmt.Sprintf("%s is made here and never closed", name),
		}},
	}
	fix, how, ok := c.closerFix(ch, r, rs)
	if ok {
		d.Message = fmt.Sprintf("nothing closes %s (made at line %d), so this range over it never ends: once the senders are done it blocks forever; close %s when they are all done: %s",
			name, fset.Position(ch.l.Make.Pos()).Line, name, how)
		d.SuggestedFixes = []analysis.SuggestedFix{fix}
	} else {
		d.Message = fmt.Sprintf("nothing closes %s (made at line %d), so this range over it never ends: once the senders are done it blocks forever; close %s after the last send (with several senders, close it in a goroutine that waits for them all, e.g. go func() { wg.Wait(); close(%s) }())",
			name, fset.Position(ch.l.Make.Pos()).Line, name, name)
	}
	c.r.Report(ruleUnclosed, d)
}

// closerFix closes the channel once the sync.WaitGroup that tracks
// every sender is done: after a wg.Wait() of the owner that precedes
// the range in the same block, or else in a goroutine started just
// before the range.
func (c *checker) closerFix(ch *channel, r inspector.Cursor, rs *ast.RangeStmt) (analysis.SuggestedFix, string, bool) {
	if !ch.placeDirect(r) {
		return analysis.SuggestedFix{}, "", false
	}
	id, ok := ast.Unparen(rs.X).(*ast.Ident)
	if !ok {
		return analysis.SuggestedFix{}, "", false
	}
	var wg *types.Var
	senders := 0
	for _, g := range ch.gos {
		if len(g.sum.sends) == 0 && !g.sum.guarded {
			continue // a waiter, not a sender
		}
		senders++
		v := c.waitGroupOf(g)
		if v == nil || (wg != nil && v != wg) || g.at.Node().Pos() > rs.Pos() {
			return analysis.SuggestedFix{}, "", false
		}
		wg = v
	}
	if senders == 0 || wg == nil || wg.Pos() < ch.body.Pos() || wg.Pos() > ch.body.End() {
		return analysis.SuggestedFix{}, "", false
	}
	// The range may be labeled: insert before the label.
	stmt := ast.Node(rs)
	at := r
	if at.Parent().Node() != nil {
		if ls, ok := at.Parent().Node().(*ast.LabeledStmt); ok {
			stmt, at = ls, at.Parent()
		}
	}
	file := c.fileOf(stmt.Pos())
	if file == nil {
		return analysis.SuggestedFix{}, "", false
	}
	sc := c.info.Scopes[file].Innermost(stmt.Pos())
	if sc == nil {
		return analysis.SuggestedFix{}, "", false
	}
	if _, obj := sc.LookupParent(wg.Name(), stmt.Pos()); obj != wg {
		return analysis.SuggestedFix{}, "", false
	}
	if _, obj := sc.LookupParent("close", stmt.Pos()); obj != types.Universe.Lookup("close") {
		return analysis.SuggestedFix{}, "", false
	}
	indent := fixedit.Indent(c.pass, rs.Pos())
	at0 := fixedit.Indent(c.pass, stmt.Pos()) // a label sits left of the loop
	if !strings.HasPrefix(indent, at0) {
		return analysis.SuggestedFix{}, "", false
	}
	// A wg.Wait() just before, in the same block: close after it.
	for prev, ok := at.PrevSibling(); ok; prev, ok = prev.PrevSibling() {
		if c.isWait(prev.Node(), wg) {
			return analysis.SuggestedFix{
				Message: fmt.Sprintf("Close %s after %s.Wait()", id.Name, wg.Name()),
				TextEdits: []analysis.TextEdit{{
					Pos:     prev.Node().End(),
					End:     prev.Node().End(),
					NewText: []byte("\n" + indent + "close(" + id.Name + ")"),
				}},
			}, fmt.Sprintf("close(%s) after %s.Wait()", id.Name, wg.Name()), true
		}
	}
	text := indent[len(at0):] + "go func() {\n" + indent + "\t" + wg.Name() + ".Wait()\n" + indent + "\tclose(" + id.Name + ")\n" + indent + "}()\n" + at0
	return analysis.SuggestedFix{
		Message:   fmt.Sprintf("Close %s in a goroutine once %s is done", id.Name, wg.Name()),
		TextEdits: []analysis.TextEdit{{Pos: stmt.Pos(), End: stmt.Pos(), NewText: []byte(text)}},
	}, fmt.Sprintf("go func() { %s.Wait(); close(%s) }() before the loop", wg.Name(), id.Name), true
}

// isWait reports whether n is the statement wg.Wait().
func (c *checker) isWait(n ast.Node, wg *types.Var) bool {
	es, ok := n.(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || !calls.IsMethod(calls.Callee(c.info, call), "sync", "WaitGroup", "Wait") {
		return false
	}
	return chans.Obj(c.info, sel.X) == wg
}

// waitGroupOf returns the local sync.WaitGroup variable that tracks the
// goroutine: wg in wg.Go(f), or the wg of a wg.Done() in its literal.
func (c *checker) waitGroupOf(g *goroutine) *types.Var {
	if call, ok := g.at.Node().(*ast.CallExpr); ok {
		if !calls.IsMethod(calls.Callee(c.info, call), "sync", "WaitGroup", "Go") {
			return nil
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		v, _ := chans.Obj(c.info, sel.X).(*types.Var)
		if v == nil || v.IsField() {
			return nil
		}
		return v
	}
	if !g.lit.Valid() {
		return nil
	}
	var wg *types.Var
	for n := range g.lit.Preorder((*ast.CallExpr)(nil)) {
		call := n.Node().(*ast.CallExpr)
		if !calls.IsMethod(calls.Callee(c.info, call), "sync", "WaitGroup", "Done") {
			continue
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		v, _ := chans.Obj(c.info, sel.X).(*types.Var)
		if v == nil || v.IsField() || (wg != nil && wg != v) {
			return nil
		}
		wg = v
	}
	return wg
}

// canReturn reports whether the function with this body can return.
func (c *checker) canReturn(body *ast.BlockStmt) bool {
	for _, b := range c.graphs.Of(body).CFG.Blocks {
		if b.Live && len(b.Succs) == 0 && b.Return() != nil {
			return true
		}
	}
	return false
}
