package lockedsend

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
)

// provenance records, for the package, what is stored into channel
// fields and into fields holding collections of channels, so that a
// send on a channel that is buffered by construction can be told from
// a send on a queue.
type provenance struct {
	direct  map[*types.Var][]ast.Expr  // s.f = e, T{f: e}
	elems   map[*types.Var][]ast.Expr  // s.f[k] = e, s.f = append(s.f, e)
	notify  map[*types.Var]bool        // some send on s.f is in a select with a default
	locals  map[*types.Var][]ast.Expr  // local variables: every value assigned
	ranges  map[*types.Var]ast.Expr    // v of `for _, v := range x`: x
	unknown map[*types.Var]bool        // fields stored in ways not understood
	elemFns map[*types.Var][]elemStore // element stores with the function making them

	fn *fnInfo // the function being walked, or nil at package level
}

// An elemStore is a channel stored into a collection field, and the
// function that stores it.
type elemStore struct {
	fn *fnInfo
	e  ast.Expr
}

func newProvenance() *provenance {
	return &provenance{
		direct:  make(map[*types.Var][]ast.Expr),
		elems:   make(map[*types.Var][]ast.Expr),
		notify:  make(map[*types.Var]bool),
		locals:  make(map[*types.Var][]ast.Expr),
		ranges:  make(map[*types.Var]ast.Expr),
		unknown: make(map[*types.Var]bool),
		elemFns: make(map[*types.Var][]elemStore),
	}
}

// fieldOf returns the field a selector expression selects, or nil.
func fieldOf(info *types.Info, e ast.Expr) *types.Var {
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

// assign records lhs = rhs.
func (pv *provenance) assign(info *types.Info, lhs, rhs ast.Expr) {
	t := info.TypeOf(lhs)
	if t == nil || !hasChan(t) {
		return
	}
	switch l := ast.Unparen(lhs).(type) {
	case *ast.Ident:
		if v, ok := info.ObjectOf(l).(*types.Var); ok && !v.IsField() {
			pv.locals[v] = append(pv.locals[v], rhs)
		}
	case *ast.SelectorExpr:
		f := fieldOf(info, l)
		if f == nil {
			return
		}
		if chans.Of(t) != nil {
			pv.direct[f] = append(pv.direct[f], rhs)
			return
		}
		// s.f = append(s.f, e...): element stores.
		if call, ok := ast.Unparen(rhs).(*ast.CallExpr); ok && calls.IsBuiltin(info, call, "append") && len(call.Args) > 0 {
			if call.Ellipsis.IsValid() {
				pv.unknown[f] = true
				return
			}
			pv.elems[f] = append(pv.elems[f], call.Args[1:]...)
			for _, a := range call.Args[1:] {
				pv.elemFns[f] = append(pv.elemFns[f], elemStore{pv.fn, a})
			}
			return
		}
		// s.f = make(map[K]chan T) or nil: a new empty collection.
		if _, ok := ast.Unparen(rhs).(*ast.CompositeLit); ok {
			return // its elements are recorded by compositeLit
		}
		if call, ok := ast.Unparen(rhs).(*ast.CallExpr); ok && calls.IsBuiltin(info, call, "make") {
			return
		}
		if isNil(info, rhs) {
			return
		}
		// s.f = s.f[:0], s.f = s.f[1:]: no new element.
		if se, ok := ast.Unparen(rhs).(*ast.SliceExpr); ok && fieldOf(info, se.X) == f {
			return
		}
		pv.unknown[f] = true
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
		if f := fieldOf(info, x); f != nil {
			if chans.Of(t) != nil {
				pv.elems[f] = append(pv.elems[f], rhs)
				pv.elemFns[f] = append(pv.elemFns[f], elemStore{pv.fn, rhs})
			}
			// A whole collection stored into an element (s.f[k] =
			// make(map[...]chan T)) is empty: its elements are
			// stored later.
		}
	}
}

// compositeLit records T{f: e} and T{e0, e1}.
func (pv *provenance) compositeLit(info *types.Info, lit *ast.CompositeLit) {
	t := info.TypeOf(lit)
	if t == nil {
		return
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
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
			val = kv.Value
		} else if i < st.NumFields() {
			f, val = st.Field(i), el
		}
		if f == nil || !hasChan(f.Type()) {
			continue
		}
		if chans.Of(f.Type()) != nil {
			pv.direct[f] = append(pv.direct[f], val)
		} else if !isNil(info, val) {
			if cl, ok := ast.Unparen(val).(*ast.CompositeLit); ok {
				for _, e := range cl.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						e = kv.Value
					}
					pv.elems[f] = append(pv.elems[f], e)
				}
				continue
			}
			if call, ok := ast.Unparen(val).(*ast.CallExpr); ok && calls.IsBuiltin(info, call, "make") {
				continue
			}
			pv.unknown[f] = true
		}
	}
}

// rangeStmt records the value variable of a range over a collection.
func (pv *provenance) rangeStmt(info *types.Info, rs *ast.RangeStmt) {
	if rs.Value == nil {
		return
	}
	if id, ok := rs.Value.(*ast.Ident); ok {
		if v, ok := info.Defs[id].(*types.Var); ok {
			pv.ranges[v] = rs.X
		}
	}
}

// selectStmt records the fields sent on by a select with a default.
func (pv *provenance) selectStmt(info *types.Info, sel *ast.SelectStmt) {
	if !chans.HasDefault(sel) {
		return
	}
	for _, s := range sel.Body.List {
		if send, ok := s.(*ast.CommClause).Comm.(*ast.SendStmt); ok {
			if f := fieldOf(info, send.Chan); f != nil {
				pv.notify[f] = true
			}
		}
	}
}

func isNil(info *types.Info, e ast.Expr) bool {
	_, ok := info.Types[ast.Unparen(e)]
	return ok && info.Types[ast.Unparen(e)].IsNil()
}

// bufferedCap returns the capacity of the channel e makes when e is a
// buffered make (or a local variable only ever assigned such makes):
// -1 when it is not constant; ok is false when e may not be buffered.
func (pv *provenance) bufferedCap(info *types.Info, e ast.Expr, depth int) (int64, bool) {
	if _, capExpr, ok := chans.MakeChan(info, e); ok {
		if capExpr == nil {
			return 0, false
		}
		if n, ok := chans.ConstCap(info, capExpr); ok {
			return n, n > 0
		}
		return -1, true
	}
	if f := fieldOf(info, e); f != nil && depth < 3 {
		// A copy of another field: comm.memMu = w.memMu.
		if pv.unknown[f] {
			return 0, false
		}
		capacity := int64(0)
		for i, x := range pv.direct[f] {
			if isNil(info, x) {
				continue
			}
			n, ok := pv.bufferedCap(info, x, depth+1)
			if !ok {
				return 0, false
			}
			if i == 0 {
				capacity = n
			} else if n != capacity {
				capacity = -1
			}
		}
		return capacity, len(pv.direct[f]) > 0
	}
	if id, ok := ast.Unparen(e).(*ast.Ident); ok && depth < 3 {
		v, ok := info.Uses[id].(*types.Var)
		if !ok || v.IsField() || len(pv.locals[v]) == 0 {
			return 0, false
		}
		capacity := int64(0)
		for i, x := range pv.locals[v] {
			n, ok := pv.bufferedCap(info, x, depth+1)
			if !ok {
				return 0, false
			}
			if i == 0 {
				capacity = n
			} else if n != capacity {
				capacity = -1
			}
		}
		return capacity, true
	}
	return 0, false
}

// allBuffered reports whether every expression stored is a buffered
// make, and returns their common constant capacity (-1 if none).
func (pv *provenance) allBuffered(info *types.Info, stores []ast.Expr) (int64, bool) {
	capacity := int64(0)
	n := 0
	for _, e := range stores {
		if isNil(info, e) {
			continue
		}
		c, ok := pv.bufferedCap(info, e, 0)
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

// bufferedByConstruction reports whether a send on ch cannot block for
// the way the package builds its channels:
//   - ch is a field that is only ever assigned buffered channels of
//     capacity 1 (a one-shot reply or a wake-up token), or buffered
//     channels that are also sent on in a select with a default (a
//     notification channel);
//   - ch is an element of a collection field (ranged over or indexed)
//     whose elements are all buffered channels the package makes: reply
//     channels of waiters, made by each waiter with room for its answer.
func (pv *provenance) bufferedByConstruction(info *types.Info, ch ast.Expr) bool {
	if f := fieldOf(info, ch); f != nil {
		if pv.unknown[f] {
			return false
		}
		c, ok := pv.allBuffered(info, pv.direct[f])
		return ok && (c == 1 || pv.notify[f])
	}
	f := pv.collectionOf(info, ch)
	if f == nil || pv.unknown[f] {
		return false
	}
	_, ok := pv.allBuffered(info, pv.elems[f])
	return ok
}

// collectionOf returns the collection field a channel expression is an
// element of: s.f[k], v of `for _, v := range s.f`, or a local only
// ever assigned s.f[k].
func (pv *provenance) collectionOf(info *types.Info, ch ast.Expr) *types.Var {
	var coll ast.Expr
	switch x := ast.Unparen(ch).(type) {
	case *ast.IndexExpr:
		coll = x.X
	case *ast.Ident:
		v, ok := info.Uses[x].(*types.Var)
		if !ok {
			break
		}
		if r, ok := pv.ranges[v]; ok {
			coll = r
			break
		}
		// rc := s.waiting[id]: every value of the local is an element
		// of one collection field.
		var field *types.Var
		for _, e := range pv.locals[v] {
			ix, ok := ast.Unparen(e).(*ast.IndexExpr)
			if !ok {
				return nil
			}
			x := ix.X
			for {
				inner, ok := ast.Unparen(x).(*ast.IndexExpr)
				if !ok {
					break
				}
				x = inner.X
			}
			f := fieldOf(info, x)
			if f == nil || field != nil && f != field {
				return nil
			}
			field, coll = f, x
		}
	}
	for coll != nil {
		if ix, ok := ast.Unparen(coll).(*ast.IndexExpr); ok {
			coll = ix.X
			continue
		}
		break
	}
	if coll == nil {
		return nil
	}
	return fieldOf(info, coll)
}

// semaphore reports whether ch is a field used as a counting semaphore:
// a channel of signal values (struct{}) that the package only ever
// makes buffered, with a capacity other than 1. Acquiring or releasing
// a slot limits concurrency; it is not backpressure from a consumer.
func (pv *provenance) semaphore(info *types.Info, ch ast.Expr) bool {
	f := fieldOf(info, ch)
	if f == nil || pv.unknown[f] {
		return false
	}
	c := chans.Of(f.Type())
	if c == nil || !chans.IsSignal(c.Elem()) {
		return false
	}
	n, ok := pv.allBuffered(info, pv.direct[f])
	return ok && n != 1
}

// ctxDoneVar reports whether e is a local variable only ever assigned
// the Done channel of a context (or nil).
func (pv *provenance) ctxDoneVar(info *types.Info, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || len(pv.locals[v]) == 0 {
		return false
	}
	done := false
	for _, x := range pv.locals[v] {
		if isNil(info, x) {
			continue
		}
		call, ok := ast.Unparen(x).(*ast.CallExpr)
		if !ok || chans.RecvKind(info, call) != chans.CtxDone {
			return false
		}
		done = true
	}
	return done
}

// drainedBefore reports whether the send at c directly follows a
// non-blocking receive from the same channel, the "replace the pending
// value" idiom of a capacity-1 mailbox:
//
//	select {
//	case <-ch:
//	default:
//	}
//	ch <- latest
func drainedBefore(c inspector.Cursor, ch ast.Expr) bool {
	if c.ParentEdgeKind() != edge.BlockStmt_List && c.ParentEdgeKind() != edge.CaseClause_Body && c.ParentEdgeKind() != edge.CommClause_Body {
		return false
	}
	prev, ok := c.PrevSibling()
	if !ok {
		return false
	}
	sel, ok := prev.Node().(*ast.SelectStmt)
	if !ok || !chans.HasDefault(sel) {
		return false
	}
	want := types.ExprString(ch)
	for _, s := range sel.Body.List {
		cc := s.(*ast.CommClause)
		if cc.Comm == nil {
			continue
		}
		if x := chans.RecvChan(cc.Comm); x != nil && types.ExprString(x) == want {
			return true
		}
	}
	return false
}
