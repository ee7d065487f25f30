package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// A FixResult is the outcome of the fix check on one module: every
// suggested fix applied by bplint -fix in a scratch copy, then the
// module built, vetted and linted again.
type FixResult struct {
	Fixable      int      `json:"fixable"`       // findings that carry a fix
	Rounds       []string `json:"rounds"`        // what each bplint -fix round said
	FilesChanged int      `json:"files_changed"` // .go files the fixes changed
	Bounded      bool     `json:"bounded"`       // the scratch go.mod got runtime/bounded
	FixCrash     []string `json:"fix_crash,omitempty"`

	BuildBefore bool     `json:"build_before"` // go build passed before the fixes
	BuildAfter  bool     `json:"build_after"`
	BuildNew    []string `json:"build_new,omitempty"` // errors the fixes introduced
	VetBefore   bool     `json:"vet_before"`
	VetAfter    bool     `json:"vet_after"`
	VetNew      []string `json:"vet_new,omitempty"`
	Gofmt       []string `json:"gofmt,omitempty"` // files the fixes left unformatted

	Reappeared []Finding `json:"reappeared,omitempty"` // fixed, reported again
	New        []Finding `json:"new,omitempty"`        // reported after, not before (moved or introduced)
	After      int       `json:"after"`                // findings after the fixes
	Diff       string    `json:"diff,omitempty"`       // file holding the diff of the fixes
}

func (f *FixResult) problems(module string) []string {
	var out []string
	for _, c := range f.FixCrash {
		out = append(out, fmt.Sprintf("%s: bplint -fix crashed: %s", module, c))
	}
	for _, e := range f.BuildNew {
		out = append(out, fmt.Sprintf("%s: BROKEN FIX (go build): %s", module, e))
	}
	for _, e := range f.VetNew {
		out = append(out, fmt.Sprintf("%s: BROKEN FIX (go vet): %s", module, e))
	}
	for _, e := range f.Gofmt {
		out = append(out, fmt.Sprintf("%s: fix left %s unformatted", module, e))
	}
	for _, x := range f.Reappeared {
		out = append(out, fmt.Sprintf("%s: REAPPEARING after fix: %s %s: %s", module, x.Rule, x.Pos(), x.Text))
	}
	return out
}

func (f *FixResult) summary() string {
	return fmt.Sprintf("%d fixable, %d files changed, build %s, vet %s, %d broken, %d unformatted, %d reappearing, %d new/moved",
		f.Fixable, f.FilesChanged, passFail(f.BuildBefore, f.BuildAfter), passFail(f.VetBefore, f.VetAfter),
		len(f.BuildNew)+len(f.VetNew), len(f.Gofmt), len(f.Reappeared), len(f.New))
}

func passFail(before, after bool) string {
	s := func(b bool) string {
		if b {
			return "ok"
		}
		return "FAIL"
	}
	return s(before) + "->" + s(after)
}

var appliedRE = regexp.MustCompile(`applied (\d+) of (\d+) fix`)

// fixCheck applies every fix bplint suggests in a scratch copy of m (the
// first alternative of each, as bplint -fix does), in rounds while
// bplint -fix reports fixes skipped for conflicts (at most 3), then
// checks that the module still builds and vets as well as before, that
// the fixed files are gofmt'd, and that bplint does not report the fixed
// findings again.
func fixCheck(m *Module, bins Bins, repo string, r *Result, o options) (*FixResult, error) {
	fx := new(FixResult)
	for _, f := range r.Findings {
		if f.Fixes > 0 {
			fx.Fixable++
		}
	}
	scratch := filepath.Join(o.corpusDir, "scratch", m.Name)
	logf("%s: fix check in %s (%d fixable findings)", m.Name, scratch, fx.Fixable)
	if err := os.RemoveAll(scratch); err != nil {
		return fx, err
	}
	if err := copyTree(m.Dir, scratch); err != nil {
		return fx, err
	}
	// -mod=mod: the fixes may add a requirement (runtime/bounded).
	env := append(m.Env(), "GOFLAGS="+strings.TrimSpace(envValue(m.Env(), "GOFLAGS")+" -mod=mod"))
	goCmd := func(args ...string) Run {
		return runCmd(Cmd{Dir: scratch, Env: env, Timeout: o.timeout, Args: append([]string{"go"}, args...)})
	}

	buildArgs := append([]string{"build"}, m.Patterns...)
	vetArgs := append([]string{"vet"}, m.Patterns...)
	before := goCmd(buildArgs...)
	fx.BuildBefore = before.Exit == 0 && before.Err == nil
	vetBefore := goCmd(vetArgs...)
	fx.VetBefore = vetBefore.Exit == 0 && vetBefore.Err == nil
	fmtBefore := gofmtList(scratch)

	if fx.Fixable == 0 {
		fx.BuildAfter, fx.VetAfter = fx.BuildBefore, fx.VetBefore
		return fx, nil
	}
	for round := 1; round <= 3; round++ {
		rr := runCmd(Cmd{Dir: scratch, Env: env, Timeout: o.timeout, Args: append(append([]string{bins.Bplint, "-fix"}, r.disabledFlags()...), m.Patterns...)})
		if rr.Err != nil {
			return fx, rr.Err
		}
		if p := panics(rr.Stderr); len(p) > 0 {
			fx.FixCrash = append(fx.FixCrash, p...)
			return fx, nil
		}
		said := "all fixes applied"
		conflict := appliedRE.FindStringSubmatch(string(rr.Stderr))
		if conflict != nil {
			said = conflict[0] + "es; the rest skipped (conflicts)"
		} else if rr.Exit != 0 {
			said = fmt.Sprintf("exit %d: %s", rr.Exit, tail(rr.Stderr, 3))
		}
		fx.Rounds = append(fx.Rounds, said)
		logf("%s: bplint -fix round %d: %s", m.Name, round, said)
		if err := requireBounded(scratch, repo, env, fx); err != nil {
			return fx, err
		}
		if conflict == nil {
			break
		}
	}

	after := goCmd(buildArgs...)
	fx.BuildAfter = after.Exit == 0 && after.Err == nil
	if !fx.BuildAfter {
		fx.BuildNew = newErrors(before.Stderr, after.Stderr, scratch)
	}
	vetAfter := goCmd(vetArgs...)
	fx.VetAfter = vetAfter.Exit == 0 && vetAfter.Err == nil
	if !fx.VetAfter {
		fx.VetNew = newErrors(vetBefore.Stderr, vetAfter.Stderr, scratch)
	}
	fmtAfter := gofmtList(scratch)
	for _, f := range fmtAfter {
		if !contains(fmtBefore, f) {
			fx.Gofmt = append(fx.Gofmt, f)
		}
	}

	jsonOut := filepath.Join(o.corpusDir, "results", m.Name+".afterfix.json")
	rr := runCmd(Cmd{Dir: scratch, Env: env, Timeout: o.timeout, Stdout: jsonOut, Args: append(append([]string{bins.Bplint, "-json"}, r.disabledFlags()...), m.Patterns...)})
	if rr.Err != nil {
		return fx, rr.Err
	}
	if p := panics(rr.Stderr); len(p) > 0 {
		fx.FixCrash = append(fx.FixCrash, p...)
		return fx, nil
	}
	data, err := os.ReadFile(jsonOut)
	if err != nil {
		return fx, err
	}
	out, err := parseJSON(data, scratch)
	if err != nil {
		return fx, err
	}
	fx.After = len(out.Findings)
	fx.Reappeared, fx.New = compareFindings(r.Findings, out.Findings)

	diffFile := filepath.Join(o.corpusDir, "results", m.Name+".fix.diff")
	d := runCmd(Cmd{Dir: filepath.Dir(scratch), Args: []string{"diff", "-ruN", "-x", stampFile, "-x", "go.sum", m.Dir, scratch}})
	if err := os.WriteFile(diffFile, d.Stdout, 0o644); err == nil {
		fx.Diff = diffFile
	}
	for _, l := range strings.Split(string(d.Stdout), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "+++" && strings.HasSuffix(f[1], ".go") {
			fx.FilesChanged++
		}
	}
	logf("%s: fix check: %s", m.Name, fx.summary())
	return fx, nil
}

func envValue(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if k, val, _ := strings.Cut(kv, "="); k == name {
			v = val
		}
	}
	return v
}

// requireBounded makes the scratch module require runtime/bounded, from
// this repository, once a fix imports it.
func requireBounded(scratch, repo string, env []string, fx *FixResult) error {
	if fx.Bounded {
		return nil
	}
	uses := false
	filepath.WalkDir(scratch, func(path string, d fs.DirEntry, err error) error {
		if err != nil || uses {
			return filepath.SkipAll
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), `"`+boundedImport+`"`) {
				uses = true
			}
		}
		return nil
	})
	if !uses {
		return nil
	}
	fx.Bounded = true
	_, err := must(Cmd{Dir: scratch, Env: env, Args: []string{"go", "mod", "edit",
		"-require=github.com/bplint/bplint/runtime@v0.0.0",
		"-replace=github.com/bplint/bplint/runtime=" + filepath.Join(repo, "runtime")}})
	return err
}

// gofmtList returns the files gofmt -l names under dir (vendor and
// testdata aside: the fixes do not touch them).
func gofmtList(dir string) []string {
	r := runCmd(Cmd{Dir: dir, Args: []string{"gofmt", "-l", "."}})
	var out []string
	for _, l := range strings.Split(string(r.Stdout), "\n") {
		if l == "" || strings.Contains(l, "testdata/") || strings.HasPrefix(l, "vendor/") {
			continue
		}
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

var lineCol = regexp.MustCompile(`(\.go):\d+(:\d+)?`)

// newErrors returns the error lines of after that before does not have,
// compared without line and column numbers (the fixes move code).
func newErrors(before, after []byte, dir string) []string {
	norm := func(l string) string {
		l = strings.ReplaceAll(strings.TrimSpace(l), dir+"/", "")
		return lineCol.ReplaceAllString(l, "$1")
	}
	old := make(map[string]int)
	for _, l := range strings.Split(string(before), "\n") {
		old[norm(l)]++
	}
	var out []string
	for _, l := range strings.Split(string(after), "\n") {
		n := norm(l)
		if n == "" || strings.HasPrefix(n, "#") || strings.HasPrefix(n, "go: ") && strings.Contains(n, "downloading") {
			continue
		}
		if old[n] > 0 {
			old[n]--
			continue
		}
		out = append(out, strings.ReplaceAll(strings.TrimSpace(l), dir+"/", ""))
	}
	return out
}

// compareFindings returns the findings of after that were fixed before
// (same key, and more of them than the unfixable ones before could
// explain), and those whose key was not reported before at all.
func compareFindings(before, after []Finding) (reappeared, fresh []Finding) {
	fixed := make(map[string]int)
	unfixed := make(map[string]int)
	for _, f := range before {
		if f.Fixes > 0 {
			fixed[f.Key()]++
		} else {
			unfixed[f.Key()]++
		}
	}
	for _, f := range after {
		k := f.Key()
		switch {
		case unfixed[k] > 0:
			unfixed[k]--
		case fixed[k] > 0:
			fixed[k]--
			reappeared = append(reappeared, f)
		default:
			fresh = append(fresh, f)
		}
	}
	sortFindings(reappeared)
	sortFindings(fresh)
	return reappeared, fresh
}

func contains(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}
