package unboundedqueue

import (
	"go/ast"
	"go/format"
	"go/scanner"
	"go/token"
	"go/types"
	"go/version"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/bplint/bplint/analyzers/internal/fixedit"
)

// Text-editing helpers shared by the fixes.

func insertAt(pos token.Pos, text string) analysis.TextEdit {
	return analysis.TextEdit{Pos: pos, End: pos, NewText: []byte(text)}
}

func replace(n ast.Node, text string) analysis.TextEdit {
	return analysis.TextEdit{Pos: n.Pos(), End: n.End(), NewText: []byte(text)}
}

// source returns the source text between two positions of one file.
func (c *checker) source(start, end token.Pos) (string, bool) {
	tf := c.pass.Fset.File(start)
	if tf == nil || !end.IsValid() || end < start || int(end) > tf.Base()+tf.Size() {
		return "", false
	}
	// The fixes of one file ask in turn: keep its content.
	if tf != c.srcFile {
		c.srcFile = tf
		c.srcBytes, c.srcErr = c.pass.ReadFile(tf.Name())
	}
	src := c.srcBytes
	if c.srcErr != nil {
		return "", false
	}
	s, e := tf.Offset(start), tf.Offset(end)
	if e > len(src) {
		return "", false
	}
	return string(src[s:e]), true
}

func (c *checker) text(n ast.Node) (string, bool) { return c.source(n.Pos(), n.End()) }

// lineIndent returns the indentation of the line of pos, when pos is
// the first non-blank character of its line: code inserted before pos
// followed by a newline and that indentation stays gofmt'd.
func (c *checker) lineIndent(pos token.Pos) (string, bool) {
	tf := c.pass.Fset.File(pos)
	if tf == nil {
		return "", false
	}
	lineStart := tf.LineStart(tf.Line(pos))
	before, ok := c.source(lineStart, pos)
	if !ok || strings.TrimLeft(before, " \t") != "" {
		return "", false
	}
	return before, true
}

// insertLine inserts a line of code, indented by ind, before the line
// of pos (whose first non-blank character pos must be).
func (c *checker) insertLine(pos token.Pos, ind, code string) analysis.TextEdit {
	tf := c.pass.Fset.File(pos)
	return insertAt(tf.LineStart(tf.Line(pos)), ind+code+"\n")
}

func (c *checker) line(pos token.Pos) int { return c.pass.Fset.Position(pos).Line }

// declScope returns the scope in which a declaration inserted before
// stmt is declared: the block holding stmt, not a scope stmt opens.
func (c *checker) declScope(stmt ast.Node) *types.Scope {
	fileScope := c.info.Scopes[c.file]
	if fileScope == nil {
		return nil
	}
	s := fileScope.Innermost(stmt.Pos())
	for s != nil && s != fileScope && s.Pos() >= stmt.Pos() {
		s = s.Parent()
	}
	return s
}

// fresh returns a name based on base that refers to nothing at pos,
// that no scope inside scope declares, and that scope itself does not
// declare later: a declaration of it inserted at pos in scope neither
// shadows nor clashes.
func (c *checker) fresh(scope *types.Scope, pos token.Pos, base string, avoid ...string) string {
	if scope == nil {
		return ""
	}
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = base + itoa(i)
		}
		if fixedit.FreshName(scope, pos, name) != name || scope.Lookup(name) != nil {
			continue
		}
		clash := false
		for _, a := range avoid {
			clash = clash || a == name
		}
		if !clash {
			return name
		}
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// formatStmts gofmts a list of statements and indents every line but
// the first by indent, for text that replaces code whose first line
// already sits at indent. It fails on code that does not parse and on
// multi-line raw strings, whose content re-indentation would change.
func formatStmts(text, indent string) (string, bool) {
	if multiLineRawString(text) {
		return "", false
	}
	const head = "package p\n\nfunc _() {\n"
	out, err := format.Source([]byte(head + text + "\n}\n"))
	if err != nil {
		return "", false
	}
	s := string(out)
	start := strings.Index(s, "func _() {\n")
	end := strings.LastIndex(s, "\n}")
	if start < 0 || end < 0 {
		return "", false
	}
	body := s[start+len("func _() {\n") : end]
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		l = strings.TrimPrefix(l, "\t")
		if i > 0 && l != "" {
			l = indent + l
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n"), true
}

func multiLineRawString(text string) bool {
	if !strings.Contains(text, "`") {
		return false
	}
	var s scanner.Scanner
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(text))
	s.Init(f, []byte(text), nil, scanner.ScanComments)
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return false
		}
		if tok == token.STRING && strings.HasPrefix(lit, "`") && strings.Contains(lit, "\n") {
			return true
		}
	}
}

// atLeast reports whether the file being checked is compiled with a Go
// version at least v (e.g. "go1.22"). An unknown version counts as new.
func (c *checker) atLeast(v string) bool {
	fv := c.info.FileVersions[c.file]
	if fv == "" {
		fv = c.pass.Pkg.GoVersion()
	}
	if fv == "" {
		return true
	}
	return version.Compare(fv, v) >= 0
}

// returnValues renders the results of a return statement leaving the
// function at fn (an *ast.FuncDecl or *ast.FuncLit) with err as its
// error, at pos: "" for a function without results, the zero values
// and err when the last result is an error. ok is false otherwise.
func (c *checker) returnValues(sig *types.Signature, q *fixedit.Qualifier, err string) (string, bool) {
	if sig == nil {
		return "", false
	}
	res := sig.Results()
	if res.Len() == 0 {
		return "", true
	}
	last := res.At(res.Len() - 1).Type()
	if !types.Identical(last, types.Universe.Lookup("error").Type()) {
		return "", false
	}
	var vals []string
	for i := 0; i < res.Len()-1; i++ {
		vals = append(vals, q.ZeroValue(res.At(i).Type()))
	}
	vals = append(vals, err)
	return strings.Join(vals, ", "), q.Ok
}
