package unboundedqueue

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// A sliceQueue is a slice field or package variable that some code
// appends to and some code consumes from the front, on one value.
type sliceQueue struct {
	key    queueKey
	obj    types.Object
	pushes []queueOp // q = append(q, v)
	pops   []queueOp // q = q[1:], copy(q, q[1:]), q = append(q[:0], q[1:]...)
}

// A queueKey identifies a queue by the value holding it, not only by
// its field: pushes and pops match when they reach the field by the
// same path from the receiver of the type's methods, from the same
// package variable, or from the same local variable or parameter. The
// children of one syntax-tree node appended to in a parser and the
// children of another trimmed in a simplifier are different slices.
type queueKey struct {
	obj  types.Object // the slice field (generic origin) or package variable
	base any          // *types.TypeName of a method receiver's type, or the root *types.Var
	path string       // the selectors from the base to the slice: ".q", ".state.q", "" for a package variable
}

type queueOp struct {
	cur  inspector.Cursor // the statement
	fn   ast.Node         // the innermost function holding it
	expr ast.Expr         // the queue expression (s.q)
	file *ast.File
	recv *types.Var // the receiver of the method holding it, or nil
	// For pops: known is set when the pop removes a given element that
	// happens to be first (if q[0] == x { q = q[1:] }); evicts when a
	// condition comparing the queue's length with a limit guards it.
	known, evicts bool
}

// recvOf returns the receiver of the method declaration enclosing cur
// (through closures), or nil.
func (c *checker) recvOf(cur inspector.Cursor) *types.Var {
	for f := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		fd := f.Node().(*ast.FuncDecl)
		if fd.Recv != nil && len(fd.Recv.List) == 1 && len(fd.Recv.List[0].Names) == 1 {
			v, _ := c.info.Defs[fd.Recv.List[0].Names[0]].(*types.Var)
			return v
		}
	}
	return nil
}

// keyOf returns the key of the slice that e denotes, in a function
// whose receiver is recv (nil outside methods).
func (c *checker) keyOf(recv *types.Var, e ast.Expr) (queueKey, bool) {
	obj := objOf(c.info, e)
	if obj == nil {
		return queueKey{}, false
	}
	path := ""
	for x := ast.Unparen(e); ; {
		switch y := x.(type) {
		case *ast.Ident:
			v, ok := c.info.ObjectOf(y).(*types.Var)
			if !ok {
				return queueKey{}, false
			}
			k := queueKey{obj: obj, base: v, path: path}
			if v == recv && recv != nil {
				if tn := namedOf(v.Type()); tn != nil {
					k.base = tn
				}
			}
			return k, true
		case *ast.SelectorExpr:
			sel := c.info.Selections[y]
			if sel == nil {
				v, ok := c.info.ObjectOf(y.Sel).(*types.Var)
				if !ok {
					return queueKey{}, false
				}
				return queueKey{obj: obj, base: v, path: path}, true // pkg.Var
			}
			if sel.Kind() != types.FieldVal {
				return queueKey{}, false
			}
			path = "." + y.Sel.Name + path
			x = ast.Unparen(y.X)
		case *ast.StarExpr:
			x = ast.Unparen(y.X)
		case *ast.IndexExpr:
			path = "[]" + path
			x = ast.Unparen(y.X)
		default:
			return queueKey{}, false
		}
	}
}

// namedOf returns the generic type name of a (pointer to a) named type,
// or nil.
func namedOf(t types.Type) *types.TypeName {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Origin().Obj()
	}
	return nil
}

// queueOf returns the queue that e, at cur, denotes: a slice field or
// package variable reached from a variable.
func (c *checker) queueOf(cur inspector.Cursor, e ast.Expr) *sliceQueue {
	obj := objOf(c.info, e)
	if obj == nil || !isField(obj) && !isPackageVar(obj) || c.inTestFile() {
		return nil
	}
	if _, ok := obj.Type().Underlying().(*types.Slice); !ok {
		return nil
	}
	key, ok := c.keyOf(c.recvOf(cur), e)
	if !ok {
		return nil
	}
	q := c.queues[key]
	if q == nil {
		q = &sliceQueue{key: key, obj: obj}
		c.queues[key] = q
		c.queueIDs = append(c.queueIDs, key)
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
	return queueOp{cur: cur, fn: fn, expr: e, file: c.file, recv: c.recvOf(cur)}
}

// popOp is op for a pop: it also records the conditions guarding it.
func (c *checker) popOp(cur inspector.Cursor, e ast.Expr) queueOp {
	op := c.op(cur, e)
	qt := types.ExprString(e)
	for child, k := cur, cur.Parent(); k.Valid(); child, k = k, k.Parent() {
		var cond ast.Expr
		switch n := k.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return op
		case *ast.IfStmt:
			if child.ParentEdgeKind() == edge.IfStmt_Body {
				cond = n.Cond
			}
		case *ast.ForStmt:
			if child.ParentEdgeKind() == edge.ForStmt_Body {
				cond = n.Cond
			}
		}
		if cond != nil {
			op.known = op.known || c.comparesHead(cond, qt)
			op.evicts = op.evicts || c.comparesLength(cond, qt)
		}
	}
	return op
}

// comparesHead reports whether cond compares the queue's first element
// for equality with a variable: the pop that follows removes a given
// element (a failed broker), not whatever comes next.
func (c *checker) comparesHead(cond ast.Expr, qt string) bool {
	found := false
	ast.Inspect(cond, func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryExpr)
		if !ok || found || b.Op != token.EQL && b.Op != token.NEQ {
			return !found
		}
		for _, pair := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
			ix, ok := ast.Unparen(pair[0]).(*ast.IndexExpr)
			if ok && types.ExprString(ix.X) == qt && constZero(c.info, ix.Index) && !isConst(c.info, pair[1]) && !isNil(c.info, pair[1]) {
				found = true
			}
		}
		return !found
	})
	return found
}

// comparesLength reports whether cond compares len(q) with a limit:
// anything but a constant 0 or 1.
func (c *checker) comparesLength(cond ast.Expr, qt string) bool {
	found := false
	ast.Inspect(cond, func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryExpr)
		if !ok || found {
			return !found
		}
		switch b.Op {
		case token.LSS, token.LEQ, token.GTR, token.GEQ:
		default:
			return true
		}
		for _, pair := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
			if isLenOf(c.info, pair[0], qt) {
				if !smallConst(c.info, pair[1]) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// isLenOf reports whether e is len(q) of the queue written qt.
func isLenOf(info *types.Info, e ast.Expr, qt string) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || types.ExprString(call.Args[0]) != qt {
		return false
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	return ok && id.Name == "len" && isBuiltinObj(info, id)
}

// smallConst reports whether e is a constant of at most 1: compared
// with a length, it tests for emptiness, not for a limit.
func smallConst(info *types.Info, e ast.Expr) bool {
	tv := info.Types[e]
	return tv.Value != nil && tv.Value.Kind() == constant.Int && constant.Compare(tv.Value, token.LEQ, constant.MakeInt64(1))
}

func isNil(info *types.Info, e ast.Expr) bool {
	return info.Types[e].IsNil()
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
	obj := objOf(c.info, l)
	if obj == nil || !isField(obj) && !isPackageVar(obj) {
		return
	}
	if _, ok := obj.Type().Underlying().(*types.Slice); !ok {
		return
	}
	lt := types.ExprString(l)
	if !c.isAppendTo(r, lt) {
		c.recordCut(cur, obj)
	}
	switch r := ast.Unparen(r).(type) {
	case *ast.CallExpr:
		id, ok := ast.Unparen(r.Fun).(*ast.Ident)
		if !ok || id.Name != "append" || len(r.Args) < 2 || !isBuiltinObj(c.info, id) {
			return
		}
		first := ast.Unparen(r.Args[0])
		if types.ExprString(first) == lt {
			if q := c.queueOf(cur, l); q != nil {
				q.pushes = append(q.pushes, c.op(cur, l))
			}
			return
		}
		// q = append(q[:0], q[1:]...); not q = append(q[:i], q[i+1:]...),
		// which removes from the middle.
		if s, ok := first.(*ast.SliceExpr); ok && types.ExprString(s.X) == lt && s.Low == nil && s.High != nil && constZero(c.info, s.High) &&
			r.Ellipsis.IsValid() && len(r.Args) == 2 && c.frontSlice(r.Args[1], lt) {
			if q := c.queueOf(cur, l); q != nil {
				q.pops = append(q.pops, c.popOp(cur, l))
			}
		}
	case *ast.SliceExpr:
		if c.frontSlice(r, lt) {
			if q := c.queueOf(cur, l); q != nil {
				q.pops = append(q.pops, c.popOp(cur, l))
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
	if s.High != nil && !isLenOf(c.info, s.High, qt) {
		return false
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
		stmt := cur
		for stmt.Valid() && !inList(stmt) {
			stmt = stmt.Parent()
		}
		if q := c.queueOf(cur, call.Args[0]); q != nil && stmt.Valid() {
			q.pops = append(q.pops, c.popOp(stmt, call.Args[0]))
		}
	}
}

// isAppendTo reports whether e is append(q, ...) of the queue written
// qt.
func (c *checker) isAppendTo(e ast.Expr, qt string) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return false
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	return ok && id.Name == "append" && isBuiltinObj(c.info, id) && types.ExprString(ast.Unparen(call.Args[0])) == qt
}

// recordCut records that the function around cur assigns the slice
// field or package variable obj something other than an append to it:
// it takes from the list (q = q[1:], q = remove(q, i)) or resets it.
func (c *checker) recordCut(cur inspector.Cursor, obj types.Object) {
	if c.inTestFile() {
		return
	}
	fn, ok := scope.Func(cur)
	if !ok {
		return
	}
	if c.cuts[obj] == nil {
		c.cuts[obj] = make(map[ast.Node]bool)
	}
	c.cuts[obj][fn.Node()] = true
}

// sortCall records the queues that a call sorts or shuffles:
// sort.Slice(q, ...), slices.SortFunc(q, ...), sort.Sort(byAge(q)),
// rand.Shuffle(len(q), ...), and functions named Sort... or Shuffle...
func (c *checker) sortCall(cur inspector.Cursor, call *ast.CallExpr, fn *types.Func) {
	name := fn.Name()
	switch {
	case strings.HasPrefix(name, "Sort"), strings.HasPrefix(name, "sort"), strings.HasPrefix(name, "Shuffle"), strings.HasPrefix(name, "shuffle"):
	case fn.Pkg().Path() == "sort" && fn.Signature().Recv() == nil:
	default:
		return
	}
	recv := c.recvOf(cur)
	for _, a := range call.Args {
		a = ast.Unparen(a)
		if conv, ok := a.(*ast.CallExpr); ok && len(conv.Args) == 1 && (isConversion(c.info, conv) || isLenOf(c.info, conv, types.ExprString(conv.Args[0]))) {
			a = conv.Args[0] // byAge(q), len(q)
		}
		if t := c.info.TypeOf(a); t == nil {
			continue
		} else if _, ok := t.Underlying().(*types.Slice); !ok {
			continue
		}
		if k, ok := c.keyOf(recv, a); ok {
			c.sorted[k] = true
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
	k, ok := c.keyOf(p.recv, call.Args[1])
	if !ok || c.queues[k] == nil {
		return false
	}
	for _, op := range c.queues[k].pushes {
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
// function that does not consume it, with no length check before it,
// where another function takes the queue's head.
func (c *checker) sliceQueues() {
	for _, key := range c.queueIDs {
		q := c.queues[key]
		var pops []queueOp
		for _, p := range q.pops {
			if !p.known {
				pops = append(pops, p)
			}
		}
		if len(q.pushes) == 0 || len(pops) == 0 || c.sorted[key] || waiters(q) || c.waiterObjects(q) || chans.PoolName(q.obj.Name()) {
			continue
		}
		shared := c.shared(q)
		popFns := make(map[ast.Node]bool)
		for _, p := range q.pops {
			popFns[p.fn] = true
		}
		for _, p := range q.pushes {
			if p.fn == nil || c.lengthChecked(p) {
				continue
			}
			// A message loop appending what it receives is fed by other
			// goroutines, even when only it touches the queue.
			recvCase := c.receiveCase(p.cur)
			fedByMessages := recvCase.Valid()
			if !fedByMessages {
				_, fedByMessages = c.messageLoop(p.cur)
			}
			if !shared && !fedByMessages {
				continue
			}
			pop := pops[0]
			if popFns[p.fn] {
				// The same function appends and consumes: a work list,
				// unless the append is in a select case receiving
				// messages and the consumer in another case (an
				// "unbounded channel" loop).
				var ok bool
				if pop, ok = popOutside(pops, p.fn, recvCase); !ok {
					continue
				}
			} else if c.recycles(p, popFns) || c.builder(p) || c.calledOnlyBy(p.fn, c.cuts[key.obj]) || c.trimmedAfter(p, q) {
				continue
			}
			c.setFile(p.file)
			c.reportQueue(q, p, pop)
		}
	}
}

// receiveCase returns the select case enclosing cur, in its function,
// that receives a message (case m := <-in:), or an invalid cursor.
func (c *checker) receiveCase(cur inspector.Cursor) inspector.Cursor {
	for child, k := cur, cur.Parent(); k.Valid(); child, k = k, k.Parent() {
		switch n := k.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return inspector.Cursor{}
		case *ast.CommClause:
			if child.ParentEdgeKind() == edge.CommClause_Body && c.recvComm(n.Comm) != nil {
				return k
			}
		}
	}
	return inspector.Cursor{}
}

// popOutside returns a pop of fn outside the select case recvCase.
func popOutside(pops []queueOp, fn ast.Node, recvCase inspector.Cursor) (queueOp, bool) {
	if !recvCase.Valid() {
		return queueOp{}, false
	}
	for _, p := range pops {
		if p.fn == fn && !fileinspect.Contains(recvCase, p.cur) {
			return p, true
		}
	}
	return queueOp{}, false
}

// waiters reports whether the queue holds channels: a list of callers
// waiting for a reply (one entry per blocked caller), which the callers'
// own waiting bounds.
func waiters(q *sliceQueue) bool {
	_, ok := q.obj.Type().Underlying().(*types.Slice).Elem().Underlying().(*types.Chan)
	return ok
}

// waiterObjects reports whether the queue holds waiters that carry their
// reply channel (net/http's and go-redis's wantConn: a struct, or a
// pointer to one, with a channel field), and every push is made by a
// function that waits on that field, itself or in every caller of it
// (enqueue(w), then <-w.result): each entry is a blocked caller, which
// bounds the queue as the callers' number does.
func (c *checker) waiterObjects(q *sliceQueue) bool {
	elem := q.obj.Type().Underlying().(*types.Slice).Elem()
	if p, ok := elem.Underlying().(*types.Pointer); ok {
		elem = p.Elem()
	}
	st, ok := elem.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	replies := make(map[types.Object]bool)
	for f := range st.Fields() {
		if ch := chans.Of(f.Type()); ch != nil && ch.Dir() != types.SendOnly {
			replies[f.Origin()] = true
		}
	}
	if len(replies) == 0 {
		return false
	}
	waits := func(fn ast.Node) bool {
		found := false
		ast.Inspect(fn, func(n ast.Node) bool {
			if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				if f := chans.Field(c.info, u.X); f != nil && replies[f.Origin()] {
					found = true
				}
			}
			return !found
		})
		return found
	}
	for _, p := range q.pushes {
		if p.fn == nil {
			return false
		}
		if waits(p.fn) {
			continue
		}
		fd, ok := p.fn.(*ast.FuncDecl)
		if !ok {
			return false
		}
		obj, ok := c.info.Defs[fd.Name].(*types.Func)
		if !ok {
			return false
		}
		callers := c.callersOf(obj)
		if len(callers) == 0 {
			return false
		}
		for _, caller := range callers {
			if !waits(caller) {
				return false
			}
		}
	}
	return true
}

// builder reports whether the pushing function is a method returning
// its receiver: a fluent setter (mock.ExpectX().ExpectY()) configuring
// a value before use, not a handler called per event.
func (c *checker) builder(p queueOp) bool {
	fd, ok := p.fn.(*ast.FuncDecl)
	if !ok || p.recv == nil || fd.Body == nil {
		return false
	}
	return scope.AnyOutsideLiterals(fd.Body, func(n ast.Node) bool {
		ret, ok := n.(*ast.ReturnStmt)
		return ok && slices.ContainsFunc(ret.Results, func(r ast.Expr) bool {
			id, ok := ast.Unparen(r).(*ast.Ident)
			return ok && c.info.Uses[id] == p.recv
		})
	})
}

// calledOnlyBy reports whether every call of the function fn in the
// package (test files aside) is made by one of the functions of fns
// (those taking from the queue's field, on any value: q = q[1:], q =
// remove(q, i)), and there is one: a helper of the consumers adding to
// their work list (the pending nodes of a tree walk), which the walk
// bounds.
func (c *checker) calledOnlyBy(fn ast.Node, fns map[ast.Node]bool) bool {
	fd, ok := fn.(*ast.FuncDecl)
	if !ok {
		return false
	}
	obj, ok := c.info.Defs[fd.Name].(*types.Func)
	if !ok {
		return false
	}
	callers := c.callersOf(obj)
	if len(callers) == 0 {
		return false
	}
	for _, caller := range callers {
		if !fns[caller] {
			return false
		}
	}
	return true
}

// callersOf returns the innermost functions holding the calls of fn in
// the package's non-test files. Few functions are asked about (one in
// nats-server's server package): each of the first maxCallerQueries is
// looked up from the identifiers that denote it, which spares a walk of
// every call of a large package; then one walk indexes every function.
func (c *checker) callersOf(fn *types.Func) []ast.Node {
	fn = fn.Origin()
	if fn.Pkg() != c.pass.Pkg {
		return nil // only the package's own functions have callers here
	}
	if nodes, ok := c.callers[fn]; ok || c.callersAll {
		return nodes
	}
	if c.callersAsked >= maxCallerQueries {
		c.callers = c.indexCallers(nil)
		c.callersAll = true
		return c.callers[fn]
	}
	c.callersAsked++
	if c.callers == nil {
		c.callers = make(map[*types.Func][]ast.Node)
	}
	nodes, ok := c.callersByIdents(fn)
	if !ok {
		nodes = c.indexCallers(fn)[fn]
	}
	c.callers[fn] = nodes
	return nodes
}

// callersByIdents finds the callers of fn from the identifiers that
// denote it, far fewer than the package's calls. It reports false if an
// identifier is not found in the syntax.
func (c *checker) callersByIdents(fn *types.Func) ([]ast.Node, bool) {
	in := fileinspect.Of(c.pass)
	var ids []*ast.Ident
	for id, obj := range c.info.Uses {
		if f, ok := obj.(*types.Func); ok && (f == fn || f.Origin() == fn) {
			ids = append(ids, id)
		}
	}
	type site struct{ call, enc inspector.Cursor }
	var sites []site
	for _, id := range ids {
		cur, ok := in.FindByPos(id.Pos(), id.End())
		if !ok || cur.Node() != id {
			return nil, false
		}
		call, ok := calls.CalledThrough(cur)
		if !ok || scope.InTestFile(c.pass.Fset, call.Node().Pos()) {
			continue
		}
		f := calls.Callee(c.info, call.Node().(*ast.CallExpr))
		if f == nil || f.Pkg() != c.pass.Pkg || f.Origin() != fn {
			continue
		}
		if enc, ok := scope.Func(call); ok {
			sites = append(sites, site{call, enc})
		}
	}
	// In the order of a walk of the package.
	slices.SortFunc(sites, func(a, b site) int { return in.Compare(a.call, b.call) })
	var nodes []ast.Node
	for _, s := range sites {
		nodes = append(nodes, s.enc.Node())
	}
	return nodes, true
}

// maxCallerQueries is how many functions callersOf looks up one at a
// time (a scan of the type information's uses each) before it indexes
// them all in one walk.
const maxCallerQueries = 2

// indexCallers maps the functions of the package (only, if it is not
// nil) to the innermost functions calling them outside test files.
func (c *checker) indexCallers(only *types.Func) map[*types.Func][]ast.Node {
	callers := make(map[*types.Func][]ast.Node)
	for cur := range fileinspect.Of(c.pass).Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		if only != nil {
			if id := calls.CalledIdent(call.Fun); id == nil || id.Name != only.Name() {
				continue // cannot call it
			}
		}
		if scope.InTestFile(c.pass.Fset, call.Pos()) {
			continue
		}
		f := calls.Callee(c.info, call)
		if f == nil || f.Pkg() != c.pass.Pkg || only != nil && f.Origin() != only {
			continue
		}
		if enc, ok := scope.Func(cur); ok {
			f = f.Origin()
			callers[f] = append(callers[f], enc.Node())
		}
	}
	return callers
}

// trimmedAfter reports whether the pushing function, after the append,
// calls a function that removes the queue's head while its length
// exceeds a limit (d.add(f); d.clean()): the list is trimmed to its
// bound right away.
func (c *checker) trimmedAfter(p queueOp, q *sliceQueue) bool {
	evictors := make(map[*types.Func]bool)
	for _, op := range q.pops {
		if fd, ok := op.fn.(*ast.FuncDecl); ok && op.evicts {
			if f, ok := c.info.Defs[fd.Name].(*types.Func); ok {
				evictors[f] = true
			}
		}
	}
	if len(evictors) == 0 {
		return false
	}
	found := false
	ast.Inspect(p.fn, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && call.Pos() > p.cur.Node().End() {
			if f := calls.Callee(c.info, call); f != nil && evictors[f.Origin()] {
				found = true
			}
		}
		return !found
	})
	return found
}

// lengthChecked reports whether the pushing function compares the
// queue's length with a limit (not with 0 or 1: an emptiness test), or
// another field of the same value (a size counter) with anything,
// before the append. Closures inside it (a consumer goroutine) do not
// count.
func (c *checker) lengthChecked(p queueOp) bool {
	root := chans.RootVar(c.info, p.expr)
	obj := objOf(c.info, p.expr)
	key, _ := c.keyOf(p.recv, p.expr)
	checked := false
	ast.Inspect(p.fn, func(n ast.Node) bool {
		if checked || n == nil || n.Pos() >= p.cur.Node().Pos() {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok && n != p.fn {
			return false
		}
		b, ok := n.(*ast.BinaryExpr)
		if !ok {
			return true
		}
		relational := false
		switch b.Op {
		case token.LSS, token.LEQ, token.GTR, token.GEQ:
			relational = true
		case token.EQL, token.NEQ:
		default:
			return true
		}
		for _, pair := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
			call, ok := ast.Unparen(pair[0]).(*ast.CallExpr)
			if !ok || len(call.Args) != 1 || objOf(c.info, call.Args[0]) != obj {
				continue
			}
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); !ok || id.Name != "len" && id.Name != "cap" || !isBuiltinObj(c.info, id) {
				continue
			}
			if k, ok := c.keyOf(p.recv, call.Args[0]); !ok || k != key {
				continue
			}
			// len(q) < max and len(q) == max bound; len(q) > 0 and
			// len(q) == 0 test for emptiness.
			if !smallConst(c.info, pair[1]) {
				checked = true
			}
		}
		if relational && root != nil && !isPackageVar(obj) && !checked && !smallConst(c.info, b.X) && !smallConst(c.info, b.Y) {
			ast.Inspect(b, func(m ast.Node) bool {
				if m, ok := m.(*ast.SelectorExpr); ok {
					if s := c.info.Selections[m]; s != nil && s.Kind() == types.FieldVal && m.Sel.Name != obj.Name() && chans.RootVar(c.info, m.X) == root {
						checked = true // a counter of the same value: s.size >= s.max
					}
				}
				return !checked
			})
		}
		return !checked
	})
	return checked
}

func constZero(info *types.Info, e ast.Expr) bool {
	tv := info.Types[e]
	return tv.Value != nil && tv.Value.String() == "0"
}

func (c *checker) reportQueue(q *sliceQueue, p queueOp, pop queueOp) {
	qt := types.ExprString(p.expr)
	elem := q.obj.Type().Underlying().(*types.Slice).Elem()
	elemText := types.TypeString(elem, types.RelativeTo(c.pass.Pkg))
	where := "another function"
	if f, ok := pop.fn.(*ast.FuncDecl); ok {
		where = f.Name.Name
	}
	stmt := p.cur.Node()
	d := analysis.Diagnostic{
		Pos: stmt.Pos(),
		End: stmt.End(),
		Message: fmt.Sprintf("append to %s, a queue that %s consumes from the front, with no length check: "+
			"when the consumer falls behind, the queue grows with the producer's rate; "+
			"check len(%s) against a maximum first, or use a bounded.Queue[%s] with a capacity and a policy", qt, where, qt, elemText),
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
	what := c.queueName(q)
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
		c.boundNames = make(map[queueKey]string)
	}
	if name, ok := c.boundNames[q.key]; ok {
		return name
	}
	base := "max"
	for _, part := range strings.Split(c.queueName(q), ".") {
		base += capitalize(part)
	}
	var taken []string
	for _, n := range c.boundNames {
		taken = append(taken, n)
	}
	name := c.fresh(c.pass.Pkg.Scope(), token.NoPos, base, taken...)
	c.boundNames[q.key] = name
	return name
}

// queueName names a queue for the comment of its bound: the type or
// package variable holding it and the path to it (Server.pending,
// hub.state.pending), or the field's struct type and name.
func (c *checker) queueName(q *sliceQueue) string {
	path := strings.ReplaceAll(q.key.path, "[]", "")
	switch b := q.key.base.(type) {
	case *types.TypeName:
		return b.Name() + path
	case *types.Var:
		if isPackageVar(b) {
			return b.Name() + path
		}
	}
	if named := c.ownerName(q.obj); named != "" {
		return named + "." + q.obj.Name()
	}
	return q.obj.Name()
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
