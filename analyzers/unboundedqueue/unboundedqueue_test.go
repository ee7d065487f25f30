package unboundedqueue_test

import (
	"bytes"
	"flag"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/txtar"

	"github.com/bplint/bplint/analyzers/internal/benchload"
	"github.com/bplint/bplint/analyzers/internal/fixtest"
	"github.com/bplint/bplint/analyzers/unboundedqueue"
)

// -update writes the .golden files from the fixes the analyzer offers
// (one txtar section per fix message); read them before committing.
var update = flag.Bool("update", false, "write .golden files")

func run(t *testing.T, dir string, a *analysis.Analyzer, pkgs ...string) {
	t.Helper()
	if *update {
		writeGoldens(t, dir, a, pkgs...)
	}
	fixtest.Run(t, dir, a, pkgs...)
}

func TestGoroutinePerMessage(t *testing.T) {
	run(t, analysistest.TestData(), unboundedqueue.Analyzer, "permessage")
}

func TestSendInGoroutine(t *testing.T) {
	run(t, analysistest.TestData(), unboundedqueue.Analyzer, "sendgoroutine")
}

func TestHugeBuffer(t *testing.T) {
	a := unboundedqueue.New(unboundedqueue.DefaultOptions())
	if err := a.Flags.Set("max-buffer", "10000"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, analysistest.TestData(), a, "hugebuffer")
}

func TestSliceQueue(t *testing.T) {
	run(t, analysistest.TestData(), unboundedqueue.Analyzer, "slicequeue", "slicequeue/e2e")
}

// The fixes of unbounded-read import the bounded package: they are
// tested in module mode against the real runtime module.
func TestUnboundedRead(t *testing.T) {
	run(t, filepath.Join(analysistest.TestData(), "mod"), unboundedqueue.Analyzer, "example.com/x/read")
}

func TestResponseBodies(t *testing.T) {
	a := unboundedqueue.New(unboundedqueue.DefaultOptions())
	if err := a.Flags.Set("response-bodies", "true"); err != nil {
		t.Fatal(err)
	}
	run(t, filepath.Join(analysistest.TestData(), "mod"), a, "example.com/x/response")
}

func TestDialedConns(t *testing.T) {
	a := unboundedqueue.New(unboundedqueue.DefaultOptions())
	if err := a.Flags.Set("dialed-conns", "true"); err != nil {
		t.Fatal(err)
	}
	run(t, filepath.Join(analysistest.TestData(), "mod"), a, "example.com/x/dialed")
}

// Files compiled for Go versions before range-over-int and
// WaitGroup.Go get fixes that older compilers accept.
func TestOldGo(t *testing.T) {
	run(t, filepath.Join(analysistest.TestData(), "mod"), unboundedqueue.Analyzer, "example.com/x/oldgo")
}

func TestFlags(t *testing.T) {
	a := unboundedqueue.New(unboundedqueue.DefaultOptions())
	for _, tc := range []struct{ name, value, err string }{
		{"max-buffer", "0", "want a positive integer, got 0"},
		{"max-buffer", "-5", "want a positive integer, got -5"},
		{"max-inflight", "lots", `want a positive integer, got "lots"`},
		{"max-queue", "", `want a positive integer, got ""`},
		{"max-body", "1.5", `want a positive integer, got "1.5"`},
	} {
		err := a.Flags.Set(tc.name, tc.value)
		if err == nil || err.Error() != tc.err {
			t.Errorf("-%s=%s: got error %v, want %q", tc.name, tc.value, err, tc.err)
		}
	}
	for _, name := range []string{"max-buffer", "max-inflight", "max-queue", "max-body"} {
		if err := a.Flags.Set(name, "0x100"); err != nil {
			t.Errorf("-%s=0x100: %v", name, err)
		}
	}
	// Flags of one analyzer do not change another.
	if got := unboundedqueue.Analyzer.Flags.Lookup("max-buffer").Value.String(); got != "65536" {
		t.Errorf("default analyzer's max-buffer = %s after setting another's", got)
	}
}

func TestInvalidOptions(t *testing.T) {
	opts := unboundedqueue.DefaultOptions()
	opts.MaxInFlight = 0
	a := unboundedqueue.New(opts)
	results := analysistest.Run(fakeT{t}, analysistest.TestData(), a, "hugebuffer")
	for _, r := range results {
		if r.Err == nil || !strings.Contains(r.Err.Error(), "option MaxInFlight (-max-inflight) must be positive, got 0") {
			t.Errorf("got error %v, want one about MaxInFlight", r.Err)
		}
	}
}

// fakeT swallows the failures analysistest reports for a pass that
// returned an error; the test inspects the error itself.
type fakeT struct{ *testing.T }

func (fakeT) Errorf(string, ...any) {}

func BenchmarkAnalyzer(b *testing.B) {
	benchload.Run(b, unboundedqueue.Analyzer)
}

// writeGoldens applies, for each file and each fix message, every fix
// with that message, and writes the results as a txtar golden file.
func writeGoldens(t *testing.T, dir string, a *analysis.Analyzer, pkgs ...string) {
	results := analysistest.Run(t, dir, a, pkgs...)
	type edit struct {
		start, end int
		text       string
	}
	byFile := make(map[string]map[string][]edit)
	for _, r := range results {
		if r.Pass == nil {
			continue
		}
		fset := r.Pass.Fset
		for _, d := range r.Diagnostics {
			for _, f := range d.SuggestedFixes {
				for _, e := range f.TextEdits {
					file := fset.File(e.Pos)
					end := e.End
					if !end.IsValid() {
						end = e.Pos
					}
					name := file.Name()
					if byFile[name] == nil {
						byFile[name] = make(map[string][]edit)
					}
					ed := edit{file.Offset(e.Pos), file.Offset(end), string(e.NewText)}
					dup := false
					for _, have := range byFile[name][f.Message] {
						dup = dup || have == ed
					}
					if !dup {
						byFile[name][f.Message] = append(byFile[name][f.Message], ed)
					}
				}
			}
		}
	}
	for file, byMsg := range byFile {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var ar txtar.Archive
		var msgs []string
		for m := range byMsg {
			msgs = append(msgs, m)
		}
		sort.Strings(msgs)
		for _, m := range msgs {
			es := byMsg[m]
			sort.SliceStable(es, func(i, j int) bool {
				if es[i].start != es[j].start {
					return es[i].start < es[j].start
				}
				return es[i].end < es[j].end
			})
			var out bytes.Buffer
			last := 0
			for _, e := range es {
				if e.start < last {
					t.Errorf("%s: overlapping edits for %q", file, m)
					continue
				}
				out.Write(src[last:e.start])
				out.WriteString(e.text)
				last = e.end
			}
			out.Write(src[last:])
			fixed, err := format.Source(out.Bytes())
			if err != nil {
				t.Errorf("%s: %q: %v", file, m, err)
				fixed = out.Bytes()
			}
			ar.Files = append(ar.Files, txtar.File{Name: m, Data: fixed})
		}
		if err := os.WriteFile(file+".golden", txtar.Format(&ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
