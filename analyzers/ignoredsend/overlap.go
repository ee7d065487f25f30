package ignoredsend

import (
	"go/ast"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// fanoutModels reports whether the sends on the local channel l are
// those the fanout analyzer judges, so that ignoredsend stays quiet on
// them: fanout follows the receiver's paths and suggests a buffer where
// ignoredsend would suggest a select, for the same leak. As fanout
// requires (analyzers/fanout: checkChan, classify, summarize):
//   - l is a variable made by make in an enclosing function (its
//     owner), neither escaping, nor made again, nor passed to a call;
//   - every receive and range over l is in the owner's own body;
//   - every send on l runs in a goroutine the owner starts (the
//     outermost function literal between them is started with go or a
//     Go method, the others are called in place), and each goroutine
//     sends at most one value (a producer sending many is not a fan-out
//     sender: fanout leaves it alone, and so ignoredsend reports it).
func (c *checker) fanoutModels(l *localChan) bool {
	if l.fanoutDecided {
		return l.fanout
	}
	l.fanoutDecided = true
	l.fanout = c.decideFanout(l)
	return l.fanout
}

func (c *checker) decideFanout(l *localChan) bool {
	if l.Var == nil || l.Escapes || l.Remade || len(l.Passed) > 0 || len(l.Recvs)+len(l.Ranges) == 0 || len(l.Sends) == 0 {
		return false
	}
	owner := l.maker
	for _, op := range l.Recvs {
		if fn, _ := scope.Func(op.Cursor); fn != owner {
			return false
		}
	}
	for _, r := range l.Ranges {
		if fn, _ := scope.Func(r); fn != owner {
			return false
		}
	}
	byGoroutine := make(map[ast.Node][]chans.Op)
	for _, op := range l.Sends {
		g, ok := c.ownersGoroutine(op.Cursor, owner)
		if !ok {
			return false
		}
		byGoroutine[g.Node()] = append(byGoroutine[g.Node()], op)
	}
	for lit, ops := range byGoroutine {
		if !c.oncePerRun(lit, ops, l) {
			return false
		}
	}
	return true
}

// ownersGoroutine returns the function literal, started as a goroutine
// by owner, in which the operation at cur runs, when every function
// literal between them runs in place (called where it stands or
// deferred).
func (c *checker) ownersGoroutine(cur, owner inspector.Cursor) (inspector.Cursor, bool) {
	var lits []inspector.Cursor
	for fn := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if fn == owner {
			break
		}
		lits = append(lits, fn)
	}
	if len(lits) == 0 {
		return inspector.Cursor{}, false
	}
	outer := lits[len(lits)-1]
	if _, ok := scope.Goroutine(c.info, outer); !ok {
		return inspector.Cursor{}, false
	}
	for _, lit := range lits[:len(lits)-1] {
		if lit.ParentEdgeKind() != edge.CallExpr_Fun || lit.Parent().ParentEdgeKind() == edge.GoStmt_Call {
			return inspector.Cursor{}, false
		}
	}
	return outer, true
}
