package lockedsend

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/cfg"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/flow"
)

// A path names a mutex (or a WaitGroup) by the objects of its access
// path: the variable it starts from and the fields selected from it,
// implicit embedded fields included. s.mu, (*s).mu and &s.mu are one
// path; s.Lock() on a struct embedding sync.Mutex is s.Mutex.
type path []types.Object

// last returns the field or variable the path ends at: two paths that
// end at the same field denote the same mutex of (maybe) different
// values of one struct type.
func (p path) last() types.Object { return p[len(p)-1] }

// pathOf resolves e to an access path, or returns nil when e is not a
// variable, a field selection chain, or a dereference or address of one.
func pathOf(info *types.Info, e ast.Expr) path {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := info.ObjectOf(e).(*types.Var); ok {
			return path{v}
		}
	case *ast.SelectorExpr:
		sel := info.Selections[e]
		if sel == nil {
			if v, ok := info.ObjectOf(e.Sel).(*types.Var); ok {
				return path{v} // pkg.Var
			}
			return nil
		}
		if sel.Kind() != types.FieldVal {
			return nil
		}
		base := pathOf(info, e.X)
		if base == nil {
			return nil
		}
		idx := sel.Index()
		emb := embedded(info.TypeOf(e.X), idx[:len(idx)-1])
		if emb == nil && len(idx) > 1 {
			return nil
		}
		p := append(append(path{}, base...), emb...)
		return append(p, sel.Obj())
	case *ast.StarExpr:
		return pathOf(info, e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return pathOf(info, e.X)
		}
	}
	return nil
}

// embedded returns the fields selected implicitly by the index path idx
// from a value of type t (the embedded fields of a promoted selection).
func embedded(t types.Type, idx []int) path {
	var out path
	for _, i := range idx {
		if t == nil {
			return nil
		}
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || i >= st.NumFields() {
			return nil
		}
		f := st.Field(i)
		out = append(out, f)
		t = f.Type()
	}
	return out
}

// methodRecvPath returns the path of the value a method call x.M() is
// called on, including the embedded fields through which M is promoted:
// s.Lock() with s embedding sync.Mutex is s.Mutex.
func methodRecvPath(info *types.Info, call *ast.CallExpr) (path, ast.Expr) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil, nil
	}
	p := pathOf(info, sel.X)
	if p == nil {
		return nil, nil
	}
	if s := info.Selections[sel]; s != nil && len(s.Index()) > 1 {
		idx := s.Index()
		emb := embedded(info.TypeOf(sel.X), idx[:len(idx)-1])
		if emb == nil {
			return nil, nil
		}
		p = append(append(path{}, p...), emb...)
	}
	return p, sel.X
}

// lockKind is what a sync call does to a mutex.
type lockKind int

const (
	notLock lockKind = iota
	lockW            // Lock
	unlockW          // Unlock
	lockR            // RLock
	unlockR          // RUnlock
)

// lockCall classifies a call of Lock, Unlock, RLock or RUnlock on a
// sync.Mutex, sync.RWMutex or sync.Locker.
func lockCall(info *types.Info, call *ast.CallExpr) lockKind {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return notLock
	}
	var k lockKind
	switch sel.Sel.Name {
	case "Lock":
		k = lockW
	case "Unlock":
		k = unlockW
	case "RLock":
		k = lockR
	case "RUnlock":
		k = unlockR
	default:
		return notLock
	}
	fn := calls.Callee(info, call)
	if fn == nil || fn.Pkg() == nil {
		return notLock
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return notLock
	}
	if fn.Pkg().Path() == "sync" {
		t := recv.Type()
		if calls.IsNamed(t, "sync", "Mutex") || calls.IsNamed(t, "sync", "RWMutex") || calls.IsNamed(t, "sync", "Locker") {
			return k
		}
		return notLock
	}
	// A mutex of another package (a wrapper that logs or detects
	// deadlocks, syncthing's lib/sync): a type with the methods of
	// sync.Locker, and RLock/RUnlock for the read side.
	if sig := fn.Signature(); sig.Params().Len() != 0 || sig.Results().Len() != 0 {
		return notLock
	}
	if t := info.TypeOf(sel.X); t != nil && isLocker(t) {
		return k
	}
	return notLock
}

// isLocker reports whether values of t (or pointers to them) have the
// methods Lock() and Unlock().
func isLocker(t types.Type) bool {
	if _, ok := t.Underlying().(*types.Interface); !ok {
		if _, ok := t.(*types.Pointer); !ok {
			t = types.NewPointer(t)
		}
	}
	ms := types.NewMethodSet(t)
	for _, name := range []string{"Lock", "Unlock"} {
		sel := ms.Lookup(nil, name)
		if sel == nil {
			return false
		}
		sig, ok := sel.Type().(*types.Signature)
		if !ok || sig.Params().Len() != 0 || sig.Results().Len() != 0 {
			return false
		}
	}
	return true
}

// A lockSite is one mutex (read or write side) that a function locks.
type lockSite struct {
	key   string      // the interned path, with "r" for the read side
	p     path        // access path of the mutex
	text  string      // source text of the mutex expression: "s.mu"
	read  bool        // RLock
	locks []token.Pos // the Lock calls of the function
}

// lockBefore returns the last Lock call of the site before pos, or the
// first one.
func (s *lockSite) lockBefore(pos token.Pos) token.Pos {
	var best token.Pos
	for _, p := range s.locks {
		if p < pos && p > best {
			best = p
		}
	}
	if !best.IsValid() && len(s.locks) > 0 {
		best = s.locks[0]
	}
	return best
}

// A lockEffect is what one CFG node does to the mutexes.
type lockEffect struct {
	bit  int
	lock bool // Lock/RLock; otherwise Unlock/RUnlock
}

// lockState is the state of the mutexes of one function at one point.
type lockState struct {
	held     uint64 // locked on every path to here
	released uint64 // unlocked on every path to here without having been locked: the caller's mutex
}

var top = lockState{^uint64(0), ^uint64(0)}

func (s lockState) meet(o lockState) lockState {
	return lockState{s.held & o.held, s.released & o.released}
}

func (s lockState) apply(effs []lockEffect) lockState {
	for _, e := range effs {
		b := uint64(1) << e.bit
		if e.lock {
			s.held |= b
			s.released &^= b
		} else if s.held&b != 0 {
			s.held &^= b
		} else {
			s.released |= b
		}
	}
	return s
}

// A lockFlow is the solved must-hold dataflow of one function body.
type lockFlow struct {
	g       *flow.Graph
	sites   []*lockSite
	effects map[ast.Node][]lockEffect // by CFG node (statement)
	in      []lockState               // by block index
}

// interner gives every object of a pass a small number, so that paths
// become comparable strings.
type interner map[types.Object]int

func (in interner) key(p path, read bool) string {
	var b strings.Builder
	for i, o := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		id, ok := in[o]
		if !ok {
			id = len(in)
			in[o] = id
		}
		b.WriteString(strconv.Itoa(id))
	}
	if read {
		b.WriteString("r")
	}
	return b.String()
}

// solve runs the forward must-analysis: a mutex is held at a point when
// every path from the function's entry to it locks it and does not
// unlock it since. Deferred unlocks run at exit and change nothing.
func (lf *lockFlow) solve() {
	blocks := lf.g.CFG.Blocks
	lf.in = make([]lockState, len(blocks))
	out := make([]lockState, len(blocks))
	preds := make([][]*cfg.Block, len(blocks))
	for _, b := range blocks {
		lf.in[b.Index] = top
		out[b.Index] = top
		for _, s := range b.Succs {
			preds[s.Index] = append(preds[s.Index], b)
		}
	}
	changed := true
	for changed {
		changed = false
		for _, b := range blocks {
			if !b.Live {
				continue
			}
			in := top
			if b.Index == 0 {
				in = lockState{}
			}
			for _, p := range preds[b.Index] {
				if p.Live {
					in = in.meet(out[p.Index])
				}
			}
			s := in
			for _, n := range b.Nodes {
				s = s.apply(lf.effects[n])
			}
			if in != lf.in[b.Index] || s != out[b.Index] {
				lf.in[b.Index], out[b.Index] = in, s
				changed = true
			}
		}
	}
}

// at returns the state just before the CFG node holding n, and false
// when n is in no live block of the graph.
func (lf *lockFlow) at(n ast.Node) (lockState, bool) {
	b, i := lf.g.Block(n)
	if b == nil || !b.Live {
		return lockState{}, false
	}
	return lf.stateIn(b, i), true
}

func (lf *lockFlow) stateIn(b *cfg.Block, i int) lockState {
	s := lf.in[b.Index]
	for _, x := range b.Nodes[:i] {
		s = s.apply(lf.effects[x])
	}
	return s
}

// atRange returns the state at the head of a range loop, where each
// receive of a range over a channel happens.
func (lf *lockFlow) atRange(rs *ast.RangeStmt) (lockState, bool) {
	b := lf.g.BlockOf(rs, cfg.KindRangeLoop)
	if b == nil || !b.Live {
		return lockState{}, false
	}
	return lf.in[b.Index], true
}
