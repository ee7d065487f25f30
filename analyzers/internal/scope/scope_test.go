package scope

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

func TestAnyOutsideLiterals(t *testing.T) {
	const src = `package p

func f() {
	go func() { return }()
	defer func() { recover() }()
}

func g(x int) int {
	if x > 0 {
		return x
	}
	return 0
}
`
	file, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	body := func(i int) *ast.BlockStmt { return file.Decls[i].(*ast.FuncDecl).Body }
	isReturn := func(n ast.Node) bool { _, ok := n.(*ast.ReturnStmt); return ok }

	if AnyOutsideLiterals(body(0), isReturn) {
		t.Error("f: found the return of a function literal")
	}
	lit := body(0).List[0].(*ast.GoStmt).Call.Fun
	if AnyOutsideLiterals(lit, isReturn) {
		t.Error("a literal root was entered")
	}
	if !AnyOutsideLiterals(body(1), isReturn) {
		t.Error("g: missed its return")
	}

	// The walk stops at the first node accepted: g's first return.
	var seen []ast.Node
	AnyOutsideLiterals(body(1), func(n ast.Node) bool {
		seen = append(seen, n)
		return isReturn(n)
	})
	if last := seen[len(seen)-1]; last != body(1).List[0].(*ast.IfStmt).Body.List[0] {
		t.Errorf("the walk went on past the first return, to %T", last)
	}
	for _, n := range seen {
		if n == nil {
			t.Error("pred was called with nil")
		}
	}
}
