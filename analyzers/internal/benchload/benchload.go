// Package benchload runs analyzers on a fixed set of large standard
// library packages, so every analyzer's benchmark measures the same
// thing and `benchstat` can compare runs across changes.
package benchload

import (
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// Patterns is the package set: large, channel- and lock-heavy standard
// library packages.
var Patterns = []string{"net/http", "net", "runtime", "go/types", "database/sql", "os/exec", "context", "sync"}

var (
	once   sync.Once
	loaded []*packages.Package
	err    error
)

// Packages loads Patterns with syntax for every dependency (what the
// standalone driver does when an analyzer uses facts), once per process.
func Packages(b *testing.B) []*packages.Package {
	b.Helper()
	once.Do(func() {
		cfg := &packages.Config{Mode: packages.LoadAllSyntax}
		loaded, err = packages.Load(cfg, Patterns...)
	})
	if err != nil {
		b.Fatal(err)
	}
	return loaded
}

// Run benchmarks analyzers as over Packages: each iteration runs them
// and their prerequisites (inspect) on every package, as one bplint run
// would.
func Run(b *testing.B, as ...*analysis.Analyzer) {
	pkgs := Packages(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		graph, err := checker.Analyze(as, pkgs, nil)
		if err != nil {
			b.Fatal(err)
		}
		for act := range graph.All() {
			if act.Err != nil {
				b.Fatal(act.Err)
			}
		}
	}
}
