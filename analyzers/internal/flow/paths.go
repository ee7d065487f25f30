package flow

import (
	"container/heap"
	"go/ast"

	"golang.org/x/tools/go/cfg"
)

// A Mark says what passing one point of a path does to a search.
type Mark uint8

const (
	Pass  Mark = iota // nothing
	Count             // counts once (a receive, say)
	Stop              // ends the path: it goes no further and does not leave
	Leave             // ends the path as if it left the function there
)

// A Point is a place on a path: the entry of Block (Index -1) or the
// Index-th node of Block.
type Point struct {
	Block *cfg.Block
	Index int
}

// Node returns the node at p, or nil for a block entry.
func (p Point) Node() ast.Node {
	if p.Index < 0 || p.Block == nil {
		return nil
	}
	return p.Block.Nodes[p.Index]
}

// A Path is the result of MinCount: the cheapest way from a start to an
// exit of the function.
type Path struct {
	Count  int          // Count marks passed
	Blocks []*cfg.Block // the blocks entered, in order (the start block first)
	Exit   Point        // where the path leaves: a Leave mark, or the last node of a returning block
}

// MinCount returns the path from just after n (or from the function's
// entry when n is nil) to an exit of the function that passes the fewest
// Count marks, where mark says what each block entry and node does. An
// exit is the end of a block that returns (explicitly or by falling off
// the end) or a Leave mark; blocks that end in a call that never
// returns, and Stop marks, end a path without an exit. weight, when not
// nil, says how much a Count mark counts (one when nil). It reports
// false when no path leaves.
func (gr *Graph) MinCount(n ast.Node, mark func(Point) Mark, weight func(Point) int) (Path, bool) {
	count := func(p Point) int {
		if weight == nil {
			return 1
		}
		return weight(p)
	}
	start, from := gr.start(n)
	if start == nil {
		return Path{}, false
	}
	// Dijkstra over blocks; the start block is a pseudo-state entered at
	// index from, without its entry mark.
	const startID = -1
	dist := make(map[int32]int)
	prev := make(map[int32]int32)
	type exit struct {
		cost int
		at   Point
		id   int32
	}
	best := exit{cost: -1}
	// walk passes the nodes of b from index i; it returns the cost
	// added, and whether the path goes on to b's successors.
	walk := func(b *cfg.Block, i int, id int32, cost int) (int, bool) {
		if i == 0 && id != startID {
			switch mark(Point{b, -1}) {
			case Count:
				cost += count(Point{b, -1})
			case Stop:
				return cost, false
			case Leave:
				if best.cost < 0 || cost < best.cost {
					best = exit{cost, Point{b, -1}, id}
				}
				return cost, false
			}
		}
		for ; i < len(b.Nodes); i++ {
			switch mark(Point{b, i}) {
			case Count:
				cost += count(Point{b, i})
			case Stop:
				return cost, false
			case Leave:
				if best.cost < 0 || cost < best.cost {
					best = exit{cost, Point{b, i}, id}
				}
				return cost, false
			}
		}
		if len(b.Succs) == 0 {
			if b.Return() != nil && (best.cost < 0 || cost < best.cost) {
				best = exit{cost, Point{b, len(b.Nodes) - 1}, id}
			}
			return cost, false
		}
		return cost, true
	}
	pq := &queue{}
	cost, goOn := walk(start, from, startID, 0)
	if goOn {
		for _, s := range start.Succs {
			heap.Push(pq, item{s, cost})
			if d, ok := dist[s.Index]; !ok || cost < d {
				dist[s.Index] = cost
				prev[s.Index] = startID
			}
		}
	}
	done := make(map[int32]bool)
	for pq.Len() > 0 {
		it := heap.Pop(pq).(item)
		b := it.block
		if done[b.Index] || it.cost > dist[b.Index] {
			continue
		}
		if best.cost >= 0 && it.cost >= best.cost {
			break // nothing cheaper is left
		}
		done[b.Index] = true
		cost, goOn := walk(b, 0, b.Index, it.cost)
		if !goOn {
			continue
		}
		for _, s := range b.Succs {
			if d, ok := dist[s.Index]; !ok || cost < d {
				dist[s.Index] = cost
				prev[s.Index] = b.Index
				heap.Push(pq, item{s, cost})
			}
		}
	}
	if best.cost < 0 {
		return Path{}, false
	}
	p := Path{Count: best.cost, Exit: best.at}
	for id := best.id; id != startID; id = prev[id] {
		p.Blocks = append(p.Blocks, gr.CFG.Blocks[id])
	}
	p.Blocks = append(p.Blocks, start)
	for i, j := 0, len(p.Blocks)-1; i < j; i, j = i+1, j-1 {
		p.Blocks[i], p.Blocks[j] = p.Blocks[j], p.Blocks[i]
	}
	return p, true
}

// Reaches reports whether some path from just after n (from the entry
// when n is nil) passes a point that mark says Count. Paths end at
// points marked Stop or Leave. The start block's entry is not a point
// of such a path.
func (gr *Graph) Reaches(n ast.Node, mark func(Point) Mark) bool {
	start, from := gr.start(n)
	if start == nil {
		return false
	}
	for i := from; i < len(start.Nodes); i++ {
		switch mark(Point{start, i}) {
		case Count:
			return true
		case Stop, Leave:
			return false
		}
	}
	seen := make(map[*cfg.Block]bool)
	for _, s := range start.Succs {
		if gr.reachesFrom(s, mark, seen) {
			return true
		}
	}
	return false
}

// ReachesFrom is Reaches for the paths that enter b (b's entry and
// nodes included).
func (gr *Graph) ReachesFrom(b *cfg.Block, mark func(Point) Mark) bool {
	return gr.reachesFrom(b, mark, make(map[*cfg.Block]bool))
}

func (gr *Graph) reachesFrom(b *cfg.Block, mark func(Point) Mark, seen map[*cfg.Block]bool) bool {
	stack := []*cfg.Block{b}
next:
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[b] {
			continue
		}
		seen[b] = true
		for i := -1; i < len(b.Nodes); i++ {
			switch mark(Point{b, i}) {
			case Count:
				return true
			case Stop, Leave:
				continue next
			}
		}
		stack = append(stack, b.Succs...)
	}
	return false
}

// BlockOf returns the block of the given kind that stmt gave rise to
// (the head, body or done block of a loop, the then block of an if, the
// body of a select case whose *ast.CommClause is stmt, ...), or nil.
func (gr *Graph) BlockOf(stmt ast.Stmt, kind cfg.BlockKind) *cfg.Block {
	for _, b := range gr.CFG.Blocks {
		if b.Stmt == stmt && b.Kind == kind {
			return b
		}
	}
	return nil
}

// MayReturn reports whether a call may return normally: false for
// panic, os.Exit, log.Fatal, runtime.Goexit, t.Fatal and the like, as
// the graphs assume.
func (g *Graphs) MayReturn(call *ast.CallExpr) bool { return g.mayReturn(call) }

func (gr *Graph) start(n ast.Node) (*cfg.Block, int) {
	if n == nil {
		if len(gr.CFG.Blocks) == 0 {
			return nil, 0
		}
		return gr.CFG.Blocks[0], 0
	}
	b, i := gr.Block(n)
	if b == nil {
		return nil, 0
	}
	return b, i + 1
}

type item struct {
	block *cfg.Block
	cost  int
}

type queue []item

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].cost < q[j].cost }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)        { *q = append(*q, x.(item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
