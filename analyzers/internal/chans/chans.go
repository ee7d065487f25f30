// Package chans holds typed queries about channels that every bplint
// analyzer asks: what a channel's element and capacity are, whether a
// select can leave without its channel operation, and what a function
// does with the channels it makes.
package chans

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"github.com/bplint/bplint/analyzers/internal/calls"
)

// Of returns the channel type underlying t, or nil. Type parameters
// constrained to channel types are not channels here: their operations
// are rare and their capacity unknowable.
func Of(t types.Type) *types.Chan {
	if t == nil {
		return nil
	}
	ch, _ := t.Underlying().(*types.Chan)
	return ch
}

// IsSignal reports whether values of t carry no data: struct{}, [0]T,
// or structs and arrays made only of such. A channel of them signals an
// event and nothing is lost when one send is dropped.
func IsSignal(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Struct:
		for f := range u.Fields() {
			if !IsSignal(f.Type()) {
				return false
			}
		}
		return true
	case *types.Array:
		return u.Len() == 0 || IsSignal(u.Elem())
	}
	return false
}

// MakeChan recognizes make(chan T) and make(chan T, n). It returns the
// call and the capacity expression, nil for an unbuffered channel.
func MakeChan(info *types.Info, e ast.Expr) (call *ast.CallExpr, capacity ast.Expr, ok bool) {
	call, ok = ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) == 0 || !calls.IsBuiltin(info, call, "make") {
		return nil, nil, false
	}
	if Of(info.TypeOf(call.Args[0])) == nil {
		return nil, nil, false
	}
	if len(call.Args) > 1 {
		capacity = call.Args[1]
	}
	return call, capacity, true
}

// ConstCap returns the capacity of a channel made with capacity
// expression e (nil meaning unbuffered) when it is a constant.
func ConstCap(info *types.Info, e ast.Expr) (int64, bool) {
	if e == nil {
		return 0, true
	}
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil {
		return 0, false
	}
	n, exact := constant.Int64Val(constant.ToInt(tv.Value))
	return n, exact
}

// Kind classifies a select case or a channel operation.
type Kind int

const (
	Send    Kind = iota // ch <- v
	Recv                // <-ch on a channel that is not one of those below
	CtxDone             // <-ctx.Done(), or <-done after done := ctx.Done()
	Timer               // <-time.After(d), <-t.C of a Timer or Ticker, <-time.Tick(d)
	Default             // default:
)

// CaseKind classifies the communication of a select case.
func CaseKind(info *types.Info, cc *ast.CommClause) Kind {
	if cc.Comm == nil {
		return Default
	}
	if _, ok := cc.Comm.(*ast.SendStmt); ok {
		return Send
	}
	return RecvKind(info, RecvChan(cc.Comm))
}

// RecvChan returns the channel expression received from by a select
// case's communication (<-ch, v := <-ch, v, ok = <-ch), or nil.
func RecvChan(comm ast.Stmt) ast.Expr {
	var e ast.Expr
	switch s := comm.(type) {
	case *ast.ExprStmt:
		e = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			e = s.Rhs[0]
		}
	}
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u.X
	}
	return nil
}

// RecvKind classifies a receive from the channel expression ch. A
// local variable assigned once, from a Done() call (done := ctx.Done()),
// is a context's Done channel too.
func RecvKind(info *types.Info, ch ast.Expr) Kind {
	switch ch := ast.Unparen(ch).(type) {
	case *ast.CallExpr:
		fn := calls.Callee(info, ch)
		if fn != nil && fn.Name() == "Done" && implementsContext(fn) {
			return CtxDone
		}
		if calls.IsFunc(fn, "time", "After") || calls.IsFunc(fn, "time", "Tick") {
			return Timer
		}
	case *ast.Ident:
		if doneVar(info, ch) {
			return CtxDone // done := ctx.Done(); ... <-done
		}
	case *ast.SelectorExpr:
		if ch.Sel.Name == "C" {
			if t := info.TypeOf(ch.X); t != nil && (calls.IsNamed(t, "time", "Timer") || calls.IsNamed(t, "time", "Ticker")) {
				return Timer
			}
		}
	}
	return Recv
}

// implementsContext reports whether fn is Done of context.Context or of
// a type that implements it (a Done method returning <-chan struct{}).
func implementsContext(fn *types.Func) bool {
	sig := fn.Signature()
	if sig.Params().Len() != 0 || sig.Results().Len() != 1 {
		return false
	}
	ch := Of(sig.Results().At(0).Type())
	return ch != nil && ch.Dir() == types.RecvOnly && IsSignal(ch.Elem())
}

// HasDefault reports whether sel has a default case: it never blocks.
func HasDefault(sel *ast.SelectStmt) bool {
	for _, s := range sel.Body.List {
		if s.(*ast.CommClause).Comm == nil {
			return true
		}
	}
	return false
}

// Escape returns the first case of sel other than the operations on
// channel obj (a receive, a ctx.Done, a timer or the default) that lets
// a select blocked on obj proceed, or nil when obj's operation is the
// only way out. A nil obj means any send or receive counts as the
// operation and only ctx, timers, and default are escapes.
func Escape(info *types.Info, sel *ast.SelectStmt, obj types.Object) *ast.CommClause {
	for _, s := range sel.Body.List {
		cc := s.(*ast.CommClause)
		switch CaseKind(info, cc) {
		case Default, CtxDone, Timer:
			return cc
		case Recv:
			if obj != nil && Obj(info, RecvChan(cc.Comm)) != obj {
				return cc
			}
		case Send:
			if obj != nil && Obj(info, cc.Comm.(*ast.SendStmt).Chan) != obj {
				// Another send is a way out only in the sense that
				// the select may proceed; it does not cancel.
				continue
			}
		}
	}
	return nil
}

// Obj returns the variable or field a channel expression denotes: the
// object of an identifier, or of the field of a selector, or nil.
func Obj(info *types.Info, e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return info.ObjectOf(e)
	case *ast.SelectorExpr:
		if sel := info.Selections[e]; sel != nil && sel.Kind() == types.FieldVal {
			// The field as declared: s.ch of a Server[int] and of a
			// Server[string] is one field.
			return sel.Obj().(*types.Var).Origin()
		}
		return info.ObjectOf(e.Sel) // a qualified package-level variable
	}
	return nil
}

// RootVar returns the variable at the root of e: x for x, x.f, x[i],
// x[i:j], *x and &x, the variable itself for pkg.V, or nil. It does not
// follow calls: the root of f().x is unknown.
func RootVar(info *types.Info, e ast.Expr) *types.Var {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			v, _ := info.ObjectOf(x).(*types.Var)
			return v
		case *ast.SelectorExpr:
			if info.Selections[x] == nil {
				v, _ := info.ObjectOf(x.Sel).(*types.Var)
				return v
			}
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.SliceExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.UnaryExpr:
			if x.Op != token.AND {
				return nil
			}
			e = x.X
		default:
			return nil
		}
	}
}

// PoolName reports whether a channel or slice is named like a pool or
// free list of reusable objects (bufPool, freeList, idleConns, spare):
// what is put there was taken from there, or can be dropped for the
// garbage collector to take.
func PoolName(name string) bool {
	name = strings.ToLower(name)
	for _, w := range []string{"pool", "free", "recycl", "idle", "spare"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}
