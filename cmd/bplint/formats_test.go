package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSARIF(t *testing.T) {
	dir := fixture(t)
	r := run(t, dir, bplint, "-format=sarif", "./...")
	// broken does not type-check: exit 1, but the other findings are written.
	wantCode(t, r, 1)
	var doc any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("SARIF output is not JSON: %v\n%s", err, r.stdout)
	}
	data, err := os.ReadFile("testdata/sarif-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	for _, e := range validateSchema(schema, doc) {
		t.Errorf("SARIF schema: %s", e)
	}

	var log sarifLog
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	run0 := log.Runs[0]
	rules := make(map[string]sarifRule)
	for _, rule := range run0.Tool.Driver.Rules {
		rules[rule.ID] = rule
	}
	var leak *sarifResult
	for i, res := range run0.Results {
		rule, ok := rules[res.RuleID]
		if !ok || run0.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleId %q/ruleIndex %d do not name a rule of the driver", i, res.RuleID, res.RuleIndex)
		}
		if !strings.HasPrefix(rule.HelpURI, "https://pkg.go.dev/github.com/bplint/bplint/analyzers/") {
			t.Errorf("rule %s: helpUri %q", rule.ID, rule.HelpURI)
		}
		if strings.HasSuffix(res.Message.Text, ")") && strings.Contains(res.Message.Text, "("+res.RuleID+")") {
			t.Errorf("result %d: message repeats the rule ID: %q", i, res.Message.Text)
		}
		uri := res.Locations[0].PhysicalLocation.ArtifactLocation
		if uri.URIBaseID != "%SRCROOT%" || filepath.IsAbs(uri.URI) || strings.HasPrefix(uri.URI, "file:") {
			t.Errorf("result %d: location %+v is not relative to %%SRCROOT%%", i, uri)
		}
		if res.RuleID == "fanout/timeout-leak" && uri.URI == "leak/leak.go" {
			leak = &run0.Results[i]
		}
	}
	if leak == nil {
		t.Fatalf("no fanout/timeout-leak result at uri leak/leak.go:\n%s", r.stdout)
	}
	if len(leak.Fixes) == 0 || len(leak.Fixes[0].ArtifactChanges) == 0 {
		t.Fatalf("the timeout-leak result carries no fix")
	}
	repl := leak.Fixes[0].ArtifactChanges[0].Replacements[0]
	if !strings.Contains(repl.InsertedContent.Text, "1") || repl.DeletedRegion.StartLine != 9 {
		t.Errorf("fix replacement %+v does not buffer the make on line 9", repl)
	}
	if leak.PartialFingerprints["bplint/v1"] == "" {
		t.Errorf("no fingerprint")
	}
}

// TestPathsRelativeToRepository checks that paths are relative to the
// repository root, not to the module, as GitHub and SARIF consumers
// expect in a monorepo.
func TestPathsRelativeToRepository(t *testing.T) {
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(repo, "services", "api")
	if err := os.MkdirAll(filepath.Dir(mod), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(fixture(t), mod); err != nil {
		t.Fatal(err)
	}
	r := run(t, mod, bplint, "-format=github", "./leak")
	wantCode(t, r, 3)
	line := regexp.MustCompile(`(?m)^::warning file=([^,]+),line=(\d+),col=(\d+),endLine=\d+,endColumn=\d+,title=bplint fanout/timeout-leak::(.+)$`)
	m := line.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no timeout-leak annotation in:\n%s", r.stdout)
	}
	if m[1] != "services/api/leak/leak.go" || m[2] != "9" {
		t.Errorf("annotation at %s:%s, want services/api/leak/leak.go:9", m[1], m[2])
	}
	if strings.Contains(m[4], "\n") || !strings.Contains(m[4], "%0Ahttps://pkg.go.dev/") {
		t.Errorf("annotation message not escaped or without the rule URL: %q", m[4])
	}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if !strings.HasPrefix(l, "::warning file=services/api/") {
			t.Errorf("annotation line %q", l)
		}
	}
}

func TestGitLabAndJSON(t *testing.T) {
	dir := fixture(t)
	r := run(t, dir, bplint, "-format=gitlab", "./leak")
	wantCode(t, r, 3)
	var issues []struct {
		Description string `json:"description"`
		CheckName   string `json:"check_name"`
		Fingerprint string `json:"fingerprint"`
		Severity    string `json:"severity"`
		Location    struct {
			Path  string `json:"path"`
			Lines struct {
				Begin int `json:"begin"`
			} `json:"lines"`
		} `json:"location"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) < 2 {
		t.Fatalf("want 2 issues, got %s", r.stdout)
	}
	seen := make(map[string]bool)
	for _, is := range issues {
		if is.Description == "" || is.CheckName == "" || is.Severity == "" || is.Location.Path != "leak/leak.go" || is.Location.Lines.Begin == 0 || seen[is.Fingerprint] {
			t.Errorf("bad code quality issue %+v", is)
		}
		seen[is.Fingerprint] = true
	}

	r = run(t, dir, bplint, "-format=json", "./leak")
	wantCode(t, r, 3)
	var out struct {
		Version  string
		Findings []finding
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Findings) < 2 || out.Findings[0].Rule == "" || out.Findings[0].Fingerprint == "" {
		t.Errorf("json findings: %+v", out.Findings)
	}
}

func TestBaseline(t *testing.T) {
	dir := fixture(t)
	wantCode(t, run(t, dir, bplint, "-write-baseline=base.json", "./leak"), 0)
	r := run(t, dir, bplint, "-baseline=base.json", "./leak")
	wantCode(t, r, 0)
	if !strings.Contains(r.stderr, "2 findings in the baseline") {
		t.Errorf("stderr %q does not count the known findings", r.stderr)
	}

	// Unrelated lines shift the findings: still known.
	file := filepath.Join(dir, "leak", "leak.go")
	src, _ := os.ReadFile(file)
	shifted := strings.Replace(string(src), "import \"time\"\n", "import \"time\"\n\n// A comment\n// that moves everything down.\n", 1)
	if err := os.WriteFile(file, []byte(shifted), 0o644); err != nil {
		t.Fatal(err)
	}
	wantCode(t, run(t, dir, bplint, "-baseline=base.json", "./leak"), 0)

	// A new finding is reported, alone.
	added := shifted + "\nfunc More() chan int { return make(chan int, 1<<40) }\n"
	if err := os.WriteFile(file, []byte(added), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, dir, bplint, "-baseline=base.json", "./leak")
	wantCode(t, r, 3)
	if n := strings.Count(strings.TrimSpace(r.stdout), "\n") + 1; n != 1 || !strings.Contains(r.stdout, "leak/leak.go:") {
		t.Errorf("want exactly the new finding, got:\n%s", r.stdout)
	}

	// A corrupt baseline is an error, not an empty baseline.
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"findings": 3}`), 0o644)
	r = run(t, dir, bplint, "-baseline=bad.json", "./leak")
	wantCode(t, r, 2)
}

// TestWorkflowLines runs the shell lines of the documented GitHub
// Actions workflow (docs/github-workflow.yml, also in the README) on the
// fixture, with the freshly built bplint on PATH in place of the
// `go install` step.
func TestWorkflowLines(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	data, err := os.ReadFile("../../docs/github-workflow.yml")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "- "))
		if cmd, ok := strings.CutPrefix(l, "run: "); ok && !strings.HasPrefix(cmd, "go install ") {
			lines = append(lines, cmd)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("want the annotations and the SARIF run lines, found %q", lines)
	}
	dir := fixture(t)
	for _, l := range lines {
		cmd := exec.Command("bash", "-c", strings.ReplaceAll(l, "./...", "./leak"))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bplint)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		switch {
		case strings.Contains(l, "-format=github"):
			// Findings fail the job, and annotate the diff.
			if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 3 {
				t.Errorf("%s: %v, want exit status 3\n%s", l, err, out)
			}
			if !strings.Contains(string(out), "::warning file=leak/leak.go,line=9,") {
				t.Errorf("%s: no annotation:\n%s", l, out)
			}
		default:
			if err != nil {
				t.Errorf("%s: %v\n%s", l, err, out)
			}
		}
	}
	sarif, err := os.ReadFile(filepath.Join(dir, "bplint.sarif"))
	if err != nil || !json.Valid(sarif) || !strings.Contains(string(sarif), `"ruleId": "fanout/timeout-leak"`) {
		t.Errorf("the SARIF step wrote no usable report (%v):\n%s", err, sarif)
	}
}
