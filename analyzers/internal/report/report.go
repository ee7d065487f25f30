// Package report is the one way bplint's analyzers emit diagnostics.
//
// It gives every diagnostic its rule as Category ("fanout/timeout-leak")
// and a documentation URL, drops diagnostics in generated files, and
// honours suppression directives:
//
//	//bplint:ignore fanout/timeout-leak the receiver always drains
//	//bplint:file-ignore unboundedqueue test helper, bounded by the test
//
// A directive names one or more analyzers or rules, separated by commas,
// followed by a reason. It applies to a finding on the same line or the
// line below it; the file form applies to the whole file. A directive
// without a reason still suppresses, but is itself reported, so a
// reason cannot be skipped silently; a directive that suppresses
// nothing is reported as unused.
package report

import (
	"fmt"
	"go/ast"
	"go/token"
	"iter"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/fileinspect"
)

// DocBase is the prefix of every analyzer's documentation URL.
const DocBase = "https://pkg.go.dev/github.com/bplint/bplint/analyzers/"

// A Rule is one check of an analyzer. Its ID, "analyzer/name", is the
// diagnostic Category and the name used in suppression directives.
type Rule struct {
	Analyzer string
	Name     string
	Summary  string // one sentence: what is wrong, for SARIF and docs
}

// ID returns "analyzer/name".
func (r Rule) ID() string { return r.Analyzer + "/" + r.Name }

// URL returns the rule's section in its analyzer's documentation: the
// heading "# Rule NAME" of its doc.go, anchored as pkg.go.dev does.
func (r Rule) URL() string { return AnalyzerURL(r.Analyzer) + "#" + headingID("Rule "+r.Name) }

// headingID is the anchor go/doc gives a heading: "hdr-" and the text
// with every rune that is not ASCII alphanumeric turned into '_'.
func headingID(text string) string {
	b := []byte("hdr-" + text)
	for i := 4; i < len(b); i++ {
		c := b[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// AnalyzerURL returns the documentation URL of an analyzer.
func AnalyzerURL(name string) string { return DocBase + name }

// RuleSuffix is what Report appends to every message: the rule ID in
// parentheses, as staticcheck does, so that text output (go vet's, the
// standalone driver's, golangci-lint's) names the rule to suppress.
// Structured outputs that carry the rule separately strip it.
func RuleSuffix(id string) string { return " (" + id + ")" }

// DirectiveRule is the rule under which malformed or unused suppression
// directives are reported; every analyzer owns one.
func DirectiveRule(analyzer string) Rule {
	return Rule{analyzer, "directive", "A bplint:ignore directive lacks a reason or suppresses nothing."}
}

// A Reporter emits one analyzer's diagnostics for one pass.
// It is not safe for concurrent use; a pass runs on one goroutine.
type Reporter struct {
	pass    *analysis.Pass
	name    string
	dirRule Rule
	rules   []Rule
	files   map[*token.File]*fileDirectives
}

// New returns a Reporter for pass, whose analyzer has the given rules.
func New(pass *analysis.Pass, rules []Rule) *Reporter {
	return &Reporter{
		pass:    pass,
		name:    pass.Analyzer.Name,
		dirRule: DirectiveRule(pass.Analyzer.Name),
		rules:   rules,
		files:   make(map[*token.File]*fileDirectives),
	}
}

// Files yields each file of the pass that is not generated, with a
// cursor on it, so an analyzer walks every file once and skips
// generated ones before looking inside.
func Files(pass *analysis.Pass, in *inspector.Inspector) func(yield func(*ast.File, inspector.Cursor) bool) {
	return func(yield func(*ast.File, inspector.Cursor) bool) {
		for c := range in.Root().Children() {
			f := c.Node().(*ast.File)
			if Generated(pass.Fset, f) {
				continue
			}
			if !yield(f, c) {
				return
			}
		}
	}
}

// SourceFiles yields each file of the package that is not generated,
// with a cursor on it, so an analyzer walks every file once and skips
// generated ones before looking inside (their inspectors are never
// built unless a package-wide query needs them).
func SourceFiles(pass *analysis.Pass, pkg *fileinspect.Package) iter.Seq2[*ast.File, inspector.Cursor] {
	return func(yield func(*ast.File, inspector.Cursor) bool) {
		for i, f := range pass.Files {
			if Generated(pass.Fset, f) {
				continue
			}
			if !yield(f, pkg.File(i)) {
				return
			}
		}
	}
}

// Generated reports whether f is generated code, which bplint never
// reports on. The files cgo writes for a package's own Go files carry
// cmd/cgo's "Code generated" header but hold the user's code, mapped
// back to it by a //line directive before the package clause: they
// count as written by hand.
func Generated(fset *token.FileSet, f *ast.File) bool {
	if !ast.IsGenerated(f) {
		return false
	}
	return !cgoUserFile(fset, f)
}

func cgoUserFile(fset *token.FileSet, f *ast.File) bool {
	tf := fset.File(f.FileStart)
	if tf == nil || fset.Position(f.Package).Filename == tf.Name() {
		return false
	}
	for _, g := range f.Comments {
		if g.Pos() > f.Package {
			break
		}
		for _, c := range g.List {
			if c.Text == "// Code generated by cmd/cgo; DO NOT EDIT." {
				return true
			}
		}
	}
	return false
}

// Reportf reports a finding of rule over rng.
func (r *Reporter) Reportf(rule Rule, rng analysis.Range, format string, args ...any) {
	r.Report(rule, analysis.Diagnostic{Pos: rng.Pos(), End: rng.End(), Message: fmt.Sprintf(format, args...)})
}

// Report reports d as a finding of rule, unless a directive suppresses it.
func (r *Reporter) Report(rule Rule, d analysis.Diagnostic) {
	if rule.Analyzer != r.name {
		panic(fmt.Sprintf("report: analyzer %s reports rule %s", r.name, rule.ID()))
	}
	fd := r.directivesAt(d.Pos)
	if fd == nil {
		return // generated, or outside any file of the pass
	}
	if dir := fd.match(r.pass.Fset, d.Pos, rule); dir != nil {
		dir.used = true
		return
	}
	d.Category = rule.ID()
	d.URL = rule.URL()
	d.Message += RuleSuffix(rule.ID())
	r.pass.Report(d)
}

// Finish reports directives of this analyzer that are malformed, name
// an unknown rule, lack a reason, or suppressed nothing. Call it once,
// at the end of the pass.
func (r *Reporter) Finish() {
	for _, f := range r.pass.Files {
		if Generated(r.pass.Fset, f) || !hasDirective(f) {
			continue
		}
		for _, dir := range r.directivesAt(f.FileStart).dirs {
			if !dir.owns(r.name) {
				continue
			}
			if msg := r.problem(dir); msg != "" {
				r.reportDirective(dir, msg)
			}
		}
	}
}

// problem says what is wrong with a directive owned by this analyzer.
func (r *Reporter) problem(dir *directive) string {
	if dir.malformed != "" {
		return dir.malformed
	}
	for _, n := range dir.names {
		if !r.knows(n) {
			a, _, _ := strings.Cut(n, "/")
			if a != r.name {
				return fmt.Sprintf("//bplint:%s names %q, which is not a bplint analyzer (%s)", dir.kind, n, strings.Join(Analyzers, ", "))
			}
			return fmt.Sprintf("//bplint:%s names %q, which is not a rule of %s (%s)", dir.kind, n, r.name, r.ruleNames())
		}
	}
	if dir.reason == "" {
		return fmt.Sprintf("//bplint:%s %s needs a reason after the rule name: //bplint:%[1]s %[2]s <why this is safe>", dir.kind, strings.Join(dir.names, ","))
	}
	if !dir.used {
		return fmt.Sprintf("unused //bplint:%s directive: no %s finding here", dir.kind, dir.namesFor(r.name))
	}
	return ""
}

// knows reports whether name is acceptable in a directive: this
// analyzer, one of its rules, or something belonging to another
// analyzer of the suite (which checks it itself).
func (r *Reporter) knows(name string) bool {
	a, rule, hasRule := strings.Cut(name, "/")
	if a != r.name {
		for _, k := range Analyzers {
			if a == k {
				return true
			}
		}
		return false
	}
	if !hasRule {
		return true
	}
	for _, ru := range r.rules {
		if ru.Name == rule {
			return true
		}
	}
	return false
}

func (r *Reporter) ruleNames() string {
	var names []string
	for _, ru := range r.rules {
		names = append(names, ru.ID())
	}
	return strings.Join(names, ", ")
}

func (r *Reporter) reportDirective(dir *directive, msg string) {
	r.pass.Report(analysis.Diagnostic{
		Pos:      dir.pos,
		End:      dir.end,
		Category: r.dirRule.ID(),
		URL:      AnalyzerURL(r.name) + "#" + headingID("Suppressing findings"),
		Message:  msg + RuleSuffix(r.dirRule.ID()),
	})
}

// directivesAt returns the parsed directives of the file containing pos,
// or nil when pos is in no analyzed file or in a generated one.
func (r *Reporter) directivesAt(pos token.Pos) *fileDirectives {
	tf := r.pass.Fset.File(pos)
	if tf == nil {
		return nil
	}
	if fd, ok := r.files[tf]; ok {
		return fd
	}
	var fd *fileDirectives
	for _, f := range r.pass.Files {
		if r.pass.Fset.File(f.FileStart) == tf {
			if !Generated(r.pass.Fset, f) {
				fd = parseDirectives(r.pass.Fset, f)
			}
			break
		}
	}
	r.files[tf] = fd
	return fd
}
