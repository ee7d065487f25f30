// Package golangci tests a golangci-lint binary built with the bplint
// module plugin (scripts/golangci/build.sh) on the fixture module in
// testdata/fixture, configured by the repository's .golangci.example.yml.
//
// It runs only when BPLINT_GOLANGCI_LINT names the binary; test.sh
// builds it and runs this test. It is a module of its own so that plain
// `go test ./...` in the repository neither sees it nor needs its YAML
// dependency.
//
// A comment "// want: RULE[, RULE]" in the fixture expects a finding of
// each RULE on its line with the example configuration, and in every
// variant that does not turn that rule off; "// want[VARIANT]: RULE"
// expects one only in that variant. Findings are matched by file, line
// and rule ID (the "(analyzer/rule)" that ends every message), so
// message wording can change freely.
//
// An analyzer that reports nothing but suppression-directive findings
// on the fixture is taken as not implemented yet: its expectations are
// skipped with a PENDING note, unless BPLINT_GOLANGCI_STRICT is set, as
// it should be once every analyzer has landed.
package golangci

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

var (
	binary = os.Getenv("BPLINT_GOLANGCI_LINT")
	strict = os.Getenv("BPLINT_GOLANGCI_STRICT") != ""
)

const (
	fixtureDir  = "testdata/fixture"
	exampleYAML = "../../.golangci.example.yml"
)

func needBinary(t *testing.T) {
	t.Helper()
	if binary == "" {
		t.Skip("BPLINT_GOLANGCI_LINT is not set; run scripts/golangci/test.sh")
	}
}

// A finding is one bplint issue: where, and which rule.
type finding struct {
	File string // slash path relative to the module root
	Line int
	Rule string // "analyzer/rule"
}

func (f finding) String() string { return fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Rule) }

func (f finding) analyzer() string { a, _, _ := strings.Cut(f.Rule, "/"); return a }

func (f finding) directive() bool { return strings.HasSuffix(f.Rule, "/directive") }

// An expectation is a "want" comment of the fixture.
type expectation struct {
	finding
	Variant string // "" for every run
}

var wantRE = regexp.MustCompile(`//\s*want(?:\[([\w-]+)\])?:\s*(.+)$`)

// expectations reads the want comments of the fixture.
func expectations(t *testing.T) []expectation {
	t.Helper()
	var out []expectation
	err := filepath.WalkDir(fixtureDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, _ := filepath.Rel(fixtureDir, path)
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			m := wantRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			for rule := range strings.SplitSeq(m[2], ",") {
				rule = strings.TrimSpace(rule)
				if !strings.Contains(rule, "/") {
					return fmt.Errorf("%s:%d: want %q is not a rule ID (analyzer/rule)", path, line, rule)
				}
				out = append(out, expectation{finding{filepath.ToSlash(rel), line, rule}, m[1]})
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("the fixture has no want comments")
	}
	return out
}

// copyFixture copies the fixture module to a fresh directory, with the
// example configuration as its .golangci.yml, changed by edit if not nil.
func copyFixture(t *testing.T, edit func(settings map[string]any)) string {
	t.Helper()
	dir := t.TempDir()
	err := os.CopyFS(dir, os.DirFS(fixtureDir))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(exampleYAML)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		var doc map[string]any
		if err := yaml.Unmarshal(cfg, &doc); err != nil {
			t.Fatalf("%s: %v", exampleYAML, err)
		}
		settings, ok := dig(doc, "linters", "settings", "custom", "bplint", "settings").(map[string]any)
		if !ok {
			t.Fatalf("%s has no map linters.settings.custom.bplint.settings", exampleYAML)
		}
		edit(settings)
		if cfg, err = yaml.Marshal(doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".golangci.yml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// analyzerSettings returns the settings map of one analyzer, making it.
func analyzerSettings(settings map[string]any, name string) map[string]any {
	m, ok := settings[name].(map[string]any)
	if !ok {
		m = map[string]any{}
		settings[name] = m
	}
	return m
}

var (
	cacheOnce sync.Once
	cacheDir  string
)

// golangciCache is a golangci-lint cache shared by the runs of this test
// process only: its keys cover the binary's version (which build.sh
// derives from the plugin's sources) and the linter settings.
func golangciCache() string {
	cacheOnce.Do(func() {
		var err error
		if cacheDir, err = os.MkdirTemp("", "bplint-golangci-cache-"); err != nil {
			panic(err)
		}
	})
	return cacheDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if cacheDir != "" {
		os.RemoveAll(cacheDir)
	}
	os.Exit(code)
}

// A result is what one golangci-lint run printed.
type result struct {
	findings []finding
	exit     int
	stderr   string
}

var ruleRE = regexp.MustCompile(`\(([a-z0-9]+/[a-z0-9-]+)\)\s*$`)

// run runs golangci-lint in dir with only bplint enabled.
func run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	out := filepath.Join(t.TempDir(), "issues.json")
	cmdArgs := append([]string{"run",
		"--config=" + filepath.Join(dir, ".golangci.yml"),
		"--enable-only=bplint",
		"--output.json.path=" + out,
		"--output.text.path=stderr",
		"--show-stats=false",
		"--max-issues-per-linter=0",
		"--max-same-issues=0",
		"--timeout=10m",
	}, args...)
	cmd := exec.Command(binary, cmdArgs...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GOLANGCI_LINT_CACHE="+golangciCache(),
		"GOWORK=off",
		"GOPROXY=off", // the fixture needs nothing from outside
		"GOFLAGS=-mod=mod",
	)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	res := result{stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.exit = exit.ExitCode()
	default:
		t.Fatalf("golangci-lint %s: %v", strings.Join(cmdArgs, " "), err)
	}
	t.Logf("golangci-lint %s: exit %d\n%s", strings.Join(cmdArgs, " "), res.exit, res.stderr)
	if res.exit != 0 && res.exit != 1 { // 1: issues found
		return res
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("golangci-lint wrote no JSON output: %v", err)
	}
	var report struct {
		Issues []struct {
			FromLinter string
			Text       string
			Pos        struct {
				Filename string
				Line     int
			}
		}
	}
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatalf("golangci-lint JSON output: %v\n%s", err, data)
	}
	for _, is := range report.Issues {
		if is.FromLinter != "bplint" {
			t.Errorf("issue from linter %q, want only bplint: %s", is.FromLinter, is.Text)
			continue
		}
		if strings.Contains(is.Text, "(related information)") {
			t.Errorf("%s:%d: golangci-lint reports related information as an issue; the plugin should drop it: %q", is.Pos.Filename, is.Pos.Line, is.Text)
			continue
		}
		m := ruleRE.FindStringSubmatch(is.Text)
		if m == nil {
			t.Errorf("%s:%d: bplint issue does not end with its rule ID: %q", is.Pos.Filename, is.Pos.Line, is.Text)
			continue
		}
		file := is.Pos.Filename
		if filepath.IsAbs(file) {
			if rel, err := filepath.Rel(dir, file); err == nil {
				file = rel
			}
		}
		res.findings = append(res.findings, finding{filepath.ToSlash(file), is.Pos.Line, m[1]})
	}
	return res
}

// runOK is run for runs that must succeed.
func runOK(t *testing.T, dir string, args ...string) []finding {
	t.Helper()
	res := run(t, dir, args...)
	if res.exit != 0 && res.exit != 1 {
		t.Fatalf("golangci-lint failed with exit code %d:\n%s", res.exit, res.stderr)
	}
	return res.findings
}

var (
	baselineOnce    sync.Once
	baselinePending map[string]bool
	baselineErr     string
	pendingLogged   bool
)

// pendingAnalyzers runs the example configuration once and returns the
// analyzers the fixture expects findings from that report none but
// directive findings: analyzers not implemented yet.
func pendingAnalyzers(t *testing.T) map[string]bool {
	t.Helper()
	baselineOnce.Do(func() {
		dir := copyFixture(t, nil)
		res := run(t, dir, "./...")
		if res.exit != 0 && res.exit != 1 {
			baselineErr = fmt.Sprintf("golangci-lint failed with exit code %d:\n%s", res.exit, res.stderr)
			return
		}
		reported := map[string]bool{}
		for _, f := range res.findings {
			if !f.directive() {
				reported[f.analyzer()] = true
			}
		}
		baselinePending = map[string]bool{}
		for _, e := range expectations(t) {
			if !reported[e.analyzer()] {
				baselinePending[e.analyzer()] = true
			}
		}
	})
	if baselineErr != "" {
		t.Fatal(baselineErr)
	}
	if pendingLogged && !strict {
		return baselinePending
	}
	pendingLogged = true
	for _, a := range slices.Sorted(maps.Keys(baselinePending)) {
		msg := fmt.Sprintf("PENDING: analyzer %s reports nothing on the fixture; is it implemented yet? Its expectations are skipped.", a)
		if strict {
			t.Error(msg + " (BPLINT_GOLANGCI_STRICT is set)")
		} else {
			t.Log(msg)
		}
	}
	if strict {
		return nil
	}
	return baselinePending
}

// check compares the findings with the expectations of variant, leaving
// out rules that drop says the variant turns off, and analyzers pending.
func check(t *testing.T, variant string, got []finding, drop func(rule string) bool) {
	t.Helper()
	pending := pendingAnalyzers(t)
	want := map[finding]bool{}
	for _, e := range expectations(t) {
		if pending[e.analyzer()] {
			continue
		}
		if e.Variant == variant || e.Variant == "" && (drop == nil || !drop(e.Rule)) {
			want[e.finding] = true
		}
	}
	have := map[finding]bool{}
	for _, f := range got {
		if !pending[f.analyzer()] {
			have[f] = true
		}
	}
	for _, f := range sortedFindings(want) {
		if !have[f] {
			t.Errorf("missing finding %s", f)
		}
	}
	for _, f := range sortedFindings(have) {
		if !want[f] {
			if drop != nil && drop(f.Rule) {
				t.Errorf("finding %s, whose rule this variant turns off", f)
			} else {
				t.Errorf("unexpected finding %s (add `// want: %s` to the fixture if it is right)", f, f.Rule)
			}
		}
	}
}

func sortedFindings(m map[finding]bool) []finding {
	out := slices.Collect(maps.Keys(m))
	slices.SortFunc(out, func(a, b finding) int { return strings.Compare(a.String(), b.String()) })
	return out
}

func TestPluginLoaded(t *testing.T) {
	needBinary(t)
	out, err := exec.Command(binary, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("golangci-lint version: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "custom-gcl") {
		t.Errorf("golangci-lint version = %q, want a custom build", out)
	}
	dir := copyFixture(t, nil)
	cmd := exec.Command(binary, "linters", "--config="+filepath.Join(dir, ".golangci.yml"))
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("golangci-lint linters: %v\n%s", err, out)
	}
	enabled, _, _ := strings.Cut(string(out), "Disabled by your configuration linters:")
	if !regexp.MustCompile(`(?m)^bplint\b`).MatchString(enabled) {
		t.Errorf("bplint is not among the enabled linters:\n%s", out)
	}
}

// TestExampleConfig runs the example configuration on the fixture.
func TestExampleConfig(t *testing.T) {
	needBinary(t)
	dir := copyFixture(t, nil)
	check(t, "", runOK(t, dir, "./..."), nil)
}

// TestSettingsChangeFindings runs variants of the example configuration
// and checks that each one turns off the rules it should.
func TestSettingsChangeFindings(t *testing.T) {
	needBinary(t)
	for _, v := range []struct {
		name string
		edit func(settings map[string]any)
		drop func(rule string) bool
	}{{
		name: "disable",
		edit: func(s map[string]any) { s["disable"] = []any{"fanout", "unboundedqueue"} },
		drop: func(rule string) bool {
			return strings.HasPrefix(rule, "fanout/") || strings.HasPrefix(rule, "unboundedqueue/")
		},
	}, {
		name: "depth-0",
		edit: func(s map[string]any) { analyzerSettings(s, "lockedsend")["depth"] = 0 },
		drop: func(rule string) bool { return rule == "lockedsend/call-under-lock" },
	}, {
		name: "no-methods",
		edit: func(s map[string]any) { analyzerSettings(s, "ignoredsend")["methods"] = []any{} },
		drop: func(rule string) bool { return rule == "ignoredsend/ignored-result" },
	}, {
		name: "max-buffer",
		edit: func(s map[string]any) { analyzerSettings(s, "unboundedqueue")["max-buffer"] = 1 << 30 },
		drop: func(rule string) bool { return rule == "unboundedqueue/huge-buffer" },
	}} {
		t.Run(v.name, func(t *testing.T) {
			pending := pendingAnalyzers(t)
			observable := false
			for _, e := range expectations(t) {
				if e.Variant == "" && v.drop(e.Rule) && !pending[e.analyzer()] {
					observable = true
				}
			}
			if !observable {
				t.Skip("PENDING: no finding of the fixture that this variant turns off is reported yet")
			}
			dir := copyFixture(t, v.edit)
			res := run(t, dir, "./...")
			if res.exit != 0 && res.exit != 1 {
				if m := regexp.MustCompile(`unknown setting "[^"]+"`).FindString(res.stderr); m != "" && !strict {
					t.Skipf("PENDING: the plugin rejects the variant's settings (%s); the analyzer has no such flag yet", m)
				}
				t.Fatalf("golangci-lint failed with exit code %d:\n%s", res.exit, res.stderr)
			}
			check(t, v.name, res.findings, v.drop)
		})
	}
}

// TestBadSettings checks that golangci-lint stops on settings the plugin
// does not accept, with an error naming them.
func TestBadSettings(t *testing.T) {
	needBinary(t)
	for _, tc := range []struct {
		name string
		edit func(settings map[string]any)
		want []string // parts of golangci-lint's error
	}{{
		name: "unknown analyzer",
		// Not an empty map: golangci-lint's configuration loader drops
		// keys whose value is empty before the plugin sees them.
		edit: func(s map[string]any) { s["fanuot"] = map[string]any{"x": 1} },
		want: []string{`bplint: unknown setting "fanuot" (known: disable, `, "lockedsend"},
	}, {
		name: "unknown setting",
		edit: func(s map[string]any) { analyzerSettings(s, "lockedsend")["dept"] = 1 },
		want: []string{`bplint: unknown setting "lockedsend.dept" (known: `, "depth"},
	}, {
		name: "bad value",
		edit: func(s map[string]any) { analyzerSettings(s, "lockedsend")["depth"] = "deep" },
		want: []string{`bplint: setting "lockedsend.depth": invalid value "deep"`},
	}, {
		name: "unknown disabled analyzer",
		edit: func(s map[string]any) { s["disable"] = []any{"lockedsnd"} },
		want: []string{`bplint: setting "disable": unknown analyzer "lockedsnd"`},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyFixture(t, tc.edit)
			res := run(t, dir, "./...")
			if res.exit == 0 || res.exit == 1 {
				t.Fatalf("golangci-lint accepted the settings (exit %d)", res.exit)
			}
			for _, want := range tc.want {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("golangci-lint error does not contain %q:\n%s", want, res.stderr)
				}
			}
		})
	}
}

// TestFix runs golangci-lint --fix on the fixture with fanout alone and
// compares the result with the *.go.golden files: only files with a
// golden file may change, the fixed module must build, and the fixed
// findings must not come back.
func TestFix(t *testing.T) {
	needBinary(t)
	if pendingAnalyzers(t)["fanout"] {
		t.Skip("PENDING: fanout reports nothing yet")
	}
	dir := copyFixture(t, func(s map[string]any) {
		s["disable"] = []any{"ignoredsend", "lockedsend", "unboundedqueue"}
	})
	before := goFiles(t, dir)
	runOK(t, dir, "--fix", "./...")
	after := goFiles(t, dir)
	fixed := 0
	for _, name := range slices.Sorted(maps.Keys(before)) {
		golden, err := os.ReadFile(filepath.Join(fixtureDir, name+".golden"))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if after[name] != before[name] {
				t.Errorf("--fix changed %s, which has no golden file:\n%s", name, after[name])
			}
		case err != nil:
			t.Fatal(err)
		default:
			fixed++
			if after[name] != string(golden) {
				t.Errorf("--fix made %s\n%s\nwant (%s.golden)\n%s", name, after[name], name, golden)
			}
		}
	}
	if fixed == 0 {
		t.Fatal("the fixture has no *.go.golden file")
	}
	build := exec.Command("go", "build", "./...")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Errorf("the fixed module does not build: %v\n%s", err, out)
	}
	for _, f := range runOK(t, dir, "./...") {
		if f.Rule == "fanout/timeout-leak" {
			t.Errorf("finding %s is still there after --fix", f)
		}
	}
}

// goFiles returns the content of every .go file under dir, by slash path.
func goFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
