package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// These tests build the bplint binary once and run it the ways users
// do: standalone, through go vet and go fix, with each output format.

var bplint string // path of the built binary

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bplint-test")
	if err != nil {
		panic(err)
	}
	bplint = filepath.Join(dir, "bplint")
	if runtime.GOOS == "windows" {
		bplint += ".exe"
	}
	out, err := exec.Command("go", "build", "-o", bplint, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs name (bplint or go) in dir and returns its output and exit code.
func run(t *testing.T, dir, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// fixture copies testdata/fixture to a fresh directory, so tests that
// apply fixes do not change the repository.
func fixture(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir("testdata/fixture", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/fixture", path)
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
	return dst
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

func TestStandaloneExitCodes(t *testing.T) {
	dir := fixture(t)
	r := run(t, dir, bplint, "./leak")
	wantCode(t, r, 3)
	for _, rule := range []string{"(fanout/timeout-leak)", "(unboundedqueue/huge-buffer)"} {
		if !strings.Contains(r.stderr, rule) {
			t.Errorf("output lacks a %s finding:\n%s", rule, r.stderr)
		}
	}
	wantCode(t, run(t, dir, bplint, "./clean"), 0)

	r = run(t, dir, bplint, "./broken")
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "broken.go:4") {
		t.Errorf("the type error is not reported:\n%s", r.stderr)
	}
}

func TestDisableAnalyzer(t *testing.T) {
	dir := fixture(t)
	r := run(t, dir, bplint, "-fanout=false", "./leak")
	wantCode(t, r, 3)
	if strings.Contains(r.stderr, "fanout/") {
		t.Errorf("-fanout=false still reports fanout:\n%s", r.stderr)
	}
	r = run(t, dir, bplint, "-fanout", "./leak")
	if strings.Contains(r.stderr, "unboundedqueue/") {
		t.Errorf("-fanout (only fanout) still reports unboundedqueue:\n%s", r.stderr)
	}
}

func TestJSONOutput(t *testing.T) {
	dir := fixture(t)
	r := run(t, dir, bplint, "-json", "./leak")
	wantCode(t, r, 0) // multichecker: -json always exits 0
	var tree map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &tree); err != nil {
		t.Fatalf("-json output is not JSON: %v\n%s", err, r.stdout)
	}
	if !strings.Contains(r.stdout, `"category": "fanout/timeout-leak"`) {
		t.Errorf("-json lacks the rule category:\n%s", r.stdout)
	}
}

func TestFix(t *testing.T) {
	dir := fixture(t)
	file := filepath.Join(dir, "leak", "leak.go")
	before, _ := os.ReadFile(file)

	r := run(t, dir, bplint, "-fix", "-diff", "./leak")
	if !strings.Contains(r.stdout, "+\tch := make(chan int, 1)") {
		t.Errorf("-fix -diff does not show the fix:\n%s\n%s", r.stdout, r.stderr)
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(before, after) {
		t.Errorf("-fix -diff changed the file")
	}

	r = run(t, dir, bplint, "-fix", "./leak")
	wantCode(t, r, 0)
	after, _ := os.ReadFile(file)
	if !strings.Contains(string(after), "ch := make(chan int, 1)") {
		t.Errorf("-fix did not buffer the channel:\n%s", after)
	}
	r = run(t, dir, bplint, "-fanout", "./leak")
	wantCode(t, r, 0)
	wantCode(t, run(t, dir, "go", "build", "./..."), 1) // broken stays broken
	wantCode(t, run(t, dir, "go", "vet", "./leak"), 0)
}

func TestGoVet(t *testing.T) {
	dir := fixture(t)
	r := run(t, dir, "go", "vet", "-vettool="+bplint, "./leak")
	wantCode(t, r, 1) // go vet: 1 for findings and errors alike
	if !strings.Contains(r.stderr, "(fanout/timeout-leak)") {
		t.Errorf("go vet output lacks the finding:\n%s", r.stderr)
	}
	wantCode(t, run(t, dir, "go", "vet", "-vettool="+bplint, "./clean"), 0)
	r = run(t, dir, "go", "vet", "-vettool="+bplint, "-fanout=false", "-unboundedqueue=false", "./leak")
	wantCode(t, r, 0)

	// go vet analyzes crosspkg/blocker for its facts only (bplint then
	// skips the checks whose findings vet discards); the facts still
	// reach crosspkg/caller.
	r = run(t, dir, "go", "vet", "-vettool="+bplint, "./crosspkg/caller")
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "s.p.Put may block on a channel: it sends on p.C (blocker.go:9)") {
		t.Errorf("go vet did not follow the call into package blocker:\n%s", r.stderr)
	}
}

func TestGoFix(t *testing.T) {
	dir := fixture(t)
	r := run(t, dir, "go", "fix", "-fixtool="+bplint, "./leak")
	wantCode(t, r, 0)
	after, _ := os.ReadFile(filepath.Join(dir, "leak", "leak.go"))
	if !strings.Contains(string(after), "ch := make(chan int, 1)") {
		t.Errorf("go fix did not apply the fix:\n%s\n%s", after, r.stderr)
	}
}

func TestHelpAndVersion(t *testing.T) {
	r := run(t, ".", bplint, "help")
	wantCode(t, r, 0)
	for _, name := range []string{"fanout", "ignoredsend", "lockedsend", "unboundedqueue"} {
		if !strings.Contains(r.stdout, name) {
			t.Errorf("help lacks %s:\n%s", name, r.stdout)
		}
	}
	r = run(t, ".", bplint, "help", "fanout")
	if !strings.Contains(r.stdout, "# Rule timeout-leak") {
		t.Errorf("help fanout lacks the rule documentation:\n%s", r.stdout)
	}
	r = run(t, ".", bplint, "version")
	wantCode(t, r, 0)
	if !regexp.MustCompile(`^bplint \S+.*\(go1\.\d+.*golang.org/x/tools v0\.52\.0\)`).MatchString(r.stdout) {
		t.Errorf("version output %q", r.stdout)
	}
	r = run(t, ".", bplint, "-V=full")
	if !strings.Contains(r.stdout, "buildID=") {
		t.Errorf("-V=full output %q lacks the buildID go vet caches by", r.stdout)
	}
}

func TestChangeDirectory(t *testing.T) {
	dir := fixture(t)
	r := run(t, ".", bplint, "-C", dir, "./leak")
	wantCode(t, r, 3)
	r = run(t, ".", bplint, "-C")
	wantCode(t, r, 2)
}

func TestBadUsage(t *testing.T) {
	dir := fixture(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-format=xml", "./leak"}, `unknown -format "xml"`},
		{[]string{"-format=sarif"}, "no packages to analyze"},
		{[]string{"-format=json", "-nosuchflag", "./leak"}, "flag provided but not defined: -nosuchflag"},
		{[]string{"-baseline=missing.json", "./leak"}, "reading baseline"},
		{[]string{"-baseline=a", "-write-baseline=b", "./leak"}, "exclude each other"},
	} {
		r := run(t, dir, bplint, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("bplint %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.want)
		}
	}
}
