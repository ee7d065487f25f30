package fixedit

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Text returns the gofmt'd source of node.
func Text(fset *token.FileSet, node ast.Node) string {
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, node); err != nil {
		return ""
	}
	return buf.String()
}

// Indent returns the leading white space of the line holding pos, the
// indentation that new lines inserted at that statement must carry.
func Indent(pass *analysis.Pass, pos token.Pos) string {
	tf := pass.Fset.File(pos)
	if tf == nil {
		return ""
	}
	src, err := pass.ReadFile(tf.Name())
	if err != nil {
		return ""
	}
	off := tf.Offset(pos)
	if off > len(src) {
		return ""
	}
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	end := start
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}

// Reindent indents every line of text but the first by indent, so that
// a multi-line replacement sits at the indentation of the code it
// replaces.
func Reindent(text, indent string) string {
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = indent + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// A Qualifier renders types as code at one position of one file, adding
// imports for packages the file does not import yet. Its edits are
// collected in Edits; Ok turns false if some type cannot be written
// at that position (e.g. a type local to another function).
type Qualifier struct {
	pass  *analysis.Pass
	file  *ast.File
	pos   token.Pos
	names map[*types.Package]string
	Edits []analysis.TextEdit
	Ok    bool
}

// NewQualifier returns a Qualifier for code inserted at pos in file.
func NewQualifier(pass *analysis.Pass, file *ast.File, pos token.Pos) *Qualifier {
	return &Qualifier{pass: pass, file: file, pos: pos, names: make(map[*types.Package]string), Ok: true}
}

// Import returns the name under which pkgPath is available at the
// qualifier's position, importing it if needed.
func (q *Qualifier) Import(pkgPath string) string {
	name, edits := Import(q.pass, q.file, q.pos, pkgPath)
	for _, e := range edits {
		if !q.hasEdit(e) {
			q.Edits = append(q.Edits, e)
		}
	}
	return name
}

func (q *Qualifier) hasEdit(e analysis.TextEdit) bool {
	for _, have := range q.Edits {
		if have.Pos == e.Pos && bytes.Equal(have.NewText, e.NewText) {
			return true
		}
	}
	return false
}

func (q *Qualifier) qualify(p *types.Package) string {
	if p == q.pass.Pkg {
		return ""
	}
	if name, ok := q.names[p]; ok {
		return name
	}
	name := q.Import(p.Path())
	q.names[p] = name
	return name
}

// Type renders t as code.
func (q *Qualifier) Type(t types.Type) string {
	q.checkVisible(t)
	return types.TypeString(t, q.qualify)
}

// checkVisible clears Ok when t names a type that the code at pos
// cannot refer to: a local type of another scope, or an unexported type
// of another package.
func (q *Qualifier) checkVisible(t types.Type) {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() != nil && obj.Pkg() != q.pass.Pkg && !obj.Exported() {
			q.Ok = false
		}
		if obj.Pkg() == q.pass.Pkg && obj.Parent() != nil && obj.Parent() != q.pass.Pkg.Scope() {
			// A local type: visible only if the scope at pos sees it.
			if s := innermost(q.pass.TypesInfo, q.file, q.pos); s != nil {
				if _, found := s.LookupParent(obj.Name(), q.pos); found != obj {
					q.Ok = false
				}
			}
		}
		if args := t.TypeArgs(); args != nil {
			for a := range args.Types() {
				q.checkVisible(a)
			}
		}
	case *types.Pointer:
		q.checkVisible(t.Elem())
	case *types.Slice:
		q.checkVisible(t.Elem())
	case *types.Array:
		q.checkVisible(t.Elem())
	case *types.Map:
		q.checkVisible(t.Key())
		q.checkVisible(t.Elem())
	case *types.Chan:
		q.checkVisible(t.Elem())
	case *types.Signature:
		for v := range t.Params().Variables() {
			q.checkVisible(v.Type())
		}
		for v := range t.Results().Variables() {
			q.checkVisible(v.Type())
		}
	case *types.Struct:
		for f := range t.Fields() {
			q.checkVisible(f.Type())
		}
	}
}

// ZeroValue renders the zero value of t as code.
func (q *Qualifier) ZeroValue(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false"
		case u.Info()&types.IsNumeric != 0:
			return "0"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Kind() == types.UnsafePointer:
			return "nil"
		}
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		if _, isParam := types.Unalias(t).(*types.TypeParam); !isParam {
			return "nil"
		}
	case *types.Struct, *types.Array:
		switch types.Unalias(t).(type) {
		case *types.Named:
			return q.Type(t) + "{}"
		}
	}
	return "*new(" + q.Type(t) + ")"
}
