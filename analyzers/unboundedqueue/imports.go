package unboundedqueue

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/bplint/bplint/analyzers/internal/fixedit"
)

// dropImport completes the import edits of a fix that removes one use
// of a package, fun being the qualified identifier removed (io.ReadAll):
// when that was the file's last use of the package, its import is
// deleted, or replaced by the bounded import the fix adds (whose name
// is addName and whose edits are adds). ok is false when the import
// cannot be removed cleanly.
func (c *checker) dropImport(fun ast.Expr, addName string, adds []analysis.TextEdit) (edits []analysis.TextEdit, ok bool) {
	sel, isSel := ast.Unparen(fun).(*ast.SelectorExpr)
	if !isSel {
		return adds, true
	}
	id, isID := sel.X.(*ast.Ident)
	if !isID {
		return adds, true
	}
	pn, isPkg := c.info.Uses[id].(*types.PkgName)
	if !isPkg || c.pkgUses(pn) > 1 {
		return adds, true
	}
	var spec *ast.ImportSpec
	var decl *ast.GenDecl
	var prevEnd token.Pos = c.file.Name.End()
	for _, d := range c.file.Decls {
		gd, isGen := d.(*ast.GenDecl)
		if isGen && gd.Tok == token.IMPORT {
			for _, s := range gd.Specs {
				if c.info.PkgNameOf(s.(*ast.ImportSpec)) == pn {
					spec, decl = s.(*ast.ImportSpec), gd
				}
			}
		}
		if decl != nil {
			break
		}
		prevEnd = d.End()
	}
	if spec == nil || spec.Doc != nil || spec.Comment != nil {
		return nil, false
	}
	if len(decl.Specs) == 1 {
		if decl.Doc != nil {
			return nil, false
		}
		if len(adds) > 0 {
			// The fix adds the bounded import: it takes this one's place.
			text := strconv.Quote(fixedit.BoundedPath)
			if addName != "bounded" {
				text = addName + " " + text
			}
			return []analysis.TextEdit{replace(spec, text)}, true
		}
		// Delete the declaration and the blank line before it.
		between, ok := c.source(prevEnd, decl.Pos())
		if !ok || strings.TrimSpace(between) != "" {
			return nil, false
		}
		return []analysis.TextEdit{{Pos: prevEnd, End: decl.End()}}, true
	}
	// Delete the spec's line: from the newline before it to its end.
	lineStart := c.pass.Fset.File(spec.Pos()).LineStart(c.line(spec.Pos()))
	before, ok := c.source(lineStart, spec.Pos())
	if !ok || strings.TrimSpace(before) != "" || lineStart-1 <= decl.Pos() {
		return nil, false
	}
	del := analysis.TextEdit{Pos: lineStart - 1, End: spec.End()}
	for _, a := range adds {
		if a.Pos > del.Pos && a.Pos < del.End || a.End > del.Pos && a.End < del.End {
			return nil, false
		}
	}
	return append(adds, del), true
}

// pkgUses counts the uses of an imported package name in the file.
func (c *checker) pkgUses(pn *types.PkgName) int {
	n := 0
	ast.Inspect(c.file, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok && c.info.Uses[id] == pn {
			n++
		}
		return true
	})
	return n
}
