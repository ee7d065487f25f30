package ignoredsend

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/fixedit"
)

// src returns the content of the file holding pos.
func (c *checker) src(pos token.Pos) ([]byte, *token.File) {
	tf := c.pass.Fset.File(pos)
	if tf == nil {
		return nil, nil
	}
	// The checks of one file ask in turn: keep its content (a large
	// file read for every select of it made most of the analyzer's
	// garbage).
	if tf != c.srcFile {
		c.srcFile = tf
		c.srcBytes, c.srcErr = c.pass.ReadFile(tf.Name())
	}
	if c.srcErr != nil || tf.Size() != len(c.srcBytes) {
		return nil, nil
	}
	return c.srcBytes, tf
}

// scopeAt returns the innermost scope at pos in the current file.
func (c *checker) scopeAt(pos token.Pos) *types.Scope {
	fs := c.info.Scopes[c.file]
	if fs == nil {
		return types.NewScope(nil, token.NoPos, token.NoPos, "empty")
	}
	if s := fs.Innermost(pos); s != nil {
		return s
	}
	return fs
}

// startsLine reports whether only white space precedes pos on its line.
func startsLine(b []byte, tf *token.File, pos token.Pos) bool {
	off := tf.Offset(pos)
	start := bytes.LastIndexByte(b[:off], '\n') + 1
	return len(bytes.TrimLeft(b[start:off], " \t")) == 0
}

// replaceStmt returns the edits that replace the statement at cur by
// text, a statement written as if at column zero: its lines after the
// first are indented relative to the statement. A statement alone on
// its lines is replaced in place; a statement of a one-line function
// body ({ a(); ch <- v }) is replaced by rewriting the body over
// several lines, as gofmt lays out a body holding a compound statement.
func (c *checker) replaceStmt(cur inspector.Cursor, text string) ([]analysis.TextEdit, bool) {
	stmt := cur.Node()
	b, tf := c.src(stmt.Pos())
	if b == nil {
		return nil, false
	}
	inList := false
	switch cur.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body, edge.LabeledStmt_Stmt:
		inList = true
	}
	if !inList {
		return nil, false
	}
	if startsLine(b, tf, stmt.Pos()) && endsLine(b, tf, stmt.End()) {
		indent := fixedit.Indent(c.pass, stmt.Pos())
		e := analysis.TextEdit{Pos: stmt.Pos(), End: stmt.End(), NewText: []byte(fixedit.Reindent(text, indent))}
		return []analysis.TextEdit{c.gofmtEdit(b, tf, e, cur)}, true
	}
	// A one-line function body.
	if cur.ParentEdgeKind() != edge.BlockStmt_List {
		return nil, false
	}
	block := cur.Parent().Node().(*ast.BlockStmt)
	switch cur.Parent().ParentEdgeKind() {
	case edge.FuncLit_Body, edge.FuncDecl_Body:
	default:
		return nil, false
	}
	if tf.Line(block.Lbrace) != tf.Line(block.Rbrace) {
		return nil, false
	}
	for _, g := range c.file.Comments {
		if g.Pos() < block.Rbrace && block.Lbrace < g.End() {
			return nil, false
		}
	}
	indent := fixedit.Indent(c.pass, block.Lbrace)
	var out strings.Builder
	out.WriteString("{\n")
	for _, s := range block.List {
		out.WriteString(indent + "\t")
		if s == stmt {
			out.WriteString(fixedit.Reindent(text, indent+"\t"))
		} else {
			out.Write(b[tf.Offset(s.Pos()):tf.Offset(s.End())])
		}
		out.WriteString("\n")
	}
	out.WriteString(indent + "}")
	return []analysis.TextEdit{{Pos: block.Lbrace, End: block.Rbrace + 1, NewText: []byte(out.String())}}, true
}

// endsLine reports whether only white space or a comment follows pos
// on its line.
func endsLine(b []byte, tf *token.File, pos token.Pos) bool {
	off := tf.Offset(pos)
	end := bytes.IndexByte(b[off:], '\n')
	if end < 0 {
		end = len(b) - off
	}
	rest := bytes.TrimLeft(b[off:off+end], " \t")
	return len(rest) == 0 || bytes.HasPrefix(rest, []byte("//")) || bytes.HasPrefix(rest, []byte("/*"))
}

// returnText renders the return statement that leaves a function of
// signature sig with the error errExpr: "return" when it returns
// nothing, "return <zero values>, errExpr" when its last result is an
// error. It fails for other functions.
func returnText(q *fixedit.Qualifier, sig *types.Signature, errExpr string) (string, bool) {
	if sig == nil {
		return "", false
	}
	res := sig.Results()
	if res.Len() == 0 {
		return "return", true
	}
	if !types.Identical(res.At(res.Len()-1).Type(), types.Universe.Lookup("error").Type()) {
		return "", false
	}
	parts := make([]string, 0, res.Len())
	for i := 0; i < res.Len()-1; i++ {
		parts = append(parts, q.ZeroValue(res.At(i).Type()))
	}
	parts = append(parts, errExpr)
	return "return " + strings.Join(parts, ", "), true
}

// exprText returns the source of n re-based to column zero, so that
// fixedit.Reindent can place it anywhere: the indentation of n's first
// line is removed from the lines after it. Comments inside n stay.
func (c *checker) exprText(n ast.Node) (string, bool) {
	return c.spanText(n.Pos(), n.End())
}

// spanText returns the source from pos to end re-based to column zero:
// the indentation of pos's line is removed from the lines after it.
func (c *checker) spanText(pos, end token.Pos) (string, bool) {
	b, tf := c.src(pos)
	if b == nil {
		return "", false
	}
	text := b[tf.Offset(pos):tf.Offset(end)]
	indent := []byte(fixedit.Indent(c.pass, pos))
	lines := bytes.Split(text, []byte("\n"))
	for i := 1; i < len(lines); i++ {
		if len(lines[i]) == 0 {
			continue
		}
		l, found := bytes.CutPrefix(lines[i], indent)
		if !found {
			return "", false
		}
		lines[i] = l
	}
	return string(bytes.Join(lines, []byte("\n"))), true
}

// gofmtEdit returns e, widened to what gofmt makes of the code around
// it: replacing a statement can change the alignment of trailing
// comments on its lines and its neighbours'. The file is formatted with
// e applied; the bytes that differ from the original become the edit,
// as long as they stay within the top-level declaration holding cur.
func (c *checker) gofmtEdit(src []byte, tf *token.File, e analysis.TextEdit, cur inspector.Cursor) analysis.TextEdit {
	start, end := tf.Offset(e.Pos), tf.Offset(e.End)
	// Only a trailing comment on the replaced lines can be aligned with
	// its neighbours; without one, gofmt has nothing to redo.
	lineEnd := bytes.IndexByte(src[end:], '\n')
	if lineEnd < 0 {
		lineEnd = len(src) - end
	}
	if !bytes.Contains(src[start:end+lineEnd], []byte("//")) && !bytes.Contains(src[start:end+lineEnd], []byte("/*")) {
		return e
	}
	edited := make([]byte, 0, len(src)+len(e.NewText))
	edited = append(append(append(edited, src[:start]...), e.NewText...), src[end:]...)
	formatted, err := format.Source(edited)
	if err != nil || bytes.Equal(formatted, edited) {
		return e
	}
	var decl ast.Node
	for d := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.GenDecl)(nil)) {
		decl = d.Node()
	}
	if decl == nil {
		return e
	}
	p := 0
	for p < len(src) && p < len(formatted) && src[p] == formatted[p] {
		p++
	}
	q := 0
	for q < len(src)-p && q < len(formatted)-p && src[len(src)-1-q] == formatted[len(formatted)-1-q] {
		q++
	}
	lo, hi := p, len(src)-q
	if lo > start || hi < end || lo < tf.Offset(decl.Pos()) || hi > tf.Offset(decl.End()) {
		return e // formatting changed code elsewhere: leave it alone
	}
	return analysis.TextEdit{Pos: tf.Pos(lo), End: tf.Pos(hi), NewText: formatted[lo : len(formatted)-q]}
}
