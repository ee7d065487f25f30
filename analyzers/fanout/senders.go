package fanout

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/cfg"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/internal/fixedit"
	"github.com/bplint/bplint/analyzers/internal/flow"
	"github.com/bplint/bplint/analyzers/internal/report"
)

// A receiver is what the owner does to receive from a channel, mapped
// onto the owner's control-flow graph.
type receiver struct {
	c  *checker
	ch *channel
	g  *flow.Graph
	// recv counts the values received at a point: plain receives
	// (their node) and receiving select cases (the entry of the case
	// body). drain marks the points from which the owner keeps
	// receiving until every sender is done: a range over the channel,
	// the head of a loop with a condition that receives. done marks
	// the entries of `if` bodies guarded by a counter of received
	// values. fail marks test failures: a leak after one does not
	// matter.
	recv              map[flow.Point]int
	drain, done, fail map[flow.Point]bool
	makeAt            flow.Point
	// loops are the loops of the owner that receive (and do not
	// enclose the make call); drains are those that drain.
	loops, drains []inspector.Cursor
	doneIfs       map[*ast.IfStmt]bool
}

// checkSenders applies timeout-leak, ncast and early-return.
func (c *checker) checkSenders(ch *channel) {
	senders := ch.senders()
	if len(senders) == 0 || len(ch.recvs)+len(ch.ranges) == 0 {
		return
	}
	capacity, ok := chans.ConstCap(c.info, ch.l.Cap)
	if !ok {
		return // a computed capacity: its relation to the senders is unknown
	}
	// Count the senders.
	var (
		n       count
		paired  bool
		singles []*goroutine
	)
	for _, s := range senders {
		loops := loopsOf(s.at, ch)
		for _, lp := range loops {
			for _, r := range ch.recvs {
				paired = paired || fileinspect.Contains(lp, r.Cursor)
			}
			for _, r := range ch.ranges {
				paired = paired || fileinspect.Contains(lp, r)
			}
		}
		switch {
		case len(loops) == 0:
			singles = append(singles, s)
		case s.sum.elected:
			// One of the goroutines the loop starts wins the right to
			// send: one sender.
			n.k++
		case len(loops) == 1:
			c.addLoop(&n, ch, loops[0])
		default:
			n.terms = append(n.terms, term{loop: loops[len(loops)-1].Node().(ast.Stmt)})
		}
	}
	rv := c.receiver(ch, senders)
	if rv == nil {
		return
	}
	if paired {
		// Each iteration starts a sender and receives: one at a time.
		if len(senders) > 1 {
			return
		}
		n = count{k: 1}
	} else {
		n.k += rv.chain(singles)
	}
	sort.Slice(senders, func(i, j int) bool { return senders[i].at.Node().Pos() < senders[j].at.Node().Pos() })

	// Can the owner leave, from the first sender on, having received
	// fewer values than were sent, minus what the buffer holds?
	if path, ok := rv.g.MinCount(senders[0].at.Node(), rv.mark, func(p flow.Point) int { return rv.recv[p] }); ok && n.exceeds(int64(path.Count), capacity) {
		c.reportPath(ch, rv, n, capacity, senders, path)
		return
	}
	// Can a draining loop stop early?
	for _, x := range rv.earlyExits() {
		done := int64(0)
		if x.dominated {
			done = 1
		}
		if !n.exceeds(done, capacity) {
			continue
		}
		if n.single() {
			c.reportTimeout(ch, senders, x, "")
		} else {
			c.reportMany(ch, ruleEarlyReturn, n, capacity, senders, x, -1, "")
		}
		return
	}
}

// receiver maps the owner's receives onto its control-flow graph.
func (c *checker) receiver(ch *channel, senders []*goroutine) *receiver {
	g := c.graphs.Of(ch.body)
	mb, mi := g.Block(ch.l.Make)
	if mb == nil {
		return nil
	}
	rv := &receiver{
		c:       c,
		ch:      ch,
		g:       g,
		recv:    make(map[flow.Point]int),
		drain:   make(map[flow.Point]bool),
		done:    make(map[flow.Point]bool),
		fail:    make(map[flow.Point]bool),
		makeAt:  flow.Point{Block: mb, Index: mi},
		doneIfs: make(map[*ast.IfStmt]bool),
	}
	loopSeen := make(map[inspector.Cursor]bool)
	addLoops := func(at inspector.Cursor) {
		for _, lp := range loopsOf(at, ch) {
			if !loopSeen[lp] {
				loopSeen[lp] = true
				rv.loops = append(rv.loops, lp)
			}
		}
	}
	for _, op := range ch.recvs {
		if op.Case != nil {
			b := g.BlockOf(op.Case, cfg.KindSelectCaseBody)
			if b == nil {
				return nil
			}
			rv.recv[flow.Point{Block: b, Index: -1}]++
		} else {
			b, i := g.Block(op.Cursor.Node())
			if b == nil {
				return nil
			}
			rv.recv[flow.Point{Block: b, Index: i}]++
		}
		addLoops(op.Cursor)
	}
	for _, r := range ch.ranges {
		rs := r.Node().(*ast.RangeStmt)
		b, i := g.Block(rs.X)
		if b == nil {
			return nil
		}
		rv.drain[flow.Point{Block: b, Index: i}] = true
		addLoops(r)
		if !loopSeen[r] {
			loopSeen[r] = true
			rv.loops = append(rv.loops, r)
		}
	}
	// Loops with a condition that receive drain, unless they also start
	// the senders (then each iteration pairs a send and a receive).
	for _, lp := range rv.loops {
		spawns := false
		for _, s := range senders {
			spawns = spawns || fileinspect.Contains(lp, s.at)
		}
		if spawns {
			continue
		}
		var head *cfg.Block
		switch l := lp.Node().(type) {
		case *ast.ForStmt:
			if l.Cond == nil {
				continue // for {}: leaves only by return, break or goto
			}
			head = g.BlockOf(l, cfg.KindForLoop)
		case *ast.RangeStmt:
			head = g.BlockOf(l, cfg.KindRangeLoop)
		}
		if head != nil {
			rv.drain[flow.Point{Block: head, Index: -1}] = true
			rv.drains = append(rv.drains, lp)
		}
	}
	// `if` statements that compare a counter of the receiving loop:
	// their body runs once the expected values are in.
	for _, lp := range rv.loops {
		counters := c.counters(lp)
		if len(counters) == 0 {
			continue
		}
		for ic := range lp.Preorder((*ast.IfStmt)(nil)) {
			is := ic.Node().(*ast.IfStmt)
			if !c.placeOf(ic, ch.owner).direct() || !c.comparesCounter(is.Cond, counters) {
				continue
			}
			rv.doneIfs[is] = true
			if b := g.BlockOf(is, cfg.KindIfThen); b != nil {
				rv.done[flow.Point{Block: b, Index: -1}] = true
			}
		}
	}
	for _, b := range g.CFG.Blocks {
		for i, n := range b.Nodes {
			if es, ok := n.(*ast.ExprStmt); ok && c.isTestFailure(es) {
				rv.fail[flow.Point{Block: b, Index: i}] = true
			}
		}
	}
	return rv
}

// mark is the search mark of MinCount from a sender to an exit.
func (rv *receiver) mark(p flow.Point) flow.Mark {
	switch {
	case p == rv.makeAt:
		return flow.Leave // the next iteration makes a new channel
	case rv.recv[p] > 0:
		return flow.Count
	case rv.drain[p], rv.done[p], rv.fail[p]:
		return flow.Stop
	}
	return flow.Pass
}

// chain returns the largest number of the single (not looped) senders
// that one run of the owner can start: those on one path.
func (rv *receiver) chain(singles []*goroutine) int64 {
	sort.Slice(singles, func(i, j int) bool { return singles[i].at.Node().Pos() < singles[j].at.Node().Pos() })
	points := make([]flow.Point, len(singles))
	for i, s := range singles {
		b, idx := rv.g.Block(s.at.Node())
		points[i] = flow.Point{Block: b, Index: idx}
	}
	best := make([]int64, len(singles))
	var most int64
	for j := range singles {
		best[j] = 1
		for i := range j {
			if best[i]+1 <= best[j] {
				continue
			}
			target := points[j]
			if rv.g.Reaches(singles[i].at.Node(), func(p flow.Point) flow.Mark {
				switch p {
				case target:
					return flow.Count
				case rv.makeAt:
					return flow.Stop
				}
				return flow.Pass
			}) {
				best[j] = best[i] + 1
			}
		}
		most = max(most, best[j])
	}
	return most
}

// counters returns the variables that count in loop: incremented,
// decremented or appended to.
func (c *checker) counters(loop inspector.Cursor) map[types.Object]bool {
	out := make(map[types.Object]bool)
	root := func(e ast.Expr) types.Object {
		if v := chans.RootVar(c.info, e); v != nil {
			return v
		}
		return nil // not a typed nil in the interface
	}
	for n := range loop.Preorder((*ast.IncDecStmt)(nil), (*ast.AssignStmt)(nil)) {
		switch s := n.Node().(type) {
		case *ast.IncDecStmt:
			if obj := root(s.X); obj != nil {
				out[obj] = true
			}
		case *ast.AssignStmt:
			switch s.Tok {
			case token.ADD_ASSIGN, token.SUB_ASSIGN:
				if obj := root(s.Lhs[0]); obj != nil {
					out[obj] = true
				}
			case token.ASSIGN, token.DEFINE:
				for i, l := range s.Lhs {
					obj := root(l)
					if obj == nil || len(s.Rhs) != len(s.Lhs) {
						continue
					}
					if _, isIndex := l.(*ast.IndexExpr); isIndex || mentions(c.info, s.Rhs[i], obj) {
						out[obj] = true // m[k] = v, n = n + 1, xs = append(xs, x)
					}
				}
			}
		}
	}
	return out
}

func mentions(info *types.Info, e ast.Expr, obj types.Object) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == obj {
			found = true
		}
		return !found
	})
	return found
}

// comparesCounter reports whether cond compares a counter (or its
// length) with something.
func (c *checker) comparesCounter(cond ast.Expr, counters map[types.Object]bool) bool {
	found := false
	ast.Inspect(cond, func(n ast.Node) bool {
		be, ok := n.(*ast.BinaryExpr)
		if !ok || found {
			return !found
		}
		switch be.Op {
		case token.EQL, token.LSS, token.LEQ, token.GTR, token.GEQ:
			for _, side := range []ast.Expr{be.X, be.Y} {
				side = ast.Unparen(side)
				if call, ok := side.(*ast.CallExpr); ok && calls.IsBuiltin(c.info, call, "len") && len(call.Args) == 1 {
					side = ast.Unparen(call.Args[0])
				}
				if id, ok := side.(*ast.Ident); ok && counters[c.info.ObjectOf(id)] {
					found = true
				}
			}
		}
		return true
	})
	return found
}

// isTestFailure reports whether s calls t.Error, t.Fatal and the like.
func (c *checker) isTestFailure(s *ast.ExprStmt) bool {
	call, ok := s.X.(*ast.CallExpr)
	if !ok {
		return false
	}
	fn := calls.Callee(c.info, call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "testing" || fn.Signature().Recv() == nil {
		return false
	}
	switch fn.Name() {
	case "Error", "Errorf", "Fatal", "Fatalf", "Fail", "FailNow", "Skip", "Skipf", "SkipNow":
		return true
	}
	return false
}

// An exit is a statement of a draining loop that leaves it.
type exit struct {
	stmt   ast.Stmt   // *ast.ReturnStmt or *ast.BranchStmt
	loop   ast.Stmt   // the draining loop it leaves
	target *cfg.Block // where control goes, nil for a return
	cur    inspector.Cursor
	// dominated is set when every path to the exit receives a value
	// in the same iteration first.
	dominated bool
}

// earlyExits returns the statements that leave a draining loop, after
// which the owner never receives again.
func (rv *receiver) earlyExits() []exit {
	var out []exit
	for _, lp := range rv.drains {
		for xc := range lp.Preorder((*ast.ReturnStmt)(nil), (*ast.BranchStmt)(nil)) {
			ex, isExit := rv.exitOf(lp, xc)
			if !isExit || rv.completes(lp, xc) || rv.afterFailure(xc) {
				continue
			}
			if ex.target != nil && rv.g.ReachesFrom(ex.target, func(p flow.Point) flow.Mark {
				switch {
				case p == rv.makeAt:
					return flow.Stop
				case rv.recv[p] > 0, rv.drain[p]:
					return flow.Count
				}
				return flow.Pass
			}) {
				continue // it goes on receiving after the loop
			}
			ex.dominated = rv.dominated(lp, xc)
			out = append(out, ex)
		}
	}
	return out
}

// exitOf reports whether the return or branch statement at xc leaves
// the loop lp, and where it goes.
func (rv *receiver) exitOf(lp, xc inspector.Cursor) (exit, bool) {
	if !rv.ch.placeDirect(xc) {
		return exit{}, false
	}
	x := exit{stmt: xc.Node().(ast.Stmt), loop: lp.Node().(ast.Stmt), cur: xc}
	switch s := xc.Node().(type) {
	case *ast.ReturnStmt:
		return x, true
	case *ast.BranchStmt:
		switch s.Tok {
		case token.BREAK:
			var target inspector.Cursor
			if s.Label == nil {
				for e := range xc.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.SwitchStmt)(nil), (*ast.TypeSwitchStmt)(nil), (*ast.SelectStmt)(nil)) {
					target = e
					break
				}
			} else {
				target = labeled(xc, s.Label.Name)
			}
			if !target.Valid() || !(target == lp || fileinspect.Contains(target, lp)) {
				return exit{}, false
			}
			x.target = rv.g.BlockOf(target.Node().(ast.Stmt), doneKind(target.Node()))
			return x, x.target != nil
		case token.CONTINUE:
			if s.Label == nil {
				return exit{}, false
			}
			target := labeled(xc, s.Label.Name)
			if !target.Valid() || target == lp || !fileinspect.Contains(target, lp) {
				return exit{}, false
			}
			x.target = continueBlock(rv.g, target.Node())
			return x, x.target != nil
		case token.GOTO:
			if s.Label == nil {
				return exit{}, false
			}
			for ls := range rv.ch.owner.Preorder((*ast.LabeledStmt)(nil)) {
				l := ls.Node().(*ast.LabeledStmt)
				if l.Label.Name == s.Label.Name {
					if fileinspect.Contains(lp, ls) {
						return exit{}, false
					}
					x.target = rv.g.BlockOf(l, cfg.KindLabel)
					return x, x.target != nil
				}
			}
		}
	}
	return exit{}, false
}

// labeled returns the statement labeled name that encloses at.
func labeled(at inspector.Cursor, name string) inspector.Cursor {
	for e := range at.Enclosing((*ast.LabeledStmt)(nil), (*ast.FuncLit)(nil)) {
		if _, lit := e.Node().(*ast.FuncLit); lit {
			break
		}
		if e.Node().(*ast.LabeledStmt).Label.Name == name {
			for child := range e.Children() {
				if _, isIdent := child.Node().(*ast.Ident); !isIdent {
					return child
				}
			}
		}
	}
	return inspector.Cursor{}
}

func doneKind(n ast.Node) cfg.BlockKind {
	switch n.(type) {
	case *ast.ForStmt:
		return cfg.KindForDone
	case *ast.RangeStmt:
		return cfg.KindRangeDone
	case *ast.SelectStmt:
		return cfg.KindSelectDone
	}
	return cfg.KindSwitchDone
}

func continueBlock(g *flow.Graph, n ast.Node) *cfg.Block {
	switch l := n.(type) {
	case *ast.ForStmt:
		switch {
		case l.Post != nil:
			return g.BlockOf(l, cfg.KindForPost)
		case l.Cond != nil:
			return g.BlockOf(l, cfg.KindForLoop)
		}
		return g.BlockOf(l, cfg.KindForBody)
	case *ast.RangeStmt:
		return g.BlockOf(l, cfg.KindRangeLoop)
	}
	return nil
}

// placeDirect reports whether at is in the owner's own body.
func (ch *channel) placeDirect(at inspector.Cursor) bool {
	for e := range at.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		return e == ch.owner
	}
	return false
}

// completes reports whether the exit at xc is in the body of an `if`
// that checks a counter of received values: it leaves once all are in.
func (rv *receiver) completes(lp, xc inspector.Cursor) bool {
	for e := range xc.Enclosing((*ast.IfStmt)(nil)) {
		if e == lp || !fileinspect.Contains(lp, e) {
			break
		}
		is := e.Node().(*ast.IfStmt)
		if rv.doneIfs[is] && is.Body.Pos() <= xc.Node().Pos() && xc.Node().End() <= is.Body.End() {
			return true
		}
	}
	return false
}

// afterFailure reports whether the statement at xc follows a test
// failure (t.Errorf) in its statement list: the test already failed.
func (rv *receiver) afterFailure(xc inspector.Cursor) bool {
	for prev, ok := xc.PrevSibling(); ok; prev, ok = prev.PrevSibling() {
		if es, isExpr := prev.Node().(*ast.ExprStmt); isExpr && rv.c.isTestFailure(es) {
			return true
		}
	}
	return false
}

// dominated reports whether the exit at xc runs only after a receive
// in the same iteration of lp: a receive precedes it in a statement
// list that encloses it, or it is in the body of a receiving select
// case, or lp ranges over the channel.
func (rv *receiver) dominated(lp, xc inspector.Cursor) bool {
	if rs, ok := lp.Node().(*ast.RangeStmt); ok && chans.Obj(rv.c.info, rs.X) == rv.ch.l.Var {
		return true
	}
	x := xc.Node()
	for _, op := range rv.ch.recvs {
		if !fileinspect.Contains(lp, op.Cursor) || op.Cursor.Node().Pos() >= x.Pos() {
			continue
		}
		// The innermost statement list or case holding the receive.
		for e := range op.Cursor.Enclosing((*ast.BlockStmt)(nil), (*ast.CaseClause)(nil), (*ast.CommClause)(nil)) {
			if e.Node().Pos() <= x.Pos() && x.End() <= e.Node().End() {
				return true
			}
			break
		}
	}
	return false
}

// reportPath reports a sender stranded by a path on which the owner
// leaves having received too few values.
func (c *checker) reportPath(ch *channel, rv *receiver, n count, capacity int64, senders []*goroutine, path flow.Path) {
	where := c.describePath(ch, rv, path)
	if n.single() {
		c.reportTimeout(ch, senders, exit{}, where)
		return
	}
	rule := ruleNCast
	if len(rv.loops) > 0 {
		rule = ruleEarlyReturn
	}
	c.reportMany(ch, rule, n, capacity, senders, exit{}, path.Count, where)
}

// describePath says how the owner leaves on path, for messages.
func (c *checker) describePath(ch *channel, rv *receiver, path flow.Path) string {
	fset := c.pass.Fset
	caseText := ""
	var defaults map[*ast.CommClause]bool // the last case before a default
	for _, b := range path.Blocks {
		var cc *ast.CommClause
		comm := "default"
		switch b.Kind {
		case cfg.KindSelectCaseBody:
			cc = b.Stmt.(*ast.CommClause)
			if rv.recv[flow.Point{Block: b, Index: -1}] > 0 {
				continue
			}
			comm = "case " + fixedit.Text(fset, cc.Comm)
		case cfg.KindSelectAfterCase:
			if defaults == nil {
				defaults = lastBeforeDefault(ch.owner)
			}
			if !defaults[b.Stmt.(*ast.CommClause)] {
				continue
			}
			cc = b.Stmt.(*ast.CommClause)
		default:
			continue
		}
		caseText = fmt.Sprintf("the select takes %s (line %d)", comm, fset.Position(cc.Pos()).Line)
		if cc != nil && comm == "default" {
			caseText = "the select takes default"
		}
		break
	}
	var leave string
	switch ex := path.Exit.Node().(type) {
	case *ast.ReturnStmt:
		if ex.Pos() == ch.body.End()-1 {
			leave = "reaches the end of the function"
		} else {
			leave = fmt.Sprintf("returns at line %d", fset.Position(ex.Pos()).Line)
		}
	default:
		if path.Exit == rv.makeAt {
			leave = fmt.Sprintf("moves on to a new channel (line %d)", fset.Position(ch.l.Make.Pos()).Line)
		} else if ex != nil {
			leave = fmt.Sprintf("leaves at line %d", fset.Position(ex.Pos()).Line)
		} else {
			leave = "leaves"
		}
	}
	if caseText != "" {
		return "when " + caseText + " and it " + leave
	}
	return "when it " + leave
}

func (c *checker) reportTimeout(ch *channel, senders []*goroutine, x exit, where string) {
	fset := c.pass.Fset
	name := ch.l.Var.Name()
	if where == "" {
		where = fmt.Sprintf("when its loop leaves at line %d", fset.Position(x.stmt.Pos()).Line)
	}
	want, ok := c.makeText(ch, "1")
	if !ok {
		return
	}
	who := fmt.Sprintf("the goroutine started at line %d", fset.Position(senders[0].at.Node().Pos()).Line)
	if len(senders) > 1 {
		var ats []ast.Node
		for _, s := range senders {
			ats = append(ats, s.at.Node())
		}
		who = fmt.Sprintf("the goroutine started (at %s, one per run)", lines(fset, ats))
	}
	msg := fmt.Sprintf("%s is unbuffered: %s blocks forever on its send if this function stops receiving %s; buffer %s for its one value: %s",
		name, who, where, name, want)
	d := analysis.Diagnostic{
		Pos:     ch.l.Make.Pos(),
		End:     ch.l.Make.End(),
		Message: msg,
		SuggestedFixes: []analysis.SuggestedFix{{
			Message:   fmt.Sprintf("Buffer %s for its one value", name),
			TextEdits: []analysis.TextEdit{{Pos: ch.l.Make.Pos(), End: ch.l.Make.End(), NewText: []byte(want)}},
		}},
		Related: c.related(senders, x),
	}
	c.r.Report(ruleTimeout, d)
}

// reportMany reports ncast or early-return. received is the number of
// values received on the stranding path (-1 when an early exit of a
// draining loop strands the senders); where describes the path.
func (c *checker) reportMany(ch *channel, rule report.Rule, n count, capacity int64, senders []*goroutine, x exit, received int, where string) {
	fset := c.pass.Fset
	name := ch.l.Var.Name()
	who := n.describe(fset)
	var how string
	switch {
	case received < 0:
		how = fmt.Sprintf("but the loop at line %d can stop receiving at line %d before it has all their values",
			fset.Position(x.loop.Pos()).Line, fset.Position(x.stmt.Pos()).Line)
	case received == 0:
		how = "but the function can leave without receiving, " + where
	case received == 1 && rule == ruleNCast:
		how = "but the function receives only once, then leaves " + where
	default:
		plural := "s"
		if received == 1 {
			plural = ""
		}
		how = fmt.Sprintf("but the function can leave after %d receive%s, %s", received, plural, where)
	}
	capText := "unbuffered"
	if capacity > 0 {
		capText = fmt.Sprintf("capacity %d", capacity)
	}
	d := analysis.Diagnostic{
		Pos:     ch.l.Make.Pos(),
		End:     ch.l.Make.End(),
		Related: c.related(senders, x),
	}
	expr, fixable := n.expr()
	var want string
	if fixable {
		want, fixable = c.makeText(ch, expr)
	}
	if fixable {
		d.Message = fmt.Sprintf("%s send on %s (%s) %s: the senders left behind block forever; buffer %s for every sender: %s",
			who, name, capText, how, name, want)
		d.SuggestedFixes = []analysis.SuggestedFix{{
			Message:   fmt.Sprintf("Buffer %s for %s senders", name, expr),
			TextEdits: []analysis.TextEdit{{Pos: ch.l.Make.Pos(), End: ch.l.Make.End(), NewText: []byte(want)}},
		}}
	} else {
		d.Message = fmt.Sprintf("%s send on %s (%s) %s: the senders left behind block forever; buffer %s for every sender (no expression for their number is valid at the make call) or keep receiving until all have sent",
			who, name, capText, how, name)
	}
	c.r.Report(rule, d)
}

// related points at the senders and the exit that strands them.
func (c *checker) related(senders []*goroutine, x exit) []analysis.RelatedInformation {
	var out []analysis.RelatedInformation
	for i, s := range senders {
		if i == 3 {
			break
		}
		for j, send := range s.sum.sends {
			if j == 1 {
				break
			}
			out = append(out, analysis.RelatedInformation{Pos: send.Pos(), End: send.End(), Message: "this send blocks once the receiver has left"})
		}
	}
	if x.stmt != nil {
		out = append(out, analysis.RelatedInformation{Pos: x.stmt.Pos(), End: x.stmt.End(), Message: "the receiving loop leaves here"})
	}
	return out
}

// lastBeforeDefault returns, for the selects of fn that have a default
// case, their last other case: the graph runs the default body in the
// block after it.
func lastBeforeDefault(fn inspector.Cursor) map[*ast.CommClause]bool {
	out := make(map[*ast.CommClause]bool)
	for sc := range fn.Preorder((*ast.SelectStmt)(nil)) {
		sel := sc.Node().(*ast.SelectStmt)
		if !chans.HasDefault(sel) {
			continue
		}
		var last *ast.CommClause
		for _, st := range sel.Body.List {
			if cc := st.(*ast.CommClause); cc.Comm != nil {
				last = cc
			}
		}
		if last != nil {
			out[last] = true
		}
	}
	return out
}
