package fanout

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/fileinspect"
	"github.com/bplint/bplint/analyzers/internal/fixedit"
)

// A count is how many goroutines start: k, plus one per iteration of
// each loop of terms.
type count struct {
	k     int64
	terms []term
}

// A term is a loop that starts a sending goroutine per iteration.
type term struct {
	loop ast.Stmt // *ast.ForStmt or *ast.RangeStmt
	// text is the loop's trip count written as an expression that
	// means the same at the make call, or "" when there is none.
	text string
	// value is the trip count when it is a named constant (text).
	value   int64
	isConst bool
}

// single reports whether exactly one goroutine sends.
func (n count) single() bool {
	k, symbolic := n.split()
	return k == 1 && symbolic == 0
}

// split returns the known number of goroutines and the number of loops
// whose trip count is not a constant.
func (n count) split() (k int64, symbolic int) {
	k = n.k
	for _, t := range n.terms {
		if t.isConst {
			k += t.value
		} else {
			symbolic++
		}
	}
	return k, symbolic
}

// exceeds reports whether n minus the `done` values already received
// can be more than capacity c. A loop is assumed to run at least once,
// and more often than any buffer of one.
func (n count) exceeds(done, c int64) bool {
	k, symbolic := n.split()
	left := k - done
	if symbolic == 0 {
		return left > c
	}
	return c <= 1 || max(left, 0)+int64(symbolic) > c
}

// describe says how many goroutines n is: "3 goroutines",
// "len(xs) goroutines", "the goroutines started in the loop at line 12".
func (n count) describe(fset *token.FileSet) string {
	if len(n.terms) == 0 {
		if n.k == 1 {
			return "1 goroutine"
		}
		return fmt.Sprintf("%d goroutines", n.k)
	}
	if text, ok := n.expr(); ok {
		return text + " goroutines"
	}
	var lines []string
	for _, t := range n.terms {
		lines = append(lines, strconv.Itoa(fset.Position(t.loop.Pos()).Line))
	}
	s := "the goroutines started in the loop at line " + lines[0]
	if len(lines) > 1 {
		s = "the goroutines started in the loops at lines " + strings.Join(lines, ", ")
	}
	if n.k > 0 {
		s += fmt.Sprintf(" and %d more", n.k)
	}
	return s
}

// expr returns the number n as an expression valid at the make call.
func (n count) expr() (string, bool) {
	if len(n.terms) == 0 {
		return strconv.FormatInt(n.k, 10), true
	}
	times := make(map[string]int)
	var order []string
	for _, t := range n.terms {
		if t.text == "" {
			return "", false
		}
		if times[t.text] == 0 {
			order = append(order, t.text)
		}
		times[t.text]++
	}
	var parts []string
	for _, text := range order {
		p := text
		if times[text] > 1 || len(order) > 1 || n.k > 0 {
			if e, err := parser.ParseExpr(text); err == nil {
				if _, bin := e.(*ast.BinaryExpr); bin {
					p = "(" + p + ")"
				}
			}
		}
		if times[text] > 1 {
			p = strconv.Itoa(times[text]) + "*" + p
		}
		parts = append(parts, p)
	}
	if n.k > 0 {
		parts = append(parts, strconv.FormatInt(n.k, 10))
	}
	return strings.Join(parts, " + "), true
}

// loopsOf returns the loops of the owner's body enclosing at, innermost
// first, leaving out those that also enclose the make call (each of
// their iterations makes a new channel).
func loopsOf(at inspector.Cursor, ch *channel) []inspector.Cursor {
	var out []inspector.Cursor
	for e := range at.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if e == ch.owner {
			break
		}
		if e == at {
			continue
		}
		switch e.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return out // not in the owner's own body
		}
		if fileinspect.Contains(e, ch.makeCur) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// addLoop adds to n the goroutines a loop starts, one per iteration:
// a term whose trip count is written as it can be at the channel's make
// call, or a constant added to n.k.
func (c *checker) addLoop(n *count, ch *channel, loop inspector.Cursor) {
	t := term{loop: loop.Node().(ast.Stmt)}
	e, lenOf := c.tripCount(loop.Node())
	if e != nil {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.INT && !lenOf {
			if v, err := strconv.ParseInt(lit.Value, 0, 64); err == nil && v > 0 {
				n.k += v
				return
			}
		}
		if tv, ok := c.info.Types[e]; ok && tv.Value != nil && !lenOf {
			if v, exact := constIntValue(tv); exact && v > 0 {
				if _, lit := ast.Unparen(e).(*ast.BasicLit); lit || !c.validAtMake(ch, e, loop.Node()) {
					n.k += v
					return
				}
				// A named constant: keep its name.
				t.text, t.value, t.isConst = fixedit.Text(c.pass.Fset, e), v, true
				n.terms = append(n.terms, t)
				return
			}
		}
		if c.validAtMake(ch, e, loop.Node()) {
			text := fixedit.Text(c.pass.Fset, e)
			if lenOf {
				text = "len(" + text + ")"
			}
			t.text = text
		}
	}
	n.terms = append(n.terms, t)
}

// tripCount returns the expression whose value is the number of
// iterations of loop, or whose length it is (lenOf), or nil.
func (c *checker) tripCount(loop ast.Node) (e ast.Expr, lenOf bool) {
	switch loop := loop.(type) {
	case *ast.RangeStmt:
		t := c.info.TypeOf(loop.X)
		if t == nil {
			return nil, false
		}
		if lit, ok := ast.Unparen(loop.X).(*ast.CompositeLit); ok {
			// for _, x := range []T{a, b}: as many as its elements.
			for _, e := range lit.Elts {
				if _, keyed := e.(*ast.KeyValueExpr); keyed {
					return nil, false
				}
			}
			if len(lit.Elts) > 0 {
				return arrayLen(int64(len(lit.Elts))), false
			}
		}
		switch u := t.Underlying().(type) {
		case *types.Basic:
			if u.Info()&types.IsInteger != 0 {
				return loop.X, false
			}
			if u.Info()&types.IsString != 0 {
				return loop.X, true // len(s) bytes: at least as many as runes
			}
		case *types.Slice, *types.Map:
			return loop.X, true
		case *types.Array:
			return arrayLen(u.Len()), false
		case *types.Pointer:
			if a, ok := u.Elem().Underlying().(*types.Array); ok {
				return arrayLen(a.Len()), false
			}
		}
	case *ast.ForStmt:
		return c.countedFor(loop), false
	}
	return nil, false
}

// arrayLen returns a literal for the constant length of an array.
func arrayLen(n int64) ast.Expr {
	return &ast.BasicLit{Kind: token.INT, Value: strconv.FormatInt(n, 10)}
}

// countedFor recognizes `for i := 0; i < E; i++` and
// `for i := E; i > 0; i--` and returns E.
func (c *checker) countedFor(f *ast.ForStmt) ast.Expr {
	init, ok := f.Init.(*ast.AssignStmt)
	if !ok || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
		return nil
	}
	id, ok := init.Lhs[0].(*ast.Ident)
	if !ok {
		return nil
	}
	v := c.info.ObjectOf(id)
	isV := func(e ast.Expr) bool {
		x, ok := ast.Unparen(e).(*ast.Ident)
		return ok && v != nil && c.info.ObjectOf(x) == v
	}
	isZero := func(e ast.Expr) bool {
		tv, ok := c.info.Types[e]
		if !ok || tv.Value == nil {
			return false
		}
		n, exact := constIntValue(tv)
		return exact && n == 0
	}
	cond, ok := ast.Unparen(f.Cond).(*ast.BinaryExpr)
	if !ok {
		return nil
	}
	step := func(tok token.Token) bool {
		switch p := f.Post.(type) {
		case *ast.IncDecStmt:
			return p.Tok == tok && isV(p.X)
		case *ast.AssignStmt:
			want := token.ADD_ASSIGN
			if tok == token.DEC {
				want = token.SUB_ASSIGN
			}
			if p.Tok != want || len(p.Lhs) != 1 || !isV(p.Lhs[0]) {
				return false
			}
			tv, ok := c.info.Types[p.Rhs[0]]
			if !ok || tv.Value == nil {
				return false
			}
			n, exact := constIntValue(tv)
			return exact && n == 1
		}
		return false
	}
	switch {
	case isZero(init.Rhs[0]) && step(token.INC):
		if cond.Op == token.LSS && isV(cond.X) {
			return cond.Y
		}
		if cond.Op == token.GTR && isV(cond.Y) {
			return cond.X
		}
	case step(token.DEC):
		if cond.Op == token.GTR && isV(cond.X) && isZero(cond.Y) {
			return init.Rhs[0]
		}
		if cond.Op == token.LSS && isV(cond.Y) && isZero(cond.X) {
			return init.Rhs[0]
		}
	}
	return nil
}

// validAtMake reports whether expression e, the trip count of loop,
// can be written at the channel's make call with the same value: it has
// no side effects, every name in it means the same there, and no
// variable in it is assigned between the make call and the end of the
// loop's header (its end, for a for loop whose condition is re-read).
func (c *checker) validAtMake(ch *channel, e ast.Expr, loop ast.Node) bool {
	makePos := ch.l.Make.Pos()
	file := c.fileOf(makePos)
	if file == nil {
		return false
	}
	sc := c.info.Scopes[file]
	if sc == nil {
		return false
	}
	sc = sc.Innermost(makePos)
	if sc == nil {
		return false
	}
	var vars []*types.Var
	ok := true
	var pure func(e ast.Expr) bool
	pure = func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.BasicLit:
			return true
		case *ast.Ident:
			obj := c.info.Uses[e]
			if obj == nil {
				return false
			}
			if _, found := sc.LookupParent(e.Name, makePos); found != obj {
				return false
			}
			if v, isVar := obj.(*types.Var); isVar {
				vars = append(vars, v)
			}
			return true
		case *ast.ParenExpr:
			return pure(e.X)
		case *ast.SelectorExpr:
			if s := c.info.Selections[e]; s != nil && s.Kind() != types.FieldVal {
				return false // a method value
			}
			return pure(e.X)
		case *ast.StarExpr:
			return pure(e.X)
		case *ast.UnaryExpr:
			return (e.Op == token.SUB || e.Op == token.ADD) && pure(e.X)
		case *ast.BinaryExpr:
			return pure(e.X) && pure(e.Y)
		case *ast.CallExpr:
			if tv, ok := c.info.Types[e.Fun]; ok && tv.IsType() && len(e.Args) == 1 {
				return pure(e.Args[0]) // a conversion
			}
			id, isId := ast.Unparen(e.Fun).(*ast.Ident)
			if !isId || (id.Name != "len" && id.Name != "cap") || len(e.Args) != 1 {
				return false
			}
			if _, builtin := c.info.Uses[id].(*types.Builtin); !builtin {
				return false
			}
			if _, found := sc.LookupParent(id.Name, makePos); found != c.info.Uses[id] {
				return false
			}
			return pure(e.Args[0])
		}
		return false
	}
	if !pure(e) {
		return false
	}
	end := loop.Pos()
	if f, isFor := loop.(*ast.ForStmt); isFor {
		end = f.End()
	}
	if len(vars) == 0 {
		return ok
	}
	assigned := func(x ast.Expr) bool {
		for {
			switch y := x.(type) {
			case *ast.SelectorExpr:
				x = y.X
				continue
			case *ast.IndexExpr:
				x = y.X
				continue
			case *ast.StarExpr:
				x = y.X
				continue
			case *ast.ParenExpr:
				x = y.X
				continue
			case *ast.Ident:
				obj := c.info.ObjectOf(y)
				for _, v := range vars {
					if obj == v {
						return true
					}
				}
			}
			return false
		}
	}
	bodyCur, found := ch.owner.FindNode(ch.body)
	if !found {
		return false
	}
	for n := range bodyCur.Preorder((*ast.AssignStmt)(nil), (*ast.IncDecStmt)(nil), (*ast.UnaryExpr)(nil)) {
		pos := n.Node().Pos()
		if pos < ch.l.Make.End() || pos >= end {
			continue
		}
		switch s := n.Node().(type) {
		case *ast.AssignStmt:
			for _, l := range s.Lhs {
				if assigned(l) {
					return false
				}
			}
		case *ast.IncDecStmt:
			if assigned(s.X) {
				return false
			}
		case *ast.UnaryExpr:
			if s.Op == token.AND && assigned(s.X) {
				return false
			}
		}
	}
	return ok
}

func (c *checker) fileOf(pos token.Pos) *ast.File {
	for _, f := range c.pass.Files {
		if f.FileStart <= pos && pos < f.FileEnd {
			return f
		}
	}
	return nil
}

func constIntValue(tv types.TypeAndValue) (int64, bool) {
	if tv.Value == nil {
		return 0, false
	}
	return constant.Int64Val(constant.ToInt(tv.Value))
}

// makeText returns the make call of the channel with capacity capText,
// as gofmt writes it.
func (c *checker) makeText(ch *channel, capText string) (string, bool) {
	typ := fixedit.Text(c.pass.Fset, ch.l.Make.Args[0])
	if typ == "" {
		return "", false
	}
	fun := fixedit.Text(c.pass.Fset, ch.l.Make.Fun)
	e, err := parser.ParseExpr(fun + "(" + typ + ", " + capText + ")")
	if err != nil {
		return "", false
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, token.NewFileSet(), e); err != nil {
		return "", false
	}
	return buf.String(), true
}

// lines renders positions as "line 3, 7".
func lines(fset *token.FileSet, nodes []ast.Node) string {
	var ls []int
	seen := make(map[int]bool)
	for _, n := range nodes {
		l := fset.Position(n.Pos()).Line
		if !seen[l] {
			seen[l] = true
			ls = append(ls, l)
		}
	}
	sort.Ints(ls)
	var s []string
	for _, l := range ls {
		s = append(s, strconv.Itoa(l))
	}
	if len(s) == 1 {
		return "line " + s[0]
	}
	return "lines " + strings.Join(s, ", ")
}
