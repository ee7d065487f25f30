package report

import (
	"go/parser"
	"go/token"
	"strings"
)

// ExtractDoc returns the documentation of analyzer name from the source
// of its doc.go: the package comment from the "# Analyzer NAME" heading
// on, without the heading and the "NAME:" of its title line. The rule
// sections that follow stay, so `bplint help NAME` shows them. It
// panics on a malformed doc.go, so that every test fails at once.
func ExtractDoc(content, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", content, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		panic("report.ExtractDoc: doc.go of " + name + " has no package comment")
	}
	_, body, ok := strings.Cut(f.Doc.Text(), "# Analyzer "+name+"\n")
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
