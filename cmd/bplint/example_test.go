package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestExample is the README's promise: bplint finds the chat example's
// problems, and -fix turns it into code that uses bounded, compiles,
// passes vet and the example's own tests, and is not reported again.
func TestExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests the example module")
	}
	// The example's go.mod replaces the runtime module by ../../runtime:
	// copy both, keeping their relative places.
	root := t.TempDir()
	copyTree(t, "../../examples/chat", filepath.Join(root, "examples", "chat"))
	copyTree(t, "../../runtime", filepath.Join(root, "runtime"))
	dir := filepath.Join(root, "examples", "chat")

	r := run(t, dir, bplint, "./...")
	wantCode(t, r, 3)
	before := findingsByRule(r.stderr)
	t.Logf("findings before -fix: %v\n%s", before, r.stderr)
	for _, rule := range []string{
		"fanout/timeout-leak",
		"ignoredsend/uncancellable-send",
		"ignoredsend/silent-drop",
		"lockedsend/send-under-lock",
		"unboundedqueue/goroutine-per-message",
		"unboundedqueue/huge-buffer",
		"unboundedqueue/unbounded-read",
	} {
		if before[rule] == 0 {
			t.Errorf("no %s finding in the example", rule)
		}
	}

	wantCode(t, run(t, dir, bplint, "-fix", "./..."), 0)
	fixed := readTree(t, dir)
	if !strings.Contains(fixed, `"github.com/bplint/bplint/runtime/bounded"`) {
		t.Errorf("after -fix, the example does not use bounded")
	}
	for _, step := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "-count=1", "./..."}} {
		if r := run(t, dir, "go", step...); r.code != 0 {
			t.Errorf("go %s after -fix: exit %d\n%s%s", strings.Join(step, " "), r.code, r.stdout, r.stderr)
		}
	}

	r = run(t, dir, bplint, "./...")
	after := findingsByRule(r.stderr)
	t.Logf("findings after -fix: %v\n%s", after, r.stderr)
	total := func(m map[string]int) int {
		n := 0
		for _, c := range m {
			n += c
		}
		return n
	}
	if total(after) >= total(before) {
		t.Errorf("-fix removed no finding: %d before, %d after", total(before), total(after))
	}
}

var ruleSuffixRE = regexp.MustCompile(`\(([a-z]+/[a-z-]+)\)$`)

func findingsByRule(out string) map[string]int {
	m := make(map[string]int)
	for _, line := range strings.Split(out, "\n") {
		if sub := ruleSuffixRE.FindStringSubmatch(line); sub != nil {
			m[sub[1]]++
		}
	}
	return m
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
			data, _ := os.ReadFile(path)
			b.Write(data)
		}
		return nil
	})
	return b.String()
}
