package bounded

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A small standard-library-only goroutine leak checker.
//
// checkLeaks(t) snapshots the running goroutines and registers a cleanup
// that fails the test if, after retries for up to 5 seconds, goroutines
// started since the snapshot are still running. Tests using it must not
// call t.Parallel. TestMain additionally fails the package if any goroutine
// running code of this package survives all tests.

type goroutine struct {
	id    string
	stack string
}

func goroutines() []goroutine {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var gs []goroutine
	for _, s := range bytes.Split(buf, []byte("\n\n")) {
		st := string(s)
		// "goroutine 18 [chan receive]:"
		f := strings.Fields(st)
		if len(f) < 2 || f[0] != "goroutine" {
			continue
		}
		gs = append(gs, goroutine{id: f[1], stack: st})
	}
	return gs
}

// ignorable reports goroutines owned by the runtime or the testing package.
func ignorable(g goroutine) bool {
	for _, s := range []string{
		"testing.(*T).Run(",
		"testing.(*M).",
		"testing.tRunner(",
		"testing.runFuzzing",
		"testing.(*F).",
		"os/signal.signal_recv",
		"runtime.ensureSigM",
	} {
		if strings.Contains(g.stack, s) && !strings.Contains(g.stack, "bounded.") {
			return true
		}
	}
	return false
}

func leakedSince(before map[string]bool) []goroutine {
	var leaked []goroutine
	self := currentID()
	for _, g := range goroutines() {
		if before[g.id] || g.id == self || ignorable(g) {
			continue
		}
		leaked = append(leaked, g)
	}
	return leaked
}

func currentID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := strings.Fields(string(buf))
	if len(f) >= 2 {
		return f[1]
	}
	return ""
}

func checkLeaks(t testing.TB) {
	t.Helper()
	before := map[string]bool{}
	for _, g := range goroutines() {
		before[g.id] = true
	}
	t.Cleanup(func() {
		var leaked []goroutine
		deadline := time.Now().Add(5 * time.Second)
		for {
			leaked = leakedSince(before)
			if len(leaked) == 0 {
				return
			}
			if time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		var sb strings.Builder
		for _, g := range leaked {
			sb.WriteString(g.stack)
			sb.WriteString("\n\n")
		}
		t.Errorf("%d goroutine(s) leaked:\n%s", len(leaked), sb.String())
	})
}

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		deadline := time.Now().Add(5 * time.Second)
		for {
			var left []goroutine
			for _, g := range goroutines() {
				if strings.Contains(g.stack, "/runtime/bounded.") && g.id != currentID() &&
					!strings.Contains(g.stack, "bounded.TestMain") {
					left = append(left, g)
				}
			}
			if len(left) == 0 {
				break
			}
			if time.Now().After(deadline) {
				fmt.Fprintf(os.Stderr, "goroutines of package bounded left after all tests:\n")
				for _, g := range left {
					fmt.Fprintf(os.Stderr, "%s\n\n", g.stack)
				}
				code = 1
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	os.Exit(code)
}

// TestLeakCheckerDetects proves that the checker sees a leaked goroutine.
func TestLeakCheckerDetects(t *testing.T) {
	before := map[string]bool{}
	for _, g := range goroutines() {
		before[g.id] = true
	}
	stop := make(chan struct{})
	started := make(chan struct{})
	go func() {
		close(started)
		<-stop
	}()
	<-started
	if len(leakedSince(before)) == 0 {
		t.Error("leak checker missed a blocked goroutine")
	}
	close(stop)
	deadline := time.Now().Add(5 * time.Second)
	for len(leakedSince(before)) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("goroutine did not exit")
		}
		time.Sleep(time.Millisecond)
	}
}
