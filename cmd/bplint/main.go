// Command bplint finds missing backpressure and channel misuse in Go
// code.
//
// It runs standalone, as a vet tool, and as a fix tool:
//
//	bplint ./...                                 # report; exit 3 on findings
//	bplint -fix ./...                            # apply suggested fixes
//	go vet -vettool=$(which bplint) ./...        # through go vet
//	go fix -fixtool=$(which bplint) ./...        # through go fix
//
// For continuous integration it also writes SARIF, GitHub annotations,
// GitLab code quality reports and JSON, and can compare with a baseline
// of accepted findings:
//
//	bplint -format=sarif ./... > bplint.sarif
//	bplint -write-baseline=bplint.baseline.json ./...
//	bplint -baseline=bplint.baseline.json ./...
//
// Run 'bplint help' for the analyzers and flags, 'bplint version' for
// the version.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/bplint/bplint/analyzers"
)

func main() {
	args := os.Args[1:]
	// -C dir, as the go command has it: run as if started in dir.
	if len(args) > 0 && (args[0] == "-C" || args[0] == "--C" || strings.HasPrefix(args[0], "-C=") || strings.HasPrefix(args[0], "--C=")) {
		dir, rest, err := cutDirFlag(args)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bplint: %v\n", err)
			os.Exit(2)
		}
		if err := os.Chdir(dir); err != nil {
			fmt.Fprintf(os.Stderr, "bplint: -C: %v\n", err)
			os.Exit(2)
		}
		args = rest
		os.Args = append(os.Args[:1], rest...)
	}
	if len(args) == 1 && (args[0] == "version" || args[0] == "-version" || args[0] == "--version") {
		fmt.Println(versionString())
		return
	}
	if !vetProtocol(args) {
		analyzers.StandaloneDefaults(analyzers.All)
	} else {
		if vetxOnly(args[len(args)-1]) {
			analyzers.FactsOnly(analyzers.All, true)
		}
		relaxGCDuringAnalysis(analyzers.All)
	}
	if usesOwnDriver(args) || plainRun(args) {
		os.Exit(runDriver(args, os.Stdout, os.Stderr))
	}
	multichecker.Main(analyzers.All...)
}

// vetProtocol reports whether go vet or go fix runs bplint as its tool:
// to ask its version (-V=full) or flags (-flags), or to analyze one
// package described by a .cfg file.
func vetProtocol(args []string) bool {
	for _, a := range args {
		if a == "-flags" || a == "--flags" || strings.HasPrefix(a, "-V") || strings.HasPrefix(a, "--V") {
			return true
		}
	}
	return len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg")
}

// vetxOnly reports whether the vet configuration file cfg asks for facts
// only: go vet analyzes each dependency of the packages it checks that
// way, for the facts, and discards the findings. A file that does not
// read or parse is left to the driver to report.
func vetxOnly(cfg string) bool {
	if !strings.HasSuffix(cfg, ".cfg") {
		return false
	}
	data, err := os.ReadFile(cfg)
	if err != nil {
		return false
	}
	var c struct{ VetxOnly bool }
	return json.Unmarshal(data, &c) == nil && c.VetxOnly
}

func cutDirFlag(args []string) (dir string, rest []string, err error) {
	if _, v, ok := strings.Cut(args[0], "="); ok {
		return v, args[1:], nil
	}
	if len(args) < 2 || args[1] == "" {
		return "", nil, fmt.Errorf("-C needs a directory")
	}
	return args[1], args[2:], nil
}

// usesOwnDriver reports whether args ask for what multichecker does not
// do: an output format other than its text and JSON, or a baseline.
// Plain runs (see plainRun) go to the own driver too, which analyzes in
// batches; everything else (-fix, -diff, -debug, profiles, go vet and
// go fix protocols, help) is multichecker's, unchanged.
func usesOwnDriver(args []string) bool {
	for _, a := range args {
		if a == "--" || !strings.HasPrefix(a, "-") {
			return false // the package patterns start here
		}
		name := strings.TrimLeft(a, "-")
		name, _, _ = strings.Cut(name, "=")
		switch name {
		case "format", "baseline", "write-baseline", "root":
			return true
		}
	}
	return false
}
