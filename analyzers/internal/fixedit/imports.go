// Package fixedit computes the text edits of bplint's suggested fixes:
// imports, fresh names, source text of nodes and types, indentation.
// Every function returns edits and leaves the AST alone.
package fixedit

import (
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// BoundedPath is the import path of the runtime package fixes rewrite to.
const BoundedPath = "github.com/bplint/bplint/runtime/bounded"

// Import returns the name by which code at pos in file refers to the
// package pkgPath, and the edits that import it when it is not yet
// imported. An existing import is reused, under its alias if it has one,
// unless the name is shadowed at pos. A new import takes the package's
// default name, or a fresh variant when that name is taken at pos; it is
// inserted in gofmt order.
func Import(pass *analysis.Pass, file *ast.File, pos token.Pos, pkgPath string) (name string, edits []analysis.TextEdit) {
	info := pass.TypesInfo
	scope := innermost(info, file, pos)
	for _, spec := range file.Imports {
		pn := info.PkgNameOf(spec)
		if pn == nil || pn.Imported().Path() != pkgPath || pn.Name() == "_" || pn.Name() == "." {
			continue
		}
		if _, obj := scope.LookupParent(pn.Name(), pos); obj == pn {
			return pn.Name(), nil
		}
	}
	base := defaultName(pkgPath)
	name = FreshName(scope, pos, base)
	alias := ""
	if name != base {
		alias = name
	}
	return name, importEdits(pass.Fset, file, alias, pkgPath)
}

// defaultName guesses the package name of an import path: its last
// element, without a major-version suffix or a "go-" prefix.
func defaultName(pkgPath string) string {
	base := path.Base(pkgPath)
	if len(base) > 1 && base[0] == 'v' && isDigits(base[1:]) {
		base = path.Base(path.Dir(pkgPath))
	}
	base = strings.TrimPrefix(base, "go-")
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' {
			return '_'
		}
		return r
	}, base)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// innermost returns the innermost scope at pos, or the file scope.
func innermost(info *types.Info, file *ast.File, pos token.Pos) *types.Scope {
	fileScope := info.Scopes[file]
	if fileScope == nil {
		return types.NewScope(nil, token.NoPos, token.NoPos, "empty")
	}
	if s := fileScope.Innermost(pos); s != nil {
		return s
	}
	return fileScope
}

// FreshName returns base, or base with the smallest numeric suffix, such
// that the name refers to nothing at pos and declares nothing that an
// inner scope at pos would see differently. A name that an inner scope
// already declares is also avoided, so a new declaration at pos never
// shadows a name that code after pos might use.
func FreshName(scope *types.Scope, pos token.Pos, base string) string {
	name := base
	for i := 2; taken(scope, pos, name); i++ {
		name = base + strconv.Itoa(i)
	}
	return name
}

func taken(scope *types.Scope, pos token.Pos, name string) bool {
	if _, obj := scope.LookupParent(name, pos); obj != nil {
		return true
	}
	// Declared later in the same block: a declaration at pos would make
	// that one a redeclaration.
	if scope.Lookup(name) != nil {
		return true
	}
	if token.Lookup(name).IsKeyword() || types.Universe.Lookup(name) != nil {
		return true
	}
	return declaredInside(scope, name)
}

// declaredInside reports whether some scope nested in s declares name.
func declaredInside(s *types.Scope, name string) bool {
	for i := range s.NumChildren() {
		c := s.Child(i)
		if c.Lookup(name) != nil || declaredInside(c, name) {
			return true
		}
	}
	return false
}

// importEdits adds `alias "pkgPath"` to file's imports, in gofmt order.
func importEdits(fset *token.FileSet, file *ast.File, alias, pkgPath string) []analysis.TextEdit {
	spec := strconv.Quote(pkgPath)
	if alias != "" {
		spec = alias + " " + spec
	}
	var group, cgo *ast.GenDecl // the last import declaration, and import "C"
	for _, d := range file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			if importsC(gd) {
				cgo = gd
			} else {
				group = gd
			}
		}
	}
	switch {
	case group == nil && cgo != nil:
		// Only import "C", whose preamble must stay attached: a new
		// declaration after it.
		return []analysis.TextEdit{insert(cgo.End(), "\n\nimport "+spec)}
	case group == nil:
		// No imports: a new declaration after the package clause.
		return []analysis.TextEdit{insert(file.Name.End(), "\n\nimport "+spec)}
	case !group.Lparen.IsValid():
		// import "x": turn it into a group holding both specs.
		old := group.Specs[0].(*ast.ImportSpec)
		first, second := specText(old), spec
		if importPath(old) > pkgPath {
			first, second = second, first
		}
		return []analysis.TextEdit{{
			Pos:     old.Pos(),
			End:     old.End(),
			NewText: []byte("(\n\t" + first + "\n\t" + second + "\n)"),
		}}
	default:
		return []analysis.TextEdit{insertInGroup(fset, group, spec, pkgPath)}
	}
}

// insertInGroup places spec in the run of imports (separated by blank
// lines) it belongs to, sorted within it, as gofmt keeps them: standard
// library paths join the run of standard paths, others the last run of
// non-standard paths.
func insertInGroup(fset *token.FileSet, group *ast.GenDecl, spec, pkgPath string) analysis.TextEdit {
	if len(group.Specs) == 0 {
		return insert(group.Lparen+1, "\n\t"+spec)
	}
	std := isStd(pkgPath)
	// Split the specs into runs of consecutive lines.
	var runs [][]*ast.ImportSpec
	var run []*ast.ImportSpec
	for i, s := range group.Specs {
		is := s.(*ast.ImportSpec)
		if i > 0 && fset.Position(is.Pos()).Line > fset.Position(group.Specs[i-1].End()).Line+1 {
			runs = append(runs, run)
			run = nil
		}
		run = append(run, is)
	}
	runs = append(runs, run)
	// Choose the run: the last whose kind (std or not) matches.
	var target []*ast.ImportSpec
	for _, r := range runs {
		if isStd(importPath(r[0])) == std {
			target = r
		}
	}
	if target == nil {
		// No run of this kind: a new run, std first, others last.
		if std {
			return insert(group.Specs[0].Pos(), spec+"\n\n\t")
		}
		last := group.Specs[len(group.Specs)-1].(*ast.ImportSpec)
		return insert(lineEnd(last), "\n\n\t"+spec)
	}
	for _, s := range target {
		if importPath(s) > pkgPath {
			return insert(specStart(s), spec+"\n\t")
		}
	}
	return insert(lineEnd(target[len(target)-1]), "\n\t"+spec)
}

func importsC(gd *ast.GenDecl) bool {
	for _, s := range gd.Specs {
		if importPath(s.(*ast.ImportSpec)) == "C" {
			return true
		}
	}
	return false
}

func specStart(s *ast.ImportSpec) token.Pos {
	if s.Doc != nil {
		return s.Doc.Pos()
	}
	return s.Pos()
}

func lineEnd(s *ast.ImportSpec) token.Pos {
	if s.Comment != nil {
		return s.Comment.End()
	}
	return s.End()
}

func specText(s *ast.ImportSpec) string {
	if s.Name != nil {
		return s.Name.Name + " " + s.Path.Value
	}
	return s.Path.Value
}

func importPath(s *ast.ImportSpec) string {
	p, _ := strconv.Unquote(s.Path.Value)
	return p
}

// isStd reports whether an import path looks like the standard
// library's: no dot in its first element.
func isStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

func insert(pos token.Pos, text string) analysis.TextEdit {
	return analysis.TextEdit{Pos: pos, End: pos, NewText: []byte(text)}
}
