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

	"github.com/bplint/bplint/analyzers/internal/fixedit"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// perMessageFixes returns the fixes of a goroutine-per-message finding:
// SetLimit for an errgroup; otherwise a semaphore around the spawn and,
// for a range loop whose only statement is the go statement, a fixed
// pool of workers ranging over the channel.
func (c *checker) perMessageFixes(sp spawn, m message) []analysis.SuggestedFix {
	var fixes []analysis.SuggestedFix
	if sp.group != nil {
		if f, ok := c.setLimitFix(sp, m); ok {
			fixes = append(fixes, f)
		}
		return fixes
	}
	if f, ok := c.semaphoreFix(sp, m); ok {
		fixes = append(fixes, f)
	}
	if f, ok := c.workerPoolFix(sp, m); ok {
		fixes = append(fixes, f)
	}
	return fixes
}

// loopStmt returns the statement of a loop: its label, if it has one.
func loopStmt(loop inspector.Cursor) ast.Stmt {
	if loop.ParentEdgeKind() == edge.LabeledStmt_Stmt {
		return loop.Parent().Node().(ast.Stmt)
	}
	return loop.Node().(ast.Stmt)
}

// inList reports whether cur is a statement of a statement list, where
// statements can be inserted before it.
func inList(cur inspector.Cursor) bool {
	switch cur.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		return true
	}
	return false
}

func (c *checker) setLimitFix(sp spawn, m message) (analysis.SuggestedFix, bool) {
	sel := ast.Unparen(sp.call.Fun).(*ast.SelectorExpr)
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	v, ok := c.info.Uses[id].(*types.Var)
	fn, inFunc := scope.Func(sp.cur)
	if !ok || !inFunc || isPackageVar(v) {
		return analysis.SuggestedFix{}, false
	}
	loop := loopStmt(m.loop)
	loopCur := m.loop
	if loop != m.loop.Node() {
		loopCur = m.loop.Parent()
	}
	if !inList(loopCur) || v.Pos() >= loop.Pos() {
		return analysis.SuggestedFix{}, false
	}
	// The group must be declared in this function and not have started
	// goroutines before the loop: SetLimit panics while any run.
	body := scope.Body(fn)
	if body == nil || v.Pos() < body.Pos() || v.Pos() >= body.End() {
		return analysis.SuggestedFix{}, false
	}
	for _, call := range c.index(sp.cur).calls {
		if call.Pos() < v.Pos() || call.Pos() >= loop.Pos() {
			continue
		}
		if s, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && objOf(c.info, s.X) == v {
			return analysis.SuggestedFix{}, false
		}
	}
	ind, ok := c.lineIndent(m.loop.Node().Pos())
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	n := c.opts.MaxInFlight
	return analysis.SuggestedFix{
		Message:   fmt.Sprintf("Limit the group to %d goroutines with SetLimit before the loop", n),
		TextEdits: []analysis.TextEdit{c.insertLine(loop.Pos(), ind, fmt.Sprintf("%s.SetLimit(%d)", id.Name, n))},
	}, true
}

// semaphoreFix makes a semaphore channel before the message loop,
// acquires it before the spawn, and releases it when the goroutine
// returns.
func (c *checker) semaphoreFix(sp spawn, m message) (analysis.SuggestedFix, bool) {
	var none analysis.SuggestedFix
	loop := loopStmt(m.loop)
	loopCur := m.loop
	if loop != m.loop.Node() {
		loopCur = m.loop.Parent()
	}
	if !inList(loopCur) || !inList(sp.stmt) {
		return none, false
	}
	loopInd, ok1 := c.lineIndent(m.loop.Node().Pos()) // a label is outdented
	stmt := sp.stmt.Node()
	stmtInd, ok2 := c.lineIndent(stmt.Pos())
	if !ok1 || !ok2 {
		return none, false
	}
	sc := c.declScope(loop)
	name := c.fresh(sc, loop.Pos(), "sem")
	if name == "" {
		return none, false
	}
	n := c.opts.MaxInFlight
	acquire := name + " <- struct{}{}"
	release := "defer func() { <-" + name + " }()"
	edits := []analysis.TextEdit{c.insertLine(loop.Pos(), loopInd, fmt.Sprintf("%s := make(chan struct{}, %d)", name, n))}
	if sp.lit != nil {
		body := sp.lit.Body
		if len(body.List) > 0 && c.line(body.Lbrace) < c.line(body.List[0].Pos()) {
			first := body.List[0]
			ind, ok := c.lineIndent(first.Pos())
			if !ok {
				return none, false
			}
			edits = append(edits,
				insertAt(stmt.Pos(), acquire+"\n"+stmtInd),
				insertAt(first.Pos(), release+"\n"+ind))
		} else {
			// A literal on one line: rewrite the statement.
			before, ok1 := c.source(stmt.Pos(), body.Lbrace+1)
			after, ok2 := c.source(body.Lbrace+1, stmt.End())
			if !ok1 || !ok2 {
				return none, false
			}
			text, ok := formatStmts(acquire+"\n"+before+"\n"+release+"\n"+after, stmtInd)
			if !ok {
				return none, false
			}
			edits = append(edits, replace(stmt, text))
		}
	} else {
		g, ok := stmt.(*ast.GoStmt)
		if !ok {
			return none, false
		}
		text, imports, ok := c.wrapGoCall(sp, g, release)
		if !ok {
			return none, false
		}
		text, ok = formatStmts(acquire+"\n"+text, stmtInd)
		if !ok {
			return none, false
		}
		edits = append(edits, replace(stmt, text))
		edits = append(edits, imports...)
	}
	return analysis.SuggestedFix{
		Message:   fmt.Sprintf("Limit the goroutines in flight to %d with a semaphore channel", n),
		TextEdits: edits,
	}, true
}

// wrapGoCall rewrites `go f(args)` as a goroutine literal that runs
// release on return. Arguments are still evaluated by the go statement:
// those that could change before the goroutine runs become parameters.
func (c *checker) wrapGoCall(sp spawn, g *ast.GoStmt, release string) (string, []analysis.TextEdit, bool) {
	call := g.Call
	fi := c.index(sp.cur)
	if fi == nil || !c.captureSafe(fi, call.Fun) {
		return "", nil, false
	}
	fun, ok := c.text(call.Fun)
	if !ok {
		return "", nil, false
	}
	sc := c.info.Scopes[c.file].Innermost(g.Pos())
	q := fixedit.NewQualifier(c.pass, c.file, g.Pos())
	var params, inner, outer []string
	var taken []string
	for i, a := range call.Args {
		at, ok := c.text(a)
		if !ok || strings.Contains(at, "\n") {
			return "", nil, false
		}
		ellipsis := call.Ellipsis.IsValid() && i == len(call.Args)-1
		if c.captureSafe(fi, a) {
			if ellipsis {
				at += "..."
			}
			inner = append(inner, at)
			continue
		}
		base := "arg"
		if id, ok := ast.Unparen(a).(*ast.Ident); ok {
			base = id.Name
		}
		p := c.fresh(sc, g.Pos(), base, taken...)
		taken = append(taken, p)
		t := c.info.TypeOf(a)
		if t == nil {
			return "", nil, false
		}
		params = append(params, p+" "+q.Type(types.Default(t)))
		if ellipsis {
			p += "..."
		}
		inner = append(inner, p)
		outer = append(outer, at)
	}
	if !q.Ok {
		return "", nil, false
	}
	text := fmt.Sprintf("go func(%s) {\n%s\n%s(%s)\n}(%s)",
		strings.Join(params, ", "), release, fun, strings.Join(inner, ", "), strings.Join(outer, ", "))
	return text, q.Edits, true
}

// captureSafe reports whether evaluating e later, in a goroutine,
// yields what evaluating it now does: it reads only constants,
// functions, and variables that never change after their declaration
// (loop variables only when each iteration has its own).
func (c *checker) captureSafe(fi *funcIndex, e ast.Expr) bool {
	safe := true
	ast.Inspect(e, func(n ast.Node) bool {
		if !safe {
			return false
		}
		switch n := n.(type) {
		case *ast.Ident:
			switch obj := c.info.Uses[n].(type) {
			case *types.Var:
				if obj.IsField() {
					return true
				}
				if isPackageVar(obj) || !fi.final(obj) {
					safe = false
				}
				if !c.atLeast("go1.22") {
					for _, d := range fi.defs[obj] {
						if d.rhs == nil {
							safe = false // a range variable shared by all iterations
						}
					}
				}
			}
		case nil, *ast.SelectorExpr, *ast.BasicLit, *ast.ParenExpr, *ast.BinaryExpr:
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				safe = false
			}
		default:
			safe = false
		}
		return safe
	})
	return safe
}

// workerPoolFix rewrites `for v := range ch { go f(v) }` as a fixed
// pool of workers that each range over ch, and waits for them.
func (c *checker) workerPoolFix(sp spawn, m message) (analysis.SuggestedFix, bool) {
	var none analysis.SuggestedFix
	rs, ok := m.loop.Node().(*ast.RangeStmt)
	g, isGo := sp.stmt.Node().(*ast.GoStmt)
	if !ok || !isGo || !inList(m.loop) || len(rs.Body.List) != 1 || rs.Body.List[0] != g || rs.Value != nil {
		return none, false
	}
	if rs.Key != nil && rs.Tok != token.DEFINE {
		return none, false
	}
	ind, ok := c.lineIndent(rs.Pos())
	if !ok {
		return none, false
	}
	// Each worker evaluates the channel expression: it must not change.
	fi := c.index(m.loop)
	if fi == nil || !c.captureSafe(fi, rs.X) {
		return none, false
	}
	// The worker's body: the go statement without "go", or the body of
	// the goroutine literal, with the comments around it.
	var work string
	if lit := sp.lit; lit != nil && lit.Type.Params.NumFields() == 0 && len(g.Call.Args) == 0 && !leavesEarly(lit.Body) {
		work, ok = c.source(lit.Body.Lbrace+1, lit.Body.Rbrace)
		if after, ok2 := c.source(lit.Body.Rbrace+1, g.End()); !ok2 || strings.TrimSpace(after) != "()" {
			return none, false // comments inside the call
		}
	} else {
		work, ok = c.text(g.Call)
	}
	before, ok1 := c.source(rs.Body.Lbrace+1, g.Pos())
	after, ok2 := c.source(g.End(), rs.Body.Rbrace)
	chText, ok3 := c.text(rs.X)
	if !ok || !ok1 || !ok2 || !ok3 {
		return none, false
	}
	work = strings.TrimSpace(before + work + after)
	key := ""
	if rs.Key != nil {
		k, ok := c.text(rs.Key)
		if !ok {
			return none, false
		}
		key = k + " := "
	}
	sc := c.declScope(rs)
	wg := c.fresh(sc, rs.Pos(), "wg")
	syncName, imports := fixedit.Import(c.pass, c.file, rs.Pos(), "sync")
	n := c.opts.MaxInFlight
	inner := fmt.Sprintf("for %srange %s {\n%s\n}", key, chText, work)
	var worker string
	if c.atLeast("go1.25") {
		worker = fmt.Sprintf("%s.Go(func() {\n%s\n})", wg, inner)
	} else {
		worker = fmt.Sprintf("%s.Add(1)\ngo func() {\ndefer %s.Done()\n%s\n}()", wg, wg, inner)
	}
	var loop string
	if c.atLeast("go1.22") {
		loop = fmt.Sprintf("for range %d {\n%s\n}", n, worker)
	} else {
		i := c.fresh(sc, rs.Pos(), "i", wg)
		loop = fmt.Sprintf("for %s := 0; %s < %d; %s++ {\n%s\n}", i, i, n, i, worker)
	}
	text, ok := formatStmts(fmt.Sprintf("var %s %s.WaitGroup\n%s\n%s.Wait()", wg, syncName, loop, wg), ind)
	if !ok {
		return none, false
	}
	return analysis.SuggestedFix{
		Message:   fmt.Sprintf("Receive in a fixed pool of %d workers and wait for them", n),
		TextEdits: append([]analysis.TextEdit{replace(rs, text)}, imports...),
	}, true
}

// leavesEarly reports whether a goroutine body has statements whose
// meaning changes when it is inlined into a loop: return, defer, goto,
// labels, or recover.
func leavesEarly(body *ast.BlockStmt) bool {
	return scope.AnyOutsideLiterals(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ReturnStmt, *ast.DeferStmt, *ast.LabeledStmt:
			return true
		case *ast.BranchStmt:
			return n.Tok == token.GOTO
		case *ast.Ident:
			return n.Name == "recover"
		}
		return false
	})
}
