package ignoredsend

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/facts"
	"github.com/bplint/bplint/analyzers/internal/fixedit"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// mustCheck marks a function or method whose declaration carries
// //bplint:mustcheck: its result must not be discarded.
type mustCheck struct {
	// Reason is the text after the marker, if any.
	Reason string
}

func (*mustCheck) AFact() {}

func (*mustCheck) String() string { return "mustcheck" }

const mustCheckMarker = "//bplint:mustcheck"

// markedFuncs finds every function, method and interface method of the
// package whose doc comment carries the marker, and exports a mustCheck
// fact for each when facts are on. It reads only comments and
// declarations, never bodies.
func markedFuncs(pass *analysis.Pass) map[*types.Func]*mustCheck {
	marked := make(map[*types.Func]*mustCheck)
	mark := func(id *ast.Ident, reason string) {
		if fn, ok := pass.TypesInfo.Defs[id].(*types.Func); ok {
			marked[fn] = &mustCheck{Reason: reason}
			if facts.Enabled(pass) {
				pass.ExportObjectFact(fn, marked[fn])
			}
		}
	}
	for _, f := range pass.Files {
		if !mentionsMarker(f) {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if reason, ok := marker(d.Doc); ok {
					mark(d.Name, reason)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok {
						continue
					}
					it, ok := ts.Type.(*ast.InterfaceType)
					if !ok {
						continue
					}
					for _, m := range it.Methods.List {
						if len(m.Names) != 1 {
							continue // an embedded interface
						}
						reason, ok := marker(m.Doc)
						if !ok {
							reason, ok = marker(m.Comment)
						}
						if ok {
							mark(m.Names[0], reason)
						}
					}
				}
			}
		}
	}
	return marked
}

func mentionsMarker(f *ast.File) bool {
	for _, g := range f.Comments {
		for _, c := range g.List {
			if strings.HasPrefix(c.Text, mustCheckMarker) {
				return true
			}
		}
	}
	return false
}

// marker reports whether a comment group holds //bplint:mustcheck, and
// the text after it.
func marker(g *ast.CommentGroup) (string, bool) {
	if g == nil {
		return "", false
	}
	for _, c := range g.List {
		rest, ok := strings.CutPrefix(c.Text, mustCheckMarker)
		if ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// importMustCheck reports whether fn is marked, in this package or, with
// facts on, in the package that declares it.
func (c *checker) importMustCheck(fn *types.Func, f *mustCheck) bool {
	if m, ok := c.marked[fn]; ok {
		*f = *m
		return true
	}
	return facts.Enabled(c.pass) && fn.Pkg() != c.pass.Pkg && c.pass.ImportObjectFact(fn, f)
}

// A sendLike describes why a call's result must be checked.
type sendLike struct {
	fn     *types.Func
	why    string // "is marked //bplint:mustcheck", ...
	isBool bool   // the result is a single bool "accepted"
}

// sendLikeCall reports whether call's result must not be discarded.
func (c *checker) sendLikeCall(call *ast.CallExpr) (sendLike, bool) {
	fn := calls.Callee(c.info, call)
	if fn == nil {
		return sendLike{}, false
	}
	fn = fn.Origin()
	sig := fn.Signature()
	res := sig.Results()
	if res.Len() == 0 {
		return sendLike{}, false
	}
	lastErr := scope.ReturnsError(sig)
	singleBool := res.Len() == 1 && types.Identical(res.At(0).Type().Underlying(), types.Typ[types.Bool])
	recv := sig.Recv() != nil
	switch {
	case recv && lastErr && fn.Pkg() != nil && fn.Pkg().Path() == fixedit.BoundedPath:
		return sendLike{fn: fn, why: "is a bounded method that reports failure"}, true
	case recv && lastErr && c.sendNames[upperFirst(fn.Name())]:
		return sendLike{fn: fn, why: "is a send-like method"}, true
	case recv && singleBool && c.boolNames[upperFirst(fn.Name())]:
		return sendLike{fn: fn, why: "is a send-like method", isBool: singleBool}, true
	case recv && singleBool && c.sendNames[upperFirst(fn.Name())]:
		if c.in == nil {
			return sendLike{fn: fn, isBool: true}, true // relevant: a candidate
		}
		if c.dropsWhenFull(fn) {
			return sendLike{fn: fn, why: "is a send-like method that returns false when it drops the value", isBool: true}, true
		}
	}
	var f mustCheck
	if c.importMustCheck(fn, &f) {
		why := "is marked //bplint:mustcheck"
		if f.Reason != "" {
			why += " (" + f.Reason + ")"
		}
		return sendLike{fn: fn, why: why, isBool: singleBool}, true
	}
	return sendLike{}, false
}

// dropsWhenFull reports whether the method fn, declared in the package,
// returns false when a non-blocking send of its drops the value:
//
//	select {
//	case w.ch <- wr:
//		return true
//	default:
//		return false
//	}
//
// Then its bool means "accepted", whatever its name (etcd's
// watcher.send), unlike a send that returns false only while closing.
func (c *checker) dropsWhenFull(fn *types.Func) bool {
	if v, ok := c.drops[fn]; ok {
		return v
	}
	found := false
	if decl, ok := c.funcs().decl(fn); ok {
		for n := range decl.Preorder((*ast.SelectStmt)(nil)) {
			sel := n.Node().(*ast.SelectStmt)
			sends, dropFalse := false, false
			for _, s := range sel.Body.List {
				cc := s.(*ast.CommClause)
				switch {
				case cc.Comm == nil:
					if len(cc.Body) > 0 {
						if ret, ok := cc.Body[len(cc.Body)-1].(*ast.ReturnStmt); ok && len(ret.Results) == 1 {
							tv := c.info.Types[ret.Results[0]]
							dropFalse = tv.Value != nil && tv.Value.String() == "false"
						}
					}
				case chans.CaseKind(c.info, cc) == chans.Send:
					sends = true
				}
			}
			if sends && dropFalse {
				found = true
				break
			}
		}
	}
	if c.drops == nil {
		c.drops = make(map[*types.Func]bool)
	}
	c.drops[fn] = found
	return found
}

// discardedCall checks a call whose results are discarded: an
// expression statement, or the call of a go or defer statement (kw).
func (c *checker) discardedCall(cur inspector.Cursor, call *ast.CallExpr, kw string) {
	if c.isTest {
		return
	}
	sl, ok := c.sendLikeCall(call)
	if !ok || c.discardExplained(cur.Node()) {
		return
	}
	callee := calleeText(c.pass, call)
	var msg string
	res := sl.fn.Signature().Results()
	switch {
	case sl.isBool:
		msg = fmt.Sprintf("the bool result of %s is discarded: %s %s, and its result says whether the value was accepted, so a rejected value is lost silently; check it, or discard it explicitly with _ =", callee, sl.fn.Name(), sl.why)
	case res.Len() == 1 && scope.ReturnsError(sl.fn.Signature()):
		msg = fmt.Sprintf("the error of %s is discarded: %s %s, so a failed send is lost silently; handle the error, or discard it explicitly with _ =", callee, sl.fn.Name(), sl.why)
	case scope.ReturnsError(sl.fn.Signature()):
		msg = fmt.Sprintf("the results of %s, including its error, are discarded: %s %s, so a failed send is lost silently; handle the error, or discard the results explicitly with _ =", callee, sl.fn.Name(), sl.why)
	default:
		msg = fmt.Sprintf("the result of %s is discarded: %s %s; use it, or discard it explicitly with _ =", callee, sl.fn.Name(), sl.why)
	}
	if kw != "" {
		msg = kw + " statement: " + msg
	}
	d := analysis.Diagnostic{Pos: call.Pos(), End: call.End(), Message: msg}
	if kw == "" && !sl.isBool {
		if fix, ok := c.checkErrFix(cur, call, sl.fn.Signature()); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{fix}
		}
	}
	c.r.Report(ruleResult, d)
}

// discardExplained reports whether a comment says the result is
// discarded on purpose: one on its own line just above stmt that says
// the result is ignored, does not matter, or is best effort ("returns an
// error (which we don't care here) if nc is nil"). Like an empty default
// with a comment, it is the author's visible decision. A comment that
// only describes the call ("Report the error to the client") or a TODO
// is not.
func (c *checker) discardExplained(stmt ast.Node) bool {
	tf := c.pass.Fset.File(stmt.Pos())
	line := tf.Line(stmt.Pos())
	col := tf.PositionFor(stmt.Pos(), false).Column
	for _, g := range c.file.Comments {
		if g.End() > stmt.Pos() {
			break
		}
		// Aligned with the statement, as gofmt puts a comment of its own
		// line; a trailing comment of the line above sits further right.
		if tf.Line(g.End()) == line-1 && tf.PositionFor(g.Pos(), false).Column == col {
			return explainsDiscard(g.Text())
		}
	}
	return false
}

// discardWords say that a result is dropped on purpose.
var discardWords = []string{"ignor", "don't care", "do not care", "dont care", "doesn't matter", "does not matter", "no matter", "best effort", "best-effort", "harmless", "discard", "on purpose", "deliberately", "intentionally", "not interested", "safe to drop"}

func explainsDiscard(text string) bool {
	text = strings.ToLower(text)
	if strings.Contains(text, "todo") || strings.Contains(text, "fixme") {
		return false
	}
	for _, w := range discardWords {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// calleeText renders the called function for messages: "q.TrySend".
func calleeText(pass *analysis.Pass, call *ast.CallExpr) string {
	s := types.ExprString(ast.Unparen(call.Fun))
	if len(s) > 60 {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			return sel.Sel.Name
		}
	}
	return s
}

// checkErrFix wraps the expression statement at cur in
// `if err := call; err != nil { return ..., err }` when the enclosing
// function returns an error.
func (c *checker) checkErrFix(cur inspector.Cursor, call *ast.CallExpr, callSig *types.Signature) (analysis.SuggestedFix, bool) {
	if !scope.ReturnsError(callSig) {
		return analysis.SuggestedFix{}, false
	}
	fn, ok := scope.Func(cur)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	sig := scope.Signature(c.info, fn)
	if !scope.ReturnsError(sig) || c.handlesDequeued(fn) {
		return analysis.SuggestedFix{}, false
	}
	stmt := cur.Node()
	errName := fixedit.FreshHeaderName(c.scopeAt(stmt.Pos()), stmt.Pos(), "err")
	q := fixedit.NewQualifier(c.pass, c.file, stmt.Pos())
	ret, ok := returnText(q, sig, errName)
	if !ok || !q.Ok {
		return analysis.SuggestedFix{}, false
	}
	lhs := errName
	if n := callSig.Results().Len(); n > 1 {
		lhs = strings.Repeat("_, ", n-1) + errName
	}
	callText, ok := c.exprText(call)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	text := "if " + lhs + " := " + callText + "; " + errName + " != nil {\n\t" + ret + "\n}"
	edits, ok := c.replaceStmt(cur, text)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	return analysis.SuggestedFix{
		Message:   "Return the error",
		TextEdits: append(edits, q.Edits...),
	}, true
}

// upperFirst returns name with its first letter upper-cased: send-like
// names match exported and unexported methods alike (Send, send).
func upperFirst(name string) string {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return name
	}
	return string(name[0]-'a'+'A') + name[1:]
}

// handlesDequeued reports whether some call of the declared function at
// fn hands it a value the caller has taken off a channel (msg, ok = <-ch;
// s.processDelivered(msg)). A new error return there makes such a
// caller give up a value nobody can take again (nats.go's
// processNextMsgDelivered: NextMsg returns nil, err and the message is
// lost, and the accounting after the call is skipped), so the fix that
// returns the error is not offered.
func (c *checker) handlesDequeued(fn inspector.Cursor) bool {
	fd, ok := fn.Node().(*ast.FuncDecl)
	if !ok {
		return false
	}
	obj, ok := c.info.Defs[fd.Name].(*types.Func)
	if !ok {
		return false
	}
	return memoized(&c.dequeued, obj, c.passesDequeued)
}

func (c *checker) passesDequeued(obj *types.Func) bool {
	for _, call := range c.funcs().callsOf(obj) {
		for _, arg := range call.Node().(*ast.CallExpr).Args {
			switch a := ast.Unparen(arg).(type) {
			case *ast.UnaryExpr:
				if a.Op == token.ARROW {
					return true
				}
			case *ast.Ident:
				if v, ok := c.info.Uses[a].(*types.Var); ok && !v.IsField() && c.receivedVar(v) {
					return true
				}
			}
		}
	}
	return false
}
