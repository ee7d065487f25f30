package fanout

import (
	"go/ast"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// A channel is one local channel and what its function does with it.
type channel struct {
	l       *chans.Local
	owner   inspector.Cursor // the function that makes it
	body    *ast.BlockStmt   // the owner's body
	makeCur inspector.Cursor // the make call

	recvs  []chans.Op         // receives in the owner's own body
	ranges []inspector.Cursor // ranges over it in the owner's own body
	gos    []*goroutine       // goroutines started in the owner's body that use it
	// opaque is set when something the sender rules cannot judge uses
	// the channel: a send or receive in the owner itself, in a callback
	// or deferred function, a callee that sends or receives, ...
	opaque bool
}

// A goroutine is one go statement or Go(func) call in the owner's body
// whose function uses the channel.
type goroutine struct {
	at  inspector.Cursor // *ast.GoStmt, or the Go(...) *ast.CallExpr
	sum *summary
	lit inspector.Cursor // the function literal started, if it is one
}

// sender reports whether the goroutine sends a value that can block.
func (g *goroutine) sender() bool { return len(g.sum.sends) > 0 }

func (c *checker) checkChan(top inspector.Cursor, l *chans.Local) {
	if l.Escapes || l.Remade {
		return
	}
	mk, ok := top.FindByPos(l.Make.Pos(), l.Make.End())
	if !ok {
		return
	}
	owner, ok := scope.Func(mk)
	if !ok {
		return
	}
	body := scope.Body(owner)
	if body == nil {
		return
	}
	ch := &channel{l: l, owner: owner, body: body, makeCur: mk}
	c.classify(ch)
	if len(l.Ranges) > 0 && c.checkRanges(ch) {
		return // one finding per channel
	}
	if !ch.opaque {
		c.checkSenders(ch)
	}
}

// classify sorts the channel's uses by where they run.
func (c *checker) classify(ch *channel) {
	l := ch.l
	byAt := make(map[ast.Node]*goroutine)
	uses := make(map[*goroutine]*chans.Local)
	// goroutineOf returns the goroutine started directly in the owner
	// whose function literal lit is.
	goroutineOf := func(lit inspector.Cursor) *goroutine {
		sp, _ := scope.Goroutine(c.info, lit)
		g := byAt[sp.At.Node()]
		if g == nil {
			g = &goroutine{at: sp.At, lit: lit, sum: new(summary)}
			byAt[sp.At.Node()] = g
			ch.gos = append(ch.gos, g)
			uses[g] = &chans.Local{Var: l.Var}
		}
		return g
	}
	for _, op := range l.Sends {
		p := c.placeOf(op.Cursor, ch.owner)
		if p.direct() || p.kinds[0] != litGo {
			ch.opaque = true
			continue
		}
		u := uses[goroutineOf(p.lits[0])]
		u.Sends = append(u.Sends, op)
	}
	for _, op := range l.Recvs {
		p := c.placeOf(op.Cursor, ch.owner)
		switch {
		case p.direct():
			ch.recvs = append(ch.recvs, op)
		case p.kinds[0] == litGo:
			u := uses[goroutineOf(p.lits[0])]
			u.Recvs = append(u.Recvs, op)
		default:
			ch.opaque = true
		}
	}
	for _, r := range l.Ranges {
		p := c.placeOf(r, ch.owner)
		switch {
		case p.direct():
			ch.ranges = append(ch.ranges, r)
		case p.kinds[0] == litGo:
			u := uses[goroutineOf(p.lits[0])]
			u.Ranges = append(u.Ranges, r)
		default:
			ch.opaque = true
		}
	}
	for _, cl := range l.Closes {
		p := c.placeOf(cl, ch.owner)
		if !p.direct() && p.kinds[0] == litGo {
			u := uses[goroutineOf(p.lits[0])]
			u.Closes = append(u.Closes, cl)
		}
	}
	seen := make(map[ast.Node]bool)
	for _, pc := range l.Passed {
		call := pc.Node().(*ast.CallExpr)
		p := c.placeOf(pc, ch.owner)
		if !p.direct() {
			if p.kinds[0] == litGo {
				u := uses[goroutineOf(p.lits[0])]
				u.Passed = append(u.Passed, pc)
				continue
			}
			// In a deferred function or a callback: fine if the
			// callee does not send or receive.
			if seen[call] {
				continue
			}
			seen[call] = true
			for _, i := range argIndexes(c.info, call, l.Var) {
				if sub := c.callee(pc, i, 1); sub == nil || sub.unknown || sub.uses() {
					ch.opaque = true
				}
			}
			continue
		}
		if seen[call] {
			continue
		}
		seen[call] = true
		if pc.ParentEdgeKind() == edge.GoStmt_Call {
			// go f(ch): a goroutine whose body is the callee's.
			at := pc.Parent()
			g := byAt[at.Node()]
			if g == nil {
				g = &goroutine{at: at, sum: new(summary)}
				if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
					g.lit, _ = pc.FindNode(lit)
				}
				byAt[at.Node()] = g
				ch.gos = append(ch.gos, g)
				uses[g] = &chans.Local{Var: l.Var}
			}
			for _, i := range argIndexes(c.info, call, l.Var) {
				sub := c.callee(pc, i, 1)
				if sub == nil {
					g.sum.unknown = true
					continue
				}
				g.sum.merge(sub)
			}
			continue
		}
		// A synchronous call in the owner: fine if the callee only
		// closes the channel or does nothing with it.
		for _, i := range argIndexes(c.info, call, l.Var) {
			if sub := c.callee(pc, i, 1); sub == nil || sub.unknown || sub.uses() {
				ch.opaque = true
			}
		}
	}
	for _, g := range ch.gos {
		u := uses[g]
		if g.lit.Valid() && (len(u.Sends)+len(u.Recvs)+len(u.Ranges)+len(u.Closes)+len(u.Passed) > 0) {
			g.sum.merge(c.summarize(g.lit, u, 0))
		}
		if g.sum.unknown || g.sum.recvs || g.sum.spawns || g.sum.multi {
			// A goroutine that also receives (a ping-pong token), sends
			// several values (a producer), or hands the channel on:
			// not a fan-out sender.
			ch.opaque = true
		}
	}
}

// senders returns the goroutines that send a value that can block.
func (ch *channel) senders() []*goroutine {
	var out []*goroutine
	for _, g := range ch.gos {
		if g.sender() {
			out = append(out, g)
		}
	}
	return out
}
