package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The checked-in list parses, names every module the issue asks for,
// and pins each to a version.
func TestModulesFile(t *testing.T) {
	f, err := os.Open("modules.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mods, err := parseModules(f)
	if err != nil {
		t.Fatal(err)
	}
	def, err := selectModules(mods, "default")
	if err != nil {
		t.Fatal(err)
	}
	have := make(map[string]bool)
	for _, m := range def {
		have[m.Path] = true
		if !m.Std() && !strings.HasPrefix(m.Version, "v") {
			t.Errorf("%s: version %q is not a pin", m.Name, m.Version)
		}
	}
	for _, want := range []string{"github.com/nsqio/nsq", "github.com/caddyserver/caddy/v2", "github.com/syncthing/syncthing",
		"go.etcd.io/etcd/server/v3", "google.golang.org/grpc", "github.com/prometheus/prometheus",
		"github.com/ethereum/go-ethereum", "github.com/nats-io/nats-server/v2", "std"} {
		if !have[want] {
			t.Errorf("the default set lacks %s", want)
		}
	}
	if _, err := selectModules(mods, "nsq,nosuch"); err == nil {
		t.Error("selecting an unknown module: no error")
	}
}

func TestParseModulesOptions(t *testing.T) {
	mods, err := parseModules(strings.NewReader("# c\nx example.com/x v1.0.0 tags=a,b pkgs=./cmd/...,./lib extra # why\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := mods[0]
	if !reflect.DeepEqual(m.Tags, []string{"a", "b"}) || !reflect.DeepEqual(m.Patterns, []string{"./cmd/...", "./lib"}) || !m.Extra || m.Note != "why" {
		t.Errorf("got %+v", m)
	}
	if env := m.Env(); !strings.Contains(env[1], "-tags=a,b") {
		t.Errorf("Env() = %q", env)
	}
	if _, err := parseModules(strings.NewReader("x example.com/x v1 bogus\n")); err == nil {
		t.Error("unknown option: no error")
	}
}

// The checked-in verdicts parse: six columns, known verdicts, reasons.
func TestTriageFile(t *testing.T) {
	if _, err := readTriage("triage.tsv"); err != nil {
		t.Fatal(err)
	}
}

func TestParseJSON(t *testing.T) {
	dir := t.TempDir()
	src := "package p\n\nfunc f() {\n\tgo  func() { ch <- 1 }()\n}\n"
	file := filepath.Join(dir, "p.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	diag := `{"category": "fanout/timeout-leak", "posn": "` + file + `:4:2", "message": "leak (fanout/timeout-leak)",
		"suggested_fixes": [{"message": "m", "edits": [{"filename": "` + file + `", "start": 1, "end": 2, "new": "\"github.com/bplint/bplint/runtime/bounded\""}]}]}`
	tree := `{
		"example.com/p": {"fanout": [` + diag + `], "lockedsend": {"error": "boom"}},
		"example.com/p [example.com/p.test]": {"fanout": [` + diag + `], "ignoredsend": {"error": "analysis skipped due to errors in package"}}
	}`
	out, err := parseJSON([]byte(tree), dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{{Rule: "fanout/timeout-leak", File: "p.go", Line: 4, Col: 2, Text: "go func() { ch <- 1 }()",
		Message: "leak (fanout/timeout-leak)", Fixes: 1, Bounded: true}}
	if !reflect.DeepEqual(out.Findings, want) {
		t.Errorf("findings:\n got %+v\nwant %+v", out.Findings, want)
	}
	if len(out.AnalysisErrors) != 1 || !strings.Contains(out.AnalysisErrors[0], "lockedsend: boom") {
		t.Errorf("analysis errors: %q", out.AnalysisErrors)
	}
	if out.Skipped != 1 {
		t.Errorf("skipped = %d, want 1", out.Skipped)
	}
}

func TestSplitPosn(t *testing.T) {
	for _, tc := range []struct {
		in        string
		file      string
		line, col int
	}{
		{"/a/b.go:12:3", "/a/b.go", 12, 3},
		{"C:/a/b.go:12:3", "C:/a/b.go", 12, 3},
		{"/a/b.go:12", "/a/b.go", 0, 12}, // no column: the line reads as one
		{"/a/b.go", "/a/b.go", 0, 0},
	} {
		f, l, c := splitPosn(tc.in)
		if f != tc.file || l != tc.line || c != tc.col {
			t.Errorf("splitPosn(%q) = %q, %d, %d", tc.in, f, l, c)
		}
	}
}

func TestPanics(t *testing.T) {
	stderr := []byte("x.go:1:1: some load error\npanic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:\n" +
		"github.com/bplint/bplint/analyzers/fanout.run(0xc000)\n\t/work/main/analyzers/fanout/fanout.go:99 +0x1d\n")
	p := panics(stderr)
	if len(p) != 1 || !strings.Contains(p[0], "index out of range") || !strings.Contains(p[0], "analyzers/fanout.run") {
		t.Errorf("panics = %q", p)
	}
	if le := loadErrors(stderr); !reflect.DeepEqual(le, []string{"x.go:1:1: some load error"}) {
		t.Errorf("loadErrors = %q", le)
	}
	if p := panics([]byte("a.go:3:4: panic: not really\n")); len(p) != 0 {
		t.Errorf("a message mentioning panic is not a crash: %q", p)
	}
}

// A run that exits 1 over type errors is a load error; any other
// failure is a crash.
func TestOnlyLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		exit   int
		stderr string
		want   bool
	}{
		{1, "# example.com/x/test\n/src/x/test/a_test.go:27:2: could not import y (invalid package name: \"\")\n", true},
		{1, "-: no required module provides package z\n", true},
		{1, "", false},
		{2, "a.go:1:2: flag provided but not defined\n", false},
		{1, "a.go:1:2: undefined: y\nfatal error: out of memory\n", false},
		{1, "bplint: invalid flag\n", false},
	} {
		if got := onlyLoadErrors(tc.exit, []byte(tc.stderr)); got != tc.want {
			t.Errorf("onlyLoadErrors(%d, %q) = %v, want %v", tc.exit, tc.stderr, got, tc.want)
		}
	}
}

func TestCompareFindings(t *testing.T) {
	f := func(rule, text string, fixes int) Finding {
		return Finding{Rule: rule, File: "a.go", Text: text, Fixes: fixes}
	}
	before := []Finding{f("r/a", "x := 1", 1), f("r/b", "y := 2", 0), f("r/a", "z", 1), f("r/a", "dup", 1), f("r/a", "dup", 0)}
	after := []Finding{f("r/b", "y := 2", 0), f("r/a", "z", 0), f("r/c", "new", 0), f("r/a", "dup", 0)}
	re, fresh := compareFindings(before, after)
	if len(re) != 1 || re[0].Text != "z" {
		t.Errorf("reappeared = %+v", re)
	}
	if len(fresh) != 1 || fresh[0].Rule != "r/c" {
		t.Errorf("new = %+v", fresh)
	}
}

func TestNewErrors(t *testing.T) {
	before := []byte("# p\n/s/p/a.go:10:2: old error\n")
	after := []byte("# p\n/s/p/a.go:12:2: old error\n/s/p/b.go:3:1: undefined: bounded\n")
	got := newErrors(before, after, "/s")
	if !reflect.DeepEqual(got, []string{"p/b.go:3:1: undefined: bounded"}) {
		t.Errorf("newErrors = %q", got)
	}
}

func TestSample(t *testing.T) {
	var rs []*Result
	for _, name := range []string{"a", "b"} {
		r := &Result{Module: name}
		for i := 0; i < 30; i++ {
			r.Findings = append(r.Findings, Finding{Rule: "x/y", File: "f.go", Line: i + 1, Text: strings.Repeat("t", i+1)})
		}
		rs = append(rs, r)
	}
	vs := &Verdicts{byKey: map[string]*Verdict{}}
	v := &Verdict{Rule: "x/y", Module: "b", File: "f.go", Text: "ttttt", Verdict: "true", Reason: "r"}
	vs.byKey[v.key()] = v
	s := sample(rs, "x/y", vs, 10)
	if len(s) != 10 {
		t.Fatalf("sampled %d, want 10", len(s))
	}
	perModule := map[string]int{}
	triaged := 0
	for _, x := range s {
		perModule[x.Module]++
		if x.Verdict != nil {
			triaged++
		}
	}
	if triaged != 1 || perModule["a"] < 4 || perModule["b"] < 4 {
		t.Errorf("sample is not spread: %v, %d triaged", perModule, triaged)
	}
	if !reflect.DeepEqual(s, sample(rs, "x/y", vs, 10)) {
		t.Error("sample is not deterministic")
	}
}

func TestRenderReport(t *testing.T) {
	r := &Result{Module: "m", Path: "example.com/m", Version: "v1.0.0", Lines: 200000, Packages: 3,
		Findings: []Finding{{Rule: "fanout/ncast", File: "a.go", Line: 3, Text: "go f() | x", Fixes: 1}},
		Fix:      &FixResult{Fixable: 1, BuildBefore: true, BuildAfter: true, VetBefore: true, VetAfter: true},
		Perf: &PerfResult{Repeat: 1, Facts: true, Best: map[string]Measure{
			"bplint": {Wall: 2, CPU: 3, RSS: 1 << 20}, "noopfact": {Wall: 2, CPU: 2.5}, "noop": {Wall: 1, CPU: 1},
			"staticcheck": {Wall: 8, CPU: 10, RSS: 2 << 20}, "govet": {Wall: 4, CPU: 5}, "bplint-vettool": {Wall: 3, CPU: 3},
			"noopfact-vettool": {Wall: 3, CPU: 3}, "bplint-facts": {Wall: 1, CPU: 1},
		}, Earlier: "2026-11-27, bplint (devel)", Carried: map[string]string{"staticcheck": "2026-11-26, bplint v0.1.0"}},
	}
	old := &Verdict{Rule: "fanout/ncast", Module: "m", File: "b.go", Line: "9", Text: "gone()", Verdict: "false-positive", Reason: "a shape since learned"}
	md := renderReport([]*Result{r}, &Verdicts{list: []*Verdict{old}, byKey: map[string]*Verdict{old.key(): old}}, 10, "go run ./internal/corpus -modules=m")
	for _, want := range []string{"| m | `example.com/m@v1.0.0` | 3 | 200000 | 1 | 0.5 |", "## Fix check", "## Performance",
		"1.00 / 1.20", "`go f() \\| x`", "*untriaged*",
		"1 verdicts in triage.tsv match no finding", "The performance figures of m come from an earlier run than the findings (2026-11-27)",
		"their figures carried from earlier runs: `staticcheck` on m (2026-11-26).", "| `fanout/ncast` | m | `b.go:9` | `gone()` | false-positive | a shape since learned |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestCPUSpread(t *testing.T) {
	for _, tc := range []struct {
		runs []Measure
		want string
	}{
		{nil, ""},
		{[]Measure{{CPU: 3}}, ""},
		{[]Measure{{CPU: 3}, {CPU: 2.5}, {CPU: 4.04}}, " (CPU 2.5–4.0)"},
	} {
		if got := cpuSpread(tc.runs); got != tc.want {
			t.Errorf("cpuSpread(%v) = %q, want %q", tc.runs, got, tc.want)
		}
	}
}
