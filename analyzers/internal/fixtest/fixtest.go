// Package fixtest tests an analyzer's suggested fixes the way a user
// meets them: applied to the code, not compared with a golden file only.
//
// Run wraps analysistest.RunWithSuggestedFixes (// want comments and
// .golden files) and then, for each alternative k, applies the k-th fix
// of every diagnostic that has one and checks that
//   - every fixed file is byte for byte what gofmt makes of it,
//   - the fixed package type-checks (no missing import, no shadowed or
//     undefined name) once imports that no code uses any more are
//     removed, as bplint -fix and go fix remove them, and
//   - a second run of the analyzer does not report the fixed findings
//     again (idempotence).
package fixtest

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/ast/astutil"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// Run checks the analyzer on the packages of dir (a GOPATH-style tree
// dir/src/... or, when dir holds a go.mod, a module), then checks its
// fixes as described in the package documentation.
func Run(t *testing.T, dir string, a *analysis.Analyzer, patterns ...string) []*analysistest.Result {
	t.Helper()
	results := analysistest.RunWithSuggestedFixes(t, dir, a, patterns...)
	if t.Failed() {
		return results
	}
	diags := collect(results)
	for k := 0; ; k++ {
		edits, fixed := chooseEdits(diags, k)
		if len(fixed) == 0 {
			break
		}
		t.Run(fmt.Sprintf("fix%d", k), func(t *testing.T) {
			overlay := applyAll(t, edits)
			checkFixed(t, dir, a, patterns, overlay, diags, fixed)
		})
	}
	return results
}

// Results runs a on the packages of dir for its results only: the
// diagnostics and facts, with no check of the // want comments. Tests
// that count what a differently configured analyzer reports use it.
func Results(dir string, a *analysis.Analyzer, patterns ...string) []*analysistest.Result {
	return analysistest.Run(ignoreWants{}, dir, a, patterns...)
}

type ignoreWants struct{}

func (ignoreWants) Errorf(string, ...any) {}

// A diag is one diagnostic, deduplicated across the test variants of a
// package.
type diag struct {
	category string
	posn     token.Position
	fixes    [][]edit
}

type edit struct {
	file       string
	start, end int
	text       string
}

func collect(results []*analysistest.Result) []*diag {
	seen := make(map[string]bool)
	var out []*diag
	for _, r := range results {
		if r.Pass == nil {
			continue
		}
		fset := r.Pass.Fset
		for _, d := range r.Diagnostics {
			posn := fset.Position(d.Pos)
			key := fmt.Sprintf("%s:%d:%s", posn, d.End, d.Message)
			if seen[key] {
				continue
			}
			seen[key] = true
			dg := &diag{category: d.Category, posn: posn}
			for _, f := range d.SuggestedFixes {
				var es []edit
				for _, e := range f.TextEdits {
					end := e.End
					if !end.IsValid() {
						end = e.Pos
					}
					es = append(es, edit{
						file:  fset.Position(e.Pos).Filename,
						start: fset.Position(e.Pos).Offset,
						end:   fset.Position(end).Offset,
						text:  string(e.NewText),
					})
				}
				dg.fixes = append(dg.fixes, es)
			}
			out = append(out, dg)
		}
	}
	return out
}

// chooseEdits takes the k-th fix of each diagnostic that has one (the
// last one for diagnostics with fewer), skipping fixes that overlap a
// fix already taken, and returns the edits by file and the diagnostics
// fixed.
func chooseEdits(diags []*diag, k int) (map[string][]edit, []*diag) {
	byFile := make(map[string][]edit)
	var fixed []*diag
	any := false
	for _, d := range diags {
		if len(d.fixes) > k {
			any = true
		}
	}
	if !any {
		return nil, nil
	}
	for _, d := range diags {
		if len(d.fixes) == 0 {
			continue
		}
		fix := d.fixes[min(k, len(d.fixes)-1)]
		if conflicts(byFile, fix) {
			continue
		}
		for _, e := range fix {
			if !contains(byFile[e.file], e) {
				byFile[e.file] = append(byFile[e.file], e)
			}
		}
		fixed = append(fixed, d)
	}
	return byFile, fixed
}

func contains(es []edit, e edit) bool {
	for _, have := range es {
		if have == e {
			return true
		}
	}
	return false
}

// conflicts reports whether fix overlaps an edit already chosen (other
// than an identical one, such as the same import added twice).
func conflicts(byFile map[string][]edit, fix []edit) bool {
	for _, e := range fix {
		for _, have := range byFile[e.file] {
			if have == e {
				continue
			}
			if e.start < have.end && have.start < e.end || e.start == have.start && e.end == have.end {
				return true
			}
			if e.start == e.end && have.start == have.end && e.start == have.start {
				return true // two insertions at one point: order unknown
			}
		}
	}
	return false
}

// applyAll applies the edits to each file and checks that the result
// is gofmt'd. It returns the fixed contents by file name.
func applyAll(t *testing.T, byFile map[string][]edit) map[string][]byte {
	t.Helper()
	overlay := make(map[string][]byte)
	for file, es := range byFile {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(es, func(i, j int) bool {
			if es[i].start != es[j].start {
				return es[i].start < es[j].start
			}
			return es[i].end < es[j].end
		})
		var out bytes.Buffer
		last := 0
		for _, e := range es {
			out.Write(src[last:e.start])
			out.WriteString(e.text)
			last = e.end
		}
		out.Write(src[last:])
		got := out.Bytes()
		formatted, err := format.Source(got)
		if err != nil {
			t.Errorf("%s: fixed file does not parse: %v\n%s", rel(file), err, got)
			continue
		}
		if !bytes.Equal(formatted, got) {
			t.Errorf("%s: fixed file is not gofmt'd:\n%s", rel(file), lineDiff(string(got), string(formatted)))
		}
		overlay[file] = removeUnusedImports(t, file, got)
	}
	return overlay
}

// removeUnusedImports drops the imports of src whose name no selector
// of the file uses any more, as the drivers do after applying fixes:
// several fixes may each remove one use of a package.
func removeUnusedImports(t *testing.T, file string, src []byte) []byte {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return src
	}
	used := make(map[string]bool)
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	removed := false
	for _, spec := range f.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		name := importName(spec, path)
		if name == "_" || name == "." || path == "C" || used[name] {
			continue
		}
		var alias string
		if spec.Name != nil {
			alias = spec.Name.Name
		}
		removed = astutil.DeleteNamedImport(fset, f, alias, path) || removed
	}
	if !removed {
		return src
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		t.Fatalf("%s: %v", rel(file), err)
	}
	return buf.Bytes()
}

// importName is the name an import declares: its alias, or the
// package's name, which the last element of the path approximates
// (without a major-version suffix or a go- prefix).
func importName(spec *ast.ImportSpec, path string) string {
	if spec.Name != nil {
		return spec.Name.Name
	}
	base := filepath.Base(path)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = filepath.Base(filepath.Dir(path))
	}
	return strings.ReplaceAll(strings.TrimPrefix(base, "go-"), "-", "_")
}

// checkFixed type-checks the fixed packages and runs the analyzer on
// them again.
func checkFixed(t *testing.T, dir string, a *analysis.Analyzer, patterns []string, overlay map[string][]byte, before, fixed []*diag) {
	t.Helper()
	env := []string{"GOPATH=" + dir, "GO111MODULE=off", "GOWORK=off"}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		env = []string{"GO111MODULE=on", "GOPROXY=off", "GOWORK=off"}
	}
	cfg := &packages.Config{
		Mode:    packages.LoadSyntax | packages.NeedModule,
		Dir:     dir,
		Tests:   true,
		Env:     append(os.Environ(), env...),
		Overlay: overlay,
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	broken := false
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			broken = true
			t.Errorf("fixed code does not compile: %v", e)
		}
	})
	if broken {
		for file, src := range overlay {
			t.Logf("-- %s --\n%s", rel(file), src)
		}
		return
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Count findings per rule before, fixed, and after.
	want := make(map[string]int)
	for _, d := range before {
		want[d.category]++
	}
	for _, d := range fixed {
		want[d.category]--
	}
	after := make(map[string][]string)
	seen := make(map[string]bool)
	for _, act := range graph.Roots {
		for _, d := range act.Diagnostics {
			posn := act.Package.Fset.Position(d.Pos)
			key := fmt.Sprintf("%s: %s", posn, d.Message)
			if seen[key] {
				continue
			}
			seen[key] = true
			after[d.Category] = append(after[d.Category], key)
		}
	}
	for cat, list := range after {
		if len(list) > want[cat] {
			t.Errorf("after the fixes, %d %s findings remain where %d were expected (a fix did not remove its finding):\n\t%s",
				len(list), cat, max(want[cat], 0), strings.Join(list, "\n\t"))
		}
	}
}

func rel(file string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, file); err == nil {
			return r
		}
	}
	return file
}

// lineDiff shows the lines where got and want differ.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			fmt.Fprintf(&b, "line %d:\n\tgot:  %q\n\twant: %q\n", i+1, gl, wl)
		}
	}
	return b.String()
}
