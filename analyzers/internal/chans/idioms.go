package chans

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// DrainedBefore reports whether the statement at c (a send, typically)
// directly follows a non-blocking receive from the same channel ch, the
// idiom that keeps only the latest value in a one-slot buffer:
//
//	select {
//	case <-s.latest:
//	default:
//	}
//	s.latest <- v
func DrainedBefore(c inspector.Cursor, ch ast.Expr) bool {
	switch c.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
	default:
		return false
	}
	prev, ok := c.PrevSibling()
	if !ok {
		return false
	}
	sel, ok := prev.Node().(*ast.SelectStmt)
	if !ok || !HasDefault(sel) {
		return false
	}
	want := types.ExprString(ch)
	for _, s := range sel.Body.List {
		if x := RecvChan(s.(*ast.CommClause).Comm); x != nil && types.ExprString(x) == want {
			return true
		}
	}
	return false
}
