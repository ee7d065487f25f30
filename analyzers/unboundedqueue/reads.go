package unboundedqueue

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"math"
	"strconv"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/fixedit"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// readAll checks io.ReadAll and ioutil.ReadAll of untrusted readers.
func (c *checker) readAll(cur inspector.Cursor, call *ast.CallExpr, fn *types.Func) {
	c.later(func() {
		arg := call.Args[0]
		src := c.untrustedReader(cur, arg)
		if src == "" || src == srcRequest && c.bodyLimited(cur, arg, call.Pos()) || c.configuredUnlimited(cur) {
			return
		}
		name := fn.Pkg().Name() + ".ReadAll"
		argText := types.ExprString(arg)
		var advice string
		switch src {
		case srcRequest:
			advice = fmt.Sprintf("wrap %s in http.MaxBytesReader, or read with bounded.ReadAll(%s, max)", argText, argText)
		default:
			advice = fmt.Sprintf("read with bounded.ReadAll(%s, max), or use a framed protocol with a maximum message size", argText)
		}
		d := analysis.Diagnostic{
			Pos: call.Pos(),
			End: call.End(),
			Message: fmt.Sprintf("%s reads everything from %s into memory with no size limit: the peer decides how much is allocated; %s",
				name, src, advice),
		}
		d.SuggestedFixes = c.readAllFixes(cur, call, fn, src)
		c.r.Report(ruleUnboundedRead, d)
	})
}

// bodyLimited reports whether the request of body (req.Body) had its
// body replaced by a limited reader earlier in the same function:
// req.Body = http.MaxBytesReader(w, req.Body, n).
func (c *checker) bodyLimited(cur inspector.Cursor, body ast.Expr, before token.Pos) bool {
	sel, ok := ast.Unparen(body).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	req := chans.RootVar(c.info, sel.X)
	fn, ok := scope.Func(cur)
	if !ok || req == nil {
		return false
	}
	for fn2 := range fn.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		fn = fn2 // the outermost function
	}
	limited := false
	fn.Inspect([]ast.Node{(*ast.AssignStmt)(nil)}, func(k inspector.Cursor) bool {
		as := k.Node().(*ast.AssignStmt)
		if limited || as.Pos() >= before {
			return false
		}
		for i, l := range as.Lhs {
			ls, ok := ast.Unparen(l).(*ast.SelectorExpr)
			if !ok || ls.Sel.Name != "Body" || chans.RootVar(c.info, ls.X) != req || i >= len(as.Rhs) {
				continue
			}
			ast.Inspect(as.Rhs[i], func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && isLimited(calls.Callee(c.info, call)) {
					limited = true
				}
				return !limited
			})
		}
		return true
	})
	return limited
}

// configuredUnlimited reports whether the read at cur is a branch of an
// if whose other branch reads with a limit that the condition tests:
// if limit > 0 { io.CopyN(buf, r, limit) } else { io.Copy(buf, r) }, or
// if max <= 0 { return io.ReadAll(r) } followed by a limited read.
// Reading without a limit is then a configured choice.
func (c *checker) configuredUnlimited(cur inspector.Cursor) bool {
	for child, k := cur, cur.Parent(); k.Valid(); child, k = k, k.Parent() {
		switch n := k.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		case *ast.IfStmt:
			var other ast.Stmt
			switch child.ParentEdgeKind() {
			case edge.IfStmt_Body:
				other = n.Else
				if other == nil && exits(c.info, n.Body) {
					other = &ast.BlockStmt{List: followingStmts(k)}
				}
			case edge.IfStmt_Else:
				other = n.Body
			}
			if other != nil && c.limitedBy(other, n.Cond) {
				return true
			}
		}
	}
	return false
}

// followingStmts returns the statements after cur in its statement
// list.
func followingStmts(cur inspector.Cursor) []ast.Stmt {
	var list []ast.Stmt
	k := cur.ParentEdgeKind()
	for s, ok := cur.NextSibling(); ok && s.ParentEdgeKind() == k; s, ok = s.NextSibling() {
		if st, ok := s.Node().(ast.Stmt); ok {
			list = append(list, st)
		}
	}
	return list
}

// limitedBy reports whether branch calls io.CopyN or a limiting reader
// (io.LimitReader, http.MaxBytesReader, the bounded package) whose
// limit, its last argument, uses a variable or field that cond uses.
func (c *checker) limitedBy(branch ast.Stmt, cond ast.Expr) bool {
	vars := make(map[types.Object]bool)
	c.limitVars(cond, func(obj types.Object) {
		if !c.isReader(obj.Type()) {
			vars[obj] = true
		}
	})
	found := false
	ast.Inspect(branch, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found || len(call.Args) < 2 {
			return !found
		}
		if fn := calls.Callee(c.info, call); !calls.IsFunc(fn, "io", "CopyN") && !isLimited(fn) {
			return true
		}
		c.limitVars(call.Args[len(call.Args)-1], func(obj types.Object) {
			found = found || vars[obj]
		})
		return !found
	})
	return found
}

// limitVars calls f with the variables and fields that e uses: for
// h.limit, the field limit but not h.
func (c *checker) limitVars(e ast.Expr, f func(types.Object)) {
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if obj := objOf(c.info, n); obj != nil {
				f(obj)
				return false
			}
		case *ast.Ident:
			if obj := objOf(c.info, n); obj != nil {
				f(obj)
			}
		}
		return true
	})
}

// readAllFixes reads with bounded.ReadAll and, for a request body with
// the ResponseWriter in scope, wraps the body in http.MaxBytesReader.
func (c *checker) readAllFixes(cur inspector.Cursor, call *ast.CallExpr, fn *types.Func, src string) []analysis.SuggestedFix {
	var fixes []analysis.SuggestedFix
	arg := call.Args[0]
	argText, ok := c.text(arg)
	if !ok {
		return nil
	}
	bname, imports := fixedit.Import(c.pass, c.file, call.Pos(), fixedit.BoundedPath)
	edits := []analysis.TextEdit{
		{Pos: call.Fun.Pos(), End: call.Fun.End(), NewText: []byte(bname + ".ReadAll")},
		{Pos: arg.Pos(), End: arg.End(), NewText: []byte(argText + ", " + bname + ".DefaultMaxReadSize")},
	}
	if imports, ok := c.dropImport(call.Fun, bname, imports); ok {
		fixes = append(fixes, analysis.SuggestedFix{
			Message:   "Read at most bounded.DefaultMaxReadSize bytes with bounded.ReadAll",
			TextEdits: append(edits, imports...),
		})
	}
	if src == srcRequest {
		if f, ok := c.maxBytesFix(cur, arg, argText); ok {
			fixes = append(fixes, f)
		}
	}
	return fixes
}

// maxBytesFix wraps a request body read in http.MaxBytesReader, when an
// http.ResponseWriter is in scope.
func (c *checker) maxBytesFix(cur inspector.Cursor, arg ast.Expr, argText string) (analysis.SuggestedFix, bool) {
	w := c.responseWriter(cur, arg.Pos())
	if w == "" {
		return analysis.SuggestedFix{}, false
	}
	hname, himports := fixedit.Import(c.pass, c.file, arg.Pos(), "net/http")
	return analysis.SuggestedFix{
		Message: fmt.Sprintf("Limit the request body to %d bytes with http.MaxBytesReader", c.opts.MaxBody),
		TextEdits: append([]analysis.TextEdit{{Pos: arg.Pos(), End: arg.End(),
			NewText: []byte(fmt.Sprintf("%s.MaxBytesReader(%s, %s, %s)", hname, w, argText, byteSize(c.opts.MaxBody)))}}, himports...),
	}, true
}

// copyToMemory checks io.Copy(buf, r) and buf.ReadFrom(r) into a
// bytes.Buffer or strings.Builder: io.ReadAll by another name.
func (c *checker) copyToMemory(cur inspector.Cursor, call *ast.CallExpr, src ast.Expr) {
	c.later(func() {
		kind := c.untrustedReader(cur, src)
		if kind == "" || kind == srcRequest && c.bodyLimited(cur, src, call.Pos()) || c.configuredUnlimited(cur) {
			return
		}
		srcText := types.ExprString(src)
		wrappers := "bounded.NewLimitedReader (or io.LimitReader, and check the size)"
		if kind == srcRequest {
			wrappers = "http.MaxBytesReader or bounded.NewLimitedReader"
		}
		d := analysis.Diagnostic{
			Pos: call.Pos(),
			End: call.End(),
			Message: fmt.Sprintf("%s copies everything from %s into memory with no size limit: the peer decides how much is allocated; wrap %s in %s",
				types.ExprString(call.Fun), kind, srcText, wrappers),
		}
		if text, ok := c.text(src); ok {
			bname, imports := fixedit.Import(c.pass, c.file, call.Pos(), fixedit.BoundedPath)
			d.SuggestedFixes = append(d.SuggestedFixes, analysis.SuggestedFix{
				Message: "Fail reads beyond bounded.DefaultMaxReadSize bytes with bounded.NewLimitedReader",
				TextEdits: append([]analysis.TextEdit{{Pos: src.Pos(), End: src.End(),
					NewText: []byte(fmt.Sprintf("%s.NewLimitedReader(%s, %s.DefaultMaxReadSize)", bname, text, bname))}}, imports...),
			})
			if kind == srcRequest {
				if f, ok := c.maxBytesFix(cur, src, text); ok {
					d.SuggestedFixes = append(d.SuggestedFixes, f)
				}
			}
		}
		c.r.Report(ruleUnboundedRead, d)
	})
}

// inMemory reports whether t is a *bytes.Buffer or *strings.Builder.
func inMemory(t types.Type) bool {
	return calls.IsNamed(t, "bytes", "Buffer") || calls.IsNamed(t, "strings", "Builder")
}

// byteSize renders n as code: 1<<20 for powers of two from 1 KiB on.
func byteSize(n int64) string {
	if n >= 1024 && n&(n-1) == 0 {
		return fmt.Sprintf("1<<%d", int(math.Log2(float64(n))))
	}
	return fmt.Sprint(n)
}

// responseWriter returns the name of an http.ResponseWriter variable
// visible at pos, or "".
func (c *checker) responseWriter(cur inspector.Cursor, pos token.Pos) string {
	s := c.info.Scopes[c.file].Innermost(pos)
	for ; s != nil && s != types.Universe; s = s.Parent() {
		for _, name := range s.Names() {
			v, ok := s.Lookup(name).(*types.Var)
			if ok && v.Pos() < pos && calls.IsNamed(v.Type(), "net/http", "ResponseWriter") {
				if _, obj := c.info.Scopes[c.file].Innermost(pos).LookupParent(name, pos); obj == v {
					return name
				}
			}
		}
	}
	return ""
}

// readLine checks ReadString and ReadBytes of a *bufio.Reader over an
// untrusted reader: a line of any length is buffered.
func (c *checker) readLine(cur inspector.Cursor, call *ast.CallExpr, fn *types.Func) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return
	}
	c.later(func() {
		src := c.untrustedReader(cur, sel.X)
		if src == "" {
			return
		}
		recv := types.ExprString(sel.X)
		d := analysis.Diagnostic{
			Pos: call.Pos(),
			End: call.End(),
			Message: fmt.Sprintf("%s.%s buffers a line of any length from %s: a peer that never sends the delimiter grows it without limit; "+
				"read lines with bounded.NewLineReader(r, max) or a bufio.Scanner, whose buffers are bounded", recv, fn.Name(), src),
		}
		if f, ok := c.lineReaderFix(cur, sel.X); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{f}
		}
		c.r.Report(ruleUnboundedRead, d)
	})
}

// lineReaderMethods are the methods of *bufio.Reader that
// *bounded.LineReader has with the same signatures.
var lineReaderMethods = map[string]bool{
	"ReadString": true, "ReadBytes": true, "ReadSlice": true, "ReadLine": true,
	"Read": true, "ReadByte": true, "UnreadByte": true, "ReadRune": true, "UnreadRune": true,
	"Peek": true, "Discard": true, "Buffered": true, "Reset": true, "Size": true,
}

// lineReaderFix replaces br := bufio.NewReader(x) by
// br := bounded.NewLineReader(x, bounded.DefaultMaxLineLength) when br
// is a local variable of inferred type that is only used to call
// methods LineReader has.
func (c *checker) lineReaderFix(cur inspector.Cursor, recv ast.Expr) (analysis.SuggestedFix, bool) {
	var none analysis.SuggestedFix
	id, ok := ast.Unparen(recv).(*ast.Ident)
	if !ok {
		return none, false
	}
	v, ok := c.info.Uses[id].(*types.Var)
	fi := c.index(cur)
	if !ok || fi == nil || isPackageVar(v) || !fi.final(v) || len(fi.defs[v]) != 1 {
		return none, false
	}
	d := fi.defs[v][0]
	newCall, ok := ast.Unparen(d.rhs).(*ast.CallExpr)
	if !ok || d.index != -1 {
		return none, false
	}
	fn := calls.Callee(c.info, newCall)
	if !calls.IsFunc(fn, "bufio", "NewReader") && !calls.IsFunc(fn, "bufio", "NewReaderSize") || len(newCall.Args) == 0 {
		return none, false
	}
	// The declaration must infer the type: v := ..., var v = ...
	declCur, ok := cur.Inspector().Root().FindNode(newCall)
	if !ok {
		return none, false
	}
	switch p := declCur.Parent().Node().(type) {
	case *ast.AssignStmt:
		if p.Tok != token.DEFINE {
			return none, false
		}
	case *ast.ValueSpec:
		if p.Type != nil {
			return none, false
		}
	default:
		return none, false
	}
	// Every use calls a method LineReader has.
	fnCur, _ := cur.Inspector().Root().FindNode(fi.node)
	usesOK := true
	for k := range fnCur.Preorder((*ast.Ident)(nil)) {
		if c.info.Uses[k.Node().(*ast.Ident)] != v {
			continue
		}
		if k.ParentEdgeKind() != edge.SelectorExpr_X {
			usesOK = false
			break
		}
		sel := k.Parent().Node().(*ast.SelectorExpr)
		if !lineReaderMethods[sel.Sel.Name] || k.Parent().ParentEdgeKind() != edge.CallExpr_Fun {
			usesOK = false
			break
		}
	}
	if !usesOK {
		return none, false
	}
	x, ok := c.text(newCall.Args[0])
	if !ok {
		return none, false
	}
	bname, imports := fixedit.Import(c.pass, c.file, newCall.Pos(), fixedit.BoundedPath)
	imports, ok = c.dropImport(newCall.Fun, bname, imports)
	if !ok {
		return none, false
	}
	return analysis.SuggestedFix{
		Message: "Read lines of at most bounded.DefaultMaxLineLength bytes with bounded.NewLineReader",
		TextEdits: append([]analysis.TextEdit{replace(newCall,
			fmt.Sprintf("%s.NewLineReader(%s, %s.DefaultMaxLineLength)", bname, x, bname))}, imports...),
	}, true
}

// makeCall checks make(chan T, n) (rule huge-buffer) and make([]T, n)
// with a length from untrusted input (rule unbounded-read).
func (c *checker) makeCall(cur inspector.Cursor, call *ast.CallExpr) {
	if len(call.Args) < 2 {
		return
	}
	t := c.info.TypeOf(call.Args[0])
	if t == nil {
		return
	}
	switch t.Underlying().(type) {
	case *types.Chan:
		c.hugeBuffer(cur, call)
	case *types.Slice:
		if !c.mayDecode {
			return
		}
		for _, size := range call.Args[1:] {
			if isConst(c.info, size) {
				continue
			}
			c.later(func() {
				tn, ok := c.untrustedSize(cur, size)
				if !ok {
					return
				}
				c.reportAlloc(cur, call, size, tn)
			})
			return
		}
	}
}

func (c *checker) hugeBuffer(cur inspector.Cursor, call *ast.CallExpr) {
	capExpr := call.Args[1]
	elem := types.TypeString(c.info.TypeOf(call.Args[0]), types.RelativeTo(c.pass.Pkg))
	if n, ok := chans.ConstCap(c.info, capExpr); ok {
		if n < c.opts.MaxBuffer {
			return
		}
		capText := types.ExprString(capExpr)
		what := ""
		if capText != strconv.FormatInt(n, 10) {
			what = fmt.Sprintf(", a buffer of %d values,", n)
		}
		c.r.Reportf(ruleHugeBuffer, capExpr,
			"make(%s, %s)%s is at or above the -unboundedqueue.max-buffer capacity (%d): a buffer this large fills at the producer's rate "+
				"and in practice never pushes back; size it to how far consumers may fall behind, and make producers block, drop or fail when it is full",
			elem, capText, what, c.opts.MaxBuffer)
		return
	}
	if !c.mayDecode {
		return
	}
	c.later(func() {
		tn, ok := c.untrustedSize(cur, capExpr)
		if !ok {
			return
		}
		c.r.Reportf(ruleHugeBuffer, capExpr,
			"make(%s, %s) is sized by %s, with no upper bound checked before it: the peer decides how much memory the buffer may hold; "+
				"cap it with min(%s, max) or reject larger values",
			elem, types.ExprString(capExpr), tn.from, types.ExprString(capExpr))
	})
}

// reportAlloc reports a make whose size comes from untrusted input, with
// a fix that rejects sizes above bounded.DefaultMaxFrameSize first.
func (c *checker) reportAlloc(cur inspector.Cursor, call *ast.CallExpr, size ast.Expr, tn taint) {
	advice := "reject lengths above a maximum first, or read frames with bounded.FrameReader"
	if !tn.wire {
		advice = "reject values above a maximum first"
	}
	d := analysis.Diagnostic{
		Pos: call.Pos(),
		End: call.End(),
		Message: fmt.Sprintf("%s is sized by %s, with no upper bound checked before it: the peer decides how much memory it takes; %s",
			types.ExprString(call), tn.from, advice),
	}
	if tn.wire {
		if f, ok := c.frameLimitFix(cur, call, size, tn); ok {
			d.SuggestedFixes = []analysis.SuggestedFix{f}
		}
	}
	c.r.Report(ruleUnboundedRead, d)
}

// frameLimitFix inserts, before the statement of the make,
//
//	if n > bounded.DefaultMaxFrameSize {
//		return ..., &bounded.FrameSizeError{Size: int64(n), Max: bounded.DefaultMaxFrameSize}
//	}
func (c *checker) frameLimitFix(cur inspector.Cursor, call *ast.CallExpr, size ast.Expr, tn taint) (analysis.SuggestedFix, bool) {
	var none analysis.SuggestedFix
	v := tn.root
	if v == nil || !isInteger(v.Type()) {
		return none, false
	}
	// The statement holding the make, in a statement list.
	stmt := cur
	for stmt.Valid() && !inList(stmt) {
		if _, ok := stmt.Node().(*ast.FuncLit); ok {
			return none, false
		}
		stmt = stmt.Parent()
	}
	if !stmt.Valid() {
		return none, false
	}
	if v.Pos() >= stmt.Node().Pos() {
		return none, false // declared by the statement itself
	}
	if _, obj := c.info.Scopes[c.file].Innermost(stmt.Node().Pos()).LookupParent(v.Name(), stmt.Node().Pos()); obj != v {
		return none, false
	}
	ind, ok := c.lineIndent(stmt.Node().Pos())
	if !ok {
		return none, false
	}
	fn, ok := scope.Func(cur)
	if !ok {
		return none, false
	}
	sig := scope.Signature(c.info, fn)
	if sig == nil || sig.Results().Len() == 0 {
		return none, false
	}
	q := fixedit.NewQualifier(c.pass, c.file, stmt.Node().Pos())
	b := q.Import(fixedit.BoundedPath)
	vals, ok := c.returnValues(sig, q, fmt.Sprintf("&%s.FrameSizeError{Size: int64(%s), Max: %s.DefaultMaxFrameSize}", b, v.Name(), b))
	if !ok {
		return none, false
	}
	text := fmt.Sprintf("if %s > %s.DefaultMaxFrameSize {\n%s\treturn %s\n%s}\n%s", v.Name(), b, ind, vals, ind, ind)
	return analysis.SuggestedFix{
		Message:   "Reject lengths above bounded.DefaultMaxFrameSize before allocating",
		TextEdits: append([]analysis.TextEdit{insertAt(stmt.Node().Pos(), text)}, q.Edits...),
	}, true
}

func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}
