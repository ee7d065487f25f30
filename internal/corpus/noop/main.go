// Command noop is the floor bplint is measured against: the same
// multichecker driver with one analyzer that does nothing and needs
// nothing, so a run costs what loading and type-checking cost.
//
// Its -noop.nonce flag does nothing either; a fresh value defeats
// go vet's cache when it runs as a vet tool.
package main

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"
)

var analyzer = &analysis.Analyzer{
	Name: "noop",
	Doc:  "noop: do nothing (the load and type-check floor)",
	Run:  func(*analysis.Pass) (any, error) { return nil, nil },
}

func init() {
	analyzer.Flags.String("nonce", "", "ignored; a fresh value defeats go vet's cache")
}

func main() { multichecker.Main(analyzer) }
