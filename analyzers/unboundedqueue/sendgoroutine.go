package unboundedqueue

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/fixedit"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// sendInGoroutine checks rule send-in-goroutine: a goroutine literal
// whose only statement sends a cheaply computed value on a field, a
// parameter or a package variable.
func (c *checker) sendInGoroutine(cur inspector.Cursor, g *ast.GoStmt, lit *ast.FuncLit) {
	if len(lit.Body.List) != 1 {
		return
	}
	send, ok := lit.Body.List[0].(*ast.SendStmt)
	if !ok {
		return
	}
	params, ok := c.litParams(lit, g.Call)
	if !ok {
		return
	}
	ch := send.Chan
	if id, ok := ast.Unparen(ch).(*ast.Ident); ok {
		if v, ok := c.info.Uses[id].(*types.Var); ok && params[v] != nil {
			ch = params[v]
		}
	}
	kind := c.longLived(cur, ch)
	if kind == "" || !c.cheap(send.Value, params) || c.madeHere(cur, ch, g.Pos()) {
		return
	}
	chText := types.ExprString(ch)
	d := analysis.Diagnostic{
		Pos: g.Pos(),
		End: lit.Type.End(),
		Message: fmt.Sprintf("this goroutine only sends on %s, a long-lived channel (%s): while the receiver is behind, "+
			"each call parks one more goroutine on the send with its value, so memory grows with the callers' rate instead of pushing back; "+
			"send in place with a select that gives up (ctx.Done or default), or use a bounded.Queue and handle TrySend's error", chText, kind),
	}
	d.SuggestedFixes = c.sendFixes(cur, g, send, params)
	c.r.Report(ruleSendInGoroutine, d)
}

// litParams maps the parameters of a goroutine literal to the arguments
// of the go statement.
func (c *checker) litParams(lit *ast.FuncLit, call *ast.CallExpr) (map[*types.Var]ast.Expr, bool) {
	params := make(map[*types.Var]ast.Expr)
	i := 0
	for _, f := range lit.Type.Params.List {
		if _, ok := f.Type.(*ast.Ellipsis); ok {
			return nil, false
		}
		names := f.Names
		if len(names) == 0 {
			i++
			continue
		}
		for _, n := range names {
			if i >= len(call.Args) {
				return nil, false
			}
			if v, ok := c.info.Defs[n].(*types.Var); ok {
				params[v] = call.Args[i]
			}
			i++
		}
	}
	return params, i == len(call.Args)
}

// longLived says why the channel e outlives the call that starts the
// goroutine: it is a field, a package variable, or a parameter of an
// enclosing function ("" if none of these).
func (c *checker) longLived(cur inspector.Cursor, e ast.Expr) string {
	e = ast.Unparen(e)
	if ix, ok := e.(*ast.IndexExpr); ok {
		e = ast.Unparen(ix.X) // a map or slice of channels
	}
	obj := objOf(c.info, e)
	switch {
	case obj == nil:
		return ""
	case isField(obj):
		return "a field"
	case isPackageVar(obj):
		return "a package variable"
	}
	for fn := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		sig := scope.Signature(c.info, fn)
		if sig == nil {
			continue
		}
		for p := range sig.Params().Variables() {
			if p == obj {
				return "a parameter"
			}
		}
	}
	return ""
}

// madeHere reports whether the field or variable ch was assigned a new
// channel by the function around cur before pos (x.ch = make(chan T, 1),
// &T{ch: make(chan T, 1)}): it is not a long-lived channel but this
// call's own.
func (c *checker) madeHere(cur inspector.Cursor, ch ast.Expr, pos token.Pos) bool {
	obj := objOf(c.info, ch)
	fn, ok := scope.Func(cur)
	if obj == nil || !ok {
		return false
	}
	made := false
	fn.Inspect([]ast.Node{(*ast.AssignStmt)(nil), (*ast.KeyValueExpr)(nil)}, func(k inspector.Cursor) bool {
		if made || k.Node().Pos() >= pos {
			return false
		}
		switch n := k.Node().(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if i < len(n.Rhs) && objOf(c.info, l) == obj {
					if _, _, ok := chans.MakeChan(c.info, n.Rhs[i]); ok {
						made = true
					}
				}
			}
		case *ast.KeyValueExpr:
			if v, ok := keyField(c.info, n); ok && v == obj {
				if _, _, ok := chans.MakeChan(c.info, n.Value); ok {
					made = true
				}
			}
		}
		return !made
	})
	return made
}

// cheap reports whether computing e is no work worth a goroutine: no
// calls but conversions and built-ins, and no receives.
func (c *checker) cheap(e ast.Expr, params map[*types.Var]ast.Expr) bool {
	ok := true
	check := func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if !isConversion(c.info, n) {
				if id, isID := ast.Unparen(n.Fun).(*ast.Ident); !isID || !isBuiltinObj(c.info, id) {
					ok = false
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ok = false
			}
		}
		return ok
	}
	ast.Inspect(e, check)
	for _, a := range params {
		ast.Inspect(a, check)
	}
	return ok
}

func isBuiltinObj(info *types.Info, id *ast.Ident) bool {
	_, ok := info.Uses[id].(*types.Builtin)
	return ok
}

// sendFixes replaces the goroutine by a send in place: a select that
// gives up when the context is done, or one that drops the value when
// the channel is full.
func (c *checker) sendFixes(cur inspector.Cursor, g *ast.GoStmt, send *ast.SendStmt, params map[*types.Var]ast.Expr) []analysis.SuggestedFix {
	ind, ok := c.lineIndent(g.Pos())
	if !ok || !inList(cur) {
		return nil
	}
	chText, ok1 := c.substitute(send.Chan, params)
	valText, ok2 := c.substitute(send.Value, params)
	if !ok1 || !ok2 || !c.argsUsedOnce(send, params) {
		return nil
	}
	// Comments inside the goroutine move above the select.
	var comments string
	for _, cg := range c.file.Comments {
		if cg.Pos() > g.Pos() && cg.End() <= g.End() {
			for _, cm := range cg.List {
				comments += cm.Text + "\n"
			}
		}
	}
	var fixes []analysis.SuggestedFix
	if ctx, ok := scope.ContextAt(c.info, cur); ok && !c.locksBefore(cur, g.Pos()) {
		fn, _ := scope.Func(cur)
		q := fixedit.NewQualifier(c.pass, c.file, g.Pos())
		if vals, ok := c.returnValues(scope.Signature(c.info, fn), q, ctx.Expr+".Err()"); ok {
			ret := "return"
			if vals != "" {
				ret += " " + vals
			}
			text := fmt.Sprintf("select {\ncase %s <- %s:\ncase <-%s.Done():\n\t%s\n}", chText, valText, ctx.Expr, ret)
			if text, ok := formatStmts(comments+text, ind); ok {
				fixes = append(fixes, analysis.SuggestedFix{
					Message:   "Send in place and return when the context is done",
					TextEdits: append([]analysis.TextEdit{replace(g, text)}, q.Edits...),
				})
			}
		}
	}
	text := fmt.Sprintf("select {\ncase %s <- %s:\ndefault:\n\t// Dropped: the receiver is behind and %s is full.\n}", chText, valText, chText)
	if strings.Contains(chText, "\n") {
		text = fmt.Sprintf("select {\ncase %s <- %s:\ndefault:\n\t// Dropped: the receiver is behind.\n}", chText, valText)
	}
	if text, ok := formatStmts(comments+text, ind); ok {
		fixes = append(fixes, analysis.SuggestedFix{
			Message:   "Send in place and drop the value when the channel is full",
			TextEdits: []analysis.TextEdit{replace(g, text)},
		})
	}
	return fixes
}

// substitute returns the source of e with the goroutine's parameters
// replaced by the arguments they receive.
func (c *checker) substitute(e ast.Expr, params map[*types.Var]ast.Expr) (string, bool) {
	src, ok := c.text(e)
	if !ok {
		return "", false
	}
	type repl struct {
		start, end int
		text       string
	}
	var rs []repl
	bad := false
	ast.Inspect(e, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := c.info.Uses[id].(*types.Var)
		if !ok || params[v] == nil {
			return true
		}
		a := params[v]
		at, ok := c.text(a)
		if !ok {
			bad = true
			return false
		}
		switch ast.Unparen(a).(type) {
		case *ast.Ident, *ast.SelectorExpr, *ast.BasicLit, *ast.CallExpr, *ast.IndexExpr, *ast.CompositeLit, *ast.ParenExpr:
		default:
			at = "(" + at + ")"
		}
		rs = append(rs, repl{int(id.Pos() - e.Pos()), int(id.End() - e.Pos()), at})
		return true
	})
	if bad {
		return "", false
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].start > rs[j].start })
	for _, r := range rs {
		src = src[:r.start] + r.text + src[r.end:]
	}
	return src, true
}

// argsUsedOnce reports whether substituting the goroutine's arguments
// for its parameters keeps each argument's side effects: arguments
// that are not plain values must be used exactly once.
func (c *checker) argsUsedOnce(send *ast.SendStmt, params map[*types.Var]ast.Expr) bool {
	count := make(map[*types.Var]int)
	ast.Inspect(send, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := c.info.Uses[id].(*types.Var); ok && params[v] != nil {
				count[v]++
			}
		}
		return true
	})
	for v, a := range params {
		if count[v] != 1 && !c.pure(a) {
			return false
		}
	}
	return true
}

// pure reports whether evaluating e has no effect and is cheap to
// repeat: identifiers, selectors, literals.
func (c *checker) pure(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n.(type) {
		case nil, *ast.Ident, *ast.SelectorExpr, *ast.BasicLit, *ast.ParenExpr:
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// locksBefore reports whether the function around cur calls Lock or
// RLock before pos: returning early from there could skip the unlock,
// and blocking there would block with the lock held.
func (c *checker) locksBefore(cur inspector.Cursor, pos token.Pos) bool {
	fn, ok := scope.Func(cur)
	if !ok {
		return false
	}
	found := false
	fn.Inspect(nil, func(k inspector.Cursor) bool {
		if found || k.Node().Pos() >= pos {
			return false
		}
		if call, ok := k.Node().(*ast.CallExpr); ok {
			if f := calls.Callee(c.info, call); f != nil && (f.Name() == "Lock" || f.Name() == "RLock") && f.Signature().Recv() != nil {
				found = true
			}
		}
		return true
	})
	return found
}
