package chans

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// UsesOf returns what the function at fn (an *ast.FuncDecl or
// *ast.FuncLit cursor, closures nested in it included) does with the
// channel variable v, typically one of its parameters: sends, receives,
// ranges, closes, the calls v is passed to, and whether it escapes or
// is reassigned. Make and Cap are nil: v is not made there.
func UsesOf(info *types.Info, fn inspector.Cursor, v *types.Var) *Local {
	l := &Local{Var: v}
	var bodyCur inspector.Cursor
	switch n := fn.Node().(type) {
	case *ast.FuncDecl:
		if n.Body == nil {
			return l
		}
		bodyCur = fn.ChildAt(edge.FuncDecl_Body, -1)
	case *ast.FuncLit:
		bodyCur = fn.ChildAt(edge.FuncLit_Body, -1)
	default:
		return l
	}
	for c := range bodyCur.Preorder((*ast.Ident)(nil)) {
		if info.Uses[c.Node().(*ast.Ident)] != v {
			continue
		}
		if c.ParentEdgeKind() == edge.AssignStmt_Lhs {
			// A parameter assigned anything, even a fresh channel,
			// no longer denotes the caller's channel.
			l.Remade = true
			continue
		}
		l.classify(info, c)
	}
	return l
}
