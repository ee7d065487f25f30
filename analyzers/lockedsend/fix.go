package lockedsend

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"math/bits"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
)

// moveAfterUnlock returns the fix that moves a send to just after the
// Unlock ending its critical section, or why it cannot: the fix only
// applies to
//
//	mu.Lock()
//	...
//	ch <- v
//	...         // nothing that leaves, changes v or ch, or uses a channel
//	mu.Unlock()
//
// where ch and v can be read after unlocking (locals, constants, fields
// only set when the value is built).
func (st *state) moveAfterUnlock(fn *fnInfo, op *chanOp, lf *lockFlow, s lockState, site *lockSite) (*analysis.SuggestedFix, string) {
	send := op.node.(*ast.SendStmt)
	unlock := unlockText(site)
	if bits.OnesCount64(s.held) > 1 {
		return nil, "more than one mutex is held"
	}
	var list []ast.Stmt
	switch op.cur.ParentEdgeKind() {
	case edge.BlockStmt_List:
		list = op.cur.Parent().Node().(*ast.BlockStmt).List
	case edge.CaseClause_Body:
		list = op.cur.Parent().Node().(*ast.CaseClause).Body
	case edge.CommClause_Body:
		list = op.cur.Parent().Node().(*ast.CommClause).Body
	default:
		return nil, "the send is not a statement of a block"
	}
	i := op.cur.ParentEdgeIndex()
	bit := -1
	for b, x := range lf.sites {
		if x == site {
			bit = b
		}
	}
	j := -1
	for k := i + 1; k < len(list) && j < 0; k++ {
		for _, e := range lf.effects[list[k]] {
			if e.bit == bit && !e.lock {
				j = k
			}
		}
	}
	if j < 0 {
		if st.deferredUnlock(fn, site) {
			return nil, site.text + " is unlocked by a deferred call"
		}
		return nil, unlock + " does not follow the send in the same block"
	}
	if why := st.readableAfterUnlock(fn, send); why != "" {
		return nil, why
	}
	if why := st.movable(send, list[i+1:j], lf); why != "" {
		return nil, why
	}
	// Move the send's line, comment included, below the unlock's line.
	fset := st.pass.Fset
	tf := fset.File(send.Pos())
	src, err := st.pass.ReadFile(tf.Name())
	if err != nil || tf.Size() != len(src) {
		return nil, "the source is not available"
	}
	sendLine, endLine := tf.Line(send.Pos()), tf.Line(send.End())
	unlockStmt := list[j]
	unlockLine := tf.Line(unlockStmt.End())
	if !aloneOnLines(src, tf, send) || !aloneOnLines(src, tf, unlockStmt) || unlockLine+1 > tf.LineCount() || endLine+1 > tf.LineCount() {
		return nil, "the send or the unlock shares its line with other code"
	}
	from, to := tf.Offset(tf.LineStart(sendLine)), tf.Offset(tf.LineStart(endLine+1))
	at := tf.Offset(tf.LineStart(unlockLine + 1))
	// The file with the send's lines moved below the unlock's line.
	moved := make([]byte, 0, len(src))
	moved = append(moved, src[:from]...)
	moved = append(moved, src[to:at]...)
	moved = append(moved, src[from:to]...)
	moved = append(moved, src[at:]...)
	// Trailing comments are aligned with their neighbours: let gofmt
	// realign them, and keep the edit to the lines that change. Only the
	// top-level declaration holding the send can change, so only it is
	// formatted (a whole file per finding is slow on large files).
	if lo, hi, ok := topLevelSpan(op.cur, tf); ok {
		seg, movedSeg := src[lo:hi], moved[lo:hi]
		if formatted, err := format.Source(seg); err == nil && bytes.Equal(formatted, seg) {
			if f, err := format.Source(movedSeg); err == nil {
				moved = append(append(append(make([]byte, 0, len(src)-len(seg)+len(f)), src[:lo]...), f...), src[hi:]...)
			}
		}
	}
	start, end, text := lineDiff(src, moved)
	return &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Send on %s after %s", types.ExprString(send.Chan), unlock),
		TextEdits: []analysis.TextEdit{{Pos: tf.Pos(start), End: tf.Pos(end), NewText: text}},
	}, ""
}

// topLevelSpan returns the byte span in its file of the top-level
// declaration that holds cur.
func topLevelSpan(cur inspector.Cursor, tf *token.File) (lo, hi int, ok bool) {
	var decl ast.Node
	for d := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.GenDecl)(nil)) {
		decl = d.Node()
	}
	if decl == nil {
		return 0, 0, false
	}
	if fd, ok := decl.(*ast.FuncDecl); ok && fd.Doc != nil {
		return tf.Offset(fd.Doc.Pos()), tf.Offset(fd.End()), true
	}
	return tf.Offset(decl.Pos()), tf.Offset(decl.End()), true
}

// lineDiff returns the smallest span of whole lines of old, and its
// replacement, that turns old into new.
func lineDiff(old, new []byte) (start, end int, text []byte) {
	n := 0
	for n < len(old) && n < len(new) && old[n] == new[n] {
		n++
	}
	start = bytes.LastIndexByte(old[:n], '\n') + 1
	m := 0
	for m < len(old)-start && m < len(new)-start && old[len(old)-1-m] == new[len(new)-1-m] {
		m++
	}
	// Back off to a line boundary: the suffix starts after a newline.
	for m > 0 && old[len(old)-m-1] != '\n' {
		m--
	}
	return start, len(old) - m, bytes.Clone(new[start : len(new)-m])
}

// aloneOnLines reports whether only white space precedes n on its first
// line, and only white space or a line comment follows it on its last.
func aloneOnLines(src []byte, tf *token.File, n ast.Node) bool {
	start := tf.Offset(tf.LineStart(tf.Line(n.Pos())))
	for _, c := range src[start:tf.Offset(n.Pos())] {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	rest := src[tf.Offset(n.End()):]
	if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
		rest = rest[:nl]
	}
	rest = bytes.TrimSpace(rest)
	return len(rest) == 0 || bytes.HasPrefix(rest, []byte("//"))
}

// deferredUnlock reports whether fn unlocks site in a defer statement.
func (st *state) deferredUnlock(fn *fnInfo, site *lockSite) bool {
	for _, call := range fn.deferred {
		if p, _ := methodRecvPath(st.info, call); p != nil {
			k := lockCall(st.info, call)
			if st.ids.key(p, k == unlockR) == site.key {
				return true
			}
		}
	}
	return false
}

// readableAfterUnlock says why the channel or the value of a send
// cannot be evaluated after unlocking, or returns "".
func (st *state) readableAfterUnlock(fn *fnInfo, send *ast.SendStmt) string {
	if !st.stableChan(fn, send.Chan) {
		return "the channel expression " + types.ExprString(send.Chan) + " may change once the mutex is released"
	}
	if bad := st.unstableValue(fn, send.Value); bad != nil {
		return "the sent value reads " + types.ExprString(bad) + ", which the mutex may protect"
	}
	return ""
}

// stableChan reports whether a channel expression denotes the same
// channel after unlocking: a local variable, or a chain of fields from
// one that are only assigned in functions that are not methods
// (constructors) or in composite literals.
func (st *state) stableChan(fn *fnInfo, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return st.isLocal(fn, st.info.Uses[e])
	case *ast.SelectorExpr:
		sel := st.info.Selections[e]
		if sel == nil || sel.Kind() != types.FieldVal {
			return false
		}
		f, ok := sel.Obj().(*types.Var)
		return ok && st.stableField(f) && st.stableChan(fn, e.X)
	case *ast.StarExpr:
		return st.stableChan(fn, e.X)
	}
	return false
}

// isLocal reports whether obj is a variable declared in the function
// (parameters and receiver included).
func (st *state) isLocal(fn *fnInfo, obj types.Object) bool {
	v, ok := obj.(*types.Var)
	if !ok || v.IsField() || v.Parent() == nil || v.Parent() == st.pass.Pkg.Scope() {
		return false
	}
	outer := fn.outer.cur.Node()
	return outer.Pos() <= v.Pos() && v.Pos() < outer.End()
}

// stableField reports whether the field f is only assigned in
// functions that are not methods, or in composite literals: it is set
// when its struct is built and read-only afterwards.
func (st *state) stableField(f *types.Var) bool {
	if st.stable == nil {
		st.stable = make(map[*types.Var]bool)
		in := st.in
		for c := range in.Preorder((*ast.AssignStmt)(nil), (*ast.IncDecStmt)(nil), (*ast.UnaryExpr)(nil)) {
			var lhs []ast.Expr
			switch n := c.Node().(type) {
			case *ast.AssignStmt:
				lhs = n.Lhs
			case *ast.IncDecStmt:
				lhs = []ast.Expr{n.X}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					lhs = []ast.Expr{n.X}
				}
			}
			for _, l := range lhs {
				sel, ok := ast.Unparen(l).(*ast.SelectorExpr)
				if !ok {
					continue
				}
				s := st.info.Selections[sel]
				if s == nil || s.Kind() != types.FieldVal {
					continue
				}
				v := s.Obj().(*types.Var)
				if inMethod(c) {
					st.stable[v] = false
				}
			}
		}
	}
	stable, seen := st.stable[f]
	return !seen || stable
}

// inMethod reports whether c is inside a method declaration.
func inMethod(c inspector.Cursor) bool {
	for d := range c.Enclosing((*ast.FuncDecl)(nil)) {
		return d.Node().(*ast.FuncDecl).Recv != nil
	}
	return false
}

// unstableValue returns the first part of a sent value that may read
// state the mutex protects (anything but locals, constants, literals,
// and conversions and operators over them), or nil.
func (st *state) unstableValue(fn *fnInfo, e ast.Expr) ast.Expr {
	var bad ast.Expr
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		if bad != nil || e == nil {
			return
		}
		switch x := e.(type) {
		case *ast.ParenExpr:
			walk(x.X)
		case *ast.BasicLit:
		case *ast.Ident:
			switch obj := st.info.Uses[x].(type) {
			case *types.Const, *types.Nil, *types.TypeName, *types.Func, *types.Builtin:
			case *types.Var:
				if !st.isLocal(fn, obj) {
					bad = x
				}
			default:
				if x.Name != "_" {
					bad = x
				}
			}
		case *ast.CompositeLit:
			for _, el := range x.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					if _, isStruct := st.info.TypeOf(x).Underlying().(*types.Struct); !isStruct {
						walk(kv.Key)
					}
					walk(kv.Value)
				} else {
					walk(el)
				}
			}
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				bad = x
				return
			}
			walk(x.X)
		case *ast.BinaryExpr:
			walk(x.X)
			walk(x.Y)
		case *ast.SelectorExpr:
			if sel := st.info.Selections[x]; sel != nil {
				// A field of a local struct value (not through a pointer).
				if sel.Kind() != types.FieldVal || sel.Indirect() {
					bad = x
					return
				}
				if _, isPtr := st.info.TypeOf(x.X).Underlying().(*types.Pointer); isPtr {
					bad = x
					return
				}
				walk(x.X)
				return
			}
			// pkg.Name: constants and functions only.
			switch st.info.Uses[x.Sel].(type) {
			case *types.Const, *types.Func, *types.TypeName:
			default:
				bad = x
			}
		case *ast.CallExpr:
			if tv, ok := st.info.Types[x.Fun]; ok && tv.IsType() {
				for _, a := range x.Args {
					walk(a)
				}
				return
			}
			bad = x
		default:
			if tv, ok := st.info.Types[e]; ok && tv.IsType() {
				return // a type in a composite literal or conversion
			}
			bad = x
		}
	}
	walk(e)
	return bad
}

// movable says why the statements between a send and the unlock keep
// the send from moving after them, or returns "".
func (st *state) movable(send *ast.SendStmt, between []ast.Stmt, lf *lockFlow) string {
	// What the send reads: variables and field chains ("ev", "s.events").
	reads := make(map[string]bool)
	names := make(map[string]bool)
	ast.Inspect(send, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if sel := st.info.Selections[n]; sel != nil && sel.Kind() == types.FieldVal {
				if chain := fieldChain(n); chain != "" {
					reads[chain] = true
					ast.Inspect(n, func(n ast.Node) bool {
						if id, ok := n.(*ast.Ident); ok {
							names[id.Name] = true
						}
						return true
					})
					return false
				}
			}
		case *ast.Ident:
			names[n.Name] = true
			if _, ok := st.info.Uses[n].(*types.Var); ok {
				reads[n.Name] = true
			}
		}
		return true
	})
	conflicts := func(e ast.Expr) bool {
		w := written(e)
		if w == "" {
			return false
		}
		for r := range reads {
			if r == w || strings.HasPrefix(r, w+".") || strings.HasPrefix(w, r+".") {
				return true
			}
		}
		return false
	}
	why := ""
	for _, s := range between {
		if len(lf.effects[s]) > 0 {
			return "a mutex is locked or unlocked between the send and the unlock"
		}
		ast.Inspect(s, func(n ast.Node) bool {
			if why != "" {
				return false
			}
			switch n := n.(type) {
			case *ast.ReturnStmt, *ast.BranchStmt:
				why = "a statement between the send and the unlock can leave the block"
			case *ast.SendStmt, *ast.SelectStmt:
				why = "another channel operation comes between the send and the unlock"
			case *ast.UnaryExpr:
				if n.Op == token.ARROW {
					why = "another channel operation comes between the send and the unlock"
				} else if n.Op == token.AND && conflicts(n.X) {
					why = "a statement between the send and the unlock may change " + types.ExprString(n.X)
				}
			case *ast.FuncLit, *ast.GoStmt:
				return false // runs later, or elsewhere
			case *ast.CallExpr:
				if st.waitsInCall(n) {
					// cond.Wait() releases the mutex and waits for a
					// signal the receiver may send only after it has
					// the value: moving the send past it can hang.
					why = "a call between the send and the unlock waits (" + types.ExprString(n.Fun) + ")"
				}
			case *ast.RangeStmt:
				if conflicts(n.Key) || conflicts(n.Value) {
					why = "a statement between the send and the unlock changes what the send reads"
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if conflicts(l) {
						why = "a statement between the send and the unlock changes " + types.ExprString(l)
					}
				}
			case *ast.IncDecStmt:
				if conflicts(n.X) {
					why = "a statement between the send and the unlock changes " + types.ExprString(n.X)
				}
			case *ast.Ident:
				if obj := st.info.Defs[n]; obj != nil && names[n.Name] {
					why = "a declaration between the send and the unlock shadows " + n.Name
				}
			}
			return why == ""
		})
		if why != "" {
			return why
		}
	}
	return ""
}

// fieldChain renders x.f.g when the expression is a chain of selectors
// on an identifier, or returns "".
func fieldChain(e ast.Expr) string {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		if base := fieldChain(x.X); base != "" {
			return base + "." + x.Sel.Name
		}
	case *ast.StarExpr:
		return fieldChain(x.X)
	}
	return ""
}

// written returns the variable or field chain that assigning to e
// changes: the chain itself, or the one it indexes into.
func written(e ast.Expr) string {
	for e != nil {
		switch x := ast.Unparen(e).(type) {
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		default:
			return fieldChain(x)
		}
	}
	return ""
}

// waitsInCall reports whether call waits for another goroutine: a Wait
// method (sync.Cond, sync.WaitGroup, errgroup.Group and the like) or a
// function of the package that may block on a channel.
func (st *state) waitsInCall(call *ast.CallExpr) bool {
	fn := calls.Callee(st.info, call)
	if fn == nil {
		return false
	}
	return fn.Name() == "Wait" && fn.Signature().Recv() != nil || st.calleeBlocks(call) != nil
}
