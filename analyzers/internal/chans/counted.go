package chans

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// A Counter proves that a send finds room in its channel's buffer
// because the code counts its sends against the capacity, the way fetch
// loops fill a result channel made for the batch they asked for:
//
//	res := &result{msgs: make(chan Msg, req.Batch)}
//	go func() {
//		for {
//			m := <-in
//			res.msgs <- m // never waits: at most req.Batch sends
//			n++
//			if n == req.Batch {
//				return
//			}
//		}
//	}()
//
//	budget := batch - len(res.msgs) // room left after a first fill
//	for n < budget {
//		res.msgs <- next()
//		n++
//	}
//
// Fits states the shapes it accepts. It looks at one function (the
// declared function around the send, with its function literals) and,
// for a channel kept in a struct field, at every use of that field in
// the package: nothing outside the function may send on the channel
// or store another one there.
//
// Ask it about sends that would otherwise be findings: each answer
// costs a walk of the function's identifiers, and, for a field, a scan
// of the package's identifier uses (memoized per field).
type Counter struct {
	info    *types.Info
	files   *fileinspect.Package
	fields  map[*types.Var]*fieldUses // by the field's origin
	written map[*types.Var]bool       // see fieldWritten, by the field's origin
	locals  map[ast.Node][]*Local     // Locals of each declared function asked about
}

// fieldUses is what the package does with one channel field.
type fieldUses struct {
	ok    bool               // only sent on, received from, measured, closed, set in composite literals, returned receive-only
	sends []inspector.Cursor // the selector expressions of sends on it
}

// NewCounter returns a Counter for the package of files, with its type
// information.
func NewCounter(info *types.Info, files *fileinspect.Package) *Counter {
	return &Counter{info: info, files: files, fields: make(map[*types.Var]*fieldUses),
		written: make(map[*types.Var]bool), locals: make(map[ast.Node][]*Local)}
}

// A countedChan is the channel a counted send works on.
type countedChan struct {
	local  *types.Var // the channel variable; nil for a field
	holder *types.Var // the variable holding the struct, for a field
	field  *types.Var // the field's origin
	make   *ast.CallExpr
	cap    ast.Expr
	sends  []inspector.Cursor // every send statement on the channel
}

// Fits reports whether the send statement at send (a cursor on an
// *ast.SendStmt that is not a select case) always finds room in the
// channel's buffer. It holds when:
//
//   - the channel is made buffered, with capacity C, by the declared
//     function around the send, outside any loop: a local variable
//     (ch := make(chan T, C)) that nothing passes, stores or returns,
//     or the field f of a local variable defined by a composite
//     literal (res := &T{f: make(chan T, C)}) that nothing in the
//     package sends on, or assigns, outside this function;
//   - the send is in one loop, in the innermost function around it,
//     and in no other loop (a function literal on the way is called
//     where it is written: go func(){...}(), func(){...}(), once);
//     it is the only send on the channel in that loop;
//   - a counter n (a local variable that starts at zero, is
//     incremented only by one n++ or n += 1, and is otherwise only
//     read) is incremented after the send, in the same statement list,
//     with no continue, break or goto in between;
//   - the loop is bounded by the count: either its condition requires
//     n < B (checked before every send), or after the increment, in the
//     same list, `if n == B || ... { ...; return }` (or n >= B) leaves
//     the function; B is C written the same way, made of constants,
//     local variables and parameters the function never assigns, and
//     fields the package never assigns; for the exit check, C is at
//     least one (a constant, a preceding `if C < 1 { return }`, or a
//     preceding call whose error, returned when it rejects C < 1, is
//     checked: `if err := validate(req); err != nil { return err }`);
//   - or B is a budget b := C - len(ch), defined once, outside loops,
//     in the same function as every other send on the channel, which
//     all come before it: the sends after it fit in the room it
//     measured. Receives only make more room.
//
// Other goroutines cannot send on the channel: a local one does not
// escape, and a field's sends are all in this function, on the same
// variable.
func (c *Counter) Fits(send inspector.Cursor) bool {
	s, ok := send.Node().(*ast.SendStmt)
	if !ok || send.ParentEdgeKind() == edge.CommClause_Comm {
		return false
	}
	decl, ok := c.declOf(send)
	if !ok {
		return false
	}
	// One loop around the send, in its own function. (Cheap tests
	// first: most sends fail them.)
	ls := loopsIn(send, decl)
	if len(ls) != 1 || innermostFunc(ls[0]) != innermostFunc(send) {
		return false
	}
	loop := ls[0]
	// The counter, incremented after the send in the same list.
	list, idx, ok := stmtList(send)
	if !ok {
		return false
	}
	inc, n := -1, (*types.Var)(nil)
	for k := idx + 1; k < len(list); k++ {
		if v := c.increment(list[k]); v != nil {
			inc, n = k, v
			break
		}
		if branches(list[k]) {
			return false
		}
	}
	// A goto anywhere in the function may run the send again without
	// the loop's condition, or the counter's definition again (a
	// backward goto resets it).
	if n == nil || hasGoto(decl.Node()) || !c.counter(decl, n, list[inc]) {
		return false
	}
	// The bound.
	bound, exit := c.loopBound(loop.Node(), n), false
	if bound == nil {
		bound = c.exitBound(list[inc+1:], n)
		exit = true
	}
	if bound == nil {
		return false
	}
	// The channel.
	ch := c.resolveChan(decl, s.Chan)
	if ch == nil || ch.cap == nil {
		return false
	}
	if n, ok := ConstCap(c.info, ch.cap); ok && n <= 0 {
		return false
	}
	mk, ok := decl.FindNode(ch.make)
	if !ok || len(loopsIn(mk, decl)) > 0 {
		return false
	}
	// Every other send on the channel.
	budget := c.budget(decl, bound, ch)
	for _, o := range ch.sends {
		if o == send {
			continue
		}
		if budget == nil || !c.before(o, budget, decl) {
			return false
		}
	}
	for _, o := range ch.sends {
		if o != send && fileinspect.Contains(loop, o) {
			return false
		}
	}
	if budget != nil {
		return !exit // a budget may be zero: no send before the check
	}
	if !c.same(bound, ch.cap) || !c.stable(decl, ch.cap) {
		return false
	}
	return !exit || c.positive(decl, loop, ch.cap)
}

// declOf returns the declared function around c, when every function
// literal on the way is called where it is written.
func (c *Counter) declOf(cur inspector.Cursor) (inspector.Cursor, bool) {
	for e := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch e.Node().(type) {
		case *ast.FuncDecl:
			return e, true
		case *ast.FuncLit:
			if e.ParentEdgeKind() != edge.CallExpr_Fun {
				return inspector.Cursor{}, false
			}
		}
	}
	return inspector.Cursor{}, false
}

// innermostFunc returns the function literal or declaration around c.
func innermostFunc(c inspector.Cursor) ast.Node {
	for e := range c.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if e != c {
			return e.Node()
		}
	}
	return nil
}

// loopsIn returns the loops around c (not c itself) inside decl,
// through function literals.
func loopsIn(c, decl inspector.Cursor) []inspector.Cursor {
	var out []inspector.Cursor
	for e := range c.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil)) {
		if e == c {
			continue
		}
		if !fileinspect.Contains(decl, e) {
			break
		}
		out = append(out, e)
	}
	return out
}

// stmtList returns the statement list that holds the statement at c,
// and its index there.
func stmtList(c inspector.Cursor) ([]ast.Stmt, int, bool) {
	switch p := c.Parent().Node().(type) {
	case *ast.BlockStmt:
		return p.List, c.ParentEdgeIndex(), true
	case *ast.CaseClause:
		return p.Body, c.ParentEdgeIndex(), true
	case *ast.CommClause:
		if c.ParentEdgeKind() == edge.CommClause_Body {
			return p.Body, c.ParentEdgeIndex(), true
		}
	}
	return nil, 0, false
}

// branches reports whether s may go on to another statement than the
// next one without leaving the function: a continue, break or goto
// that is not confined to a loop, switch or select inside s. Returns
// and panics leave.
func branches(s ast.Stmt) bool {
	var walk func(n ast.Node, inLoop, inSwitch bool) bool
	walk = func(n ast.Node, inLoop, inSwitch bool) bool {
		found := false
		ast.Inspect(n, func(x ast.Node) bool {
			if found || x == nil {
				return false
			}
			if x != n {
				switch x.(type) {
				case *ast.FuncLit:
					return false
				case *ast.ForStmt, *ast.RangeStmt:
					found = walk(x, true, true)
					return false
				case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
					found = walk(x, inLoop, true)
					return false
				}
			}
			if b, ok := x.(*ast.BranchStmt); ok {
				switch {
				case b.Label != nil, b.Tok == token.GOTO:
					found = true
				case b.Tok == token.CONTINUE:
					found = !inLoop
				case b.Tok == token.BREAK:
					found = !inSwitch
				}
			}
			return !found
		})
		return found
	}
	switch s.(type) {
	case *ast.ForStmt, *ast.RangeStmt:
		return walk(s, true, true)
	case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		return walk(s, false, true)
	}
	return walk(s, false, false)
}

// hasGoto reports whether n holds a goto statement: it could reach a
// send again without passing the loop's condition.
func hasGoto(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if b, ok := x.(*ast.BranchStmt); ok && b.Tok == token.GOTO {
			found = true
		}
		return !found
	})
	return found
}

// increment returns the variable s increments by one (n++, n += 1).
func (c *Counter) increment(s ast.Stmt) *types.Var {
	var x ast.Expr
	switch s := s.(type) {
	case *ast.IncDecStmt:
		if s.Tok != token.INC {
			return nil
		}
		x = s.X
	case *ast.AssignStmt:
		if s.Tok != token.ADD_ASSIGN || len(s.Lhs) != 1 || !c.isConst(s.Rhs[0], 1) {
			return nil
		}
		x = s.Lhs[0]
	default:
		return nil
	}
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := c.info.Uses[id].(*types.Var)
	return v
}

func (c *Counter) isConst(e ast.Expr, want int64) bool {
	tv, ok := c.info.Types[e]
	if !ok || tv.Value == nil {
		return false
	}
	n, exact := constant.Int64Val(constant.ToInt(tv.Value))
	return exact && n == want
}

// counter reports whether n is a local variable of decl that starts at
// zero, outside loops, and that the function only reads but for the
// increment inc.
func (c *Counter) counter(decl inspector.Cursor, n *types.Var, inc ast.Stmt) bool {
	if !within(n.Pos(), decl.Node()) || n.IsField() {
		return false
	}
	def, ok := c.definition(decl, n)
	if !ok || len(loopsIn(def, decl)) > 0 {
		return false
	}
	switch d := def.Node().(type) {
	case *ast.ValueSpec:
		if len(d.Values) > 0 {
			for i, id := range d.Names {
				if c.info.Defs[id] == n && (i >= len(d.Values) || !c.isConst(d.Values[i], 0)) {
					return false
				}
			}
		}
	case *ast.AssignStmt:
		if len(d.Lhs) != len(d.Rhs) {
			return false
		}
		for i, l := range d.Lhs {
			if id, ok := l.(*ast.Ident); ok && c.info.Defs[id] == n && !c.isConst(d.Rhs[i], 0) {
				return false
			}
		}
	default:
		return false
	}
	writes := c.writes(decl, n)
	return len(writes) == 1 && writes[0] == ast.Node(inc)
}

// definition returns the statement or spec that declares the local
// variable v of decl.
func (c *Counter) definition(decl inspector.Cursor, v *types.Var) (inspector.Cursor, bool) {
	for id := range decl.Preorder((*ast.Ident)(nil)) {
		if c.info.Defs[id.Node().(*ast.Ident)] != v {
			continue
		}
		switch id.ParentEdgeKind() {
		case edge.ValueSpec_Names:
			return id.Parent(), true
		case edge.AssignStmt_Lhs:
			if id.Parent().Node().(*ast.AssignStmt).Tok == token.DEFINE {
				return id.Parent(), true
			}
		}
		return inspector.Cursor{}, false
	}
	return inspector.Cursor{}, false
}

// writes returns the statements and expressions of decl that change v
// after its definition: assignments, increments, and &v (anything may
// change it then).
func (c *Counter) writes(decl inspector.Cursor, v *types.Var) []ast.Node {
	var out []ast.Node
	for id := range decl.Preorder((*ast.Ident)(nil)) {
		if c.info.Uses[id.Node().(*ast.Ident)] != v {
			continue
		}
		use := id
		for use.ParentEdgeKind() == edge.ParenExpr_X {
			use = use.Parent()
		}
		switch use.ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.IncDecStmt_X, edge.RangeStmt_Key, edge.RangeStmt_Value:
			out = append(out, use.Parent().Node())
		case edge.UnaryExpr_X:
			if use.Parent().Node().(*ast.UnaryExpr).Op == token.AND {
				out = append(out, use.Parent().Node())
			}
		}
	}
	return out
}

// loopBound returns B of a condition `... && n < B && ...` of a for
// loop (B > n too).
func (c *Counter) loopBound(loop ast.Node, n *types.Var) ast.Expr {
	f, ok := loop.(*ast.ForStmt)
	if !ok || f.Cond == nil {
		return nil
	}
	for _, e := range split(f.Cond, token.LAND) {
		if b := c.compare(e, n, token.LSS, token.GTR); b != nil {
			return b
		}
	}
	return nil
}

// exitBound returns B of the first `if ... || n == B || ... { ...;
// return }` (or n >= B) in stmts, when nothing before it branches.
func (c *Counter) exitBound(stmts []ast.Stmt, n *types.Var) ast.Expr {
	for _, s := range stmts {
		// The body must leave on every path: a continue or break
		// in it would go round again with the buffer full.
		if is, ok := s.(*ast.IfStmt); ok && is.Init == nil && is.Else == nil && endsInReturn(is.Body) && !branches(is) {
			for _, e := range split(is.Cond, token.LOR) {
				if b := c.compare(e, n, token.EQL, token.EQL); b != nil {
					return b
				}
				if b := c.compare(e, n, token.GEQ, token.LEQ); b != nil {
					return b
				}
			}
		}
		if branches(s) {
			return nil
		}
	}
	return nil
}

func endsInReturn(b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	_, ok := b.List[len(b.List)-1].(*ast.ReturnStmt)
	return ok
}

// split returns the operands of a chain of op (&& or ||).
func split(e ast.Expr, op token.Token) []ast.Expr {
	if b, ok := ast.Unparen(e).(*ast.BinaryExpr); ok && b.Op == op {
		return append(split(b.X, op), split(b.Y, op)...)
	}
	return []ast.Expr{e}
}

// compare returns B when e is `n op B` or `B rev n`.
func (c *Counter) compare(e ast.Expr, n *types.Var, op, rev token.Token) ast.Expr {
	b, ok := ast.Unparen(e).(*ast.BinaryExpr)
	if !ok {
		return nil
	}
	if b.Op == op && c.isVar(b.X, n) {
		return b.Y
	}
	if b.Op == rev && c.isVar(b.Y, n) {
		return b.X
	}
	return nil
}

func (c *Counter) isVar(e ast.Expr, v *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && c.info.Uses[id] == v
}

// same reports whether a and b are written the same way and their
// identifiers denote the same objects: a variable of the same name
// declared in between (batch := batch + 1) is another bound.
func (c *Counter) same(a, b ast.Expr) bool {
	if types.ExprString(a) != types.ExprString(b) {
		return false
	}
	oa, ob := c.objects(a), c.objects(b)
	if len(oa) != len(ob) {
		return false
	}
	for i := range oa {
		if oa[i] != ob[i] {
			return false
		}
	}
	return true
}

// objects returns the objects the identifiers of e denote, in order.
func (c *Counter) objects(e ast.Expr) []types.Object {
	var out []types.Object
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			out = append(out, c.info.ObjectOf(id))
		}
		return true
	})
	return out
}

// budget returns the definition of the budget variable bound names
// (b := C - len(ch), once, outside loops), or nil.
func (c *Counter) budget(decl inspector.Cursor, bound ast.Expr, ch *countedChan) *inspector.Cursor {
	id, ok := ast.Unparen(bound).(*ast.Ident)
	if !ok {
		return nil
	}
	b, ok := c.info.Uses[id].(*types.Var)
	if !ok || !within(b.Pos(), decl.Node()) || len(c.writes(decl, b)) > 0 {
		return nil
	}
	def, ok := c.definition(decl, b)
	if !ok || len(loopsIn(def, decl)) > 0 {
		return nil
	}
	as, ok := def.Node().(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return nil
	}
	sub, ok := ast.Unparen(as.Rhs[0]).(*ast.BinaryExpr)
	if !ok || sub.Op != token.SUB || !c.same(sub.X, ch.cap) || !c.stable(decl, ch.cap) {
		return nil
	}
	l, ok := ast.Unparen(sub.Y).(*ast.CallExpr)
	if !ok || len(l.Args) != 1 || !calls.IsBuiltin(c.info, l, "len") {
		return nil
	}
	if other := c.resolveChan(decl, l.Args[0]); other == nil || other.local != ch.local || other.holder != ch.holder || other.field != ch.field {
		return nil
	}
	return &def
}

// before reports whether the send o runs before the budget definition
// def: in the same function (no literal between), earlier.
func (c *Counter) before(o inspector.Cursor, def *inspector.Cursor, decl inspector.Cursor) bool {
	return innermostFunc(o) == innermostFunc(*def) && o.Node().End() <= def.Node().Pos()
}

// resolveChan returns the channel the expression e (a local variable,
// or a field of one) denotes inside decl, or nil.
func (c *Counter) resolveChan(decl inspector.Cursor, e ast.Expr) *countedChan {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := c.info.Uses[x].(*types.Var)
		if !ok {
			return nil
		}
		ls, ok := c.locals[decl.Node()]
		if !ok {
			ls = Locals(c.info, decl)
			c.locals[decl.Node()] = ls
		}
		for _, l := range ls {
			if l.Var == v {
				if l.Escapes || l.Remade || len(l.Passed) > 0 {
					return nil
				}
				out := &countedChan{local: v, make: l.Make, cap: l.Cap}
				for _, s := range l.Sends {
					if s.Case != nil {
						return nil
					}
					out.sends = append(out.sends, s.Cursor)
				}
				return out
			}
		}
	case *ast.SelectorExpr:
		f := Field(c.info, x)
		if f == nil {
			return nil
		}
		holder := c.holder(decl, x.X)
		if holder == nil {
			return nil
		}
		uses := c.fieldUses(f.Origin())
		if !uses.ok {
			return nil
		}
		out := &countedChan{holder: holder, field: f.Origin()}
		for _, sel := range uses.sends {
			if !fileinspect.Contains(decl, sel) || c.holder(decl, sel.Node().(*ast.SelectorExpr).X) != holder {
				return nil // another value, or another function, sends on the field
			}
			out.sends = append(out.sends, sel.Parent())
		}
		// holder := &T{f: make(chan T, C)}
		def, ok := c.definition(decl, holder)
		if !ok {
			return nil
		}
		as, ok := def.Node().(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return nil
		}
		lit := ast.Unparen(as.Rhs[0])
		if u, ok := lit.(*ast.UnaryExpr); ok && u.Op == token.AND {
			lit = ast.Unparen(u.X)
		}
		cl, ok := lit.(*ast.CompositeLit)
		if !ok {
			return nil
		}
		for _, el := range cl.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if id, ok := kv.Key.(*ast.Ident); ok {
				if kf, ok := c.info.Uses[id].(*types.Var); ok && kf.Origin() == out.field {
					if mk, capExpr, ok := MakeChan(c.info, kv.Value); ok {
						out.make, out.cap = mk, capExpr
						return out
					}
				}
			}
		}
	}
	return nil
}

// holder returns the local variable of decl that e names, following the
// parameters of function literals called where they are written back to
// their arguments; the variable is defined once and never assigned.
func (c *Counter) holder(decl inspector.Cursor, e ast.Expr) *types.Var {
	for range 4 {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return nil
		}
		v, ok := c.info.Uses[id].(*types.Var)
		if !ok || !within(v.Pos(), decl.Node()) || len(c.writes(decl, v)) > 0 {
			return nil
		}
		arg, isParam := c.literalArg(decl, v)
		if !isParam {
			return v
		}
		if arg == nil {
			return nil
		}
		e = arg
	}
	return nil
}

// literalArg returns, when v is a parameter of a function literal of
// decl called where it is written (go func(res *T) {...}(res)), the
// argument passed for it; isParam reports whether v is a parameter of
// a literal at all.
func (c *Counter) literalArg(decl inspector.Cursor, v *types.Var) (arg ast.Expr, isParam bool) {
	for lc := range decl.Preorder((*ast.FuncLit)(nil)) {
		lit := lc.Node().(*ast.FuncLit)
		if !(lit.Type.Pos() <= v.Pos() && v.Pos() < lit.Type.End()) {
			continue
		}
		if lc.ParentEdgeKind() != edge.CallExpr_Fun {
			return nil, true
		}
		call := lc.Parent().Node().(*ast.CallExpr)
		i := 0
		for _, field := range lit.Type.Params.List {
			for _, name := range field.Names {
				if c.info.Defs[name] == v {
					if call.Ellipsis.IsValid() || i >= len(call.Args) {
						return nil, true
					}
					return call.Args[i], true
				}
				i++
			}
			if len(field.Names) == 0 {
				i++
			}
		}
		return nil, true
	}
	return nil, false
}

// fieldUses classifies every use of the channel field f (an origin) in
// the package.
func (c *Counter) fieldUses(f *types.Var) *fieldUses {
	if u, ok := c.fields[f]; ok {
		return u
	}
	u := &fieldUses{ok: true}
	c.fields[f] = u
	for id, obj := range c.info.Uses {
		v, ok := obj.(*types.Var)
		if !ok || v.Origin() != f {
			continue
		}
		cur, ok := c.files.FindByPos(id.Pos(), id.End())
		if !ok {
			u.ok = false
			return u
		}
		if !c.harmlessUse(cur, u) {
			u.ok = false
			return u
		}
	}
	return u
}

// harmlessUse reports whether the use of a channel field at id cannot
// put another channel in the field or let code the Counter does not see
// send on it; sends are recorded in u.
func (c *Counter) harmlessUse(id inspector.Cursor, u *fieldUses) bool {
	switch id.ParentEdgeKind() {
	case edge.KeyValueExpr_Key:
		// T{f: ...}: a new value, unless it overwrites one (*p = T{...}).
		lit := id.Parent().Parent()
		switch lit.ParentEdgeKind() {
		case edge.UnaryExpr_X, edge.ReturnStmt_Results, edge.CallExpr_Args, edge.ValueSpec_Values:
			return true
		case edge.AssignStmt_Rhs:
			return lit.Parent().Node().(*ast.AssignStmt).Tok == token.DEFINE
		}
		return false
	case edge.SelectorExpr_Sel:
	default:
		return false
	}
	sel := id.Parent()
	for sel.ParentEdgeKind() == edge.ParenExpr_X {
		sel = sel.Parent()
	}
	parent := sel.Parent()
	switch sel.ParentEdgeKind() {
	case edge.SendStmt_Chan:
		if parent.ParentEdgeKind() == edge.CommClause_Comm {
			return false // a send the Counter does not count
		}
		u.sends = append(u.sends, sel)
		return true
	case edge.UnaryExpr_X:
		return parent.Node().(*ast.UnaryExpr).Op == token.ARROW
	case edge.RangeStmt_X:
		return true
	case edge.CallExpr_Args:
		call := parent.Node().(*ast.CallExpr)
		return calls.IsBuiltin(c.info, call, "len") || calls.IsBuiltin(c.info, call, "cap") || calls.IsBuiltin(c.info, call, "close")
	case edge.ReturnStmt_Results:
		// Returned as a receive-only channel: the caller cannot send.
		t := c.resultType(sel, sel.ParentEdgeIndex())
		ch := Of(t)
		return ch != nil && ch.Dir() == types.RecvOnly
	}
	return false
}

// resultType returns the type of the i-th result of the function whose
// return statement holds cur.
func (c *Counter) resultType(cur inspector.Cursor, i int) types.Type {
	for e := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		var t types.Type
		switch f := e.Node().(type) {
		case *ast.FuncLit:
			t = c.info.TypeOf(f)
		case *ast.FuncDecl:
			if obj := c.info.Defs[f.Name]; obj != nil {
				t = obj.Type()
			}
		}
		sig, ok := t.(*types.Signature)
		if !ok || i >= sig.Results().Len() {
			return nil
		}
		return sig.Results().At(i).Type()
	}
	return nil
}

// stable reports whether the value of e cannot change while decl runs:
// constants, local variables and parameters of decl that it never
// assigns, and fields of those that the package never assigns.
func (c *Counter) stable(decl inspector.Cursor, e ast.Expr) bool {
	if tv, ok := c.info.Types[e]; ok && tv.Value != nil {
		return true
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := c.info.Uses[x].(*types.Var)
		return ok && !v.IsField() && within(v.Pos(), decl.Node()) && len(c.writes(decl, v)) == 0
	case *ast.SelectorExpr:
		f := Field(c.info, x)
		return f != nil && c.stable(decl, x.X) && !c.fieldWritten(f.Origin())
	case *ast.StarExpr:
		// *p itself changes whenever anything that shares p writes
		// it; (*p).f is p.f, the field's writes tell.
		if _, ok := c.info.TypeOf(x).Underlying().(*types.Struct); !ok {
			return false
		}
		return c.stable(decl, x.X)
	case *ast.BinaryExpr:
		return c.stable(decl, x.X) && c.stable(decl, x.Y)
	}
	return false
}

// fieldWritten reports whether the package assigns the field f (an
// origin) other than in composite literals, or takes its address.
func (c *Counter) fieldWritten(f *types.Var) bool {
	if w, ok := c.written[f]; ok {
		return w
	}
	w := c.computeFieldWritten(f)
	c.written[f] = w
	return w
}

func (c *Counter) computeFieldWritten(f *types.Var) bool {
	for id, obj := range c.info.Uses {
		v, ok := obj.(*types.Var)
		if !ok || v.Origin() != f {
			continue
		}
		cur, ok := c.files.FindByPos(id.Pos(), id.End())
		if !ok {
			return true
		}
		if cur.ParentEdgeKind() != edge.SelectorExpr_Sel {
			continue // a composite literal key
		}
		sel := cur.Parent()
		for sel.ParentEdgeKind() == edge.ParenExpr_X {
			sel = sel.Parent()
		}
		switch sel.ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.IncDecStmt_X, edge.RangeStmt_Key, edge.RangeStmt_Value:
			return true
		case edge.UnaryExpr_X:
			if sel.Parent().Node().(*ast.UnaryExpr).Op == token.AND {
				return true
			}
		}
	}
	return false
}

// positive reports whether the capacity expression C is at least one
// wherever the loop runs: a constant, or a statement before the loop
// (in a list around it, up to decl) that leaves unless it is: `if C <
// 1 { return }` (C <= 0, C == 0), or a call of a function of the
// package that returns a non-nil error when C < 1, whose error leaves:
// `if err := check(req); err != nil { return err }`.
func (c *Counter) positive(decl, loop inspector.Cursor, capExpr ast.Expr) bool {
	if n, ok := ConstCap(c.info, capExpr); ok {
		return n >= 1
	}
	for cur := loop; cur != decl; cur = cur.Parent() {
		list, idx, ok := stmtList(cur)
		if !ok {
			continue
		}
		for k := idx - 1; k >= 0; k-- {
			if c.rejectsBelowOne(list, k, capExpr) {
				return true
			}
		}
	}
	return false
}

// rejectsBelowOne reports whether list[k] leaves when the expression
// capExpr is below one.
func (c *Counter) rejectsBelowOne(list []ast.Stmt, k int, capExpr ast.Expr) bool {
	is, ok := list[k].(*ast.IfStmt)
	if !ok || is.Else != nil || !leavesBlock(is.Body) {
		return false
	}
	if is.Init == nil && c.belowOne(is.Cond, func(e ast.Expr) bool { return c.same(e, capExpr) }) {
		return true
	}
	// if err := check(x); err != nil { return ... }
	var call *ast.CallExpr
	var errVar types.Object
	if as, ok := is.Init.(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
		call, _ = ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		if id, ok := as.Lhs[len(as.Lhs)-1].(*ast.Ident); ok {
			errVar = c.info.ObjectOf(id)
		}
	} else if is.Init == nil && k > 0 {
		// err := check(x); if err != nil { return ... }
		if as, ok := list[k-1].(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
			call, _ = ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
			if id, ok := as.Lhs[len(as.Lhs)-1].(*ast.Ident); ok {
				errVar = c.info.ObjectOf(id)
			}
		}
	}
	if call == nil || errVar == nil {
		return false
	}
	cond, ok := ast.Unparen(is.Cond).(*ast.BinaryExpr)
	if !ok || cond.Op != token.NEQ || !isNilIdent(c.info, cond.Y) {
		return false
	}
	if id, ok := ast.Unparen(cond.X).(*ast.Ident); !ok || c.info.Uses[id] != errVar {
		return false
	}
	return c.calleeRejects(call, capExpr)
}

// belowOne reports whether cond holds when the expression want (the
// operand that is) is below one: a disjunct want < 1, want <= 0, want
// == 0, or their mirrors.
func (c *Counter) belowOne(cond ast.Expr, is func(ast.Expr) bool) bool {
	for _, e := range split(cond, token.LOR) {
		b, ok := ast.Unparen(e).(*ast.BinaryExpr)
		if !ok {
			continue
		}
		x, y, op := b.X, b.Y, b.Op
		if is(y) {
			x, y = y, x
			switch op {
			case token.LSS:
				op = token.GTR
			case token.LEQ:
				op = token.GEQ
			case token.GTR:
				op = token.LSS
			case token.GEQ:
				op = token.LEQ
			}
		}
		if !is(x) {
			continue
		}
		switch {
		case op == token.LSS && c.isConst(y, 1),
			op == token.LEQ && c.isConst(y, 0),
			op == token.EQL && c.isConst(y, 0):
			return true
		}
	}
	return false
}

// calleeRejects reports whether call (of a function of the package
// whose last result is an error) returns a non-nil error when the
// expression capExpr, in the caller, is below one: capExpr is an
// argument (or a selection from one) that the callee tests first, in a
// statement of its body's top level that returns a non-nil error, and
// every return before that test returns a non-nil error too.
func (c *Counter) calleeRejects(call *ast.CallExpr, capExpr ast.Expr) bool {
	want := types.ExprString(capExpr)
	root := c.objects(capExpr)
	fn := calls.Callee(c.info, call)
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	fn = fn.Origin()
	res := fn.Signature().Results()
	if res.Len() == 0 || !isError(res.At(res.Len()-1).Type()) {
		return false
	}
	cur, ok := c.files.FindByPos(fn.Pos(), fn.Pos()+token.Pos(len(fn.Name())))
	if !ok || cur.ParentEdgeKind() != edge.FuncDecl_Name {
		return false
	}
	fd := cur.Parent().Node().(*ast.FuncDecl)
	if fd.Body == nil || call.Ellipsis.IsValid() {
		return false
	}
	// The callee's name for want: the parameter the argument goes to.
	params := fn.Signature().Params()
	calleeWant := ""
	for i, a := range call.Args {
		id, ok := ast.Unparen(a).(*ast.Ident)
		if !ok || i >= params.Len() || (fn.Signature().Variadic() && i >= params.Len()-1) {
			continue
		}
		if len(root) == 0 || c.info.Uses[id] != root[0] {
			continue // another variable of the same name
		}
		switch name := id.Name; {
		case want == name:
			calleeWant = params.At(i).Name()
		case len(want) > len(name) && want[:len(name)+1] == name+".":
			calleeWant = params.At(i).Name() + want[len(name):]
		default:
			continue
		}
		if p := params.At(i); p.Name() == "" || p.Name() == "_" || len(c.writes(cur.Parent(), p)) > 0 {
			return false
		}
		break
	}
	if calleeWant == "" {
		return false
	}
	for _, s := range fd.Body.List {
		if is, ok := s.(*ast.IfStmt); ok && is.Init == nil && is.Else == nil && c.belowOne(is.Cond, func(e ast.Expr) bool { return types.ExprString(e) == calleeWant }) {
			return endsInErrorReturn(c.info, is.Body)
		}
		if returnsNilError(c.info, s) {
			return false
		}
	}
	return false
}

// leavesBlock reports whether b ends with a return.
func leavesBlock(b *ast.BlockStmt) bool { return endsInReturn(b) }

// endsInErrorReturn reports whether b ends with a return whose last
// result is an error that is not nil (see nonNilError).
func endsInErrorReturn(info *types.Info, b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	r, ok := b.List[len(b.List)-1].(*ast.ReturnStmt)
	return ok && len(r.Results) > 0 && nonNilError(info, r.Results[len(r.Results)-1])
}

// nonNilError reports whether the returned error e is not nil: a call
// of fmt.Errorf or errors.New, a composite literal or its address, or a
// package-level variable (a sentinel error).
func nonNilError(info *types.Info, e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		fn := calls.Callee(info, x)
		return calls.IsFunc(fn, "fmt", "Errorf") || calls.IsFunc(fn, "errors", "New")
	case *ast.CompositeLit:
		return true
	case *ast.UnaryExpr:
		_, ok := ast.Unparen(x.X).(*ast.CompositeLit)
		return x.Op == token.AND && ok
	case *ast.Ident, *ast.SelectorExpr:
		var obj types.Object
		if id, ok := x.(*ast.Ident); ok {
			obj = info.Uses[id]
		} else {
			obj = info.Uses[x.(*ast.SelectorExpr).Sel]
		}
		v, ok := obj.(*types.Var)
		return ok && !v.IsField() && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
	}
	return false
}

// returnsNilError reports whether s holds (outside function literals) a
// return whose error may be nil (see nonNilError).
func returnsNilError(info *types.Info, s ast.Stmt) bool {
	return scope.AnyOutsideLiterals(s, func(n ast.Node) bool {
		ret, ok := n.(*ast.ReturnStmt)
		return ok && (len(ret.Results) == 0 || !nonNilError(info, ret.Results[len(ret.Results)-1]))
	})
}

func isNilIdent(info *types.Info, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && info.Uses[id] == types.Universe.Lookup("nil")
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}
