package lockedsend

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/facts"
	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/internal/flow"
	"github.com/bplint/bplint/analyzers/internal/report"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

//go:embed doc.go
var doc string

// The rules of the analyzer.
var (
	ruleSend = report.Rule{Analyzer: "lockedsend", Name: "send-under-lock",
		Summary: "A blocking channel send while a mutex is held makes every goroutine that needs the mutex wait for the receiver."}
	ruleRecv = report.Rule{Analyzer: "lockedsend", Name: "recv-under-lock",
		Summary: "A blocking channel receive while a mutex is held makes every goroutine that needs the mutex wait for the sender."}
	ruleCall = report.Rule{Analyzer: "lockedsend", Name: "call-under-lock",
		Summary: "A call to a function that may block on a channel while a mutex is held stalls every goroutine that needs the mutex."}
	ruleWait = report.Rule{Analyzer: "lockedsend", Name: "wait-under-lock",
		Summary: "Waiting for goroutines that lock a mutex while holding it deadlocks."}
)

// Rules lists the checks of the analyzer; their IDs are the diagnostic
// categories and the names accepted by //bplint:ignore.
var Rules = []report.Rule{
	ruleSend,
	ruleRecv,
	ruleCall,
	ruleWait,
	report.DirectiveRule("lockedsend"),
}

// Options configures the analyzer.
type Options struct {
	// Depth is how many calls call-under-lock follows from a call made
	// under a lock to the channel operation that may block: 1 reports
	// calls of functions whose own body blocks on a channel, 2 also
	// functions that call those, and so on. 0 disables the rule.
	Depth int
	// Bounded also reports selects that a context or a timer case can
	// end: they bound the wait of the goroutine holding the mutex, but
	// the others still wait as long.
	Bounded bool
	// CrossPackage follows calls into other packages, through facts
	// that say which of their functions may block on a channel.
	// Without it, call-under-lock sees only the package's own functions.
	CrossPackage bool
	// ShutdownWaits also reports waits for another goroutine to answer
	// or finish (a receive of one value, a receive-only select, a stop
	// or request handshake, and calls that block only that way) when
	// nothing shows that the other goroutine needs the mutex: a
	// shutdown that waits for a worker under the lock, say. Without it
	// they are reported only when the other side locks the mutex too.
	ShutdownWaits bool
}

// DefaultOptions returns the options the bplint command starts from.
func DefaultOptions() Options { return Options{Depth: 1, CrossPackage: true} }

// Analyzer reports blocking channel operations, calls that may block on
// a channel, and waits for goroutines, made while a mutex is held.
// Its flags configure it; New makes independent instances.
var Analyzer = New(DefaultOptions())

// New returns an analyzer configured by opts. Each analyzer owns its
// options: flags set on one never change another.
func New(opts Options) *analysis.Analyzer {
	o := opts
	a := &analysis.Analyzer{
		Name:     "lockedsend",
		Doc:      report.ExtractDoc(doc, "lockedsend"),
		URL:      report.AnalyzerURL("lockedsend"),
		Requires: []*analysis.Analyzer{fileinspect.Analyzer},
		Run:      func(pass *analysis.Pass) (any, error) { return run(pass, &o) },
	}
	facts.Declare(a, &o.CrossPackage, new(mayBlock))
	a.Flags.IntVar(&o.Depth, "depth", o.Depth,
		"calls followed from a call made under a lock to a channel operation that may block (call-under-lock); 0 disables the rule")
	a.Flags.BoolVar(&o.Bounded, "bounded", o.Bounded,
		"also report selects under a lock that a context or timer case can end")
	a.Flags.BoolVar(&o.ShutdownWaits, "shutdown-waits", o.ShutdownWaits,
		"also report waits under a lock for another goroutine to answer or finish (receives, stop handshakes) when that goroutine does not lock the mutex")
	return a
}

// mayBlock is the fact that a function may block on a channel
// operation: its body sends, receives, ranges over a channel or waits
// in a select that nothing but a channel operation can end, or it calls
// a function that may block, Depth calls down.
type mayBlock struct {
	Depth int    // calls between the function and the operation
	Op    string // the operation: "sends on s.out"
	Pos   string // where it is: "queue.go:42"
	Via   string // the function called, when Depth > 0: "Queue.flush"
	// Param, when not 0, is the 1-based index of the parameter whose
	// channel every blocking operation uses: a call that passes nil
	// there does not block (the function checks for nil).
	Param int
	// Wait is set when the function blocks only to wait for another
	// goroutine to answer or finish (it receives one value, or hands
	// over a reply channel), never to hand values to a consumer.
	Wait bool
}

func (*mayBlock) AFact() {}

func (f *mayBlock) String() string {
	param := ""
	if f.Param > 0 {
		param = fmt.Sprintf(" unless param %d is nil", f.Param)
	}
	wait := ""
	if f.Wait {
		wait = "wait: "
	}
	if f.Depth == 0 {
		return fmt.Sprintf("mayBlock(%s%s at %s%s)", wait, f.Op, f.Pos, param)
	}
	return fmt.Sprintf("mayBlock(%sdepth %d via %s: %s at %s%s)", wait, f.Depth, f.Via, f.Op, f.Pos, param)
}

// better reports whether f says more about a call under a mutex than g:
// a function that may block on a consumer beats one that only waits for
// an answer, and then fewer calls between win.
func (f *mayBlock) better(g *mayBlock) bool {
	if g == nil || f.Wait != g.Wait {
		return g == nil || !f.Wait
	}
	return f.Depth < g.Depth
}

// why says why a function with this fact may block, completing
// "F may block: ...".
func (f *mayBlock) why() string {
	switch f.Depth {
	case 0:
		return fmt.Sprintf("it %s (%s)", f.Op, f.Pos)
	case 1:
		return fmt.Sprintf("it calls %s, which %s (%s)", f.Via, f.Op, f.Pos)
	}
	return fmt.Sprintf("it calls %s, which in turn %s (%s)", f.Via, f.Op, f.Pos)
}

// opKind is the kind of a channel operation.
type opKind int

const (
	opSend   opKind = iota // ch <- v
	opRecv                 // <-ch
	opRange                // for range ch
	opSelect               // select { ... }
)

// A chanOp is a channel operation that may block, outside any select
// case (the select itself is the operation then).
type chanOp struct {
	kind opKind
	node ast.Node // *ast.SendStmt, *ast.UnaryExpr, *ast.RangeStmt, *ast.SelectStmt
	cur  inspector.Cursor
}

// A fnInfo is what one function body does with mutexes, channels and
// goroutines.
type fnInfo struct {
	cur   inspector.Cursor // *ast.FuncDecl or *ast.FuncLit
	body  *ast.BlockStmt
	obj   *types.Func // declared function; nil for literals
	outer *fnInfo     // the outermost function enclosing a literal (itself for declarations)

	lockStmts []*ast.ExprStmt // mu.Lock(), mu.Unlock() statements
	deferred  []*ast.CallExpr // defer mu.Unlock()
	ops       []*chanOp
	// calls are the calls not in go or defer statements that may be
	// static; statics keeps those that are, and finds their callees.
	calls    []*ast.CallExpr
	callees  []*types.Func // the origin of the callee of each call, once resolved
	resolved bool
	waits    []*ast.CallExpr // wg.Wait(), g.Wait()
	dones    []path          // receivers of wg.Done()
	adds     []path          // receivers of wg.Add()
	closes   []*ast.CallExpr // close(ch)
	// deferredCloses are the closes of defer statements: defer close(ch).
	deferredCloses map[*ast.CallExpr]bool
	locked         []lockedAt // mutexes locked, for wait-under-lock

	flow     *lockFlow
	flowErr  bool
	block    *mayBlock   // how a declared function may block, or nil
	blockOps []blockedOp // the operations of its own body that may block
	// summarized is set once block and blockOps hold the operations of
	// the function's own body (see summary).
	summarized bool
	locals     []*chans.Local
	localsOK   bool
}

// A blockedOp is a channel operation of a function that may block.
type blockedOp struct {
	op   *chanOp
	send bool // it waits for a receiver (a send, or a select with a send case)
}

// lockedAt is one Lock or RLock call: the mutex path and where.
type lockedAt struct {
	p    path
	pos  token.Pos
	read bool // RLock
}

// A spawn is a goroutine start: go f(...), go func(){...}(), x.Go(f).
type spawn struct {
	at    ast.Node      // the go statement or the x.Go call
	call  *ast.CallExpr // the call started by go, or nil for x.Go(f)
	fn    ast.Node      // *ast.FuncLit started, or nil
	obj   *types.Func   // named function started, or nil
	group path          // x of x.Go(f)
}

type state struct {
	pass   *analysis.Pass
	in     *fileinspect.Package
	info   *types.Info
	opts   *Options
	r      *report.Reporter
	graphs *flow.Graphs
	ids    interner

	fns    []*fnInfo
	byObj  map[*types.Func]*fnInfo
	byLit  map[*ast.FuncLit]*fnInfo
	byNode map[ast.Node]*fnInfo // by *ast.FuncDecl or *ast.FuncLit
	spawns []*spawn
	prov   *chans.Provenance
	// counted proves sends counted against the capacity (fetch
	// loops), made on first use.
	counted *chans.Counter

	pending []*pending
	handoff map[*fnInfo]map[string]bool // see handoffs
	tokens  map[*types.Var]bool         // see tokenChan
	sides   map[*types.Var]*sides       // channel fields: who sends and receives, lazily
	// callers lists the calls of each declared function of the
	// package, by the functions that make them, lazily (see calls).
	callers map[*types.Func][]callRef

	closers  map[*types.Var][]*fnInfo               // who closes each channel field (not in tests), lazily
	free     map[*fnInfo]*freeEntry                 // see lockFree, lazily
	lockSets map[*fnInfo]map[types.Object]token.Pos // for wait-under-lock, lazily
	stable   map[*types.Var]bool                    // fields safe to read after unlocking, lazily
	defs     map[*types.Var]ast.Node                // definitions of local variables, lazily
	bodies   []*ast.BlockStmt                       // bodies of the outermost functions, by position, lazily
	fnSends  map[fieldFn]int                        // see funcSends, lazily
	// senderSets lists who may send on a channel field, for
	// setupRoom, lazily.
	senderSets map[*types.Var]*senderSet
}

var filter = []ast.Node{
	(*ast.FuncDecl)(nil),
	(*ast.FuncLit)(nil),
	(*ast.SendStmt)(nil),
	(*ast.UnaryExpr)(nil),
	(*ast.RangeStmt)(nil),
	(*ast.SelectStmt)(nil),
	(*ast.CallExpr)(nil),
	(*ast.AssignStmt)(nil),
	(*ast.ValueSpec)(nil),
	(*ast.CompositeLit)(nil),
	(*ast.ReturnStmt)(nil),
}

func run(pass *analysis.Pass, opts *Options) (any, error) {
	if !facts.Enabled(pass) && !callsLock(pass.TypesInfo) {
		// Nothing is ever held, and no fact to export; the
		// suppression comments are still checked.
		report.New(pass, Rules).Finish()
		return nil, nil
	}
	if facts.Only(pass) {
		switch {
		case opts.Depth < 1:
			return nil, nil // no fact is ever exported
		case opts.Depth == 1:
			if !exportedOps(pass) {
				return nil, nil // no function other packages can call blocks in its body
			}
		case !mayBlockAnywhere(pass):
			return nil, nil // no function can block: no fact to export
		}
	}
	in := fileinspect.Of(pass)
	r := report.New(pass, Rules)
	defer r.Finish()
	st := &state{
		pass:   pass,
		in:     in,
		info:   pass.TypesInfo,
		opts:   opts,
		r:      r,
		graphs: flow.New(pass.TypesInfo),
		ids:    make(interner),
		byObj:  make(map[*types.Func]*fnInfo),
		byLit:  make(map[*ast.FuncLit]*fnInfo),
		byNode: make(map[ast.Node]*fnInfo),
		prov:   chans.NewProvenance(pass.Fset, pass.TypesInfo, pass.Pkg, pass.Files),
	}
	for _, fileCur := range report.SourceFiles(pass, in) {
		st.collect(fileCur)
	}
	st.summarize()
	if facts.Only(pass) {
		return nil, nil // the facts are out; nobody reads the findings
	}
	for _, fn := range st.fns {
		if len(fn.lockStmts) > 0 {
			st.check(fn)
		}
	}
	st.flush()
	return nil, nil
}

// mayBlockAnywhere reports whether a function of the package might
// block on a channel: the package has an expression of channel type
// (every channel operation has one), or it uses a function of another
// package that may block. Without either, no function gets a fact,
// which a dependency analyzed for its facts only can tell without
// walking a file (most of the standard library under go vet). An empty
// select{} has no channel expression: the one operation this misses.
func mayBlockAnywhere(pass *analysis.Pass) bool {
	for _, tv := range pass.TypesInfo.Types {
		if tv.Type == nil {
			continue
		}
		if _, ok := tv.Type.(*types.TypeParam); ok || chans.Of(tv.Type) != nil {
			return true // a type parameter may be a channel
		}
	}
	var f mayBlock
	for _, obj := range pass.TypesInfo.Uses {
		if fn, ok := obj.(*types.Func); ok && fn.Pkg() != nil && fn.Pkg() != pass.Pkg && pass.ImportObjectFact(fn.Origin(), &f) {
			return true
		}
	}
	return false
}

// exportedOps reports whether the body of a function that other
// packages can call (see callable) has a channel operation of its own,
// outside the function literals it holds: with calls followed one deep,
// only those operations make facts. It looks at no other function, and
// builds no inspector.
func exportedOps(pass *analysis.Pass) bool {
	chanOp := func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SendStmt, *ast.SelectStmt:
			return true
		case *ast.UnaryExpr:
			return n.Op == token.ARROW
		case *ast.RangeStmt:
			return chans.Of(pass.TypesInfo.TypeOf(n.X)) != nil
		}
		return false
	}
	for _, f := range pass.Files {
		if report.Generated(pass.Fset, f) {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && fd.Name.IsExported() {
				if scope.AnyOutsideLiterals(fd.Body, chanOp) {
					return true
				}
			}
		}
	}
	return false
}

// callable reports whether another package can call the declared
// function fn, and so read its fact: its name is exported (a method of
// an unexported type too, through a value of the type).
func callable(fn *fnInfo) bool { return fn.obj != nil && fn.obj.Exported() }

// exportedOnly reports whether the pass exports only the facts that
// other packages can read, and computes nothing else: a pass for facts
// only, with calls followed one deep (a fact then rests on the
// function's own body alone, so unexported functions need none).
func (st *state) exportedOnly() bool {
	return facts.Only(st.pass) && st.opts.Depth == 1
}

// callsLock reports whether the package calls a method named Lock or
// RLock on anything: every rule needs a lock held. A look at the
// selections is much cheaper than the walk it saves.
func callsLock(info *types.Info) bool {
	for sel, s := range info.Selections {
		if s.Kind() != types.FieldVal && (sel.Sel.Name == "Lock" || sel.Sel.Name == "RLock") {
			return true
		}
	}
	return false
}

// collect records the functions of one file in a single walk.
func (st *state) collect(fileCur inspector.Cursor) {
	info := st.info
	var stack []*fnInfo
	for c := range fileCur.Preorder(filter...) {
		n := c.Node()
		st.prov.Record(n)
		for len(stack) > 0 && n.Pos() >= stack[len(stack)-1].cur.Node().End() {
			stack = stack[:len(stack)-1]
		}
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body == nil {
				continue
			}
			fn := &fnInfo{cur: c, body: n.Body}
			fn.outer = fn
			if obj, ok := info.Defs[n.Name].(*types.Func); ok {
				fn.obj = obj
				st.byObj[obj] = fn
			}
			st.byNode[n] = fn
			st.fns = append(st.fns, fn)
			stack = append(stack, fn)
			continue
		case *ast.FuncLit:
			fn := &fnInfo{cur: c, body: n.Body}
			fn.outer = fn
			if len(stack) > 0 {
				fn.outer = stack[0]
			}
			st.byLit[n] = fn
			st.byNode[n] = fn
			st.fns = append(st.fns, fn)
			stack = append(stack, fn)
			continue
		}
		if len(stack) == 0 {
			continue // package-level initializers
		}
		fn := stack[len(stack)-1]
		switch n := n.(type) {
		case *ast.SendStmt:
			if c.ParentEdgeKind() != edge.CommClause_Comm {
				fn.ops = append(fn.ops, &chanOp{kind: opSend, node: n, cur: c})
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && !isCommRecv(c) {
				fn.ops = append(fn.ops, &chanOp{kind: opRecv, node: n, cur: c})
			}
		case *ast.RangeStmt:
			if chans.Of(info.TypeOf(n.X)) != nil {
				fn.ops = append(fn.ops, &chanOp{kind: opRange, node: n, cur: c})
			}
		case *ast.SelectStmt:
			fn.ops = append(fn.ops, &chanOp{kind: opSelect, node: n, cur: c})
		case *ast.CallExpr:
			st.collectCall(fn, c, n)
		}
	}
}

// isCommRecv reports whether the receive at c is the communication of
// a select case: the select is the operation then.
func isCommRecv(c inspector.Cursor) bool {
	switch c.ParentEdgeKind() {
	case edge.ExprStmt_X, edge.AssignStmt_Rhs:
		return c.Parent().ParentEdgeKind() == edge.CommClause_Comm
	}
	return false
}

func (st *state) collectCall(fn *fnInfo, c inspector.Cursor, call *ast.CallExpr) {
	info := st.info
	if k := lockCall(info, call); k != notLock {
		switch c.ParentEdgeKind() {
		case edge.ExprStmt_X:
			fn.lockStmts = append(fn.lockStmts, c.Parent().Node().(*ast.ExprStmt))
		case edge.DeferStmt_Call:
			fn.deferred = append(fn.deferred, call)
		}
		if k == lockW || k == lockR {
			if p, _ := methodRecvPath(info, call); p != nil {
				fn.locked = append(fn.locked, lockedAt{p, call.Pos(), k == lockR})
			}
		}
		return
	}
	if c.ParentEdgeKind() == edge.GoStmt_Call {
		if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
			st.spawns = append(st.spawns, &spawn{at: c.Parent().Node(), call: call, fn: lit})
			return
		}
	}
	if len(call.Args) == 1 && calls.IsBuiltin(info, call, "close") {
		fn.closes = append(fn.closes, call)
		if c.ParentEdgeKind() == edge.DeferStmt_Call {
			if fn.deferredCloses == nil {
				fn.deferredCloses = make(map[*ast.CallExpr]bool)
			}
			fn.deferredCloses[call] = true
		}
		return
	}
	if name := calls.CalledName(call.Fun); name != "Wait" && name != "Done" && name != "Add" && name != "Go" {
		// Only a go statement needs the callee of this call now
		// (see statics).
		switch c.ParentEdgeKind() {
		case edge.GoStmt_Call:
		case edge.DeferStmt_Call:
			return
		default:
			fn.calls = append(fn.calls, call)
			return
		}
	}
	callee := calls.Callee(info, call)
	if callee == nil {
		return
	}
	switch {
	case isWait(callee):
		if c.ParentEdgeKind() != edge.GoStmt_Call && c.ParentEdgeKind() != edge.DeferStmt_Call {
			fn.waits = append(fn.waits, call)
		}
		return
	case calls.IsMethod(callee, "sync", "WaitGroup", "Done"):
		if p, _ := methodRecvPath(info, call); p != nil {
			fn.dones = append(fn.dones, p)
		}
		return
	case calls.IsMethod(callee, "sync", "WaitGroup", "Add"):
		if p, _ := methodRecvPath(info, call); p != nil {
			fn.adds = append(fn.adds, p)
		}
	case isGoMethod(info, callee, call):
		p, _ := methodRecvPath(info, call)
		sp := &spawn{at: call, group: p}
		switch f := ast.Unparen(call.Args[0]).(type) {
		case *ast.FuncLit:
			sp.fn = f
		default:
			if obj, ok := st.funcObj(f); ok {
				sp.obj = obj
			}
		}
		st.spawns = append(st.spawns, sp)
		return
	}
	switch c.ParentEdgeKind() {
	case edge.GoStmt_Call:
		st.spawns = append(st.spawns, &spawn{at: c.Parent().Node(), call: call, obj: callee.Origin()})
		return
	case edge.DeferStmt_Call:
		return
	}
	fn.calls = append(fn.calls, call)
}

// statics returns fn, its calls resolved on first use: fn.calls then
// holds only the static calls (not in go or defer statements), and
// fn.callees the origin of the function each calls. Most functions
// are never asked, and a look-up of a callee is a look-up in the
// package's largest map.
func (st *state) statics(fn *fnInfo) *fnInfo {
	if !fn.resolved {
		fn.resolved = true
		fn.callees = make([]*types.Func, 0, len(fn.calls))
		kept := fn.calls[:0]
		for _, call := range fn.calls {
			if callee := calls.Callee(st.info, call); callee != nil {
				kept = append(kept, call)
				fn.callees = append(fn.callees, callee.Origin())
			}
		}
		clear(fn.calls[len(kept):])
		fn.calls = kept
	}
	return fn
}

// funcObj returns the function a function-valued expression names.
func (st *state) funcObj(e ast.Expr) (*types.Func, bool) {
	var id *ast.Ident
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	default:
		return nil, false
	}
	fn, ok := st.info.Uses[id].(*types.Func)
	if !ok {
		return nil, false
	}
	return fn.Origin(), true
}

// isWait reports whether fn waits for a group of goroutines.
func isWait(fn *types.Func) bool {
	return calls.IsMethod(fn, "sync", "WaitGroup", "Wait") ||
		calls.IsMethod(fn, "golang.org/x/sync/errgroup", "Group", "Wait")
}

// isGoMethod reports whether call is x.Go(f), starting f in a goroutine
// of a group (sync.WaitGroup.Go, errgroup.Group.Go, and look-alikes).
func isGoMethod(info *types.Info, fn *types.Func, call *ast.CallExpr) bool {
	if fn.Name() != "Go" || fn.Signature().Recv() == nil || len(call.Args) != 1 {
		return false
	}
	t := info.TypeOf(call.Args[0])
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Signature)
	return ok
}

// flowOf returns the solved lock dataflow of fn, building its graph.
func (st *state) flowOf(fn *fnInfo) *lockFlow {
	if fn.flow != nil || fn.flowErr {
		return fn.flow
	}
	lf := &lockFlow{g: st.graphs.Of(fn.body), effects: make(map[ast.Node][]lockEffect)}
	bits := make(map[string]int)
	for _, es := range fn.lockStmts {
		call := es.X.(*ast.CallExpr)
		k := lockCall(st.info, call)
		p, x := methodRecvPath(st.info, call)
		if p == nil {
			continue
		}
		read := k == lockR || k == unlockR
		key := st.ids.key(p, read)
		bit, ok := bits[key]
		if !ok {
			if len(lf.sites) == 64 {
				continue
			}
			bit = len(lf.sites)
			bits[key] = bit
			lf.sites = append(lf.sites, &lockSite{key: key, p: p, text: exprText(st.pass.Fset, x), read: read})
		}
		site := lf.sites[bit]
		lock := k == lockW || k == lockR
		if lock {
			site.locks = append(site.locks, call.Pos())
		}
		lf.effects[es] = append(lf.effects[es], lockEffect{bit: bit, lock: lock})
	}
	if len(lf.sites) == 0 {
		fn.flowErr = true
		return nil
	}
	lf.solve()
	fn.flow = lf
	return lf
}

// stateAt returns the lock state at the operation or call n of fn.
// Functions that lock nothing hold nothing.
func (st *state) stateAt(fn *fnInfo, n ast.Node) (lockState, *lockFlow, bool) {
	if len(fn.lockStmts) == 0 {
		return lockState{}, nil, true
	}
	lf := st.flowOf(fn)
	if lf == nil {
		return lockState{}, nil, true
	}
	var s lockState
	var ok bool
	switch n := n.(type) {
	case *ast.RangeStmt:
		s, ok = lf.atRange(n)
	case *ast.SelectStmt:
		// The communications are evaluated before the select blocks,
		// in the block that precedes it.
		if len(n.Body.List) == 0 {
			return lockState{}, lf, false
		}
		for _, cc := range n.Body.List {
			if comm := cc.(*ast.CommClause).Comm; comm != nil {
				s, ok = lf.at(comm)
				break
			}
		}
		if !ok {
			return lockState{}, lf, false
		}
	default:
		s, ok = lf.at(n)
	}
	return s, lf, ok
}

// summarize computes how each declared function may block, within the
// package by fixed point and across packages by facts, and exports
// the facts.
func (st *state) summarize() {
	maxDepth := st.opts.Depth - 1
	if maxDepth < 0 {
		return
	}
	if st.lazySummaries() {
		return // summary computes what a call under a lock asks for
	}
	if st.exportedOnly() {
		for _, fn := range st.fns {
			if callable(fn) && st.summary(fn) != nil {
				st.pass.ExportObjectFact(fn.obj, fn.block)
			}
		}
		return
	}
	for _, fn := range st.fns {
		st.summary(fn)
	}
	for changed := maxDepth > 0; changed; {
		changed = false
		for _, fn := range st.fns {
			if fn.obj == nil || (fn.block != nil && fn.block.Depth == 0 && !fn.block.Wait) {
				continue
			}
			for _, call := range st.statics(fn).calls {
				f := st.calleeBlocks(call)
				if f == nil || f.Depth+1 > maxDepth || passesNil(st.info, call, f) {
					continue
				}
				if s, _, ok := st.stateAt(fn, call); !ok || s.released != 0 {
					continue
				}
				param := 0
				if f.Param > 0 && f.Param <= len(call.Args) {
					param = st.paramOf(fn, call.Args[f.Param-1])
				}
				g := &mayBlock{Depth: f.Depth + 1, Op: f.Op, Pos: f.Pos, Via: funcName(calls.Callee(st.info, call)), Param: param, Wait: f.Wait}
				switch {
				case g.better(fn.block):
					if fn.block != nil && fn.block.Param != param {
						g.Param = 0
					}
					fn.block = g
					changed = true
				case fn.block.Param != 0 && fn.block.Param != param:
					fn.block.Param = 0
					changed = true
				}
			}
		}
	}
	if !facts.Enabled(st.pass) {
		return
	}
	for _, fn := range st.fns {
		if fn.obj != nil && fn.block != nil {
			st.pass.ExportObjectFact(fn.obj, fn.block)
		}
	}
}

// lazySummaries reports whether summaries are computed on demand: with
// no fact to export and calls followed one deep, only the functions
// called under a lock need one (most functions of a large package are
// never asked about).
func (st *state) lazySummaries() bool {
	return !facts.Enabled(st.pass) && st.opts.Depth == 1
}

// summary returns fn's block, having recorded, the first time, the
// operations of its own body that may block (block then says how the
// body blocks, at depth 0; summarize adds what its calls do).
func (st *state) summary(fn *fnInfo) *mayBlock {
	if fn.summarized || fn.obj == nil {
		return fn.block
	}
	fn.summarized = true
	if st.opts.Depth < 1 {
		return nil
	}
	param := -1 // the parameter every blocking operation uses
	for _, op := range fn.ops {
		if s, _, ok := st.stateAt(fn, op.node); !ok || s.released != 0 {
			continue // dead code, or after releasing the caller's lock
		}
		desc, rule, blocks := st.blocking(fn, op, true)
		if !blocks || st.guardedUnder(fn, op) {
			continue
		}
		fn.blockOps = append(fn.blockOps, blockedOp{op, rule == ruleSend})
		p := st.paramOf(fn, opChan(op))
		if p > 0 && !nilGuarded(op.cur, opChan(op)) {
			p = 0 // a nil channel would block forever
		}
		if param < 0 {
			param = p
		} else if param != p {
			param = 0
		}
		f := &mayBlock{Op: desc, Pos: st.shortPos(op.node.Pos()), Wait: st.waits(op)}
		if f.better(fn.block) {
			fn.block = f
		}
		if !fn.block.Wait && param == 0 {
			break // nothing later changes the fact
		}
	}
	if fn.block != nil {
		fn.block.Param = param
	}
	return fn.block
}

// waits reports whether a blocking operation waits for another
// goroutine to answer or finish rather than for a consumer to take a
// value: a receive of one value, a select that only receives, a send of
// a channel (a stop or request handshake: the receiver answers on the
// channel sent), or the answer to a request received from a channel
// (errc := <-d.quit; errc <- err, res := <-resCh; res.Done <- nil): the
// requester waits for it. Sends of values, and ranges over a channel,
// tie the mutex to a stream of values.
func (st *state) waits(op *chanOp) bool {
	switch n := op.node.(type) {
	case *ast.SendStmt:
		return handshake(st.info, n.Chan) || st.answer(n.Chan)
	case *ast.UnaryExpr:
		return true
	case *ast.SelectStmt:
		for _, s := range n.Body.List {
			if send, ok := s.(*ast.CommClause).Comm.(*ast.SendStmt); ok {
				return handshake(st.info, send.Chan) || st.answer(send.Chan)
			}
		}
		return true
	}
	return false
}

// answer reports whether the channel ch comes with a request the
// function received from a channel: a variable defined by a receive, or
// by a range over a channel, or a field of one.
func (st *state) answer(ch ast.Expr) bool {
	e := ast.Unparen(ch)
	if sel, ok := e.(*ast.SelectorExpr); ok && chans.Field(st.info, sel) != nil {
		e = sel.X
	}
	v := st.varOf(e)
	if v == nil {
		return false
	}
	switch def := st.definition(v).(type) {
	case *ast.AssignStmt:
		if len(def.Rhs) != 1 {
			return false
		}
		u, ok := ast.Unparen(def.Rhs[0]).(*ast.UnaryExpr)
		return ok && u.Op == token.ARROW && len(def.Lhs) > 0 && st.info.Defs[identOf(def.Lhs[0])] == v
	case *ast.RangeStmt:
		return chans.Of(st.info.TypeOf(def.X)) != nil
	}
	return false
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}

// handshake reports whether ch carries channels, or requests that carry
// one (a struct, or a pointer to one, with a channel field): what is
// sent is where the receiver answers.
func handshake(info *types.Info, ch ast.Expr) bool {
	c := chans.Of(info.TypeOf(ch))
	if c == nil {
		return false
	}
	if chans.Of(c.Elem()) != nil {
		return true
	}
	elem := c.Elem()
	if p, ok := types.Unalias(elem).(*types.Pointer); ok {
		elem = p.Elem()
	}
	if st, ok := elem.Underlying().(*types.Struct); ok {
		for f := range st.Fields() {
			// A receive-only field (a cancel signal) is no way to
			// answer.
			if c := chans.Of(f.Type()); c != nil && c.Dir() != types.RecvOnly {
				return true
			}
		}
	}
	return false
}

// allSelfContained reports whether every channel a select waits on is
// shared only with the function's own goroutines.
func (st *state) allSelfContained(fn *fnInfo, sel *ast.SelectStmt) bool {
	n := 0
	for _, s := range sel.Body.List {
		cc := s.(*ast.CommClause)
		var ch ast.Expr
		switch c := cc.Comm.(type) {
		case nil:
			continue
		case *ast.SendStmt:
			ch = c.Chan
		default:
			ch = chans.RecvChan(c)
		}
		if ch == nil || !st.selfContained(fn, ch) {
			return false
		}
		n++
	}
	return n > 0
}

// opChan returns the channel a send, receive or range works on, or nil.
func opChan(op *chanOp) ast.Expr {
	switch n := op.node.(type) {
	case *ast.SendStmt:
		return n.Chan
	case *ast.UnaryExpr:
		return n.X
	case *ast.RangeStmt:
		return n.X
	}
	return nil
}

// paramOf returns the 1-based index of the parameter of the declared
// function fn that e denotes, or 0.
func (st *state) paramOf(fn *fnInfo, e ast.Expr) int {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok || fn.obj == nil {
		return 0
	}
	v := st.info.Uses[id]
	params := fn.obj.Signature().Params()
	for i := range params.Len() {
		if params.At(i) == v {
			return i + 1
		}
	}
	return 0
}

// nilGuarded reports whether the operation at c only runs when the
// channel ch is not nil: inside `if ch != nil { ... }`.
func nilGuarded(c inspector.Cursor, ch ast.Expr) bool {
	want := types.ExprString(ch) + " != nil"
	return inIfBody(c, func(cond ast.Expr) bool { return strings.Contains(types.ExprString(cond), want) })
}

// passesNil reports whether call passes nil for the channel parameter
// that the callee blocks on.
func passesNil(info *types.Info, call *ast.CallExpr, f *mayBlock) bool {
	return f.Param > 0 && f.Param <= len(call.Args) && isNil(info, call.Args[f.Param-1])
}

// calleeBlocks returns how the function a call statically calls may
// block, or nil.
func (st *state) calleeBlocks(call *ast.CallExpr) *mayBlock {
	callee := calls.Callee(st.info, call)
	if callee == nil {
		return nil
	}
	callee = callee.Origin()
	if callee.Pkg() == st.pass.Pkg {
		if fn := st.byObj[callee]; fn != nil {
			return st.summary(fn)
		}
		return nil
	}
	f := new(mayBlock)
	if facts.Enabled(st.pass) && st.pass.ImportObjectFact(callee, f) {
		return f
	}
	return nil
}

// check reports the blocking operations, calls and waits of fn made
// while it holds a mutex. Operations and calls are kept pending until
// every function is checked (see flush).
func (st *state) check(fn *fnInfo) {
	for _, op := range fn.ops {
		s, lf, ok := st.stateAt(fn, op.node)
		if !ok || s.held == 0 {
			continue
		}
		desc, rule, blocks := st.blocking(fn, op, false)
		if !blocks {
			continue
		}
		send := rule == ruleSend
		p := &pending{fn: fn, lf: lf, s: s, pos: op.node.Pos(), wait: st.waits(op),
			side: func(site *lockSite) *evidence { return st.otherSide(fn, op, send, site) },
			emit: func(site *lockSite, ev *evidence) { st.reportOp(fn, op, lf, s, site, desc, rule, ev) }}
		if sel, ok := op.node.(*ast.SelectStmt); ok && st.allSelfContained(fn, sel) ||
			!ok && st.selfContained(fn, opChan(op)) {
			// Waiting for the function's own goroutines: only a
			// problem when they need the mutex.
			p.needSide = true
		}
		if sel, ok := op.node.(*ast.SelectStmt); ok && send {
			p.exempt = func(site *lockSite) bool { return st.closedFirst(sel, site) }
		}
		if u, ok := op.node.(*ast.UnaryExpr); ok {
			p.exempt = func(site *lockSite) bool { return st.stateGuarded(fn, op, u, site) }
		}
		st.pending = append(st.pending, p)
	}
	if st.opts.Depth > 0 {
		for _, call := range st.statics(fn).calls {
			s, lf, ok := st.stateAt(fn, call)
			if !ok || s.held == 0 {
				continue
			}
			f := st.calleeBlocks(call)
			if f == nil || f.Depth > st.opts.Depth-1 || passesNil(st.info, call, f) || st.setupRoom(fn, call) {
				continue
			}
			st.pending = append(st.pending, &pending{fn: fn, lf: lf, s: s, pos: call.Pos(), wait: f.Wait,
				side: func(site *lockSite) *evidence { return st.calleeSide(call, site) },
				emit: func(site *lockSite, ev *evidence) { st.reportCall(call, site, f, ev) }})
		}
	}
	for _, call := range fn.waits {
		s, lf, ok := st.stateAt(fn, call)
		if !ok || s.held == 0 {
			continue
		}
		st.checkWait(fn, call, lf, s)
	}
}

// calleeSide returns the deadlock evidence for a call of a function of
// the package whose own body may block: the other side of one of its
// blocking operations locks the mutex of site.
func (st *state) calleeSide(call *ast.CallExpr, site *lockSite) *evidence {
	callee := calls.Callee(st.info, call)
	if callee == nil {
		return nil
	}
	g := st.byObj[callee.Origin()]
	if g == nil {
		return nil
	}
	st.summary(g)
	for _, b := range g.blockOps {
		if ev := st.otherSide(g, b.op, b.send, site); ev != nil {
			return ev
		}
	}
	return nil
}

func (st *state) reportCall(call *ast.CallExpr, site *lockSite, f *mayBlock, ev *evidence) {
	name := exprText(st.pass.Fset, call.Fun)
	mu := site.text
	deadlock := fmt.Sprintf("every goroutine that needs %s waits as long, and deadlocks if the other side of the channel needs %[1]s", mu)
	related := st.related(site, call.Pos())
	if ev != nil {
		deadlock = fmt.Sprintf("every goroutine that needs %[1]s waits as long, and %[2]s, which %[3]s, locks %[1]s too (%[4]s): they can deadlock",
			mu, ev.side.who, ev.side.what, st.shortPos(ev.lock))
		related = append(related, ev.related(mu)...)
	}
	st.r.Report(ruleCall, analysis.Diagnostic{
		Pos: call.Pos(),
		End: call.End(),
		Message: fmt.Sprintf("call to %s while %s is locked (line %d): %s may block on a channel: %s; %s; call it after unlocking",
			name, mu, st.line(site.lockBefore(call.Pos())), name, f.why(), deadlock),
		Related: related,
	})
}

// handoffs returns, for each declared function, the mutexes that a
// function literal in it unlocks without locking them, when that
// literal runs concurrently or later (a goroutine, a callback): the
// mutex is handed off to another goroutine, and whether it is still
// held at a point of the function is not a question of its paths.
func (st *state) handoffs() map[*fnInfo]map[string]bool {
	if st.handoff != nil {
		return st.handoff
	}
	out := make(map[*fnInfo]map[string]bool)
	st.handoff = out
	for _, fn := range st.fns {
		if _, ok := fn.cur.Node().(*ast.FuncLit); !ok || fn.outer == fn || len(fn.lockStmts) == 0 {
			continue
		}
		if fn.cur.ParentEdgeKind() == edge.CallExpr_Fun {
			if k := fn.cur.Parent().ParentEdgeKind(); k != edge.GoStmt_Call {
				continue // called in place, or deferred
			}
		}
		locked := make(map[string]bool)
		var unlocked []string
		for _, es := range fn.lockStmts {
			call := es.X.(*ast.CallExpr)
			p, _ := methodRecvPath(st.info, call)
			if p == nil {
				continue
			}
			switch k := lockCall(st.info, call); k {
			case lockW, lockR:
				locked[st.ids.key(p, k == lockR)] = true
			case unlockW, unlockR:
				unlocked = append(unlocked, st.ids.key(p, k == unlockR))
			}
		}
		for _, key := range unlocked {
			if !locked[key] {
				if out[fn.outer] == nil {
					out[fn.outer] = make(map[string]bool)
				}
				out[fn.outer][key] = true
			}
		}
	}
	return out
}

// A pending finding waits for the package-wide view of which mutexes
// only serialize blocking operations.
type pending struct {
	fn  *fnInfo
	lf  *lockFlow
	s   lockState
	pos token.Pos
	// wait is set when the operation waits for another goroutine to
	// answer or finish: without -shutdown-waits it is reported only
	// with evidence that the other side needs the mutex.
	wait bool
	// needSide is set when the finding needs that evidence anyway (a
	// channel shared only with the function's own goroutines).
	needSide bool
	// side returns the evidence for the mutex of site, or nil.
	side func(site *lockSite) *evidence
	// exempt, when set, reports mutexes the operation may hold.
	exempt func(site *lockSite) bool
	emit   func(site *lockSite, ev *evidence)
}

// flush reports the pending findings. A mutex that the package locks
// only around operations that block on channels (every function that
// locks it blocks while holding it) exists to serialize those
// operations, as io.Pipe's write mutex serializes writers: making other
// goroutines wait is its purpose, so findings under it alone are
// dropped. Exported mutex fields are excluded: other packages may lock
// them around anything. Waits for another goroutine are counted as
// blocking here even when they are not reported.
func (st *state) flush() {
	blocksUnder := make(map[*fnInfo]map[types.Object]bool)
	for _, p := range st.pending {
		m := blocksUnder[p.fn]
		if m == nil {
			m = make(map[types.Object]bool)
			blocksUnder[p.fn] = m
		}
		for i, site := range p.lf.sites {
			if p.s.held&(1<<i) != 0 {
				m[site.p.last()] = true
			}
		}
	}
	serializing := make(map[types.Object]bool)
	for _, fn := range st.fns {
		for _, l := range fn.locked {
			m := l.p.last()
			if _, seen := serializing[m]; !seen {
				serializing[m] = !m.Exported()
			}
			if !blocksUnder[fn][m] {
				serializing[m] = false
			}
		}
	}
	handoff := st.handoffs()
	for _, p := range st.pending {
		needSide := p.needSide || p.wait && !st.opts.ShutdownWaits
		var best *lockSite
		var bestEv *evidence
		for i, site := range p.lf.sites {
			if p.s.held&(1<<i) == 0 || serializing[site.p.last()] || handoff[p.fn.outer][site.key] {
				continue
			}
			if p.exempt != nil && p.exempt(site) {
				continue
			}
			ev := p.side(site)
			if needSide && ev == nil {
				continue
			}
			// The mutex with evidence, else the one locked last.
			if best == nil || ev != nil && bestEv == nil ||
				(ev != nil) == (bestEv != nil) && site.lockBefore(p.pos) > best.lockBefore(p.pos) {
				best, bestEv = site, ev
			}
		}
		if best != nil {
			p.emit(best, bestEv)
		}
	}
}

// blocking reports whether op blocks until another goroutine acts, and
// describes it ("sends on s.out"). For facts (fact set) a select that a
// context or a timer can end does not count: the function bounds its
// wait.
func (st *state) blocking(fn *fnInfo, op *chanOp, fact bool) (string, report.Rule, bool) {
	fset := st.pass.Fset
	switch n := op.node.(type) {
	case *ast.SendStmt:
		if st.neverBlocks(fn, op, n, fact) {
			return "", report.Rule{}, false
		}
		return "sends on " + exprText(fset, n.Chan), ruleSend, true
	case *ast.UnaryExpr:
		switch chans.RecvKind(st.info, n.X) {
		case chans.Timer:
			return "", report.Rule{}, false // a sleep
		case chans.CtxDone:
			if st.cancelledBefore(fn, op) {
				return "", report.Rule{}, false // already closed
			}
		}
		if st.prov.Role(n.X) == chans.Semaphore || st.tokenChan(n.X) || st.lenGuarded(op.cur, n.X) || fact && st.selfContained(fn, n.X) {
			return "", report.Rule{}, false
		}
		return "receives from " + exprText(fset, n.X), ruleRecv, true
	case *ast.RangeStmt:
		if fact && st.selfContained(fn, n.X) {
			return "", report.Rule{}, false
		}
		return "ranges over " + exprText(fset, n.X), ruleRecv, true
	case *ast.SelectStmt:
		if chans.HasDefault(n) || len(n.Body.List) == 0 {
			return "", report.Rule{}, false
		}
		var send, recv ast.Expr
		timers := 0
		for _, s := range n.Body.List {
			cc := s.(*ast.CommClause)
			switch st.caseKind(cc) {
			case chans.Send:
				if send == nil {
					send = cc.Comm.(*ast.SendStmt).Chan
				}
			case chans.Recv:
				if (fact || !st.opts.Bounded) && st.stopCase(fn, cc) {
					return "", report.Rule{}, false // bounded by a Stop, as by a context
				}
				if recv == nil {
					recv = chans.RecvChan(cc.Comm)
				}
			case chans.Timer:
				timers++
				if fact || !st.opts.Bounded {
					return "", report.Rule{}, false
				}
			case chans.CtxDone:
				if fact || !st.opts.Bounded {
					return "", report.Rule{}, false
				}
				if recv == nil {
					recv = chans.RecvChan(cc.Comm)
				}
			}
		}
		if fact && st.allSelfContained(fn, n) {
			return "", report.Rule{}, false
		}
		switch {
		case send != nil:
			return "waits in a select to send on " + exprText(fset, send), ruleSend, true
		case recv != nil:
			return "waits in a select to receive from " + exprText(fset, recv), ruleRecv, true
		}
	}
	return "", report.Rule{}, false
}

// caseKind classifies a select case as chans.CaseKind does, and also
// takes a receive from a variable that only ever holds a context's Done
// channel, or only a timer's channel, for a context or timer case:
//
//	var done <-chan struct{}
//	if opts.ctx != nil {
//		done = opts.ctx.Done()
//	}
//
// The variable is nil, and its case never ready, when the caller asked
// for no bound; the author bounded the wait when there is one.
func (st *state) caseKind(cc *ast.CommClause) chans.Kind {
	k := chans.CaseKind(st.info, cc)
	if k != chans.Recv {
		return k
	}
	ch := chans.RecvChan(cc.Comm)
	if _, ok := ast.Unparen(ch).(*ast.Ident); !ok || !doneOrTimerType(st.info.TypeOf(ch)) {
		return k // cheap checks first: following values is not
	}
	vals, ok := st.prov.Values(ch)
	if !ok {
		return k
	}
	kind, n := chans.Recv, 0
	for _, v := range vals {
		if isNil(st.info, v.Value) {
			continue
		}
		vk := chans.RecvKind(st.info, v.Value)
		if vk == chans.Recv || n > 0 && vk != kind {
			return k
		}
		kind = vk
		n++
	}
	return kind
}

// doneOrTimerType reports whether t can hold a context's Done channel or
// a timer's: a channel of struct{} or of time.Time.
func doneOrTimerType(t types.Type) bool {
	c := chans.Of(t)
	return c != nil && (chans.IsSignal(c.Elem()) || calls.IsNamed(c.Elem(), "time", "Time"))
}

// shortPos renders pos as "file.go:line" for facts and messages.
func (st *state) shortPos(pos token.Pos) string {
	p := st.pass.Fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}

func (st *state) line(pos token.Pos) int { return st.pass.Fset.Position(pos).Line }

// related points at the Lock call of site that precedes pos.
func (st *state) related(site *lockSite, pos token.Pos) []analysis.RelatedInformation {
	lp := site.lockBefore(pos)
	if !lp.IsValid() {
		return nil
	}
	return []analysis.RelatedInformation{{Pos: lp, Message: site.text + " locked here"}}
}

// funcName names a function for messages: "pkg.F" or "T.M".
func funcName(fn *types.Func) string {
	if fn == nil {
		return "?"
	}
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			return n.Obj().Name() + "." + fn.Name()
		}
		return fn.Name()
	}
	if fn.Pkg() != nil {
		return fn.Pkg().Name() + "." + fn.Name()
	}
	return fn.Name()
}
