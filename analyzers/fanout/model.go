package fanout

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/flow"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// maxDepth bounds how deep callees are followed when a channel is
// passed from function to function.
const maxDepth = 4

// A litKind says when a function literal runs relative to the code
// around it.
type litKind int

const (
	litImmediate litKind = iota // func(){...}(): now, synchronously
	litDeferred                 // defer func(){...}(): when the function returns
	litGo                       // go func(){...}() or g.Go(func(){...}): concurrently
	litOther                    // stored or passed along: unknown
)

func (c *checker) litKindOf(lit inspector.Cursor) litKind {
	if _, ok := scope.Goroutine(c.info, lit); ok {
		return litGo
	}
	if lit.ParentEdgeKind() == edge.CallExpr_Fun {
		if lit.Parent().ParentEdgeKind() == edge.DeferStmt_Call {
			return litDeferred
		}
		return litImmediate
	}
	return litOther
}

// A place says where a node lies relative to a function: the function
// literals between them, outermost first, and how each of them runs.
type place struct {
	lits  []inspector.Cursor
	kinds []litKind
}

// direct reports whether the node is in the function's own body.
func (p place) direct() bool { return len(p.lits) == 0 }

// has reports whether some literal on the way runs as k.
func (p place) has(k litKind) bool {
	for _, kk := range p.kinds {
		if kk == k {
			return true
		}
	}
	return false
}

// placeOf returns where at lies within the function fn enclosing it.
func (c *checker) placeOf(at, fn inspector.Cursor) place {
	var p place
	for e := range at.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if e == fn {
			break
		}
		if e == at {
			continue
		}
		p.lits = append(p.lits, e)
		p.kinds = append(p.kinds, c.litKindOf(e))
	}
	for i, j := 0, len(p.lits)-1; i < j; i, j = i+1, j-1 {
		p.lits[i], p.lits[j] = p.lits[j], p.lits[i]
		p.kinds[i], p.kinds[j] = p.kinds[j], p.kinds[i]
	}
	return p
}

// inLoop reports whether a for or range statement lies between at and
// the function fn enclosing it: at may run more than once per call.
func inLoop(at, fn inspector.Cursor) bool {
	for e := range at.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if e == fn {
			return false
		}
		switch e.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		}
	}
	return false
}

// elected reports whether at runs only in the body of an if whose
// condition wins an atomic election: a CompareAndSwap, or an atomic Add
// compared with ==.
func (c *checker) elected(at, fn inspector.Cursor) bool {
	for e := range at.Enclosing((*ast.IfStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if e == fn {
			return false
		}
		is, ok := e.Node().(*ast.IfStmt)
		if !ok || !(is.Body.Pos() <= at.Node().Pos() && at.Node().End() <= is.Body.End()) {
			continue
		}
		won := false
		ast.Inspect(is.Cond, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				fn := calls.Callee(c.info, n)
				if fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "sync/atomic" && strings.HasPrefix(fn.Name(), "CompareAndSwap") {
					won = true
				}
			case *ast.BinaryExpr:
				if n.Op != token.EQL {
					return true
				}
				for _, side := range []ast.Expr{n.X, n.Y} {
					if call, ok := ast.Unparen(side).(*ast.CallExpr); ok {
						fn := calls.Callee(c.info, call)
						if fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "sync/atomic" && strings.HasPrefix(fn.Name(), "Add") {
							won = true
						}
					}
				}
			}
			return !won
		})
		if won {
			return true
		}
	}
	return false
}

// inEndlessLoop reports whether a loop that only a return or a break
// ends lies between at and fn: for {} or a range over a channel.
func (c *checker) inEndlessLoop(at, fn inspector.Cursor) bool {
	for e := range at.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if e == fn {
			return false
		}
		switch l := e.Node().(type) {
		case *ast.ForStmt:
			if l.Cond == nil {
				return true
			}
		case *ast.RangeStmt:
			if t := c.info.TypeOf(l.X); t != nil && chans.Of(t) != nil {
				return true
			}
		}
	}
	return false
}

// A summary says what one function body, a goroutine's or a callee's,
// does with a channel.
type summary struct {
	sends   []ast.Node // sends that can block: no escape case (in this body or its callees)
	guarded bool       // it also has sends in a select that can leave
	multi   bool       // a blocking send may run more than once per run of the body
	recvs   bool       // it receives from the channel or ranges over it
	closes  bool       // it closes the channel (perhaps in a goroutine or callback)
	spawns  bool       // it starts goroutines that send or receive on the channel
	unknown bool       // the channel goes where it cannot be followed
	// forever is set when it sends in a loop that only a return or
	// break ends (for {}, a range over a channel): a stream with no
	// planned end, whose receiver is an event loop.
	forever bool
	// elected is set when every blocking send runs only for the goroutine
	// that wins an atomic election (if atomic.AddInt32(&n, 1) == total,
	// if flag.CompareAndSwap(false, true)): one of all the goroutines
	// started sends.
	elected bool
}

func (s *summary) merge(t *summary) {
	if len(s.sends) > 0 && len(t.sends) > 0 {
		s.multi = true
	}
	if len(t.sends) > 0 {
		s.elected = t.elected && (len(s.sends) == 0 || s.elected)
	}
	s.sends = append(s.sends, t.sends...)
	s.guarded = s.guarded || t.guarded
	s.multi = s.multi || t.multi
	s.recvs = s.recvs || t.recvs
	s.closes = s.closes || t.closes
	s.spawns = s.spawns || t.spawns
	s.unknown = s.unknown || t.unknown
	s.forever = s.forever || t.forever
}

// uses reports whether the body sends or receives on the channel.
func (s *summary) uses() bool { return len(s.sends) > 0 || s.guarded || s.recvs || s.spawns }

type sumKey struct {
	fn  ast.Node // *ast.FuncDecl or *ast.FuncLit
	arg int
}

// summarize says what the function at fn does with the channel whose
// uses in it are u. Sends in nested literals that run now or when fn
// returns count as fn's; goroutines fn starts are spawns; other
// literals (callbacks) are unknown.
func (c *checker) summarize(fn inspector.Cursor, u *chans.Local, depth int) *summary {
	s := new(summary)
	if u.Escapes || u.Remade {
		s.unknown = true
	}
	var sites []ast.Node // blocking sends in fn's own body, to check their order
	looped := false      // one of them is in a loop
	for _, op := range u.Sends {
		if c.inEndlessLoop(op.Cursor, fn) {
			s.forever = true
		}
		p := c.placeOf(op.Cursor, fn)
		switch {
		case p.has(litGo):
			s.spawns = true
			continue
		case p.has(litOther):
			s.unknown = true
			continue
		}
		if op.Case != nil && chans.Escape(c.info, op.Select(), u.Var) != nil {
			s.guarded = true
			continue
		}
		s.sends = append(s.sends, op.Cursor.Node())
		if len(s.sends) == 1 {
			s.elected = true
		}
		s.elected = s.elected && c.elected(op.Cursor, fn)
		if p.direct() {
			// Whether it runs again is a question for the graph: a
			// send in a loop followed by return runs once.
			sites = append(sites, op.Cursor.Node())
			looped = looped || inLoop(op.Cursor, fn)
		} else if inLoop(op.Cursor, fn) {
			s.multi = true
		}
	}
	for _, op := range u.Recvs {
		if c.placeOf(op.Cursor, fn).has(litGo) {
			s.spawns = true
		} else {
			s.recvs = true
		}
	}
	for _, r := range u.Ranges {
		if c.placeOf(r, fn).has(litGo) {
			s.spawns = true
		} else {
			s.recvs = true
		}
	}
	if len(u.Closes) > 0 {
		s.closes = true
	}
	seen := make(map[ast.Node]bool)
	for _, pc := range u.Passed {
		call := pc.Node().(*ast.CallExpr)
		if seen[call] {
			continue
		}
		seen[call] = true
		p := c.placeOf(pc, fn)
		spawned := pc.ParentEdgeKind() == edge.GoStmt_Call || p.has(litGo)
		for _, i := range argIndexes(c.info, call, u.Var) {
			sub := c.callee(pc, i, depth+1)
			if sub == nil {
				s.unknown = true
				continue
			}
			s.closes = s.closes || sub.closes
			s.unknown = s.unknown || sub.unknown
			s.forever = s.forever || sub.forever
			switch {
			case spawned:
				s.spawns = s.spawns || sub.uses()
			case p.has(litOther):
				s.unknown = s.unknown || sub.uses()
			default:
				s.recvs = s.recvs || sub.recvs
				s.spawns = s.spawns || sub.spawns
				s.guarded = s.guarded || sub.guarded
				if len(sub.sends) > 0 {
					s.elected = sub.elected && (len(s.sends) == 0 || s.elected)
					s.sends = append(s.sends, sub.sends...)
					if sub.multi {
						s.multi = true
					}
					if p.direct() {
						sites = append(sites, call)
						looped = looped || inLoop(pc, fn)
					} else if inLoop(pc, fn) {
						s.multi = true
					}
				}
			}
		}
	}
	if !s.multi && (len(sites) > 1 || looped) {
		s.multi = c.sequential(fn, sites)
	}
	return s
}

// sequential reports whether one of the sites, nodes of fn's own body,
// can run after another (or after itself) in one run of fn.
func (c *checker) sequential(fn inspector.Cursor, sites []ast.Node) bool {
	body := scope.Body(fn)
	if body == nil {
		return true
	}
	g := c.graphs.Of(body)
	at := make(map[flow.Point]bool)
	for _, n := range sites {
		b, i := g.Block(n)
		if b == nil {
			return true
		}
		at[flow.Point{Block: b, Index: i}] = true
	}
	for _, n := range sites {
		if g.Reaches(n, func(p flow.Point) flow.Mark {
			if at[p] {
				return flow.Count
			}
			return flow.Pass
		}) {
			return true
		}
	}
	return false
}

// argIndexes returns the indexes of call's arguments that denote v.
func argIndexes(info *types.Info, call *ast.CallExpr, v *types.Var) []int {
	var out []int
	for i, a := range call.Args {
		if chans.Obj(info, a) == v {
			out = append(out, i)
		}
	}
	return out
}

// callee summarizes what the function called at callCur does with its
// i-th argument, when that function is a literal or is declared in this
// package; otherwise (another package, a function value, an interface
// method, a built-in or a conversion) it returns nil.
func (c *checker) callee(callCur inspector.Cursor, i int, depth int) *summary {
	if depth > maxDepth {
		return nil
	}
	call := callCur.Node().(*ast.CallExpr)
	var (
		fnCur inspector.Cursor
		sig   *types.Signature
	)
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		cur, ok := callCur.FindNode(lit)
		if !ok {
			return nil
		}
		fnCur = cur
		sig, _ = c.info.TypeOf(lit).(*types.Signature)
	} else {
		fn := calls.Callee(c.info, call)
		if fn == nil || fn.Pkg() != c.pass.Pkg {
			return nil
		}
		fn = fn.Origin()
		cur, ok := c.decls[fn]
		if !ok {
			return nil
		}
		fnCur = cur
		sig = fn.Signature()
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			if s := c.info.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
				i-- // T.m(recv, args...)
			}
		}
	}
	if sig == nil || i < 0 || i >= sig.Params().Len() || (sig.Variadic() && i == sig.Params().Len()-1) {
		return nil
	}
	param := sig.Params().At(i)
	key := sumKey{fnCur.Node(), i}
	if s, ok := c.sums[key]; ok {
		if s == nil {
			return &summary{unknown: true} // recursion
		}
		return s
	}
	c.sums[key] = nil
	s := c.summarize(fnCur, chans.UsesOf(c.info, fnCur, param), depth)
	c.sums[key] = s
	return s
}
