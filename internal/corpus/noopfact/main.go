// Command noopfact is the floor of a suite that declares facts: the same
// multichecker driver with one analyzer that does nothing but declares
// a fact type. Declaring one makes the standalone driver load and
// type-check every dependency from source and run the analyzer on it,
// and go vet run the tool on every dependency, so a run costs what
// facts cost before any analysis is done.
//
// Its -noopfact.nonce flag does nothing; a fresh value defeats go vet's
// cache when it runs as a vet tool.
package main

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"
)

// fact is never exported; declaring it is the point.
type fact struct{}

func (*fact) AFact()         {}
func (*fact) String() string { return "fact" }

var analyzer = &analysis.Analyzer{
	Name:      "noopfact",
	Doc:       "noopfact: do nothing, declaring a fact type (the floor with facts)",
	Run:       func(*analysis.Pass) (any, error) { return nil, nil },
	FactTypes: []analysis.Fact{new(fact)},
}

func init() {
	analyzer.Flags.String("nonce", "", "ignored; a fresh value defeats go vet's cache")
}

func main() { multichecker.Main(analyzer) }
