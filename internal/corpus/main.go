// Command corpus runs bplint over large real Go modules, pinned in
// modules.txt, and proves each time that it does not crash, that its
// fixes compile and are idempotent, and how fast it is against its
// floors, go vet and staticcheck. It writes docs/corpus.md.
//
// From the repository root:
//
//	go run ./internal/corpus -modules=nsq -fixcheck            # the CI slice
//	go run ./internal/corpus -modules=all -fixcheck -perf -report=docs/corpus.md
//
// Modules are fetched through the module proxy into -corpus-dir
// (default $XDG_CACHE_HOME/bplint-corpus) on first use. See
// docs/corpus.md for what every column means.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

type options struct {
	modules     string
	corpusDir   string
	seed        string
	fixcheck    bool
	perf        bool
	repeat      int
	report      string
	triage      string
	sample      int
	bplint      string
	timeout     time.Duration
	failLoad    bool
	findingsOut string
	reuse       bool
	perfTools   string
	fetchOnly   bool
}

func main() {
	var o options
	flag.StringVar(&o.modules, "modules", "default", `comma-separated short names from modules.txt, "default" (all but extras) or "all"`)
	flag.StringVar(&o.corpusDir, "corpus-dir", defaultCorpusDir(), "where fetched sources, binaries, scratch copies and results live")
	flag.StringVar(&o.seed, "seed", "", "directory of already fetched sources (DIR/NAME) to copy instead of the module cache (local development)")
	flag.BoolVar(&o.fixcheck, "fixcheck", false, "apply every fix in a scratch copy, then go build, go vet and bplint again")
	flag.BoolVar(&o.perf, "perf", false, "measure bplint against its floors, go vet and staticcheck")
	flag.IntVar(&o.repeat, "repeat", 1, "with -perf, run every command this many times and keep the fastest")
	flag.StringVar(&o.perfTools, "perf-tools", "", "with -perf, measure only these commands (comma-separated, of "+strings.Join(perfTools, ",")+"); the others' figures are carried from the module's last saved measurement, and the report says so")
	flag.StringVar(&o.report, "report", "", "write the markdown report to this file (e.g. docs/corpus.md)")
	flag.StringVar(&o.triage, "triage", "", "triage verdicts (default internal/corpus/triage.tsv in the repository)")
	flag.IntVar(&o.sample, "sample", 12, "findings per rule sampled for triage in the report")
	flag.StringVar(&o.bplint, "bplint", "", "bplint binary to use (default: build ./cmd/bplint of this repository)")
	flag.DurationVar(&o.timeout, "timeout", 45*time.Minute, "limit for any one command")
	flag.BoolVar(&o.failLoad, "fail-on-load-errors", false, "fail when a package does not load or type-check")
	flag.StringVar(&o.findingsOut, "findings", "", "write every finding, one a line (TSV), to this file")
	flag.BoolVar(&o.reuse, "reuse", false, "report from the saved results of earlier runs instead of running (with -report)")
	flag.BoolVar(&o.fetchOnly, "fetch-only", false, "only fetch and prepare the modules' sources")
	flag.Parse()
	for _, t := range strings.Split(o.perfTools, ",") {
		if t != "" && !slices.Contains(perfTools, t) {
			fmt.Fprintf(os.Stderr, "corpus: unknown command %q in -perf-tools (want some of %s)\n", t, strings.Join(perfTools, ","))
			os.Exit(2)
		}
	}
	if err := mainErr(o); err != nil {
		fmt.Fprintf(os.Stderr, "corpus: %v\n", err)
		os.Exit(1)
	}
}

func defaultCorpusDir() string {
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "bplint-corpus")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".cache", "bplint-corpus")
	}
	return filepath.Join(os.TempDir(), "bplint-corpus")
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s corpus: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func mainErr(o options) error {
	repo, err := repoRoot()
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(repo, "internal", "corpus", "modules.txt"))
	if err != nil {
		return err
	}
	all, err := parseModules(f)
	f.Close()
	if err != nil {
		return err
	}
	mods, err := selectModules(all, o.modules)
	if err != nil {
		return err
	}
	if o.corpusDir, err = filepath.Abs(o.corpusDir); err != nil {
		return err
	}
	resultsDir := filepath.Join(o.corpusDir, "results")
	if err := os.MkdirAll(resultsDir, 0o755); err != nil {
		return err
	}
	if o.triage == "" {
		o.triage = filepath.Join(repo, "internal", "corpus", "triage.tsv")
	}

	var results []*Result
	var problems []string
	if o.fetchOnly {
		for _, m := range mods {
			if err := m.prepare(o.corpusDir, o.seed, logf); err != nil {
				return fmt.Errorf("%s: %v", m.Name, err)
			}
			logf("%s: ready in %s", m.Name, m.Dir)
		}
		return nil
	}
	if o.reuse {
		for _, m := range mods {
			r, err := loadResult(resultsDir, m.Name)
			if err != nil {
				return fmt.Errorf("-reuse: %v", err)
			}
			if r.Perf != nil {
				r.Perf.setFacts()
			}
			results = append(results, r)
		}
	} else {
		bins, err := buildTools(repo, o)
		if err != nil {
			return err
		}
		for _, m := range mods {
			r, err := runModule(m, bins, repo, o)
			if r != nil && !o.perf {
				keepPerf(resultsDir, r)
			}
			if r != nil && r.Perf != nil && o.perfTools != "" {
				carryPerf(resultsDir, r)
			}
			if err != nil {
				// A module that cannot be fetched or loaded at all is a
				// failure of the run, not of bplint: say so and go on.
				problems = append(problems, fmt.Sprintf("%s: %v", m.Name, err))
				logf("%s: %v", m.Name, err)
				if r == nil {
					continue
				}
			}
			if err := saveResult(resultsDir, r); err != nil {
				return err
			}
			results = append(results, r)
		}
	}
	for _, r := range results {
		problems = append(problems, r.problems(o.failLoad)...)
	}
	if o.findingsOut != "" {
		if err := writeFindings(o.findingsOut, results); err != nil {
			return err
		}
	}
	if o.report != "" {
		verdicts, err := readTriage(o.triage)
		if err != nil {
			return err
		}
		md := renderReport(results, verdicts, o.sample, reportCommand(o))
		if err := os.WriteFile(o.report, []byte(md), 0o644); err != nil {
			return err
		}
		logf("wrote %s", o.report)
	}
	printSummary(results)
	if len(problems) > 0 {
		fmt.Println("\nFAIL:")
		for _, p := range problems {
			fmt.Println("  " + p)
		}
		return fmt.Errorf("%d problems", len(problems))
	}
	fmt.Println("\nok")
	return nil
}

// reportCommand is the command line the report says regenerates it.
func reportCommand(o options) string {
	s := "go run ./internal/corpus -modules=" + o.modules
	if o.reuse {
		return s + " -reuse -report=" + o.report + " (saved results of earlier runs)"
	}
	if o.fixcheck {
		s += " -fixcheck"
	}
	if o.perf {
		s += " -perf"
		if o.repeat > 1 {
			s += fmt.Sprintf(" -repeat=%d", o.repeat)
		}
	}
	return s + " -report=" + o.report
}

// repoRoot finds the bplint repository from the working directory.
func repoRoot() (string, error) {
	r, err := must(Cmd{Args: []string{"go", "env", "GOMOD"}})
	if err != nil {
		return "", err
	}
	gomod := strings.TrimSpace(string(r.Stdout))
	if ok, _ := isModuleDir(filepath.Dir(gomod), "github.com/bplint/bplint"); !ok {
		return "", fmt.Errorf("run from the bplint repository (go env GOMOD is %q)", gomod)
	}
	return filepath.Dir(gomod), nil
}

// A Result is everything measured on one module.
type Result struct {
	Module   string `json:"module"`
	Path     string `json:"path"`
	Version  string `json:"version"`
	Date     string `json:"date"`
	Bplint   string `json:"bplint"`
	Load     string `json:"load"` // 1-minute load average when the analysis ran
	Packages int    `json:"packages"`
	Lines    int    `json:"lines"`

	Findings       []Finding `json:"findings"`
	Panics         []string  `json:"panics"`
	LoadErrors     []string  `json:"load_errors"`
	AnalysisErrors []string  `json:"analysis_errors"`
	Skipped        int       `json:"skipped"`
	Disabled       []string  `json:"disabled,omitempty"` // analyzers left out because they crashed
	Run            Measure   `json:"run"`

	Fix  *FixResult  `json:"fix,omitempty"`
	Perf *PerfResult `json:"perf,omitempty"`
}

// disabledFlags turns off the analyzers that crashed.
func (r *Result) disabledFlags() []string {
	var out []string
	for _, a := range r.Disabled {
		out = append(out, "-"+a+"=false")
	}
	return out
}

// crashedAnalyzer names the analyzer in whose code a panic happened.
func crashedAnalyzer(stderr []byte) string {
	frame := firstFrame(string(stderr))
	rest, ok := strings.CutPrefix(frame, "github.com/bplint/bplint/analyzers/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, ".")
	name, _, _ = strings.Cut(name, "/")
	if name == "internal" {
		return "" // shared code: every analyzer may use it
	}
	return name
}

// problems are what make the run fail.
func (r *Result) problems(failLoad bool) []string {
	var out []string
	for _, p := range r.Panics {
		out = append(out, fmt.Sprintf("%s: PANIC: %s", r.Module, p))
	}
	for _, e := range r.AnalysisErrors {
		out = append(out, fmt.Sprintf("%s: analysis error: %s", r.Module, e))
	}
	if failLoad && len(r.LoadErrors) > 0 {
		out = append(out, fmt.Sprintf("%s: %d load errors, first: %s", r.Module, len(r.LoadErrors), r.LoadErrors[0]))
	}
	if r.Fix != nil {
		out = append(out, r.Fix.problems(r.Module)...)
	}
	return out
}

// PerRule counts findings by rule.
func (r *Result) PerRule() map[string]int {
	m := make(map[string]int)
	for _, f := range r.Findings {
		m[f.Rule]++
	}
	return m
}

// keepPerf carries the performance figures of the module's last saved
// result into r, a run without -perf: measuring takes an hour, finding
// and fixing minutes, and the report says which run measured.
func keepPerf(dir string, r *Result) {
	old, err := loadResult(dir, r.Module)
	if err != nil || old.Perf == nil || old.Version != r.Version || old.Packages != r.Packages {
		return // not measured on the same code
	}
	r.Perf = old.Perf
	if r.Perf.Earlier == "" {
		r.Perf.Earlier = old.Date + ", " + old.Bplint
	}
}

// carryPerf fills in the figures of the commands that a -perf-tools run
// did not measure from the module's last saved result, naming the run
// each comes from.
func carryPerf(dir string, r *Result) {
	old, err := loadResult(dir, r.Module)
	if err != nil || old.Perf == nil {
		return
	}
	for tool, m := range old.Perf.Best {
		if _, ok := r.Perf.Best[tool]; ok {
			continue
		}
		r.Perf.Best[tool] = m
		r.Perf.Runs[tool] = old.Perf.Runs[tool]
		from := old.Perf.Carried[tool]
		if from == "" {
			from = old.Perf.Earlier // kept by a run without -perf
		}
		if from == "" {
			from = old.Date + ", " + old.Bplint
		}
		if r.Perf.Carried == nil {
			r.Perf.Carried = make(map[string]string)
		}
		r.Perf.Carried[tool] = from
	}
}

func saveResult(dir string, r *Result) error {
	b, err := json.MarshalIndent(r, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, r.Module+".json"), b, 0o644)
}

func loadResult(dir, name string) (*Result, error) {
	b, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		return nil, err
	}
	r := new(Result)
	return r, json.Unmarshal(b, r)
}

// Bins are the binaries a run uses.
type Bins struct {
	Dir         string
	Bplint      string
	Noop        string
	NoopFact    string
	Staticcheck string
	Version     string
}

const staticcheckVersion = "v0.8.2"

func buildTools(repo string, o options) (Bins, error) {
	b := Bins{Dir: filepath.Join(o.corpusDir, "bin")}
	if err := os.MkdirAll(b.Dir, 0o755); err != nil {
		return b, err
	}
	build := func(name, pkg string) (string, error) {
		out := filepath.Join(b.Dir, name)
		logf("building %s", pkg)
		_, err := must(Cmd{Dir: repo, Args: []string{"go", "build", "-o", out, pkg}})
		return out, err
	}
	var err error
	if o.bplint != "" {
		if b.Bplint, err = filepath.Abs(o.bplint); err != nil {
			return b, err
		}
	} else if b.Bplint, err = build("bplint", "./cmd/bplint"); err != nil {
		return b, err
	}
	if r, err := must(Cmd{Args: []string{b.Bplint, "version"}}); err == nil {
		b.Version = strings.TrimSpace(string(r.Stdout))
	}
	if o.perf {
		if b.Noop, err = build("noop", "./internal/corpus/noop"); err != nil {
			return b, err
		}
		if b.NoopFact, err = build("noopfact", "./internal/corpus/noopfact"); err != nil {
			return b, err
		}
		b.Staticcheck = filepath.Join(b.Dir, "staticcheck")
		if r, err := must(Cmd{Args: []string{b.Staticcheck, "-version"}}); err != nil || !strings.Contains(string(r.Stdout), strings.TrimPrefix(staticcheckVersion, "v")) {
			logf("installing staticcheck %s", staticcheckVersion)
			if _, err := must(Cmd{Dir: os.TempDir(), Env: []string{"GOBIN=" + b.Dir, "GOWORK=off", "GOFLAGS="},
				Args: []string{"go", "install", "honnef.co/go/tools/cmd/staticcheck@" + staticcheckVersion}}); err != nil {
				return b, err
			}
		}
	}
	return b, nil
}

// runModule fetches m, runs bplint on it, and the fix check and the
// performance comparison if asked.
func runModule(m *Module, bins Bins, repo string, o options) (*Result, error) {
	if err := m.prepare(o.corpusDir, o.seed, logf); err != nil {
		return nil, err
	}
	r := &Result{Module: m.Name, Path: m.Path, Version: m.Version, Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), Bplint: bins.Version}
	var err error
	if r.Lines, err = m.countLines(); err != nil {
		return nil, err
	}
	list, err := must(Cmd{Dir: m.Dir, Env: m.Env(), Args: append([]string{"go", "list", "-e"}, m.Patterns...)})
	if err != nil {
		return nil, err
	}
	r.Packages = len(strings.Fields(string(list.Stdout)))

	r.Load = loadAvg()
	jsonOut := filepath.Join(o.corpusDir, "results", m.Name+".bplint.json")
	// A panic kills the whole run. Run again without the analyzer that
	// crashed, until none does, so that the others' findings are still
	// counted (and the fix check runs on them).
	var run Run
	for {
		args := append([]string{bins.Bplint, "-json"}, r.disabledFlags()...)
		logf("%s: %s %s (%d packages, %d lines; load %s)", m.Name, strings.Join(args[1:], " "), strings.Join(m.Patterns, " "), r.Packages, r.Lines, loadAvg())
		run = runCmd(Cmd{Dir: m.Dir, Env: m.Env(), Timeout: o.timeout, Stdout: jsonOut, Args: append(args, m.Patterns...)})
		if run.Err != nil {
			return nil, run.Err
		}
		os.WriteFile(filepath.Join(o.corpusDir, "results", m.Name+".bplint.stderr"), run.Stderr, 0o644)
		ps := panics(run.Stderr)
		if len(ps) == 0 && run.Exit != 0 && !onlyLoadErrors(run.Exit, run.Stderr) {
			// Exit 1 with type errors is a load error, counted below;
			// anything else is a crash.
			ps = append(ps, fmt.Sprintf("bplint -json exited %d (it exits 0 unless it crashes or a package does not load): %s", run.Exit, tail(run.Stderr, 5)))
		}
		r.Panics = append(r.Panics, ps...)
		if len(ps) == 0 {
			break
		}
		a := crashedAnalyzer(run.Stderr)
		if a == "" || slices.Contains(r.Disabled, a) {
			return r, fmt.Errorf("bplint crashed: %s", ps[0])
		}
		logf("%s: %s crashed; running again without it: %s", m.Name, a, ps[0])
		r.Disabled = append(r.Disabled, a)
	}
	r.Run = run.Measure
	r.LoadErrors = relErrors(loadErrors(run.Stderr), m.Dir)
	data, err := os.ReadFile(jsonOut)
	if err != nil {
		return nil, err
	}
	out, err := parseJSON(data, m.Dir)
	if err != nil {
		return nil, err
	}
	r.Findings, r.AnalysisErrors, r.Skipped = out.Findings, out.AnalysisErrors, out.Skipped
	logf("%s: %d findings, %d panics, %d load errors, %d analysis errors, %.1fs, %d MiB", m.Name,
		len(r.Findings), len(r.Panics), len(r.LoadErrors), len(r.AnalysisErrors), r.Run.Wall, r.Run.RSS>>10)

	if o.fixcheck {
		if m.Std() {
			logf("%s: no fix check on the standard library (its fixes cannot import runtime/bounded)", m.Name)
		} else {
			fx, err := fixCheck(m, bins, repo, r, o)
			r.Fix = fx
			if err != nil {
				return r, err
			}
		}
	}
	if o.perf {
		p, err := perf(m, bins, o, r.disabledFlags())
		r.Perf = p
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

// relErrors shortens absolute paths under dir in error lines.
func relErrors(errs []string, dir string) []string {
	for i, e := range errs {
		errs[i] = strings.ReplaceAll(e, dir+string(filepath.Separator), "")
	}
	return errs
}

func writeFindings(file string, results []*Result) error {
	var b strings.Builder
	b.WriteString("rule\tmodule\tfile:line\tfixes\ttext\tmessage\n")
	for _, r := range results {
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "%s\t%s\t%s\t%d\t%s\t%s\n", f.Rule, r.Module, f.Pos(), f.Fixes, f.Text, f.Message)
		}
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}

func printSummary(results []*Result) {
	fmt.Printf("\n%-12s %8s %8s %8s %7s %6s %6s %8s %8s\n", "module", "pkgs", "lines", "findings", "panics", "loaderr", "anaerr", "wall", "rss")
	for _, r := range results {
		fmt.Printf("%-12s %8d %8d %8d %7d %6d %6d %7.1fs %5dMiB\n", r.Module, r.Packages, r.Lines, len(r.Findings),
			len(r.Panics), len(r.LoadErrors), len(r.AnalysisErrors), r.Run.Wall, r.Run.RSS>>10)
		rules := r.PerRule()
		names := sortedKeys(rules)
		sort.Strings(names)
		for _, n := range names {
			fmt.Printf("    %-40s %d\n", n, rules[n])
		}
		if r.Fix != nil {
			fmt.Printf("    fix check: %s\n", r.Fix.summary())
		}
		if r.Perf != nil {
			fmt.Printf("    perf: %s\n", r.Perf.summary())
		}
	}
}
