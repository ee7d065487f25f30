package report

import (
	"strings"
)

// ExtractDoc returns the documentation of analyzer name from the source
// of its doc.go: the package comment from the "# Analyzer NAME" heading
// on, without the heading and the "NAME:" of its title line. The rule
// sections that follow stay, so `bplint help NAME` shows them. It
// panics on a malformed doc.go, so that every test fails at once.
//
// It runs when the bplint binary starts, which go vet does once for
// every package it checks, dependencies included: it reads the comment
// as text (see packageComment) instead of parsing the file.
func ExtractDoc(content, name string) string {
	text, ok := packageComment(content)
	if !ok {
		panic("report.ExtractDoc: doc.go of " + name + " has no package comment")
	}
	_, body, ok := strings.Cut(text, "# Analyzer "+name+"\n")
	if !ok {
		panic("report.ExtractDoc: no \"# Analyzer " + name + "\" heading in doc.go")
	}
	body = strings.TrimSpace(body)
	rest, ok := strings.CutPrefix(body, name+":")
	if !ok {
		panic("report.ExtractDoc: \"# Analyzer " + name + "\" heading not followed by \"" + name + ": title\"")
	}
	return strings.TrimSpace(rest)
}

// packageComment returns what ast.CommentGroup.Text returns for the
// package comment of a file whose package comment is a run of //
// comments right above the package clause: the comment markers and one
// following space removed, directives dropped, trailing space trimmed,
// blank lines at either end removed and runs of them collapsed.
func packageComment(src string) (string, bool) {
	lines := strings.Split(src, "\n")
	clause := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "package ") {
			clause = i
			break
		}
	}
	start := clause
	for start > 0 && strings.HasPrefix(strings.TrimSpace(lines[start-1]), "//") {
		start--
	}
	if clause <= 0 || start == clause {
		return "", false
	}
	var out []string
	for _, l := range lines[start:clause] {
		c := strings.TrimPrefix(strings.TrimSpace(l), "//")
		switch {
		case strings.HasPrefix(c, " "):
			c = c[1:]
		case isDirective(c):
			continue
		}
		c = strings.TrimRight(c, " \t\r")
		if c == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue // leading blank line, or a second one in a row
		}
		out = append(out, c)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return "", false
	}
	return strings.Join(out, "\n") + "\n", true
}

// isDirective reports whether c (a // comment without its marker) is a
// directive that go/ast leaves out of comment text: //line, //extern,
// //export, or //[a-z0-9]+:[a-z0-9] as //go:embed.
func isDirective(c string) bool {
	if strings.HasPrefix(c, "line ") || strings.HasPrefix(c, "extern ") || strings.HasPrefix(c, "export ") {
		return true
	}
	colon := strings.Index(c, ":")
	if colon <= 0 || colon+1 >= len(c) {
		return false
	}
	for i := 0; i <= colon+1; i++ {
		if i == colon {
			continue
		}
		b := c[i]
		if !('a' <= b && b <= 'z' || '0' <= b && b <= '9') {
			return false
		}
	}
	return true
}
