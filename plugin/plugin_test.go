package plugin

import (
	"flag"
	"go/token"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/bplint/bplint/analyzers"
)

// build runs the plugin as golangci-lint does: constructor, then
// BuildAnalyzers.
func build(t *testing.T, conf any) ([]*analysis.Analyzer, error) {
	t.Helper()
	newPlugin, err := register.GetPlugin(Name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(conf)
	if err != nil {
		return nil, err
	}
	if got := p.GetLoadMode(); got != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode() = %q, want %q", got, register.LoadModeTypesInfo)
	}
	return p.BuildAnalyzers()
}

func names(as []*analysis.Analyzer) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

func wantError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}

// --- the real suite ---

func TestRealSuiteDefaults(t *testing.T) {
	want := names(analyzers.All)
	for _, conf := range []any{nil, map[string]any{}, map[string]any{"fanout": map[string]any{}, "lockedsend": nil}} {
		got, err := build(t, conf)
		if err != nil {
			t.Fatalf("%v: %v", conf, err)
		}
		if !slices.Equal(names(got), want) {
			t.Errorf("%v: analyzers %v, want %v", conf, names(got), want)
		}
		for i, a := range got {
			if a == analyzers.All[i] {
				t.Errorf("%v: analyzer %s is the shared instance of analyzers.All, want a fresh one", conf, a.Name)
			}
		}
	}
}

func TestRealSuiteDisable(t *testing.T) {
	got, err := build(t, map[string]any{"disable": []any{"lockedsend", "fanout"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names(got) {
		if n == "lockedsend" || n == "fanout" {
			t.Errorf("disabled analyzer %s is in the suite %v", n, names(got))
		}
	}
	if len(got) != len(analyzers.All)-2 {
		t.Errorf("got %v, want all but lockedsend and fanout", names(got))
	}
}

func TestRealSuiteDisableErrors(t *testing.T) {
	_, err := build(t, map[string]any{"disable": []any{"lockedsnd"}})
	wantError(t, err, `setting "disable": unknown analyzer "lockedsnd"`, "known: fanout,")

	_, err = build(t, map[string]any{"disable": "lockedsend"})
	wantError(t, err, `setting "disable": must be a list of analyzer names, not the string "lockedsend"`)

	_, err = build(t, map[string]any{"disable": []any{1}})
	wantError(t, err, `setting "disable"`, "the number 1")

	var every []any
	for _, a := range analyzers.All {
		every = append(every, a.Name)
	}
	_, err = build(t, map[string]any{"disable": every})
	wantError(t, err, "leaves no analyzer to run")
}

func TestRealSuiteUnknownAnalyzer(t *testing.T) {
	_, err := build(t, map[string]any{"fanuot": map[string]any{}})
	wantError(t, err, `bplint: unknown setting "fanuot" (known: disable, fanout, `)
}

func TestRealSuiteUnknownSetting(t *testing.T) {
	_, err := build(t, map[string]any{"unboundedqueue": map[string]any{"max-bufer": 1024}})
	wantError(t, err, `bplint: unknown setting "unboundedqueue.max-bufer" (`)
}

func TestRealSuiteSettingsNotAMap(t *testing.T) {
	_, err := build(t, map[string]any{"fanout": true})
	wantError(t, err, `setting "fanout" must be a map of fanout's settings`, "not the boolean true")
	_, err = build(t, []any{"fanout"})
	wantError(t, err, "settings must be a map", "not a list")
}

// TestRealSuiteEveryFlag checks that each flag of each analyzer, as the
// bplint command shows it, is a setting: set to its default, it is
// accepted. It covers flags added after this test was written.
func TestRealSuiteEveryFlag(t *testing.T) {
	conf := map[string]any{}
	n := 0
	for _, a := range analyzers.All {
		m := map[string]any{}
		a.Flags.VisitAll(func(f *flag.Flag) {
			m[f.Name] = f.DefValue
			n++
		})
		conf[a.Name] = m
	}
	if _, err := build(t, conf); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d flags", n)
}

// --- the mechanism, on a suite of fake analyzers with every kind of flag ---

type fakeOptions struct {
	MaxBuffer int
	Strict    bool
	Methods   []string
	Timeout   time.Duration
	Big       int64
	Ratio     float64
	Mixed     string
}

// listValue is a comma-separated list flag, as analyzers define them.
type listValue struct{ p *[]string }

func (l listValue) String() string {
	if l.p == nil {
		return ""
	}
	return strings.Join(*l.p, ",")
}

func (l listValue) Set(s string) error {
	*l.p = nil
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			*l.p = append(*l.p, e)
		}
	}
	return nil
}

// fakeSuite makes fresh analyzers "one" (with flags) and "two" (none),
// recording the options each instance ends up with when it runs.
func fakeSuite(t *testing.T) map[*analysis.Analyzer]*fakeOptions {
	t.Helper()
	opts := make(map[*analysis.Analyzer]*fakeOptions)
	old := newSuite
	t.Cleanup(func() { newSuite = old })
	newSuite = func() ([]*analysis.Analyzer, error) {
		o := &fakeOptions{MaxBuffer: 4096, Methods: []string{"Send"}}
		one := &analysis.Analyzer{Name: "one", Doc: "one", Run: func(*analysis.Pass) (any, error) { return nil, nil }}
		one.Flags.IntVar(&o.MaxBuffer, "max-buffer", o.MaxBuffer, "")
		one.Flags.BoolVar(&o.Strict, "strict", false, "")
		one.Flags.Var(listValue{&o.Methods}, "methods", "")
		one.Flags.DurationVar(&o.Timeout, "timeout", 0, "")
		one.Flags.Int64Var(&o.Big, "big", 0, "")
		one.Flags.Float64Var(&o.Ratio, "ratio", 0, "")
		one.Flags.StringVar(&o.Mixed, "mixedCase", "", "")
		two := &analysis.Analyzer{Name: "two", Doc: "two", Run: func(*analysis.Pass) (any, error) { return nil, nil }}
		opts[one] = o
		return []*analysis.Analyzer{one, two}, nil
	}
	return opts
}

func optionsOf(t *testing.T, opts map[*analysis.Analyzer]*fakeOptions, suite []*analysis.Analyzer) *fakeOptions {
	t.Helper()
	for _, a := range suite {
		if o, ok := opts[a]; ok {
			return o
		}
	}
	t.Fatalf("analyzer one not in %v", names(suite))
	return nil
}

func TestValues(t *testing.T) {
	opts := fakeSuite(t)
	suite, err := build(t, map[string]any{
		"one": map[string]any{
			"max-buffer": 1024,
			"strict":     true,
			"methods":    []any{"Push", "Emit"},
			"timeout":    "1m30s",
			"big":        int64(1) << 60, // beyond float64's exact integers
			"ratio":      0.25,
			"mixedcase":  "x", // golangci-lint lowercases keys
		},
		"two": map[string]any{},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := *optionsOf(t, opts, suite)
	want := fakeOptions{MaxBuffer: 1024, Strict: true, Methods: []string{"Push", "Emit"}, Timeout: 90 * time.Second, Big: 1 << 60, Ratio: 0.25, Mixed: "x"}
	if got.MaxBuffer != want.MaxBuffer || got.Strict != want.Strict || !slices.Equal(got.Methods, want.Methods) ||
		got.Timeout != want.Timeout || got.Big != want.Big || got.Ratio != want.Ratio || got.Mixed != want.Mixed {
		t.Errorf("options %+v, want %+v", got, want)
	}
}

func TestYAMLMapAnyKeys(t *testing.T) {
	// Some YAML decoders produce map[any]any.
	opts := fakeSuite(t)
	suite, err := build(t, map[any]any{"one": map[any]any{"max-buffer": 7}, "disable": []any{"two"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names(suite), []string{"one"}) {
		t.Errorf("suite %v, want [one]", names(suite))
	}
	if o := optionsOf(t, opts, suite); o.MaxBuffer != 7 {
		t.Errorf("max-buffer = %d, want 7", o.MaxBuffer)
	}
}

func TestBadValues(t *testing.T) {
	fakeSuite(t)
	for _, tc := range []struct {
		val  any
		want []string
	}{
		{"lots", []string{`bplint: setting "one.max-buffer": invalid value "lots": parse error`}},
		{1.5, []string{`setting "one.max-buffer": invalid value "1.5"`}},
		{[]any{1, 2}, []string{`setting "one.max-buffer": invalid value "1,2"`}},
		{nil, []string{`setting "one.max-buffer": has no value`}},
		{map[string]any{"a": 1}, []string{`setting "one.max-buffer": must be a string, number, boolean or list of them, not a map`}},
		{[]any{[]any{1}}, []string{`setting "one.max-buffer": list element must be a string`, "not a list"}},
	} {
		_, err := build(t, map[string]any{"one": map[string]any{"max-buffer": tc.val}})
		wantError(t, err, tc.want...)
	}
	_, err := build(t, map[string]any{"one": map[string]any{"strict": "maybe"}})
	wantError(t, err, `setting "one.strict": invalid value "maybe"`)
	_, err = build(t, map[string]any{"one": map[string]any{"timeout": 30}})
	wantError(t, err, `setting "one.timeout": invalid value "30"`)
	_, err = build(t, map[string]any{"one": map[string]any{"methods": []any{"a,b"}}})
	wantError(t, err, `setting "one.methods": list element "a,b" contains a comma`)
}

func TestUnknownKeys(t *testing.T) {
	fakeSuite(t)
	_, err := build(t, map[string]any{"one": map[string]any{"max-bufer": 1}})
	wantError(t, err, `bplint: unknown setting "one.max-bufer" (known: big, max-buffer, methods, mixedCase, ratio, strict, timeout)`)
	_, err = build(t, map[string]any{"two": map[string]any{"x": 1}})
	wantError(t, err, `bplint: unknown setting "two.x" (two has no settings)`)
	_, err = build(t, map[string]any{"three": map[string]any{}})
	wantError(t, err, `bplint: unknown setting "three" (known: disable, one, two)`)
}

func TestAllErrorsReported(t *testing.T) {
	fakeSuite(t)
	_, err := build(t, map[string]any{
		"one":     map[string]any{"max-buffer": "x", "nope": 1},
		"disable": []any{"zero"},
		"three":   nil,
	})
	wantError(t, err, `"one.max-buffer"`, `"one.nope"`, `unknown analyzer "zero"`, `"three"`)
}

func TestInstancesAreIndependent(t *testing.T) {
	opts := fakeSuite(t)
	a, err := build(t, map[string]any{"one": map[string]any{"max-buffer": 1, "methods": []any{"A"}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := build(t, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	oa, ob := optionsOf(t, opts, a), optionsOf(t, opts, b)
	if oa.MaxBuffer != 1 || !slices.Equal(oa.Methods, []string{"A"}) {
		t.Errorf("configured suite has %+v", *oa)
	}
	if ob.MaxBuffer != 4096 || !slices.Equal(ob.Methods, []string{"Send"}) {
		t.Errorf("default suite has %+v, want the defaults", *ob)
	}
}

func TestConstructorRejectsBeforeBuild(t *testing.T) {
	fakeSuite(t)
	if _, err := New(map[string]any{"one": map[string]any{"max-buffer": "x"}}); err == nil {
		t.Error("New accepted a bad value; golangci-lint should fail when it loads the configuration")
	}
}

// --- adapting findings to golangci-lint ---

func TestAdapt(t *testing.T) {
	fix := func(msg string) analysis.SuggestedFix {
		return analysis.SuggestedFix{Message: msg, TextEdits: []analysis.TextEdit{{Pos: 1, End: 2, NewText: []byte(msg)}}}
	}
	a := &analysis.Analyzer{Name: "one", Doc: "one", Run: func(pass *analysis.Pass) (any, error) {
		pass.Report(analysis.Diagnostic{Pos: 1, Category: "one/rule-x", Message: "bad thing", SuggestedFixes: []analysis.SuggestedFix{fix("first"), fix("second")},
			Related: []analysis.RelatedInformation{{Pos: 2, Message: "here"}}})
		pass.Reportf(token.Pos(2), "no category")
		pass.Report(analysis.Diagnostic{Pos: 3, Category: "one/rule-y", Message: "named (one/rule-y)"})
		return "result", nil
	}}
	adapt(a)
	var got []analysis.Diagnostic
	pass := &analysis.Pass{Analyzer: a, Report: func(d analysis.Diagnostic) { got = append(got, d) }}
	res, err := a.Run(pass)
	if err != nil || res != "result" {
		t.Fatalf("Run = %v, %v", res, err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d diagnostics, want 3", len(got))
	}
	if want := "bad thing (one/rule-x)"; got[0].Message != want || got[0].Category != "one/rule-x" {
		t.Errorf("diagnostic %q (category %q), want %q", got[0].Message, got[0].Category, want)
	}
	if len(got[0].SuggestedFixes) != 1 || got[0].SuggestedFixes[0].Message != "first" {
		t.Errorf("fixes %v, want only the first", got[0].SuggestedFixes)
	}
	if got[0].Related != nil {
		t.Errorf("related information %v, want none", got[0].Related)
	}
	for _, d := range got[1:] {
		if d.Message != "no category" && d.Message != "named (one/rule-y)" {
			t.Errorf("diagnostic %q, want it unchanged", d.Message)
		}
	}
}

func TestBuildAnalyzersAdapts(t *testing.T) {
	fakeSuite(t)
	old := newSuite
	newSuite = func() ([]*analysis.Analyzer, error) {
		as, err := old()
		if err != nil {
			return nil, err
		}
		as[0].Run = func(pass *analysis.Pass) (any, error) {
			pass.Report(analysis.Diagnostic{Category: "one/r", Message: "m"})
			return nil, nil
		}
		return as, nil
	}
	suite, err := build(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	var msg string
	if _, err := suite[0].Run(&analysis.Pass{Report: func(d analysis.Diagnostic) { msg = d.Message }}); err != nil {
		t.Fatal(err)
	}
	if want := "m (one/r)"; msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
}

func TestDecodeErrorsAreErrors(t *testing.T) {
	fakeSuite(t)
	_, err := New(map[string]any{"one": map[string]any{"max-buffer": func() {}}})
	if err == nil || !strings.Contains(err.Error(), "bplint: encoding settings") {
		t.Errorf("err = %v", err)
	}
}
