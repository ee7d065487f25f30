package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/token"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/bplint/bplint/analyzers"
)

// The driver behind plain runs (text or -json output, as multichecker
// prints them) and behind -format and -baseline. It analyzes with
// multichecker's checker, in batches (see batches.go), then writes
// findings in the requested format. Its exit codes are multichecker's:
// 0 clean, 1 load or analysis errors, 3 findings (after the baseline),
// 2 bad usage.

// A finding is one diagnostic, with what every output format needs.
type finding struct {
	Rule        string         `json:"rule"`
	Analyzer    string         `json:"analyzer"`
	Message     string         `json:"message"`
	URL         string         `json:"url,omitempty"`
	File        string         `json:"file"` // relative to the root, slash-separated
	Line        int            `json:"line"`
	Column      int            `json:"column"`
	EndLine     int            `json:"endLine,omitempty"`
	EndColumn   int            `json:"endColumn,omitempty"`
	Fingerprint string         `json:"fingerprint"`
	Related     []related      `json:"related,omitempty"`
	Fixes       []findingFix   `json:"fixes,omitempty"`
	abs         string         // absolute file name
	posn        token.Position // for sorting
}

type related struct {
	Message string `json:"message"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
}

type findingFix struct {
	Message string        `json:"message"`
	Edits   []findingEdit `json:"edits"`
}

type findingEdit struct {
	File      string `json:"file"`
	StartLine int    `json:"startLine"`
	StartCol  int    `json:"startColumn"`
	EndLine   int    `json:"endLine"`
	EndCol    int    `json:"endColumn"`
	Start     int    `json:"start"` // byte offsets
	End       int    `json:"end"`
	New       string `json:"new"`
}

type driverFlags struct {
	format        string
	baseline      string
	writeBaseline string
	root          string
	tests         bool
	json          bool
	context       int
}

var formats = []string{"text", "json", "sarif", "github", "gitlab"}

// newDriverFlags returns the flags runDriver knows: its own, the
// analyzers' (as multichecker registers them) and multichecker's -json,
// -c and -test.
func newDriverFlags(stderr io.Writer) (*flag.FlagSet, *driverFlags, map[*analysis.Analyzer]*triState) {
	fs := flag.NewFlagSet("bplint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var df driverFlags
	fs.StringVar(&df.format, "format", "text", "output format: "+strings.Join(formats, ", "))
	fs.StringVar(&df.baseline, "baseline", "", "report only findings not in this baseline file")
	fs.StringVar(&df.writeBaseline, "write-baseline", "", "write every finding to this baseline file and exit 0")
	fs.StringVar(&df.root, "root", "", "directory that reported paths are relative to (default: the repository or module root)")
	fs.BoolVar(&df.tests, "test", true, "indicates whether test files should be analyzed, too")
	fs.BoolVar(&df.json, "json", false, "emit JSON output, as multichecker does")
	fs.IntVar(&df.context, "c", -1, "display offending line with this many lines of context")
	enabled := registerAnalyzerFlags(fs, analyzers.All)
	return fs, &df, enabled
}

// plainRun reports whether args ask for an analysis whose output is
// multichecker's (text or -json) and that runDriver can do too, in
// batches: only flags it knows, then package patterns.
func plainRun(args []string) bool {
	if vetProtocol(args) {
		return false
	}
	fs, _, _ := newDriverFlags(io.Discard)
	// Parsing sets the analyzers' own flags; multichecker, if it runs
	// instead, sets them again from the same arguments.
	if fs.Parse(args) != nil || fs.NArg() == 0 {
		return false
	}
	return fs.Arg(0) != "help"
}

func runDriver(args []string, stdout, stderr io.Writer) int {
	fs, df, enabled := newDriverFlags(stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ownFormat := false
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "format", "baseline", "write-baseline", "root":
			ownFormat = true
		}
	})
	if ownFormat && !validFormat(df.format) {
		fmt.Fprintf(stderr, "bplint: unknown -format %q (want one of %s)\n", df.format, strings.Join(formats, ", "))
		return 2
	}
	if df.baseline != "" && df.writeBaseline != "" {
		fmt.Fprintln(stderr, "bplint: -baseline and -write-baseline exclude each other")
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "bplint: no packages to analyze (e.g. bplint -format=sarif ./...)")
		return 2
	}
	var base *baseline
	if df.baseline != "" {
		var err error
		if base, err = readBaseline(df.baseline); err != nil {
			fmt.Fprintf(stderr, "bplint: %v\n", err)
			return 2
		}
	}
	suite := selectAnalyzers(analyzers.All, enabled)

	exit := 0
	seenLoadErr := make(map[string]bool)
	loadErr := func(msg string) {
		if !seenLoadErr[msg] {
			seenLoadErr[msg] = true
			fmt.Fprintln(stderr, msg)
			exit = 1
		}
	}
	if !ownFormat {
		out := &vetOutput{json: df.json, context: df.context, stderr: stderr}
		if err := analyzeInBatches(fs.Args(), df.tests, suite, loadErr, out.add); err != nil {
			fmt.Fprintf(stderr, "bplint: %v\n", err)
			return 1
		}
		return max(exit, out.finish(stdout))
	}

	root := df.root
	if root == "" {
		root = findRoot()
	}
	c := newCollector(root)
	if err := analyzeInBatches(fs.Args(), df.tests, suite, loadErr, c.add); err != nil {
		fmt.Fprintf(stderr, "bplint: %v\n", err)
		return 1
	}
	findings := c.sorted()
	for _, msg := range c.failed {
		fmt.Fprintln(stderr, msg)
		exit = 1
	}

	if df.writeBaseline != "" {
		if err := writeBaselineFile(df.writeBaseline, findings); err != nil {
			fmt.Fprintf(stderr, "bplint: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "bplint: wrote %d findings to %s\n", len(findings), df.writeBaseline)
		return exit
	}
	if base != nil {
		var known int
		findings, known = base.filter(findings)
		if known > 0 {
			fmt.Fprintf(stderr, "bplint: %d findings in the baseline %s not shown\n", known, df.baseline)
		}
	}
	if err := write(stdout, df.format, findings); err != nil {
		fmt.Fprintf(stderr, "bplint: %v\n", err)
		return 1
	}
	if len(findings) > 0 && exit == 0 {
		exit = 3
	}
	return exit
}

// vetOutput prints what multichecker prints, batch by batch: text on
// stderr as each batch is done, or one JSON tree on stdout at the end.
type vetOutput struct {
	json      bool
	context   int
	stderr    io.Writer
	tree      map[string]map[string]json.RawMessage // package ID, analyzer
	failed    bool
	diagnosed bool
	err       error
}

func (o *vetOutput) add(graph *checker.Graph) {
	for act := range graph.All() {
		if act.Err != nil {
			o.failed = true
		} else if act.IsRoot && len(act.Diagnostics) > 0 {
			o.diagnosed = true
		}
	}
	if !o.json {
		if err := graph.PrintText(o.stderr, o.context); err != nil && o.err == nil {
			o.err = err
		}
		return
	}
	var buf bytes.Buffer
	var part map[string]map[string]json.RawMessage
	if err := graph.PrintJSON(&buf); err != nil || json.Unmarshal(buf.Bytes(), &part) != nil {
		o.err = fmt.Errorf("encoding JSON output: %v", err)
		return
	}
	if o.tree == nil {
		o.tree = part
		return
	}
	for id, byAnalyzer := range part {
		if o.tree[id] == nil {
			o.tree[id] = byAnalyzer
			continue
		}
		maps.Copy(o.tree[id], byAnalyzer)
	}
}

// finish prints the JSON tree and returns multichecker's exit code:
// 1 if an analysis failed, else 3 if there are findings (text only).
func (o *vetOutput) finish(stdout io.Writer) int {
	if o.json {
		if o.tree == nil {
			o.tree = map[string]map[string]json.RawMessage{}
		}
		data, err := json.MarshalIndent(o.tree, "", "\t")
		if err == nil {
			_, err = fmt.Fprintf(stdout, "%s\n", data)
		}
		if err != nil || o.err != nil {
			return 1
		}
		return 0
	}
	switch {
	case o.err != nil, o.failed:
		return 1
	case o.diagnosed:
		return 3
	}
	return 0
}

func validFormat(f string) bool {
	for _, v := range formats {
		if v == f {
			return true
		}
	}
	return false
}

// triState is an analyzer's -NAME flag: unset, true or false.
type triState int

const (
	unset triState = iota
	setTrue
	setFalse
)

func (t *triState) IsBoolFlag() bool { return true }
func (t *triState) String() string {
	switch *t {
	case setTrue:
		return "true"
	case setFalse:
		return "false"
	}
	return "unset"
}
func (t *triState) Set(s string) error {
	switch s {
	case "true", "1", "t", "T", "TRUE", "True":
		*t = setTrue
	case "false", "0", "f", "F", "FALSE", "False":
		*t = setFalse
	default:
		return fmt.Errorf("want true or false, not %q", s)
	}
	return nil
}

// registerAnalyzerFlags adds -NAME and -NAME.flag for every analyzer,
// as multichecker does, so the same command lines work in both drivers.
func registerAnalyzerFlags(fs *flag.FlagSet, all []*analysis.Analyzer) map[*analysis.Analyzer]*triState {
	enabled := make(map[*analysis.Analyzer]*triState)
	for _, a := range all {
		ts := new(triState)
		enabled[a] = ts
		fs.Var(ts, a.Name, fmt.Sprintf("enable %q analysis", a.Name))
		a.Flags.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, a.Name+"."+f.Name, f.Usage)
		})
	}
	return enabled
}

// selectAnalyzers applies multichecker's rule: if any -NAME is true, run
// only those; otherwise run all but those set false.
func selectAnalyzers(all []*analysis.Analyzer, enabled map[*analysis.Analyzer]*triState) []*analysis.Analyzer {
	anyTrue := false
	for _, ts := range enabled {
		anyTrue = anyTrue || *ts == setTrue
	}
	var out []*analysis.Analyzer
	for _, a := range all {
		switch {
		case anyTrue && *enabled[a] == setTrue, !anyTrue && *enabled[a] != setFalse:
			out = append(out, a)
		}
	}
	return out
}

func needFacts(suite []*analysis.Analyzer) bool {
	seen := make(map[*analysis.Analyzer]bool)
	var visit func([]*analysis.Analyzer) bool
	visit = func(as []*analysis.Analyzer) bool {
		for _, a := range as {
			if seen[a] {
				continue
			}
			seen[a] = true
			if len(a.FactTypes) > 0 || visit(a.Requires) {
				return true
			}
		}
		return false
	}
	return visit(suite)
}

func load(patterns []string, tests, allSyntax bool) ([]*packages.Package, error) {
	mode := packages.LoadSyntax
	if allSyntax {
		mode = packages.LoadAllSyntax
	}
	cfg := &packages.Config{Mode: mode | packages.NeedModule, Tests: tests}
	pkgs, err := packages.Load(cfg, patterns...)
	if err == nil && len(pkgs) == 0 {
		err = fmt.Errorf("%s matched no packages", strings.Join(patterns, " "))
	}
	return pkgs, err
}

// findRoot returns the directory reported paths are relative to: the
// enclosing git repository's top, else the enclosing module's root,
// else the working directory.
func findRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for _, marker := range []string{".git", "go.mod"} {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
				return dir
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return wd
}

// A collector gathers the root diagnostics of every batch, once each
// (a file belongs to a package and its test variant), and the errors of
// analyses that failed.
type collector struct {
	root     string
	findings []*finding
	failed   []string
	seen     map[string]bool
}

func newCollector(root string) *collector {
	return &collector{root: root, seen: make(map[string]bool)}
}

func (c *collector) add(graph *checker.Graph) {
	for act := range graph.All() {
		if act.Err != nil {
			msg := fmt.Sprintf("bplint: %s: %v", act, act.Err)
			if !c.seen[msg] {
				c.seen[msg] = true
				c.failed = append(c.failed, msg)
			}
			continue
		}
		if !act.IsRoot {
			continue
		}
		fset := act.Package.Fset
		for _, d := range act.Diagnostics {
			f := newFinding(fset, act.Analyzer, d, c.root)
			key := fmt.Sprintf("%s:%d:%d:%s:%s", f.File, f.Line, f.Column, f.Rule, f.Message)
			if c.seen[key] {
				continue
			}
			c.seen[key] = true
			c.findings = append(c.findings, f)
		}
	}
}

// sorted returns the findings sorted by position, fingerprinted.
func (c *collector) sorted() []*finding {
	out := c.findings
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Rule < b.Rule
	})
	fingerprint(out)
	return out
}

func newFinding(fset *token.FileSet, a *analysis.Analyzer, d analysis.Diagnostic, root string) *finding {
	posn := fset.Position(d.Pos)
	rule := d.Category
	if rule == "" {
		rule = a.Name
	}
	f := &finding{
		Rule:     rule,
		Analyzer: a.Name,
		Message:  strings.TrimSuffix(d.Message, analyzers.RuleSuffix(rule)),
		URL:      d.URL,
		File:     relPath(root, posn.Filename),
		Line:     posn.Line,
		Column:   posn.Column,
		abs:      posn.Filename,
		posn:     posn,
	}
	if f.URL == "" {
		f.URL = a.URL
	}
	if d.End.IsValid() {
		end := fset.Position(d.End)
		f.EndLine, f.EndColumn = end.Line, end.Column
	}
	for _, r := range d.Related {
		rp := fset.Position(r.Pos)
		f.Related = append(f.Related, related{Message: r.Message, File: relPath(root, rp.Filename), Line: rp.Line, Column: rp.Column})
	}
	for _, fix := range d.SuggestedFixes {
		ff := findingFix{Message: fix.Message}
		for _, e := range fix.TextEdits {
			end := e.End
			if !end.IsValid() {
				end = e.Pos
			}
			sp, ep := fset.Position(e.Pos), fset.Position(end)
			ff.Edits = append(ff.Edits, findingEdit{
				File:      relPath(root, sp.Filename),
				StartLine: sp.Line, StartCol: sp.Column,
				EndLine: ep.Line, EndCol: ep.Column,
				Start: sp.Offset, End: ep.Offset,
				New: string(e.NewText),
			})
		}
		f.Fixes = append(f.Fixes, ff)
	}
	return f
}

func relPath(root, file string) string {
	if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(file)
}
