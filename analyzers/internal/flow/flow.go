// Package flow answers path questions inside one function with go/cfg.
//
// Graphs are built lazily, only for the functions an analyzer asks
// about, and without facts: a call ends a path when it is known not to
// return (panic, os.Exit, log.Fatal, runtime.Goexit, t.Fatal, ...).
// That keeps bplint from having to analyze every dependency from
// source, as the ctrlflow pass would.
package flow

import (
	"go/ast"
	"go/types"
	"sort"

	"golang.org/x/tools/go/cfg"

	"github.com/bplint/bplint/analyzers/internal/calls"
)

// Graphs builds and caches the control-flow graphs of one pass.
type Graphs struct {
	info   *types.Info
	byBody map[*ast.BlockStmt]*Graph
}

// New returns an empty cache for a pass with the given type information.
func New(info *types.Info) *Graphs {
	return &Graphs{info: info, byBody: make(map[*ast.BlockStmt]*Graph)}
}

// A Graph is the control-flow graph of one function body.
type Graph struct {
	CFG   *cfg.CFG
	nodes []located // every block node, sorted by position
}

type located struct {
	node  ast.Node
	block *cfg.Block
	index int
}

// Of returns the graph of a function body.
func (g *Graphs) Of(body *ast.BlockStmt) *Graph {
	if gr, ok := g.byBody[body]; ok {
		return gr
	}
	c := cfg.New(body, g.mayReturn)
	gr := &Graph{CFG: c}
	for _, b := range c.Blocks {
		for i, n := range b.Nodes {
			gr.nodes = append(gr.nodes, located{n, b, i})
		}
	}
	sort.Slice(gr.nodes, func(i, j int) bool {
		a, b := gr.nodes[i].node, gr.nodes[j].node
		if a.Pos() != b.Pos() {
			return a.Pos() < b.Pos()
		}
		return a.End() > b.End() // enclosing first
	})
	g.byBody[body] = gr
	return gr
}

// mayReturn reports whether a call may return normally.
func (g *Graphs) mayReturn(call *ast.CallExpr) bool {
	if calls.IsBuiltin(g.info, call, "panic") {
		return false
	}
	fn := calls.Callee(g.info, call)
	if fn == nil || fn.Pkg() == nil {
		return true
	}
	switch fn.Pkg().Path() {
	case "os":
		return !calls.IsFunc(fn, "os", "Exit")
	case "runtime":
		return !calls.IsFunc(fn, "runtime", "Goexit")
	case "log":
		switch fn.Name() {
		case "Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln":
			return false
		}
	case "testing":
		switch fn.Name() {
		case "Fatal", "Fatalf", "FailNow", "Skip", "Skipf", "SkipNow":
			return fn.Signature().Recv() == nil
		}
	}
	return true
}

// Block returns the block holding n, and n's index in it, when n is a
// statement or expression the graph records, or lies inside one (then
// the enclosing recorded node's block). It returns nil for nodes of
// nested function literals and for code the graph does not contain.
func (gr *Graph) Block(n ast.Node) (*cfg.Block, int) {
	// The last recorded node that starts at or before n and contains it.
	i := sort.Search(len(gr.nodes), func(i int) bool { return gr.nodes[i].node.Pos() > n.Pos() })
	for i--; i >= 0; i-- {
		l := gr.nodes[i]
		if l.node.Pos() <= n.Pos() && n.End() <= l.node.End() {
			if lit := enclosingLit(l.node, n); lit {
				return nil, 0
			}
			return l.block, l.index
		}
	}
	return nil, 0
}

// enclosingLit reports whether n lies inside a function literal within
// outer: then n does not run when outer's block runs.
func enclosingLit(outer, n ast.Node) bool {
	inside := false
	ast.Inspect(outer, func(x ast.Node) bool {
		if inside || x == nil || x.Pos() > n.Pos() || x.End() < n.End() {
			return false
		}
		if lit, ok := x.(*ast.FuncLit); ok && lit != n {
			inside = true
			return false
		}
		return x != n
	})
	return inside
}

// ReachesExit reports whether some path from just after n (or from the
// function's entry when n is nil) reaches the end of the function
// without passing a node for which stop returns true. Nodes are the
// graph's statements and expressions; stop sees each at most once.
//
// go/cfg evaluates the communications of all cases of a select in the
// block before the select branches, so a stop that matches one case's
// receive stops every path through the select. To ask about a case,
// match the first node of its body block (Kind KindSelectCaseBody).
func (gr *Graph) ReachesExit(n ast.Node, stop func(ast.Node) bool) bool {
	var start *cfg.Block
	from := 0
	if n == nil {
		start = gr.CFG.Blocks[0]
	} else {
		b, i := gr.Block(n)
		if b == nil {
			return false
		}
		start, from = b, i+1
	}
	seen := make(map[*cfg.Block]bool)
	var walk func(b *cfg.Block, from int) bool
	walk = func(b *cfg.Block, from int) bool {
		for _, x := range b.Nodes[from:] {
			if stop(x) {
				return false
			}
		}
		if len(b.Succs) == 0 {
			// An exit, unless the block ends in a call that never
			// returns (cfg materializes implicit returns).
			return b.Return() != nil
		}
		for _, s := range b.Succs {
			if !seen[s] {
				seen[s] = true
				if walk(s, 0) {
					return true
				}
			}
		}
		return false
	}
	return walk(start, from)
}
