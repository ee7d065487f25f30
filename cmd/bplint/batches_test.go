package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/bplint/bplint/analyzers"
)

func TestBatchesOf(t *testing.T) {
	dir := t.TempDir()
	pkg := func(id, name string, size int) *packages.Package {
		file := filepath.Join(dir, strings.NewReplacer(" ", "_", "[", "", "]", "").Replace(id)+".go")
		if err := os.WriteFile(file, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		return &packages.Package{ID: id, Name: name, CompiledGoFiles: []string{file}}
	}
	// go list's order: the packages, then the test variants.
	roots := []*packages.Package{
		pkg("a", "a", 60), pkg("b", "b", 60), pkg("c", "c", 10),
		pkg("a [a.test]", "a", 70), pkg("a_test [a.test]", "a_test", 10), pkg("a.test", "main", 5),
		pkg("b [b.test]", "b", 65),
	}
	ids := func(batches [][]*packages.Package) [][]string {
		var out [][]string
		for _, b := range batches {
			var ids []string
			for _, p := range b {
				ids = append(ids, p.ID)
			}
			out = append(out, ids)
		}
		return out
	}
	for _, tc := range []struct {
		budget int64
		want   [][]string
	}{
		// a and its variants (145 bytes) exceed the budget but stay
		// together; so do b's (125); c starts a batch of its own.
		{100, [][]string{{"a", "a [a.test]", "a_test [a.test]", "a.test"}, {"b", "b [b.test]"}, {"c"}}},
		{200, [][]string{{"a", "a [a.test]", "a_test [a.test]", "a.test"}, {"b", "c", "b [b.test]"}}},
		{1 << 30, [][]string{{"a", "b", "c", "a [a.test]", "a_test [a.test]", "a.test", "b [b.test]"}}},
	} {
		if got := ids(batchesOf(roots, tc.budget)); !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("budget %d: batches %q, want %q", tc.budget, got, tc.want)
		}
	}
}

// runInProcess runs the driver in dir with the given batch budget.
func runInProcess(t *testing.T, budget int64, args ...string) result {
	t.Helper()
	old := batchBudget
	batchBudget = budget
	defer func() { batchBudget = old }()
	var stdout, stderr bytes.Buffer
	code := runDriver(args, &stdout, &stderr)
	return result{stdout.String(), stderr.String(), code}
}

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(lines)
	return lines
}

// Batches of one package each must report what one batch reports: the
// same findings, once each, and the same errors and exit code.
func TestBatchedRunsAgree(t *testing.T) {
	t.Chdir(fixture(t))
	analyzers.StandaloneDefaults(analyzers.All)
	for _, args := range [][]string{{"-json", "./..."}, {"./..."}, {"-c=1", "./variants/..."}, {"-format=json", "./..."}, {"-test=false", "./..."}} {
		one := runInProcess(t, 1<<40, args...)
		many := runInProcess(t, 1, args...)
		if one.code != many.code || one.stdout != many.stdout || !slices.Equal(sortedLines(one.stderr), sortedLines(many.stderr)) {
			t.Errorf("bplint %s: one batch and one batch per package differ:\n--- one (exit %d)\n%s%s\n--- many (exit %d)\n%s%s",
				strings.Join(args, " "), one.code, one.stdout, one.stderr, many.code, many.stdout, many.stderr)
		}
	}

	r := runInProcess(t, 1, "./variants/...")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3:\n%s", r.code, r.stderr)
	}
	for _, at := range []string{"variants.go:8:", "variants_test.go:10:", "external_test.go:12:"} {
		if n := strings.Count(r.stderr, at); n != 1 {
			t.Errorf("%d findings at %s, want 1:\n%s", n, at, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "user.go") {
		t.Errorf("a finding in user.go, which has none:\n%s", r.stderr)
	}

	r = runInProcess(t, 1, "./broken", "./leak")
	if r.code != 1 || !strings.Contains(r.stderr, "broken.go:4") || !strings.Contains(r.stderr, "(fanout/timeout-leak)") {
		t.Errorf("a type error in one batch must be reported, exit 1, and the other batch still analyzed; exit %d:\n%s", r.code, r.stderr)
	}
}

// The batched driver prints what multichecker prints. A flag that only
// multichecker knows (an empty -debug) sends the same run to it.
func TestBatchedMatchesMultichecker(t *testing.T) {
	// Else the comparison below would be of the driver with itself.
	if plainRun([]string{"-debug=", "./..."}) || !plainRun([]string{"-json", "./..."}) {
		t.Fatal("plainRun no longer tells multichecker's runs from the batched driver's")
	}
	dir := fixture(t)
	for _, args := range [][]string{{"-json", "./..."}, {"./..."}, {"-c=2", "./leak", "./variants/..."}, {"-test=false", "-fanout=false", "./..."}} {
		batched := run(t, dir, bplint, args...)
		multi := run(t, dir, bplint, append([]string{"-debug="}, args...)...)
		if batched.code != multi.code || batched.stdout != multi.stdout || !slices.Equal(sortedLines(batched.stderr), sortedLines(multi.stderr)) {
			t.Errorf("bplint %s: batched and multichecker differ:\n--- batched (exit %d)\n%s%s\n--- multichecker (exit %d)\n%s%s",
				strings.Join(args, " "), batched.code, batched.stdout, batched.stderr, multi.code, multi.stdout, multi.stderr)
		}
	}
}
