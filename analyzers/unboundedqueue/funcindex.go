package unboundedqueue

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
)

// A funcIndex summarizes one top-level function (with the closures in
// it) for the questions the checks ask about local variables: what was
// assigned to them, whether they change after their declaration, and
// which comparisons and calls the function makes. It is built lazily,
// only for functions that hold a candidate finding.
type funcIndex struct {
	node       ast.Node // *ast.FuncDecl or *ast.FuncLit
	defs       map[*types.Var][]def
	reassigned map[*types.Var]bool // assigned after its declaration, incremented, or address taken
	boundOps   map[*types.Var]bool // x &= m or x %= m
	compares   []*ast.BinaryExpr   // <, <=, >, >=
	calls      []*ast.CallExpr
}

// A def is a value assigned to a variable.
type def struct {
	pos   token.Pos
	rhs   ast.Expr // the value; nil for range variables
	index int      // result index when rhs is a tuple-valued call, else -1; outParam when &v is passed to rhs
}

const outParam = -2

// index returns the summary of the outermost function enclosing cur.
func (c *checker) index(cur inspector.Cursor) *funcIndex {
	var outer ast.Node
	for f := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		outer = f.Node()
	}
	if outer == nil {
		return nil
	}
	if fi, ok := c.funcs[outer]; ok {
		return fi
	}
	fi := &funcIndex{
		node:       outer,
		defs:       make(map[*types.Var][]def),
		reassigned: make(map[*types.Var]bool),
		boundOps:   make(map[*types.Var]bool),
	}
	c.funcs[outer] = fi
	var body *ast.BlockStmt
	switch n := outer.(type) {
	case *ast.FuncDecl:
		body = n.Body
	case *ast.FuncLit:
		body = n.Body
	}
	if body == nil {
		return fi
	}
	info := c.info
	varOf := func(e ast.Expr) (*types.Var, bool) {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return nil, false
		}
		if v, ok := info.Defs[id].(*types.Var); ok {
			return v, true
		}
		v, _ := info.Uses[id].(*types.Var)
		return v, false
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				v, declared := varOf(l)
				if v == nil {
					continue
				}
				if n.Tok != token.DEFINE && n.Tok != token.ASSIGN {
					fi.reassigned[v] = true
					if n.Tok == token.AND_ASSIGN || n.Tok == token.REM_ASSIGN {
						fi.boundOps[v] = true
					}
					continue
				}
				if !declared {
					fi.reassigned[v] = true
				}
				switch {
				case len(n.Lhs) == len(n.Rhs):
					fi.defs[v] = append(fi.defs[v], def{n.Pos(), n.Rhs[i], -1})
				case len(n.Rhs) == 1:
					fi.defs[v] = append(fi.defs[v], def{n.Pos(), n.Rhs[0], i})
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				v, _ := info.Defs[id].(*types.Var)
				if v == nil {
					continue
				}
				switch {
				case len(n.Names) == len(n.Values):
					fi.defs[v] = append(fi.defs[v], def{n.Pos(), n.Values[i], -1})
				case len(n.Values) == 1:
					fi.defs[v] = append(fi.defs[v], def{n.Pos(), n.Values[0], i})
				}
			}
		case *ast.IncDecStmt:
			if v, _ := varOf(n.X); v != nil {
				fi.reassigned[v] = true
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if e == nil {
					continue
				}
				if v, declared := varOf(e); v != nil {
					if !declared {
						fi.reassigned[v] = true
					}
					fi.defs[v] = append(fi.defs[v], def{n.Pos(), nil, -1})
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if v, _ := varOf(n.X); v != nil {
					fi.reassigned[v] = true
				}
			}
		case *ast.BinaryExpr:
			switch n.Op {
			case token.LSS, token.LEQ, token.GTR, token.GEQ:
				fi.compares = append(fi.compares, n)
			}
		case *ast.CallExpr:
			fi.calls = append(fi.calls, n)
			for _, a := range n.Args {
				if u, ok := ast.Unparen(a).(*ast.UnaryExpr); ok && u.Op == token.AND {
					if v, _ := varOf(u.X); v != nil {
						fi.defs[v] = append(fi.defs[v], def{n.Pos(), n, outParam})
					}
				}
			}
		}
		return true
	})
	return fi
}

// final reports whether v keeps the value of its declaration: it is
// never assigned again, incremented, or has its address taken.
func (fi *funcIndex) final(v *types.Var) bool { return !fi.reassigned[v] }

// uses reports whether e mentions one of the variables in vars.
func uses(info *types.Info, e ast.Node, vars map[*types.Var]bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if found {
			return false
		}
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok && vars[v] {
				found = true
			}
		}
		return true
	})
	return found
}
