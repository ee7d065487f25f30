package chans

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
)

// A Local is a channel variable that a function declares and makes
// itself, with everything the function does with it. Its lifetime is
// fully visible unless Escapes is set.
type Local struct {
	Var  *types.Var
	Make *ast.CallExpr // the make call that creates it
	Cap  ast.Expr      // capacity expression; nil when unbuffered

	Sends  []Op               // ch <- v, as statements or select cases
	Recvs  []Op               // <-ch, as expressions or select cases
	Ranges []inspector.Cursor // for v := range ch
	Closes []inspector.Cursor // close(ch)
	Passed []inspector.Cursor // calls that take ch as an argument (other than close, len, cap)

	// Escapes is set when the channel is stored, returned, sent, or
	// converted: someone the function cannot see may use it.
	Escapes bool
	// Remade is set when the variable is assigned a channel more than
	// once, so its operations may concern different channels.
	Remade bool
}

// An Op is one send or receive on a local channel.
type Op struct {
	Cursor inspector.Cursor // the *ast.SendStmt or the <- *ast.UnaryExpr
	// Case is the select case whose communication the operation is,
	// or nil for a plain statement or expression.
	Case *ast.CommClause
}

// Select returns the select statement of an operation in a select case.
func (op Op) Select() *ast.SelectStmt {
	if op.Case == nil {
		return nil
	}
	for sel := range op.Cursor.Enclosing((*ast.SelectStmt)(nil)) {
		return sel.Node().(*ast.SelectStmt)
	}
	return nil
}

// ConstCap returns the channel's capacity when it is a constant.
func (l *Local) ConstCap(info *types.Info) (int64, bool) { return ConstCap(info, l.Cap) }

// Locals returns the channels made in the function at fn (an
// *ast.FuncDecl or *ast.FuncLit cursor), including those of closures
// nested in it, in declaration order.
func Locals(info *types.Info, fn inspector.Cursor) []*Local {
	body := funcBody(fn)
	if body == nil {
		return nil
	}
	bodyCur, _ := fn.FindNode(body)
	byVar := make(map[*types.Var]*Local)
	var locals []*Local
	// Declarations: ch := make(chan T, n), var ch = make(chan T), ch = make(...).
	for c := range bodyCur.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)) {
		var lhs, rhs []ast.Expr
		switch n := c.Node().(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE && n.Tok != token.ASSIGN {
				continue
			}
			lhs, rhs = n.Lhs, n.Rhs
		case *ast.ValueSpec:
			for _, id := range n.Names {
				lhs = append(lhs, id)
			}
			rhs = n.Values
		}
		if len(lhs) != len(rhs) {
			continue
		}
		for i, r := range rhs {
			call, capacity, ok := MakeChan(info, r)
			if !ok {
				continue
			}
			id, ok := lhs[i].(*ast.Ident)
			if !ok {
				continue
			}
			v, ok := info.ObjectOf(id).(*types.Var)
			if !ok || v.IsField() || !within(v.Pos(), body) {
				continue
			}
			if l := byVar[v]; l != nil {
				l.Remade = true
				continue
			}
			l := &Local{Var: v, Make: call, Cap: capacity}
			byVar[v] = l
			locals = append(locals, l)
		}
	}
	if len(locals) == 0 {
		return nil
	}
	for c := range bodyCur.Preorder((*ast.Ident)(nil)) {
		v, ok := info.Uses[c.Node().(*ast.Ident)].(*types.Var)
		if !ok {
			continue
		}
		if l := byVar[v]; l != nil {
			l.classify(info, c)
		}
	}
	return locals
}

// classify records what the use of the channel at id does.
func (l *Local) classify(info *types.Info, id inspector.Cursor) {
	use := id
	for use.ParentEdgeKind() == edge.ParenExpr_X {
		use = use.Parent()
	}
	parent := use.Parent()
	switch use.ParentEdgeKind() {
	case edge.SendStmt_Chan:
		l.Sends = append(l.Sends, Op{Cursor: parent, Case: commCase(parent)})
	case edge.UnaryExpr_X:
		if parent.Node().(*ast.UnaryExpr).Op == token.ARROW {
			l.Recvs = append(l.Recvs, Op{Cursor: parent, Case: commCase(parent)})
			return
		}
		l.Escapes = true // &ch
	case edge.RangeStmt_X:
		l.Ranges = append(l.Ranges, parent)
	case edge.CallExpr_Args:
		call := parent.Node().(*ast.CallExpr)
		switch {
		case calls.IsBuiltin(info, call, "close"):
			l.Closes = append(l.Closes, parent)
		case calls.IsBuiltin(info, call, "len"), calls.IsBuiltin(info, call, "cap"):
		case info.Types[call.Fun].IsType():
			l.Escapes = true // (<-chan T)(ch): the channel flows on under another type
		default:
			l.Passed = append(l.Passed, parent)
		}
	case edge.AssignStmt_Lhs:
		// A reassignment: by make it was seen as a declaration;
		// anything else (nil, another channel) changes the channel.
		as := parent.Node().(*ast.AssignStmt)
		if i := use.ParentEdgeIndex(); i < len(as.Rhs) && len(as.Lhs) == len(as.Rhs) {
			if _, _, ok := MakeChan(info, as.Rhs[i]); ok {
				return
			}
		}
		l.Remade = true
	case edge.BinaryExpr_X, edge.BinaryExpr_Y:
		// ch == nil, ch != other: a comparison, not a use.
	default:
		l.Escapes = true
	}
}

// commCase returns the select case whose communication is the send
// statement or receive expression at op, or nil.
func commCase(op inspector.Cursor) *ast.CommClause {
	c := op
	// v := <-ch and v, ok = <-ch, or <-ch as an expression statement.
	switch c.ParentEdgeKind() {
	case edge.AssignStmt_Rhs, edge.ExprStmt_X:
		c = c.Parent()
	}
	if c.ParentEdgeKind() == edge.CommClause_Comm {
		return c.Parent().Node().(*ast.CommClause)
	}
	return nil
}

func funcBody(fn inspector.Cursor) *ast.BlockStmt {
	switch n := fn.Node().(type) {
	case *ast.FuncDecl:
		return n.Body
	case *ast.FuncLit:
		return n.Body
	}
	return nil
}

func within(pos token.Pos, n ast.Node) bool { return n.Pos() <= pos && pos < n.End() }
