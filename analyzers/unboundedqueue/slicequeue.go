package unboundedqueue

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
	"unicode"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// A sliceQueue is a slice field or package variable that some code
// appends to and some code consumes from the front.
type sliceQueue struct {
	obj    types.Object
	pushes []queueOp // q = append(q, v)
	pops   []queueOp // q = q[1:], copy(q, q[1:]), q = append(q[:0], q[1:]...)
}

type queueOp struct {
	cur  inspector.Cursor // the statement
	fn   ast.Node         // the innermost function holding it
	expr ast.Expr         // the queue expression (s.q)
	file *ast.File
}

func (c *checker) queueOf(e ast.Expr) *sliceQueue {
	obj := objOf(c.info, e)
	if obj == nil || !isField(obj) && !isPackageVar(obj) || c.inTestFile() {
		return nil
	}
	if _, ok := obj.Type().Underlying().(*types.Slice); !ok {
		return nil
	}
	q := c.queues[obj]
	if q == nil {
		q = &sliceQueue{obj: obj}
		c.queues[obj] = q
		c.queueIDs = append(c.queueIDs, obj)
	}
	return q
}

// inTestFile reports whether the file being walked is a test file
// whose findings are not reported: its appends and pops do not count.
func (c *checker) inTestFile() bool { return c.testFile }

func (c *checker) op(cur inspector.Cursor, e ast.Expr) queueOp {
	var fn ast.Node
	if f, ok := scope.Func(cur); ok {
		fn = f.Node()
	}
	return queueOp{cur: cur, fn: fn, expr: e, file: c.file}
}

// queueAssign records pushes and pops: l = r where l is a slice field or
// package variable.
func (c *checker) queueAssign(cur inspector.Cursor, as *ast.AssignStmt, l, r ast.Expr) {
	if len(as.Lhs) != 1 {
		return
	}
	switch ast.Unparen(r).(type) {
	case *ast.CallExpr, *ast.SliceExpr:
	default:
		return
	}
	if obj := objOf(c.info, l); obj == nil || !isField(obj) && !isPackageVar(obj) {
		return
	}
	lt := types.ExprString(l)
	switch r := ast.Unparen(r).(type) {
	case *ast.CallExpr:
		id, ok := ast.Unparen(r.Fun).(*ast.Ident)
		if !ok || id.Name != "append" || len(r.Args) < 2 || !isBuiltinObj(c.info, id) {
			return
		}
		first := ast.Unparen(r.Args[0])
		if types.ExprString(first) == lt {
			if q := c.queueOf(l); q != nil {
				q.pushes = append(q.pushes, c.op(cur, l))
			}
			return
		}
		// q = append(q[:0], q[1:]...); not q = append(q[:i], q[i+1:]...),
		// which removes from the middle.
		if s, ok := first.(*ast.SliceExpr); ok && types.ExprString(s.X) == lt && s.Low == nil && s.High != nil && constZero(c.info, s.High) &&
			r.Ellipsis.IsValid() && len(r.Args) == 2 && c.frontSlice(r.Args[1], lt) {
			if q := c.queueOf(l); q != nil {
				q.pops = append(q.pops, c.op(cur, l))
			}
		}
	case *ast.SliceExpr:
		if c.frontSlice(r, lt) {
			if q := c.queueOf(l); q != nil {
				q.pops = append(q.pops, c.op(cur, l))
			}
		}
	}
}

// frontSlice reports whether e is q[k:] (or q[k:len(q)]) of the queue
// written qt, with k a constant other than 0.
func (c *checker) frontSlice(e ast.Expr, qt string) bool {
	s, ok := ast.Unparen(e).(*ast.SliceExpr)
	if !ok || s.Low == nil || s.Slice3 || types.ExprString(s.X) != qt {
		return false
	}
	// A constant: q[1:] takes the head; q[i:] with a computed i is
	// usually a cut after a search (a compaction, a release up to
	// some point), not a queue's consumer.
	if tv := c.info.Types[s.Low]; tv.Value == nil || tv.Value.String() == "0" {
		return false
	}
	if s.High != nil {
		call, ok := ast.Unparen(s.High).(*ast.CallExpr)
		if !ok || len(call.Args) != 1 || types.ExprString(call.Fun) != "len" || types.ExprString(call.Args[0]) != qt {
			return false
		}
	}
	return true
}

// copyCall records copy(q, q[1:]) as a pop.
func (c *checker) copyCall(cur inspector.Cursor, call *ast.CallExpr) {
	if len(call.Args) != 2 {
		return
	}
	qt := types.ExprString(call.Args[0])
	// copy(q, q[1:]) removes the head only when q is then truncated
	// (q = q[:len(q)-1]); otherwise it rotates or shifts in place.
	if c.frontSlice(call.Args[1], qt) && c.truncates(cur, qt) {
		if q := c.queueOf(call.Args[0]); q != nil {
			stmt := cur
			for stmt.Valid() && !inList(stmt) {
				stmt = stmt.Parent()
			}
			q.pops = append(q.pops, c.op(stmt, call.Args[0]))
		}
	}
}

// recycles reports whether a push puts back what a consumer moved
// aside: q = append(q, dead...) where a function consuming q appends to
// dead. The elements cycle between two slices (live and dead brokers,
// say) and their number does not grow.
func (c *checker) recycles(p queueOp, popFns map[ast.Node]bool) bool {
	as, ok := p.cur.Node().(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 {
		return false
	}
	call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
	if !ok || len(call.Args) != 2 || !call.Ellipsis.IsValid() {
		return false
	}
	other := objOf(c.info, call.Args[1])
	if other == nil || c.queues[other] == nil {
		return false
	}
	for _, op := range c.queues[other].pushes {
		if popFns[op.fn] {
			return true
		}
	}
	return false
}

// shared reports whether a queue is shared between goroutines, the
// producer-consumer setting in which it grows with the producer's rate:
// the struct holding it has a sync.Mutex, sync.RWMutex or sync.Cond, or
// a function appending to it or consuming it locks or signals.
// Single-threaded slices consumed from the front (lookahead buffers of
// iterators, children of syntax trees) are data structures whose size
// the input bounds.
func (c *checker) shared(q *sliceQueue) bool {
	if owner := c.ownerStruct(q.obj); owner != nil {
		for f := range owner.Fields() {
			t := f.Type()
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if calls.IsNamed(t, "sync", "Mutex") || calls.IsNamed(t, "sync", "RWMutex") || calls.IsNamed(t, "sync", "Cond") {
				return true
			}
		}
	}
	for _, ops := range [][]queueOp{q.pushes, q.pops} {
		for _, op := range ops {
			if op.fn != nil && locks(c.info, op.fn) {
				return true
			}
		}
	}
	return false
}

// locks reports whether fn calls a Lock, RLock, Signal or Broadcast
// method.
func locks(info *types.Info, fn ast.Node) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if f := calls.Callee(info, call); f != nil && f.Signature().Recv() != nil {
				switch f.Name() {
				case "Lock", "RLock", "Signal", "Broadcast":
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// ownerStruct returns the struct type declaring field obj, or nil.
func (c *checker) ownerStruct(obj types.Object) *types.Struct {
	if !isField(obj) {
		return nil
	}
	s := c.pass.Pkg.Scope()
	for _, name := range s.Names() {
		if tn, ok := s.Lookup(name).(*types.TypeName); ok {
			if st, ok := tn.Type().Underlying().(*types.Struct); ok {
				for f := range st.Fields() {
					if f == obj {
						return st
					}
				}
			}
		}
	}
	return nil
}

// truncates reports whether the function around cur assigns q[:n] to
// the queue written qt.
func (c *checker) truncates(cur inspector.Cursor, qt string) bool {
	fn, ok := scope.Func(cur)
	if !ok {
		return false
	}
	found := false
	fn.Inspect([]ast.Node{(*ast.AssignStmt)(nil)}, func(k inspector.Cursor) bool {
		as := k.Node().(*ast.AssignStmt)
		if len(as.Lhs) == 1 && len(as.Rhs) == 1 && types.ExprString(as.Lhs[0]) == qt {
			if s, ok := ast.Unparen(as.Rhs[0]).(*ast.SliceExpr); ok && s.Low == nil && s.High != nil && types.ExprString(s.X) == qt {
				found = true
			}
		}
		return !found
	})
	return found
}

// sliceQueues reports rule slice-queue: an append to a queue in a
// function that does not consume it, with no length check before it.
func (c *checker) sliceQueues() {
	for _, obj := range c.queueIDs {
		q := c.queues[obj]
		if len(q.pushes) == 0 || len(q.pops) == 0 || !c.shared(q) {
			continue
		}
		popFns := make(map[ast.Node]bool)
		for _, p := range q.pops {
			popFns[p.fn] = true
		}
		for _, p := range q.pushes {
			if p.fn == nil || popFns[p.fn] || c.lengthChecked(p) || c.recycles(p, popFns) {
				continue
			}
			c.setFile(p.file)
			c.reportQueue(q, p)
		}
	}
}

// lengthChecked reports whether the pushing function compares the
// queue's length (or another field of the same value, a size counter)
// before the append.
func (c *checker) lengthChecked(p queueOp) bool {
	root := rootVar(c.info, p.expr)
	obj := objOf(c.info, p.expr)
	checked := false
	ast.Inspect(p.fn, func(n ast.Node) bool {
		if checked || n == nil || n.Pos() >= p.cur.Node().Pos() {
			return false
		}
		b, ok := n.(*ast.BinaryExpr)
		if !ok {
			return true
		}
		switch b.Op {
		case token.LSS, token.LEQ, token.GTR, token.GEQ, token.EQL, token.NEQ:
		default:
			return true
		}
		if b.Op == token.EQL || b.Op == token.NEQ {
			// len(q) == max counts; len(q) == 0 does not.
			if isConst(c.info, b.X) && constZero(c.info, b.X) || isConst(c.info, b.Y) && constZero(c.info, b.Y) {
				return true
			}
		}
		ast.Inspect(b, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.CallExpr:
				if id, ok := ast.Unparen(m.Fun).(*ast.Ident); ok && (id.Name == "len" || id.Name == "cap") && len(m.Args) == 1 && objOf(c.info, m.Args[0]) == obj {
					checked = true
				}
			case *ast.SelectorExpr:
				relational := b.Op != token.EQL && b.Op != token.NEQ
				if s := c.info.Selections[m]; relational && s != nil && s.Kind() == types.FieldVal && root != nil && !isPackageVar(obj) && rootVar(c.info, m.X) == root {
					checked = true // a counter of the same value: s.size >= s.max
				}
			}
			return !checked
		})
		return !checked
	})
	return checked
}

func constZero(info *types.Info, e ast.Expr) bool {
	tv := info.Types[e]
	return tv.Value != nil && tv.Value.String() == "0"
}

func (c *checker) reportQueue(q *sliceQueue, p queueOp) {
	qt := types.ExprString(p.expr)
	elem := q.obj.Type().Underlying().(*types.Slice).Elem()
	elemText := types.TypeString(elem, types.RelativeTo(c.pass.Pkg))
	pop := q.pops[0]
	popFn := "another function"
	switch f := pop.fn.(type) {
	case *ast.FuncDecl:
		popFn = f.Name.Name
	}
	stmt := p.cur.Node()
	d := analysis.Diagnostic{
		Pos: stmt.Pos(),
		End: stmt.End(),
		Message: fmt.Sprintf("slice queue: %s grows by append here and is consumed from the front in %s, but nothing checks its length before appending: "+
			"when the consumer falls behind, the queue and memory grow with the producer's rate; "+
			"check len(%s) against a maximum first, or use a bounded.Queue[%s] with a capacity and a policy", qt, popFn, qt, elemText),
		Related: []analysis.RelatedInformation{{Pos: pop.cur.Node().Pos(), End: pop.cur.Node().End(), Message: "consumed from the front here"}},
	}
	d.SuggestedFixes = c.queueFixes(q, p)
	c.r.Report(ruleSliceQueue, d)
}

// queueFixes bound the queue by a named constant declared after the
// queue's declaration: drop the new value when full, or drop the
// oldest.
func (c *checker) queueFixes(q *sliceQueue, p queueOp) []analysis.SuggestedFix {
	as, ok := p.cur.Node().(*ast.AssignStmt)
	if !ok || !inList(p.cur) {
		return nil
	}
	decl := c.declOf(q.obj)
	if decl == nil {
		return nil
	}
	ind, ok := c.lineIndent(as.Pos())
	stmtText, ok2 := c.text(as)
	qText, ok3 := c.text(p.expr)
	if !ok || !ok2 || !ok3 || strings.Contains(stmtText, "\n") {
		return nil
	}
	name := c.boundName(q)
	what := q.obj.Name()
	if named := c.ownerName(q.obj); named != "" {
		what = named + "." + q.obj.Name()
	}
	constDecl := insertAt(decl.End(), fmt.Sprintf("\n\n// %s bounds the length of %s.\nconst %s = %d", name, what, name, c.opts.MaxQueue))
	dropNew := fmt.Sprintf("if len(%s) < %s {\n%s\t%s\n%s}", qText, name, ind, stmtText, ind)
	dropOld := fmt.Sprintf("if len(%s) >= %s {\n%s\t%s = %s[1:]\n%s}\n%s%s", qText, name, ind, qText, qText, ind, ind, stmtText)
	fixes := []analysis.SuggestedFix{{
		Message:   fmt.Sprintf("Drop new values when the queue holds %d elements", c.opts.MaxQueue),
		TextEdits: []analysis.TextEdit{constDecl, replace(as, dropNew)},
	}}
	// Dropping one old value makes room for one new value only.
	if call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr); ok && len(call.Args) == 2 && !call.Ellipsis.IsValid() {
		fixes = append(fixes, analysis.SuggestedFix{
			Message:   fmt.Sprintf("Drop the oldest value when the queue holds %d elements", c.opts.MaxQueue),
			TextEdits: []analysis.TextEdit{constDecl, replace(as, dropOld)},
		})
	}
	return fixes
}

// boundName returns the name of the constant bounding a queue: fresh
// in the package, and distinct from the names chosen for other queues
// in this pass, whose fixes may be applied together.
func (c *checker) boundName(q *sliceQueue) string {
	if c.boundNames == nil {
		c.boundNames = make(map[types.Object]string)
	}
	if name, ok := c.boundNames[q.obj]; ok {
		return name
	}
	base := "max" + capitalize(q.obj.Name())
	if owner := c.ownerName(q.obj); owner != "" {
		base = "max" + capitalize(owner) + capitalize(q.obj.Name())
	}
	var taken []string
	for _, n := range c.boundNames {
		taken = append(taken, n)
	}
	name := c.fresh(c.pass.Pkg.Scope(), token.NoPos, base, taken...)
	c.boundNames[q.obj] = name
	return name
}

// declOf returns the package-level declaration of a queue: the type
// declaration holding the field, or the var declaration. It is nil for
// fields of types declared inside functions or in other packages.
func (c *checker) declOf(obj types.Object) *ast.GenDecl {
	if obj.Pkg() != c.pass.Pkg {
		return nil
	}
	for _, f := range c.pass.Files {
		if f.FileStart > obj.Pos() || obj.Pos() >= f.FileEnd {
			continue
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if ok && gd.Pos() <= obj.Pos() && obj.Pos() < gd.End() && (gd.Tok == token.TYPE || gd.Tok == token.VAR) {
				return gd
			}
		}
	}
	return nil
}

// ownerName returns the name of the named struct type declaring field
// obj, or "".
func (c *checker) ownerName(obj types.Object) string {
	if !isField(obj) {
		return ""
	}
	s := c.pass.Pkg.Scope()
	for _, name := range s.Names() {
		tn, ok := s.Lookup(name).(*types.TypeName)
		if !ok {
			continue
		}
		st, ok := tn.Type().Underlying().(*types.Struct)
		if !ok {
			continue
		}
		for f := range st.Fields() {
			if f == obj {
				return name
			}
		}
	}
	return ""
}

func capitalize(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}
