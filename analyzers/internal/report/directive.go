package report

import (
	"go/ast"
	"go/token"
	"strings"
)

const directivePrefix = "//bplint:"

// A directive is one //bplint:ignore or //bplint:file-ignore comment.
type directive struct {
	kind      string   // "ignore" or "file-ignore"
	names     []string // analyzers ("fanout") or rules ("fanout/timeout-leak")
	reason    string
	malformed string // why the directive cannot be understood, if it cannot
	line      int
	pos, end  token.Pos
	used      bool
}

type fileDirectives struct {
	dirs []*directive
}

func hasDirective(f *ast.File) bool {
	for _, g := range f.Comments {
		for _, c := range g.List {
			if strings.HasPrefix(c.Text, directivePrefix) {
				return true
			}
		}
	}
	return false
}

func parseDirectives(fset *token.FileSet, f *ast.File) *fileDirectives {
	fd := new(fileDirectives)
	for _, g := range f.Comments {
		for _, c := range g.List {
			if d := parseDirective(c.Text); d != nil {
				d.pos, d.end = c.Pos(), c.End()
				d.line = fset.Position(c.Pos()).Line
				fd.dirs = append(fd.dirs, d)
			}
		}
	}
	return fd
}

// parseDirective parses "//bplint:ignore names reason".
// It returns nil for comments that are not bplint directives.
func parseDirective(text string) *directive {
	rest, ok := strings.CutPrefix(text, directivePrefix)
	if !ok {
		return nil
	}
	kind, args, _ := strings.Cut(rest, " ")
	d := &directive{kind: kind}
	switch kind {
	case "ignore", "file-ignore":
	case "mustcheck":
		return nil // a declaration marker read by ignoredsend, not a suppression
	default:
		d.malformed = "unknown directive //bplint:" + kind + " (want //bplint:ignore or //bplint:file-ignore)"
		return d
	}
	args = strings.TrimSpace(args)
	names, reason, _ := strings.Cut(args, " ")
	if names == "" {
		d.malformed = "//bplint:" + kind + " needs a rule or analyzer name and a reason, e.g. //bplint:" + kind + " fanout/timeout-leak <why this is safe>"
		return d
	}
	for n := range strings.SplitSeq(names, ",") {
		if n != "" {
			d.names = append(d.names, n)
		}
	}
	d.reason = strings.TrimSpace(reason)
	return d
}

// Analyzers lists the analyzers of the suite, so that a directive
// naming none of them is reported (once, by the first) instead of
// suppressing nothing in silence.
var Analyzers = []string{"fanout", "ignoredsend", "lockedsend", "unboundedqueue"}

// owns reports whether analyzer is the one to report problems with d:
// the analyzer it names, or the first analyzer for a directive that
// names no known analyzer.
func (d *directive) owns(analyzer string) bool {
	known := false
	for _, n := range d.names {
		a, _, _ := strings.Cut(n, "/")
		if a == analyzer {
			return true
		}
		for _, k := range Analyzers {
			known = known || a == k
		}
	}
	return !known && analyzer == Analyzers[0]
}

// namesFor lists the names of the directive that belong to analyzer.
func (d *directive) namesFor(analyzer string) string {
	var out []string
	for _, n := range d.names {
		if a, _, _ := strings.Cut(n, "/"); a == analyzer {
			out = append(out, n)
		}
	}
	return strings.Join(out, ",")
}

func (d *directive) suppresses(rule Rule) bool {
	for _, n := range d.names {
		if n == rule.Analyzer || n == rule.ID() {
			return true
		}
	}
	return false
}

// match returns the directive that suppresses a finding of rule at pos.
func (fd *fileDirectives) match(fset *token.FileSet, pos token.Pos, rule Rule) *directive {
	if len(fd.dirs) == 0 {
		return nil
	}
	line := fset.Position(pos).Line
	for _, d := range fd.dirs {
		if d.malformed != "" || !d.suppresses(rule) {
			continue
		}
		if d.kind == "file-ignore" || d.line == line || d.line == line-1 {
			return d
		}
	}
	return nil
}
