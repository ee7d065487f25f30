// Package analyzers is the bplint suite: one analyzer per family of
// backpressure and channel misuse.
package analyzers

import (
	"fmt"

	"golang.org/x/tools/go/analysis"

	"github.com/bplint/bplint/analyzers/fanout"
	"github.com/bplint/bplint/analyzers/ignoredsend"
	"github.com/bplint/bplint/analyzers/internal/facts"
	"github.com/bplint/bplint/analyzers/internal/report"
	"github.com/bplint/bplint/analyzers/lockedsend"
	"github.com/bplint/bplint/analyzers/unboundedqueue"
)

// All is the suite with default options, as the bplint command runs it.
// Its analyzers' flags are the command's flags.
var All = []*analysis.Analyzer{
	fanout.Analyzer,
	ignoredsend.Analyzer,
	lockedsend.Analyzer,
	unboundedqueue.Analyzer,
}

// Config configures a suite built by New: the options of each analyzer,
// and which analyzers to leave out.
type Config struct {
	Fanout         fanout.Options
	IgnoredSend    ignoredsend.Options
	LockedSend     lockedsend.Options
	UnboundedQueue unboundedqueue.Options
	Disable        []string // analyzer names
}

// DefaultConfig returns the configuration of All.
func DefaultConfig() Config {
	return Config{
		Fanout:         fanout.DefaultOptions(),
		IgnoredSend:    ignoredsend.DefaultOptions(),
		LockedSend:     lockedsend.DefaultOptions(),
		UnboundedQueue: unboundedqueue.DefaultOptions(),
	}
}

// New returns a fresh suite configured by cfg. Its analyzers share no
// state with All or with other suites, so drivers that configure
// analyzers programmatically (golangci-lint, nogo) can build several.
func New(cfg Config) ([]*analysis.Analyzer, error) {
	all := []*analysis.Analyzer{
		fanout.New(cfg.Fanout),
		ignoredsend.New(cfg.IgnoredSend),
		lockedsend.New(cfg.LockedSend),
		unboundedqueue.New(cfg.UnboundedQueue),
	}
	disabled := make(map[string]bool)
	for _, name := range cfg.Disable {
		if !isAnalyzer(all, name) {
			return nil, fmt.Errorf("bplint: cannot disable unknown analyzer %q (have %s)", name, names(all))
		}
		disabled[name] = true
	}
	var out []*analysis.Analyzer
	for _, a := range all {
		if !disabled[a.Name] {
			out = append(out, a)
		}
	}
	return out, nil
}

func isAnalyzer(all []*analysis.Analyzer, name string) bool {
	for _, a := range all {
		if a.Name == name {
			return true
		}
	}
	return false
}

func names(all []*analysis.Analyzer) string {
	s := ""
	for i, a := range all {
		if i > 0 {
			s += ", "
		}
		s += a.Name
	}
	return s
}

// CrossPackageFlag is the flag of the analyzers that can follow calls
// into other packages through facts (ignoredsend, lockedsend).
const CrossPackageFlag = facts.FlagName

// StandaloneDefaults turns the cross-package facts of the analyzers off,
// as the bplint command does when it runs standalone, where facts make
// the driver load and type-check every dependency from source (several
// times the memory and time of the analysis). Under go vet and
// golangci-lint facts are cheap and stay on. An explicit
// -ANALYZER.cross-package on the command line turns them back on.
func StandaloneDefaults(as []*analysis.Analyzer) {
	for _, a := range as {
		if f := a.Flags.Lookup(CrossPackageFlag); f != nil {
			f.Value.Set("false")
			f.DefValue = "false"
		}
	}
}

// FactsOnly tells the analyzers of as whether their passes run for their
// facts only, as go vet runs the dependencies of the packages it checks
// (the VetxOnly field of the vet configuration): the fact-bearing
// analyzers then skip every check whose findings would be discarded.
func FactsOnly(as []*analysis.Analyzer, only bool) {
	for _, a := range as {
		facts.SetOnly(a, only)
	}
}

// RuleSuffix returns what every message ends with: the rule ID in
// parentheses. Outputs that carry the rule on its own strip it.
func RuleSuffix(rule string) string { return report.RuleSuffix(rule) }

// A Rule is one check of an analyzer; see Rules.
type Rule = report.Rule

// Rules returns every rule of the suite, in suite order.
func Rules() []Rule {
	var out []Rule
	for _, rs := range [][]Rule{fanout.Rules, ignoredsend.Rules, lockedsend.Rules, unboundedqueue.Rules} {
		out = append(out, rs...)
	}
	return out
}
