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

	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/fixedit"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// silentDrop checks a select with a default case: a send of data whose
// default is empty and carries no comment drops the value unseen.
func (c *checker) silentDrop(cur inspector.Cursor, sel *ast.SelectStmt) {
	if c.isTest {
		return
	}
	var def *ast.CommClause
	var end token.Pos = sel.Body.Rbrace
	for i, s := range sel.Body.List {
		if cc := s.(*ast.CommClause); cc.Comm == nil {
			def = cc
			if i+1 < len(sel.Body.List) {
				end = sel.Body.List[i+1].Pos()
			}
		}
	}
	if def == nil || len(def.Body) > 0 || c.commented(cur, sel, def, end) {
		return
	}
	for _, s := range sel.Body.List {
		cc := s.(*ast.CommClause)
		send, ok := cc.Comm.(*ast.SendStmt)
		if !ok {
			continue
		}
		ch := chans.Of(c.info.TypeOf(send.Chan))
		if ch == nil || chans.IsSignal(ch.Elem()) {
			continue
		}
		if tv := c.info.Types[send.Value]; tv.Value != nil || tv.IsNil() {
			continue // a constant carries no data: a wake-up token
		}
		if c.keptOnDefault(cur, sel, cc, send) || c.freeList(cur, send) {
			continue
		}
		if c.oneSlot(cur, send) || c.casGuarded(cur) || c.perRequestReply(cur, send) {
			continue // a pending value stands for the dropped one
		}
		sendCur, _ := cur.FindNode(send)
		if l := c.local(sendCur, send.Chan); l != nil && !l.Remade && covers(c.capOf(l), c.sendTotal(l)) {
			continue // the buffer holds every send: the default never runs
		}
		chText := types.ExprString(send.Chan)
		d := analysis.Diagnostic{
			Pos: send.Pos(), End: send.End(),
			Message: fmt.Sprintf("the value sent on %s is dropped whenever the channel cannot take it at once, and the empty default hides it: count the drop (or use a bounded.Queue with DropNewest and read its Stats), wait for the receiver or a cancellation, or say in the default why dropping is fine",
				chText),
		}
		if fix, ok := c.countFix(cur, def); ok {
			d.SuggestedFixes = append(d.SuggestedFixes, fix)
		}
		if fix, ok := c.blockFix(cur, sel, def); ok {
			d.SuggestedFixes = append(d.SuggestedFixes, fix)
		}
		c.r.Report(ruleDrop, d)
	}
}

// commented reports whether a comment explains the drop: one inside the
// default case (up to end), on the line of `default:`, ending on the
// line just above it or just above the select, or a doc comment of the
// enclosing function that speaks of dropping.
func (c *checker) commented(cur inspector.Cursor, sel *ast.SelectStmt, def *ast.CommClause, end token.Pos) bool {
	b, tf := c.src(def.Pos())
	if b == nil {
		return true // cannot tell; stay quiet
	}
	defLine, selLine := tf.Line(def.Pos()), tf.Line(sel.Pos())
	// A comment above the statement that opens with the select also
	// speaks of it: `// Use the first reply.` above `if ok {` + select.
	heads := map[int]bool{selLine - 1: true}
	first := selLine
	for n := cur; n.ParentEdgeIndex() == 0; {
		var owner inspector.Cursor
		switch n.ParentEdgeKind() {
		case edge.BlockStmt_List:
			owner = n.Parent().Parent()
			switch owner.Node().(type) {
			case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt:
			default:
				goto scan
			}
		case edge.CaseClause_Body, edge.CommClause_Body:
			owner = n.Parent() // case x: // comment above the case
		default:
			goto scan
		}
		first = tf.Line(owner.Node().Pos())
		heads[first-1] = true
		if _, isClause := owner.Node().(ast.Stmt); !isClause {
			break
		}
		n = owner
	}
scan:
	for _, g := range c.file.Comments {
		if g.End() < sel.Pos() && tf.Line(g.End()) < first-1 {
			continue
		}
		if g.Pos() >= end {
			break
		}
		switch {
		case def.Pos() <= g.Pos():
			return true // in the default case, or after `default:`
		case sel.Body.Lbrace < g.Pos() && tf.Line(g.End()) == defLine-1 && startsLine(b, tf, g.Pos()):
			return true // on the line above `default:`
		case g.End() <= sel.Pos() && heads[tf.Line(g.End())] && startsLine(b, tf, g.Pos()):
			return true // just above the select, or the statement it opens
		}
	}
	// The doc comment of the function says so: "sends v unless the
	// buffer is full".
	for _, d := range c.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && fd.Body.Pos() <= sel.Pos() && sel.End() <= fd.Body.End() {
			return fd.Doc != nil && explainsDrop(fd.Doc.Text())
		}
	}
	return false
}

// dropWords are what a doc comment says when the drop is meant: "drops
// the event if the consumer is slow", "sends v unless the buffer is
// full", "non-blocking".
var dropWords = []string{"drop", "discard", "non-blocking", "nonblocking", "non blocking", "don't block", "do not block", "without blocking", "not block", "lossy", "best effort", "best-effort", "skip", "ignore", "if full", "is full", "are full", "already", "unless", "if nobody", "if no one", "no listener", "no receiver"}

func explainsDrop(text string) bool {
	text = strings.ToLower(text)
	for _, w := range dropWords {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// countFix increments an obvious drop counter in the default case: a
// field of the method's pointer receiver or a package-level variable,
// named like dropped/drops/dropCount, with an Inc() or Add(n) method
// (atomic.Int64, expvar.Int, prometheus.Counter, ...).
func (c *checker) countFix(cur inspector.Cursor, def *ast.CommClause) (analysis.SuggestedFix, bool) {
	pos := def.Colon + 1
	sc := c.scopeAt(def.Colon)
	var found []string
	// Fields of the receiver.
	if fd := enclosingDecl(cur); fd != nil && fd.Recv != nil && len(fd.Recv.List) == 1 && len(fd.Recv.List[0].Names) == 1 {
		recvID := fd.Recv.List[0].Names[0]
		if recv, ok := c.info.Defs[recvID].(*types.Var); ok && recvID.Name != "_" {
			if _, obj := sc.LookupParent(recvID.Name, pos); obj == recv {
				if p, ok := types.Unalias(recv.Type()).(*types.Pointer); ok {
					if st, ok := p.Elem().Underlying().(*types.Struct); ok {
						for f := range st.Fields() {
							if call, ok := counterCall(f.Name(), f.Type(), c.pass.Pkg); ok && (f.Exported() || f.Pkg() == c.pass.Pkg) {
								found = append(found, recvID.Name+"."+f.Name()+call)
							}
						}
					}
				}
			}
		}
	}
	// Package-level variables, when the receiver has none.
	pkgScope := c.pass.Pkg.Scope()
	for _, n := range pkgScope.Names() {
		if len(found) > 0 {
			break
		}
		v, ok := pkgScope.Lookup(n).(*types.Var)
		if !ok {
			continue
		}
		if call, ok := counterCall(n, v.Type(), c.pass.Pkg); ok {
			if _, obj := sc.LookupParent(n, pos); obj == v {
				found = append(found, n+call)
			}
		}
	}
	if len(found) != 1 {
		return analysis.SuggestedFix{}, false // none, or no obvious one
	}
	indent := fixedit.Indent(c.pass, def.Pos())
	return analysis.SuggestedFix{
		Message:   "Count the dropped value",
		TextEdits: []analysis.TextEdit{{Pos: pos, End: pos, NewText: []byte("\n" + indent + "\t" + found[0])}},
	}, true
}

// counterCall returns the call that adds one to a variable of type t
// named name, when it is an obvious drop counter: ".Inc()", ".Add(1)".
func counterCall(name string, t types.Type, pkg *types.Package) (string, bool) {
	if !strings.Contains(strings.ToLower(name), "drop") {
		return "", false
	}
	ms := types.NewMethodSet(t)
	if _, isIface := t.Underlying().(*types.Interface); !isIface {
		ms = types.NewMethodSet(types.NewPointer(t))
	}
	lookup := func(m string) *types.Signature {
		sel := ms.Lookup(pkg, m)
		if sel == nil {
			return nil
		}
		sig, _ := sel.Type().(*types.Signature)
		return sig
	}
	numeric := func(t types.Type) bool {
		b, ok := t.Underlying().(*types.Basic)
		return ok && b.Info()&types.IsNumeric != 0
	}
	if sig := lookup("Inc"); sig != nil {
		switch {
		case sig.Params().Len() == 0:
			return ".Inc()", true
		case sig.Params().Len() == 1 && numeric(sig.Params().At(0).Type()) && !sig.Variadic():
			return ".Inc(1)", true
		}
	}
	if sig := lookup("Add"); sig != nil && sig.Params().Len() == 1 && numeric(sig.Params().At(0).Type()) && !sig.Variadic() {
		return ".Add(1)", true
	}
	return "", false
}

func enclosingDecl(cur inspector.Cursor) *ast.FuncDecl {
	for fd := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		return fd.Node().(*ast.FuncDecl)
	}
	return nil
}

// blockFix turns the non-blocking send into a blocking one that a
// done context cancels: the default case becomes a case on ctx.Done().
func (c *checker) blockFix(cur inspector.Cursor, sel *ast.SelectStmt, def *ast.CommClause) (analysis.SuggestedFix, bool) {
	for _, s := range sel.Body.List {
		if chans.CaseKind(c.info, s.(*ast.CommClause)) == chans.CtxDone {
			return analysis.SuggestedFix{}, false // dropping the default alone would do; rare
		}
	}
	ctx, ok := c.contextAt(cur)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	dc, ok := c.doneCaseAt(cur, ctx, def.Pos(), alwaysGiveUp)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	text := "case <-" + ctx.Expr + ".Done():"
	if !dc.giveUp {
		text += "\n" + fixedit.Indent(c.pass, def.Pos()) + "\t" + dc.text
	}
	return analysis.SuggestedFix{
		Message:   "Wait for the receiver or " + ctx.Expr + ".Done()",
		TextEdits: append([]analysis.TextEdit{{Pos: def.Pos(), End: def.Colon + 1, NewText: []byte(text)}}, dc.q.Edits...),
	}, true
}

// keptOnDefault reports whether the value is not lost when the default
// runs: the send case leaves and code after the select handles the
// value (try to hand over, else queue it); the value stays where it is
// stored (an element of a slice or map, a field of the receiver); or
// the variable sent is used again after the select.
func (c *checker) keptOnDefault(cur inspector.Cursor, sel *ast.SelectStmt, cc *ast.CommClause, send *ast.SendStmt) bool {
	if n := len(cc.Body); n > 0 && c.leavesFlow(cc.Body[n-1]) {
		if _, ok := cur.NextSibling(); ok && isListEdge(cur.ParentEdgeKind()) {
			return true
		}
	}
	switch v := ast.Unparen(send.Value).(type) {
	case *ast.IndexExpr, *ast.IndexListExpr:
		return true
	case *ast.SelectorExpr:
		if id, ok := ast.Unparen(v.X).(*ast.Ident); ok {
			if fd := enclosingDecl(cur); fd != nil && fd.Recv != nil && len(fd.Recv.List) == 1 && len(fd.Recv.List[0].Names) == 1 {
				if c.info.Uses[id] != nil && c.info.Uses[id] == c.info.Defs[fd.Recv.List[0].Names[0]] {
					return true
				}
			}
		}
	case *ast.Ident:
		obj := c.info.Uses[v]
		if obj == nil {
			return false
		}
		fn, ok := scope.Func(cur)
		if !ok {
			return false
		}
		for id := range fn.Preorder((*ast.Ident)(nil)) {
			n := id.Node().(*ast.Ident)
			if n.Pos() > sel.End() && c.info.Uses[n] == obj {
				return true
			}
		}
	}
	return false
}

// oneSlot reports whether the channel of a non-blocking send keeps the
// value that matters when it drops one: every make gives it a capacity
// of one (a pending wake-up stands for any later one: the receiver
// re-reads the state it signals), or it carries errors in a buffer
// (the first errors win; later ones add nothing to a failure that is
// being handled already).
func (c *checker) oneSlot(cur inspector.Cursor, send *ast.SendStmt) bool {
	ch := chans.Of(c.info.TypeOf(send.Chan))
	isErr := types.Identical(ch.Elem(), types.Universe.Lookup("error").Type())
	if field := c.channelField(send.Chan); field != nil {
		fi := c.fieldOf(field)
		return fi != nil && (fi.single || isErr && fi.buffered)
	}
	sendCur, _ := cur.FindNode(send)
	l := c.local(sendCur, send.Chan)
	if l == nil || l.Remade || l.Local.Make == nil {
		return false
	}
	k, isConst := l.ConstCap(c.info)
	return isConst && k == 1 || isErr && (!isConst || k >= 1)
}

// leavesFlow reports whether s ends the straight-line flow: return,
// break, continue, goto, or panic.
func (c *checker) leavesFlow(s ast.Stmt) bool {
	if b, ok := s.(*ast.BranchStmt); ok {
		return b.Tok != token.BREAK || b.Label != nil // a plain break only leaves the select
	}
	return c.returnsOrPanics(s)
}

func isListEdge(k edge.Kind) bool {
	switch k {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		return true
	}
	return false
}

// freeList reports whether the send returns an object to a pool or free
// list, where dropping it lets the garbage collector take it: the
// channel is named like a pool, the enclosing function like a put, or
// the package takes from the same field without waiting.
func (c *checker) freeList(cur inspector.Cursor, send *ast.SendStmt) bool {
	var chName string
	switch e := ast.Unparen(send.Chan).(type) {
	case *ast.Ident:
		chName = e.Name
	case *ast.SelectorExpr:
		chName = e.Sel.Name
	}
	if chans.PoolName(chName) {
		return true
	}
	// The other end takes from the field without waiting too (reuse a
	// buffer if one is there, else allocate): a free list.
	if sel, ok := ast.Unparen(send.Chan).(*ast.SelectorExpr); ok {
		if s := c.info.Selections[sel]; s != nil && s.Kind() == types.FieldVal && c.polledFields()[s.Obj()] {
			return true
		}
	}
	fd := enclosingDecl(cur)
	if fd == nil {
		return false
	}
	fn := strings.ToLower(fd.Name.Name)
	for _, p := range []string{"put", "release", "recycle", "free", "giveback", "reuse"} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}

// polledFields returns the channel fields that the package receives
// from in a select with a default: takers that do not wait.
func (c *checker) polledFields() map[types.Object]bool {
	if c.polled != nil {
		return c.polled
	}
	c.polled = make(map[types.Object]bool)
	for n := range c.in.Preorder((*ast.SelectStmt)(nil)) {
		sel := n.Node().(*ast.SelectStmt)
		if !chans.HasDefault(sel) {
			continue
		}
		for _, s := range sel.Body.List {
			if e, ok := ast.Unparen(chans.RecvChan(s.(*ast.CommClause).Comm)).(*ast.SelectorExpr); ok {
				if fs := c.info.Selections[e]; fs != nil && fs.Kind() == types.FieldVal {
					c.polled[fs.Obj()] = true
				}
			}
		}
	}
	return c.polled
}
