package ignoredsend

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// This file recognizes protocols on channel fields whose sends cannot
// be left waiting although nothing in the sending function shows it:
// a one-shot request on a field with room, and a reply right after a
// rendezvous with the same receiver. It also recognizes countdowns, in
// which only the last of several goroutines sends.

// fieldUses are the operations of the package's non-test files on one
// channel field.
type fieldUses struct {
	sends  []inspector.Cursor // *ast.SendStmt
	recvs  []inspector.Cursor // <-x.f
	ranges int
	closes int // close(x.f)
	// other is set when the field's value goes elsewhere: assigned to
	// a variable, passed, returned. Then more senders or receivers may
	// exist than the package shows on the field.
	other bool
}

// fieldUsesOf returns the uses of a channel field in non-test files.
func (c *checker) fieldUsesOf(field types.Object) *fieldUses {
	if c.fieldOps == nil {
		c.fieldOps = make(map[types.Object]*fieldUses)
		for cur := range c.in.Preorder((*ast.SelectorExpr)(nil)) {
			sel := cur.Node().(*ast.SelectorExpr)
			s := c.info.Selections[sel]
			if s == nil || s.Kind() != types.FieldVal || chans.Of(s.Obj().Type()) == nil || c.inTestFile(sel.Pos()) {
				continue
			}
			u := c.fieldOps[s.Obj()]
			if u == nil {
				u = new(fieldUses)
				c.fieldOps[s.Obj()] = u
			}
			use := cur
			for use.ParentEdgeKind() == edge.ParenExpr_X {
				use = use.Parent()
			}
			switch use.ParentEdgeKind() {
			case edge.SendStmt_Chan:
				u.sends = append(u.sends, use.Parent())
			case edge.UnaryExpr_X:
				if use.Parent().Node().(*ast.UnaryExpr).Op == token.ARROW {
					u.recvs = append(u.recvs, use.Parent())
				} else {
					u.other = true
				}
			case edge.RangeStmt_X:
				u.ranges++
			case edge.AssignStmt_Lhs, edge.BinaryExpr_X, edge.BinaryExpr_Y:
				// a store (see fieldInits), a comparison
			case edge.SelectorExpr_X:
				// x.f.g: not a channel use (a method of a named channel type aside)
				u.other = true
			case edge.CallExpr_Args:
				call := use.Parent().Node().(*ast.CallExpr)
				switch {
				case calls.IsBuiltin(c.info, call, "close"):
					u.closes++
				case calls.IsBuiltin(c.info, call, "len"), calls.IsBuiltin(c.info, call, "cap"):
				default:
					u.other = true
				}
			default:
				u.other = true
			}
		}
	}
	if u := c.fieldOps[field]; u != nil {
		return u
	}
	return new(fieldUses)
}

// channelField returns the field that ch selects, or nil.
func (c *checker) channelField(ch ast.Expr) types.Object {
	sel, ok := ast.Unparen(ch).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	if s := c.info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
		return s.Obj()
	}
	return nil
}

// oneShotField reports whether the send at cur is the one request of a
// one-shot protocol on a channel field with room: every make of the
// field buffers it, the package sends on it only here and not in a
// loop, and every receiver takes one value and leaves (a select case
// that returns, a receive outside any loop). The single value then fits
// the buffer whether the receiver is there or not:
//
//	lrs.finalSendRequest <- struct{}{} // make(chan struct{}, 1)
//	...
//	case <-lrs.finalSendRequest: ...; return
func (c *checker) oneShotField(cur inspector.Cursor, send *ast.SendStmt) bool {
	field := c.channelField(send.Chan)
	if field == nil || !c.bufferedField(field) {
		return false
	}
	u := c.fieldUsesOf(field)
	if u.other || u.ranges > 0 || len(u.sends) != 1 || u.sends[0].Node() != send || len(u.recvs) == 0 {
		return false
	}
	for range scope.Loops(cur) {
		return false
	}
	for _, r := range u.recvs {
		if !c.takesOne(r) {
			return false
		}
	}
	return true
}

// takesOne reports whether the receive at r takes one value and then
// its function leaves, or runs outside any loop.
func (c *checker) takesOne(r inspector.Cursor) bool {
	comm := r
	switch comm.ParentEdgeKind() {
	case edge.AssignStmt_Rhs, edge.ExprStmt_X:
		comm = comm.Parent()
	}
	if comm.ParentEdgeKind() == edge.CommClause_Comm {
		clause := comm.Parent().Node().(*ast.CommClause)
		return len(clause.Body) > 0 && c.leavesFunc(clause.Body[len(clause.Body)-1])
	}
	for range scope.Loops(r) {
		return false
	}
	return true
}

// rendezvousReply reports whether the send at cur answers a rendezvous
// that has just completed with the same receiver: it sends on a field
// that every make buffers, in the body of the select case that handed
// a value over another field of the same object, one that every make
// leaves unbuffered. The receiver took the request this instant and
// takes the reply next, which the buffer holds meanwhile (a write lock
// taken by sending on reqInit and released by sending on reqSent):
//
//	case c.reqInit <- op:
//		err := c.write(ctx, msg)
//		c.reqSent <- err
func (c *checker) rendezvousReply(cur inspector.Cursor, send *ast.SendStmt) bool {
	sel, ok := ast.Unparen(send.Chan).(*ast.SelectorExpr)
	if !ok || !c.bufferedField(c.channelField(sel)) {
		return false
	}
	if !isListEdge(cur.ParentEdgeKind()) || cur.ParentEdgeKind() != edge.CommClause_Body {
		return false
	}
	clause := cur.Parent().Node().(*ast.CommClause)
	req, ok := clause.Comm.(*ast.SendStmt)
	if !ok {
		return false
	}
	reqSel, ok := ast.Unparen(req.Chan).(*ast.SelectorExpr)
	if !ok || types.ExprString(reqSel.X) != types.ExprString(sel.X) || reqSel.Sel.Name == sel.Sel.Name {
		return false
	}
	fi := c.fieldOf(c.channelField(reqSel))
	if fi == nil || !fi.unbuffered {
		return false
	}
	// No other send on the reply channel before this one in the case.
	for prev, ok := cur.PrevSibling(); ok; prev, ok = prev.PrevSibling() {
		found := false
		ast.Inspect(prev.Node(), func(n ast.Node) bool {
			if s, ok := n.(*ast.SendStmt); ok && types.ExprString(s.Chan) == types.ExprString(send.Chan) {
				found = true
			}
			return !found
		})
		if found {
			return false
		}
	}
	return true
}

// countdown reports whether the statement at cur runs only for the
// goroutine that counts a shared counter down to zero, which one of
// them does:
//
//	status.running--
//	if status.running == 0 { ... }
//
//	if atomic.AddInt32(&pending, -1) == 0 { ... }
//	if pending.Add(-1) == 0 { ... }
func (c *checker) countdown(cur inspector.Cursor) bool {
	for anc := range cur.Enclosing((*ast.IfStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		is, ok := anc.Node().(*ast.IfStmt)
		if !ok {
			return false
		}
		if n := cur.Node(); n.Pos() < is.Body.Pos() || n.End() > is.Body.End() {
			continue // in the else branch
		}
		x, ok := zeroTest(is.Cond)
		if !ok {
			continue
		}
		if call, ok := ast.Unparen(x).(*ast.CallExpr); ok && c.atomicDecrement(call) {
			return true
		}
		// X-- (or X -= 1) just before the if.
		if !isListEdge(anc.ParentEdgeKind()) {
			continue
		}
		if prev, ok := anc.PrevSibling(); ok && decrements(prev.Node(), types.ExprString(x)) {
			return true
		}
	}
	return false
}

// zeroTest returns X of a condition X == 0 (or 0 == X).
func zeroTest(cond ast.Expr) (ast.Expr, bool) {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || b.Op != token.EQL {
		return nil, false
	}
	isZero := func(e ast.Expr) bool {
		lit, ok := ast.Unparen(e).(*ast.BasicLit)
		return ok && lit.Kind == token.INT && lit.Value == "0"
	}
	switch {
	case isZero(b.Y):
		return b.X, true
	case isZero(b.X):
		return b.Y, true
	}
	return nil, false
}

// decrements reports whether s is x--, x -= 1 or x = x - 1.
func decrements(s ast.Node, x string) bool {
	switch s := s.(type) {
	case *ast.IncDecStmt:
		return s.Tok == token.DEC && types.ExprString(s.X) == x
	case *ast.AssignStmt:
		if len(s.Lhs) != 1 || len(s.Rhs) != 1 || types.ExprString(s.Lhs[0]) != x {
			return false
		}
		switch s.Tok {
		case token.SUB_ASSIGN:
			return types.ExprString(s.Rhs[0]) == "1"
		case token.ASSIGN:
			return types.ExprString(s.Rhs[0]) == x+" - 1"
		}
	}
	return false
}

// atomicDecrement reports whether call is atomic.AddT(&n, -1) or
// n.Add(-1) on a sync/atomic type.
func (c *checker) atomicDecrement(call *ast.CallExpr) bool {
	fn := calls.Callee(c.info, call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "sync/atomic" || !strings.HasPrefix(fn.Name(), "Add") {
		return false
	}
	if len(call.Args) == 0 {
		return false
	}
	delta := call.Args[len(call.Args)-1]
	tv := c.info.Types[delta]
	return tv.Value != nil && tv.Value.String() == "-1"
}

// casGuarded reports whether the statement at cur runs only in the body
// of an if whose condition wins a CompareAndSwap: one pending wake-up
// at a time, which the receiver acknowledges by resetting the flag.
func (c *checker) casGuarded(cur inspector.Cursor) bool {
	for anc := range cur.Enclosing((*ast.IfStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		is, ok := anc.Node().(*ast.IfStmt)
		if !ok {
			return false
		}
		if n := cur.Node(); n.Pos() < is.Body.Pos() || n.End() > is.Body.End() {
			continue
		}
		won := false
		ast.Inspect(is.Cond, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				fn := calls.Callee(c.info, call)
				won = fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "sync/atomic" && strings.HasPrefix(fn.Name(), "CompareAndSwap")
			}
			return !won
		})
		if won {
			return true
		}
	}
	return false
}
