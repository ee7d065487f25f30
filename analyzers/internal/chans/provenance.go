package chans

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// Provenance records, for one package, how the channels that reach an
// operation were built: what the package stores into channel fields
// (s.f = e, T{f: e}), into collection fields whose elements are
// channels (s.f[k] = e, s.f = append(s.f, e)), and into local
// variables; which functions send on and receive from each channel
// field; and, for the package's own functions, the arguments of their
// calls and the values they return. From that it tells a send on a
// queue, which a slow consumer can block, from a send on a channel
// built with room for it (a one-shot result of capacity 1, a reply
// channel, a notification channel), a semaphore or a lock token.
//
// The answers rest on the package being the only code that stores into
// its fields and calls its unexported functions: a field stored in a way
// the recorder does not understand (a whole collection copied in, a
// channel stored through a pointer) is Unknown, and so is a parameter of
// a function that is used as a value or exported. What the package's
// _test.go files store into the fields, or pass to the functions, that
// its other files declare does not count: a test that exercises a set
// type with unbuffered channels does not change what the package itself
// puts there.
//
// Feed it from the analyzer's own walk: call Record for every node of
// the types in ProvenanceNodes, in source order (a Preorder or
// ast.Inspect walk of each file). Ask once every file is recorded.
type Provenance struct {
	fset *token.FileSet
	info *types.Info
	pkg  *types.Package

	direct    map[*types.Var][]Store // channel field f: what is stored into f
	elems     map[*types.Var][]Store // collection field f: the channels stored as its elements
	unknown   map[*types.Var]bool    // fields also stored in ways not understood
	notify    map[*types.Var]bool    // fields sent on in a select with a default
	locals    map[*types.Var][]Store // local variables of channel (collection) type: every value assigned
	ranges    map[*types.Var]ast.Expr
	senders   map[*types.Var]map[ast.Node]ast.Node // channel field: functions that send on or close it, with their outermost function
	takers    map[*types.Var]map[ast.Node]bool     // channel field: functions that receive from it, and their outermost functions
	callSites []*ast.CallExpr                      // every call with arguments (that may pass a channel)
	rets      []retSite                            // every return statement of a declared function with results
	decls     []*ast.FuncDecl                      // every declared function
	calls     map[*types.Func][]*ast.CallExpr      // calls of one of the package's functions, lazily
	returns   map[*types.Func][]*ast.ReturnStmt    // returns of each of its declared functions, lazily
	// returnsIndexed is set once returns holds every function's.
	returnsIndexed bool
	byName         map[string][]*ast.CallExpr   // callSites by the name they call, lazily
	uses           map[*types.Func]int          // how many uses of a function there are, lazily
	scopes         map[*types.Scope]*types.Func // declared functions by their scope, lazily

	stack []ast.Node  // enclosing functions of the node being recorded
	ends  []token.Pos // where each of them ends
	outer []ast.Node  // the outermost function of each entry of stack
	file  *token.File
	test  bool          // file is a _test.go file
	tests []*token.File // the package's _test.go files
	// testSpans are the spans of tests, sorted.
	testSpans []span
}

// A span is the extent of one file: the positions from lo to hi, both
// included.
type span struct{ lo, hi token.Pos }

// A retSite is a return statement of a declared function.
type retSite struct {
	ret  *ast.ReturnStmt
	decl *ast.FuncDecl
}

// A Store is one value stored into a field, a collection or a variable.
type Store struct {
	Value ast.Expr
	// Result is the index of the stored value among the results of
	// Value when Value is a call with several results (a, b := f()).
	Result int
	// Func is the innermost function (*ast.FuncDecl or *ast.FuncLit)
	// whose body stores the value, or nil at package level.
	Func ast.Node
}

// ProvenanceNodes lists the node types Record needs to see.
var ProvenanceNodes = []ast.Node{
	(*ast.FuncDecl)(nil),
	(*ast.FuncLit)(nil),
	(*ast.AssignStmt)(nil),
	(*ast.ValueSpec)(nil),
	(*ast.CompositeLit)(nil),
	(*ast.RangeStmt)(nil),
	(*ast.SelectStmt)(nil),
	(*ast.SendStmt)(nil),
	(*ast.UnaryExpr)(nil),
	(*ast.CallExpr)(nil),
	(*ast.ReturnStmt)(nil),
}

// NewProvenance returns an empty record for the package pkg, with its
// type information, files and their file set.
func NewProvenance(fset *token.FileSet, info *types.Info, pkg *types.Package, files []*ast.File) *Provenance {
	var tests []*token.File
	var spans []span
	for _, f := range files {
		if scope.InTestFile(fset, f.Pos()) {
			tf := fset.File(f.Pos())
			tests = append(tests, tf)
			spans = append(spans, span{token.Pos(tf.Base()), token.Pos(tf.Base() + tf.Size())})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return int(a.lo - b.lo) })
	return &Provenance{
		tests:     tests,
		testSpans: spans,
		fset:      fset,
		info:      info,
		pkg:       pkg,
		direct:    make(map[*types.Var][]Store),
		elems:     make(map[*types.Var][]Store),
		unknown:   make(map[*types.Var]bool),
		notify:    make(map[*types.Var]bool),
		locals:    make(map[*types.Var][]Store),
		ranges:    make(map[*types.Var]ast.Expr),
		calls:     make(map[*types.Func][]*ast.CallExpr),
		returns:   make(map[*types.Func][]*ast.ReturnStmt),
		senders:   make(map[*types.Var]map[ast.Node]ast.Node),
		takers:    make(map[*types.Var]map[ast.Node]bool),
	}
}

// Field returns the struct field a selector expression selects, or nil.
func Field(info *types.Info, e ast.Expr) *types.Var {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	s := info.Selections[sel]
	if s == nil || s.Kind() != types.FieldVal {
		return nil
	}
	v, _ := s.Obj().(*types.Var)
	return v
}

// originField is Field, for the declaration of the field: a field of a
// generic type is a different *types.Var in every instantiation, and
// each method of the type instantiates it with its own receiver type
// parameters, so the records are keyed by the origin of the field,
// which stands for all of them.
func originField(info *types.Info, e ast.Expr) *types.Var {
	if f := Field(info, e); f != nil {
		return f.Origin()
	}
	return nil
}

// Record records what the node n stores, sends or calls. Nodes of other
// types than those of ProvenanceNodes are ignored.
func (p *Provenance) Record(n ast.Node) {
	pos := tokenPos(n)
	for k := len(p.stack) - 1; k >= 0 && (pos < p.stack[k].Pos() || pos >= p.ends[k]); k-- {
		p.stack, p.ends, p.outer = p.stack[:k], p.ends[:k], p.outer[:k]
	}
	if p.file == nil || pos < token.Pos(p.file.Base()) || pos > token.Pos(p.file.Base()+p.file.Size()) {
		p.file = p.fset.File(pos)
		p.test = p.file != nil && slices.Contains(p.tests, p.file)

	}
	info := p.info
	switch n := n.(type) {
	case *ast.FuncDecl, *ast.FuncLit:
		if d, ok := n.(*ast.FuncDecl); ok && d.Body == nil {
			return
		}
		o := n
		if len(p.outer) > 0 {
			o = p.outer[0]
		}
		if d, ok := n.(*ast.FuncDecl); ok {
			p.decls = append(p.decls, d)
		}
		p.stack = append(p.stack, n)
		p.ends = append(p.ends, n.End())
		p.outer = append(p.outer, o)
	case *ast.AssignStmt:
		p.assignAll(n.Lhs, n.Rhs, n.Tok == token.DEFINE)
	case *ast.ValueSpec:
		if len(n.Values) == 0 {
			return // var x T: nothing stored
		}
		lhs := make([]ast.Expr, len(n.Names))
		for i, id := range n.Names {
			lhs[i] = id
		}
		p.assignAll(lhs, n.Values, true)
	case *ast.CompositeLit:
		p.compositeLit(n)
	case *ast.RangeStmt:
		if id, ok := n.Value.(*ast.Ident); ok {
			if v, ok := info.Defs[id].(*types.Var); ok {
				p.ranges[v] = n.X
			}
		}
		if f := originField(info, n.X); f != nil && Of(info.TypeOf(n.X)) != nil {
			p.take(f)
		}
	case *ast.SelectStmt:
		if !HasDefault(n) {
			return
		}
		for _, s := range n.Body.List {
			if send, ok := s.(*ast.CommClause).Comm.(*ast.SendStmt); ok {
				if f := originField(info, send.Chan); f != nil && !p.skip(f) {
					p.notify[f] = true
				}
			}
		}
	case *ast.SendStmt:
		if f := originField(info, n.Chan); f != nil {
			p.send(f)
		}
	case *ast.UnaryExpr:
		if n.Op == token.ARROW {
			if f := originField(info, n.X); f != nil {
				p.take(f)
			}
		}
	case *ast.CallExpr:
		if len(n.Args) == 1 && calls.IsBuiltin(info, n, "close") {
			if f := originField(info, n.Args[0]); f != nil {
				p.send(f)
			}
			return
		}
		if len(n.Args) > 0 { // the calls that may pass a channel
			p.callSites = append(p.callSites, n)
		}
	case *ast.ReturnStmt:
		if len(p.stack) > 0 {
			if d, ok := p.stack[len(p.stack)-1].(*ast.FuncDecl); ok && d.Type.Results != nil {
				p.rets = append(p.rets, retSite{n, d})
			}
		}
	}
}

// tokenPos returns a position inside n that is a field of the node
// (n.Pos() of an expression or statement walks down to its first
// token, which costs when it is done for every node).
func tokenPos(n ast.Node) token.Pos {
	switch n := n.(type) {
	case *ast.AssignStmt:
		return n.TokPos
	case *ast.CallExpr:
		return n.Lparen
	case *ast.UnaryExpr:
		return n.OpPos
	case *ast.SendStmt:
		return n.Arrow
	case *ast.CompositeLit:
		return n.Lbrace
	case *ast.ReturnStmt:
		return n.Return
	case *ast.RangeStmt:
		return n.For
	case *ast.SelectStmt:
		return n.Select
	case *ast.ValueSpec:
		if len(n.Names) > 0 {
			return n.Names[0].NamePos
		}
	}
	return n.Pos()
}

// callsOf returns the calls of the package's function fn, found by
// name among the calls recorded, and caches them.
func (p *Provenance) callsOf(fn *types.Func) []*ast.CallExpr {
	if out, ok := p.calls[fn]; ok {
		return out
	}
	if p.byName == nil {
		// One walk of the call sites indexes them by the name they
		// call, for all the functions asked about.
		p.byName = make(map[string][]*ast.CallExpr)
		for _, call := range p.callSites {
			name := calls.CalledName(call.Fun)
			p.byName[name] = append(p.byName[name], call)
		}
	}
	var out []*ast.CallExpr
	for _, call := range p.byName[fn.Name()] {
		if f := calls.Callee(p.info, call); f != nil && f.Origin() == fn && (!p.inTest(call.Lparen) || p.inTest(fn.Pos())) {
			out = append(out, call)
		}
	}
	p.calls[fn] = out
	return out
}

// returnsOf returns the return statements of the package's declared
// function fn, and caches them.
func (p *Provenance) returnsOf(fn *types.Func) []*ast.ReturnStmt {
	if !p.returnsIndexed {
		// One walk of the return sites indexes those of every
		// function.
		p.returnsIndexed = true
		var last *ast.FuncDecl
		var lastFn *types.Func
		for _, s := range p.rets {
			r := s.ret
			if s.decl != last {
				last = s.decl
				lastFn, _ = p.info.Defs[s.decl.Name].(*types.Func)
			}
			if lastFn != nil {
				p.returns[lastFn] = append(p.returns[lastFn], r)
			}
		}
	}
	return p.returns[fn]
}

// send records that the current function sends on, or closes, the
// field f.
func (p *Provenance) send(f *types.Var) {
	if len(p.stack) == 0 || p.skip(f) {
		return
	}
	s := p.senders[f]
	if s == nil {
		s = make(map[ast.Node]ast.Node)
		p.senders[f] = s
	}
	s[p.stack[len(p.stack)-1]] = p.outer[len(p.outer)-1]
}

// take records that the current function, and so its outermost
// function, receives from the field f.
func (p *Provenance) take(f *types.Var) {
	if len(p.stack) == 0 || p.skip(f) {
		return
	}
	s := p.takers[f]
	if s == nil {
		s = make(map[ast.Node]bool)
		p.takers[f] = s
	}
	s[p.stack[len(p.stack)-1]] = true
	s[p.outer[len(p.outer)-1]] = true
}

// skip reports whether what the file being recorded does to obj (a
// field or a function) does not count: the file is a _test.go file and
// obj is declared in another kind of file.
func (p *Provenance) skip(obj types.Object) bool {
	return p.test && !p.inTest(obj.Pos())
}

func (p *Provenance) inTest(pos token.Pos) bool {
	// The last span that starts at or before pos.
	i, _ := slices.BinarySearchFunc(p.testSpans, pos, func(s span, pos token.Pos) int { return int(s.lo - pos) })
	if i < len(p.testSpans) && p.testSpans[i].lo == pos {
		return true
	}
	return i > 0 && pos <= p.testSpans[i-1].hi
}

func (p *Provenance) fn() ast.Node {
	if len(p.stack) == 0 {
		return nil
	}
	return p.stack[len(p.stack)-1]
}

// hasChan reports whether t is a channel, or a slice, array or map
// (of ...) of channels.
func hasChan(t types.Type) bool {
	for range 4 {
		switch u := t.Underlying().(type) {
		case *types.Chan:
			return true
		case *types.Slice:
			t = u.Elem()
		case *types.Array:
			t = u.Elem()
		case *types.Map:
			t = u.Elem()
		default:
			return false
		}
	}
	return false
}

// assignAll records lhs = rhs: one value each, several results of one
// call (a, b := f()), or a comma-ok form (v, ok := m[k], <-ch, x.(T)).
// def is set when lhs declares its names (:=, var).
func (p *Provenance) assignAll(lhs, rhs []ast.Expr, def bool) {
	switch {
	case len(lhs) == len(rhs):
		for i := range lhs {
			p.assign(lhs[i], rhs[i], 0, def)
		}
	case len(rhs) == 1:
		// Several variables take the results of a call, never of a
		// conversion (the code type-checks): no need to ask.
		if call, ok := ast.Unparen(rhs[0]).(*ast.CallExpr); ok {
			for i := range lhs {
				p.assign(lhs[i], call, i, def)
			}
		} else {
			p.assign(lhs[0], rhs[0], 0, def)
		}
	}
}

// assign records lhs = rhs (the result-th result of rhs). def is set
// when lhs is a name that := or var declares, or redeclares.
func (p *Provenance) assign(lhs, rhs ast.Expr, result int, def bool) {
	info := p.info
	var t types.Type
	var obj types.Object // of lhs, a name
	if id, ok := lhs.(*ast.Ident); ok {
		if id.Name == "_" {
			return // stores nothing
		}
		// TypeOf looks a defined name up in Types first, in vain;
		// ObjectOf looks in Defs first, in vain for a name assigned
		// with =.
		if def {
			obj = info.Defs[id]
		}
		if obj == nil {
			obj = info.Uses[id] // assigned, or redeclared by :=
		}
		if obj == nil {
			return
		}
		t = obj.Type()
	} else {
		t = info.TypeOf(lhs)
	}
	if t == nil || !hasChan(t) {
		return
	}
	st := Store{Value: rhs, Result: result, Func: p.fn()}
	switch l := ast.Unparen(lhs).(type) {
	case *ast.Ident:
		if obj == nil {
			obj = info.ObjectOf(l) // a parenthesized name
		}
		if v, ok := obj.(*types.Var); ok && !v.IsField() {
			p.locals[v] = append(p.locals[v], st)
		}
	case *ast.SelectorExpr:
		f := originField(info, l)
		if f == nil || p.skip(f) {
			return
		}
		if Of(t) != nil {
			p.direct[f] = append(p.direct[f], st)
			return
		}
		// s.f = append(s.f, e...): element stores.
		if call, ok := ast.Unparen(rhs).(*ast.CallExpr); ok && calls.IsBuiltin(info, call, "append") && len(call.Args) > 0 {
			if call.Ellipsis.IsValid() {
				p.unknown[f] = true
				return
			}
			for _, a := range call.Args[1:] {
				p.elems[f] = append(p.elems[f], Store{Value: a, Func: st.Func})
			}
			return
		}
		switch r := ast.Unparen(rhs).(type) {
		case *ast.CompositeLit:
			return // its elements are recorded by compositeLit
		case *ast.CallExpr:
			if calls.IsBuiltin(info, r, "make") {
				return // a new empty collection
			}
		case *ast.SliceExpr:
			if originField(info, r.X) == f {
				return // s.f = s.f[1:]: no new element
			}
		}
		if isNil(info, rhs) {
			return
		}
		p.unknown[f] = true
	case *ast.IndexExpr:
		// s.f[k] = e, s.f[k1][k2] = e.
		x := l.X
		for {
			ix, ok := ast.Unparen(x).(*ast.IndexExpr)
			if !ok {
				break
			}
			x = ix.X
		}
		if f := originField(info, x); f != nil && Of(t) != nil && !p.skip(f) {
			p.elems[f] = append(p.elems[f], st)
		}
		// A whole collection stored into an element (s.f[k] =
		// make(map[...]chan T)) is empty: its elements come later.
	}
}

// compositeLit records T{f: e}, T{e0, e1} and the elements of a
// collection literal stored in a field.
func (p *Provenance) compositeLit(lit *ast.CompositeLit) {
	info := p.info
	t := info.TypeOf(lit)
	if t == nil {
		return
	}
	if ptr, ok := t.Underlying().(*types.Pointer); ok {
		t = ptr.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i, el := range lit.Elts {
		var f *types.Var
		var val ast.Expr
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			id, ok := kv.Key.(*ast.Ident)
			if !ok {
				continue
			}
			f, _ = info.Uses[id].(*types.Var)
			if f != nil {
				f = f.Origin()
			}
			val = kv.Value
		} else if i < st.NumFields() {
			f, val = st.Field(i).Origin(), el
		}
		if f == nil || !hasChan(f.Type()) || p.skip(f) {
			continue
		}
		if Of(f.Type()) != nil {
			p.direct[f] = append(p.direct[f], Store{Value: val, Func: p.fn()})
			continue
		}
		if isNil(info, val) {
			continue
		}
		switch v := ast.Unparen(val).(type) {
		case *ast.CompositeLit:
			for _, e := range v.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					e = kv.Value
				}
				p.elems[f] = append(p.elems[f], Store{Value: e, Func: p.fn()})
			}
			continue
		case *ast.CallExpr:
			if calls.IsBuiltin(info, v, "make") {
				continue
			}
		}
		p.unknown[f] = true
	}
}

func isNil(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[ast.Unparen(e)]
	return ok && tv.IsNil()
}

// maxDepth bounds how many variables, fields, parameters and results
// a query follows.
const maxDepth = 4

// Stores returns the values the package stores into the channel field
// f, and whether they are all of them.
func (p *Provenance) Stores(f *types.Var) ([]Store, bool) {
	f = f.Origin()
	return p.direct[f], !p.unknown[f]
}

// Elems returns the channels the package stores as elements of the
// collection field f, and whether they are all of them.
func (p *Provenance) Elems(f *types.Var) ([]Store, bool) {
	f = f.Origin()
	return p.elems[f], !p.unknown[f]
}

// Values returns what the expression e may evaluate to, one level
// down: the values assigned to a local variable, the arguments passed
// for a parameter of an unexported function, or the results a package
// function returns for a call of it. ok is false when they cannot all
// be known. A variable declared without a value is nil until assigned:
// that nil is not among the values.
func (p *Provenance) Values(e ast.Expr) ([]Store, bool) { return p.values(Store{Value: e}) }

// values returns what a stored value may evaluate to, one level down:
// the values assigned to a local variable, the arguments of the calls
// of an unexported function for its parameter, the results its callee
// returns for a call. ok is false when they cannot all be known, and
// when e is none of those.
func (p *Provenance) values(st Store) (out []Store, ok bool) {
	info := p.info
	switch e := ast.Unparen(st.Value).(type) {
	case *ast.Ident:
		v, isVar := info.Uses[e].(*types.Var)
		if !isVar || v.IsField() || v.Pkg() != p.pkg {
			return nil, false
		}
		if vals, ok := p.locals[v]; ok {
			return vals, true
		}
		return p.paramValues(v)
	case *ast.CallExpr:
		fn := calls.Callee(info, e)
		if fn == nil || fn.Pkg() != p.pkg || info.Types[e.Fun].IsType() {
			return nil, false
		}
		fn = fn.Origin()
		n := fn.Signature().Results().Len()
		rets := p.returnsOf(fn)
		if len(rets) == 0 || st.Result >= n {
			return nil, false
		}
		for _, r := range rets {
			if len(r.Results) != n {
				return nil, false // a bare return, or return g()
			}
			out = append(out, Store{Value: r.Results[st.Result]})
		}
		return out, true
	}
	return nil, false
}

// paramValues returns the arguments passed for the parameter v by the
// calls of its function, when v is a parameter of a function of the
// package that only the package can call and that is only called.
func (p *Provenance) paramValues(v *types.Var) ([]Store, bool) {
	fn, idx := p.paramOf(v)
	if fn == nil || !p.closed(fn) {
		return nil, false
	}
	sig := fn.Signature()
	var out []Store
	for _, call := range p.callsOf(fn) {
		if call.Ellipsis.IsValid() || len(call.Args) != sig.Params().Len() {
			return nil, false
		}
		if sig.Variadic() && idx == sig.Params().Len()-1 {
			return nil, false
		}
		out = append(out, Store{Value: call.Args[idx]})
	}
	return out, len(out) > 0
}

// paramOf returns the declared function of the package whose parameter
// v is, and its index, or nil.
func (p *Provenance) paramOf(v *types.Var) (*types.Func, int) {
	scope := v.Parent()
	if scope == nil || scope.Parent() == nil || scope.Parent().Parent() != p.pkg.Scope() {
		return nil, 0 // not a parameter of a declared function
	}
	if p.scopes == nil {
		p.scopes = make(map[*types.Scope]*types.Func)
		for _, d := range p.decls {
			if fn, ok := p.info.Defs[d.Name].(*types.Func); ok {
				p.scopes[fn.Scope()] = fn
			}
		}
	}
	fn := p.scopes[scope]
	if fn == nil {
		return nil, 0
	}
	params := fn.Signature().Params()
	for i := range params.Len() {
		if params.At(i) == v {
			return fn, i
		}
	}
	return nil, 0
}

// closed reports whether every call of fn is visible: fn is not
// exported (or is a method of an unexported type), and every use of it
// is the callee of a call.
func (p *Provenance) closed(fn *types.Func) bool {
	if fn.Exported() {
		recv := fn.Signature().Recv()
		if recv == nil {
			return false
		}
		t := recv.Type()
		if ptr, ok := t.(*types.Pointer); ok {
			t = ptr.Elem()
		}
		named, ok := types.Unalias(t).(*types.Named)
		if !ok || named.Obj().Exported() {
			return false
		}
	}
	if p.uses == nil {
		p.uses = make(map[*types.Func]int)
		for id, obj := range p.info.Uses {
			if f, ok := obj.(*types.Func); ok && f.Pkg() == p.pkg {
				if f = f.Origin(); !p.inTest(id.Pos()) || p.inTest(f.Pos()) {
					p.uses[f]++
				}
			}
		}
	}
	return p.uses[fn] == len(p.callsOf(fn))
}

// BufferedCap returns the capacity of the channels e may evaluate to,
// when each is made buffered: a make(chan T, n), or a variable, field,
// parameter (of an unexported function) or call result (of a package
// function) that only ever holds such channels. n is the capacity when
// it is the same constant everywhere, else -1; ok is false when a
// channel e may be is unbuffered, or not known.
func (p *Provenance) BufferedCap(e ast.Expr) (n int64, ok bool) {
	return p.bufferedCap(Store{Value: e}, 0)
}

func (p *Provenance) bufferedCap(st Store, depth int) (int64, bool) {
	info := p.info
	if _, capExpr, ok := MakeChan(info, st.Value); ok {
		if capExpr == nil {
			return 0, false
		}
		if n, ok := ConstCap(info, capExpr); ok {
			return n, n > 0
		}
		return -1, true
	}
	if depth >= maxDepth {
		return 0, false
	}
	var vals []Store
	if f := originField(info, st.Value); f != nil {
		// A copy of another field: comm.memMu = w.memMu.
		if p.unknown[f] || len(p.direct[f]) == 0 {
			return 0, false
		}
		vals = p.direct[f]
	} else {
		var ok bool
		if vals, ok = p.values(st); !ok {
			return 0, false
		}
	}
	return p.allBuffered(vals, depth+1)
}

// allBuffered is bufferedCap for every value of vals but nil ones, of
// which there must be one.
func (p *Provenance) allBuffered(vals []Store, depth int) (int64, bool) {
	capacity, n := int64(0), 0
	for _, v := range vals {
		if isNil(p.info, v.Value) {
			continue
		}
		c, ok := p.bufferedCap(v, depth)
		if !ok {
			return 0, false
		}
		if n == 0 {
			capacity = c
		} else if c != capacity {
			capacity = -1
		}
		n++
	}
	return capacity, n > 0
}

// A Role is what the package builds a channel for, judged from
// everything it stores where the channel comes from.
type Role int

const (
	// Unknown: not a field, element, variable, parameter or result
	// whose every value the package shows, or a queue.
	Unknown Role = iota
	// OneShot: only buffered channels of capacity 1 (a one-shot
	// result, a wake-up token): its one value never waits.
	OneShot
	// Notify: only buffered channels, also sent on by a select with a
	// default case somewhere (a notification channel).
	Notify
	// Reply: an element of a collection whose elements are all
	// buffered channels (the reply channels of waiters, each made with
	// room for its answer).
	Reply
	// Semaphore: a field of signal values (struct{}) that only holds
	// buffered channels of capacity other than 1: sending or receiving
	// takes or frees a slot; it limits concurrency.
	Semaphore
	// Token: a buffered field used take-then-put-back: every function
	// that sends on it (or closes it) also receives from it. It is a
	// lock or a pool.
	Token
)

// Role returns what the channel expression ch is built for: a field
// (s.f), an element of a collection field (s.f[k], v of a range over
// s.f), or a local variable, parameter or call result whose every
// value is one of those. For the roles OneShot, Notify and Reply a
// single send does not block; for Semaphore and Token, waiting is the
// channel's purpose.
func (p *Provenance) Role(ch ast.Expr) Role {
	return p.role(Store{Value: ch}, 0)
}

func (p *Provenance) role(st Store, depth int) Role {
	info := p.info
	e := st.Value
	if f := originField(info, e); f != nil {
		return p.fieldRole(f)
	}
	if coll := p.collection(e); coll != nil {
		if _, ok := p.allBuffered(p.elems[coll], 0); ok && !p.unknown[coll] {
			return Reply
		}
		return Unknown
	}
	if depth >= maxDepth {
		return Unknown
	}
	vals, ok := p.values(st)
	if !ok {
		return Unknown
	}
	role, n := Unknown, 0
	for _, v := range vals {
		if isNil(info, v.Value) {
			continue
		}
		r := p.role(v, depth+1)
		if r == Unknown || n > 0 && r != role {
			return Unknown
		}
		role = r
		n++
	}
	return role
}

func (p *Provenance) fieldRole(f *types.Var) Role {
	if p.unknown[f] {
		return Unknown
	}
	c, ok := p.allBuffered(p.direct[f], 0)
	if !ok {
		return Unknown
	}
	if ch := Of(f.Type()); ch != nil && IsSignal(ch.Elem()) && c != 1 {
		return Semaphore
	}
	if p.takePut(f) {
		return Token
	}
	if p.notify[f] {
		return Notify
	}
	if c == 1 {
		return OneShot
	}
	return Unknown
}

// takePut reports whether every function that sends on f (or closes
// it) also receives from it, itself or in its outermost function.
func (p *Provenance) takePut(f *types.Var) bool {
	senders, takers := p.senders[f], p.takers[f]
	if len(senders) == 0 || len(takers) == 0 {
		return false
	}
	for fn, outer := range senders {
		if !takers[fn] && !takers[outer] {
			return false
		}
	}
	return true
}

// CollectionOf returns the collection field (its origin, see
// originField) whose element the channel expression ch is: s.f[k], v
// of `for _, v := range s.f`, or a local variable only ever assigned
// elements of that one field (rc, ok := s.waiting[id]).
func (p *Provenance) CollectionOf(ch ast.Expr) *types.Var { return p.collection(ch) }

func (p *Provenance) collection(ch ast.Expr) *types.Var {
	info := p.info
	var coll ast.Expr
	switch x := ast.Unparen(ch).(type) {
	case *ast.IndexExpr:
		coll = x.X
	case *ast.Ident:
		v, ok := info.Uses[x].(*types.Var)
		if !ok {
			break
		}
		if r, ok := p.ranges[v]; ok {
			coll = r
			break
		}
		var field *types.Var
		for _, st := range p.locals[v] {
			ix, ok := ast.Unparen(st.Value).(*ast.IndexExpr)
			if !ok {
				return nil
			}
			f := originField(info, outermost(ix.X))
			if f == nil || field != nil && f != field {
				return nil
			}
			field, coll = f, ix.X
		}
	}
	if coll == nil {
		return nil
	}
	return originField(info, outermost(coll))
}

// outermost strips index expressions: s.f[k1][k2] is s.f.
func outermost(e ast.Expr) ast.Expr {
	for {
		ix, ok := ast.Unparen(e).(*ast.IndexExpr)
		if !ok {
			return e
		}
		e = ix.X
	}
}
