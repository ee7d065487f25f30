// Command bplint finds missing backpressure and channel misuse in Go
// code. It runs standalone (bplint ./...), as a vet tool
// (go vet -vettool=$(which bplint) ./...), and as a fix tool
// (go fix -fixtool=$(which bplint) ./...).
package main

import (
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/bplint/bplint/analyzers"
)

func main() {
	multichecker.Main(analyzers.All...)
}
