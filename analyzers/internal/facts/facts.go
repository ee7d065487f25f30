// Package facts makes an analyzer's cross-package facts optional.
//
// Facts carry what an analyzer learns about one package's functions to
// the analysis of the packages that import it. Under go vet and
// golangci-lint they are cheap: each package is analyzed once, its facts
// saved with its export data. The standalone driver (multichecker) has
// no such store: when any analyzer declares a fact type it loads and
// type-checks every dependency from source, standard library included,
// and holds it all in memory, several times the memory and time of the
// analysis itself. So facts are a switch, on by default in the
// analyzer, that the bplint command turns off when it runs standalone:
// what is lost is only what crosses a package boundary.
package facts

import (
	"fmt"
	"strconv"

	"golang.org/x/tools/go/analysis"
)

// FlagName is the name of the analyzer flag that switches facts.
const FlagName = "cross-package"

// A Switch declares an analyzer's fact types while it is on. It is the
// flag.Value of the analyzer's -cross-package flag.
type Switch struct {
	a     *analysis.Analyzer
	types []analysis.Fact
	on    *bool // the analyzer's option
	only  bool  // see SetOnly
}

// Declare registers the -cross-package flag on a, bound to the option
// *on, and declares types as a's fact types while it is true.
func Declare(a *analysis.Analyzer, on *bool, types ...analysis.Fact) {
	s := &Switch{a: a, types: types, on: on}
	s.set(*on)
	a.Flags.Var(s, FlagName, "follow calls into other packages with facts (standalone, this loads every dependency from source; bplint turns it off there unless the flag is given)")
}

func (s *Switch) set(on bool) {
	*s.on = on
	if on {
		s.a.FactTypes = s.types
	} else {
		s.a.FactTypes = nil
	}
}

// Set implements flag.Value.
func (s *Switch) Set(v string) error {
	on, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("want true or false, not %q", v)
	}
	s.set(on)
	return nil
}

// String implements flag.Value.
func (s *Switch) String() string {
	if s == nil || s.on == nil {
		return "true"
	}
	return strconv.FormatBool(*s.on)
}

// IsBoolFlag makes -ANALYZER.cross-package mean true.
func (s *Switch) IsBoolFlag() bool { return true }

// Get implements flag.Getter.
func (s *Switch) Get() any { return *s.on }

// Enabled reports whether the pass's analyzer declares facts: only then
// may it import or export them.
func Enabled(pass *analysis.Pass) bool { return len(pass.Analyzer.FactTypes) > 0 }

// SetOnly tells a's passes that they run for their facts only, their
// diagnostics discarded: go vet analyzes every dependency of the
// packages it checks that way (the vet configuration's VetxOnly), and an
// analyzer that knows it can skip all but what its facts need. It
// returns false when a has no -cross-package switch.
func SetOnly(a *analysis.Analyzer, only bool) bool {
	s := switchOf(a)
	if s == nil {
		return false
	}
	s.only = only
	return true
}

// Only reports whether the pass runs for its facts only (see SetOnly).
func Only(pass *analysis.Pass) bool {
	s := switchOf(pass.Analyzer)
	return s != nil && s.only && Enabled(pass)
}

func switchOf(a *analysis.Analyzer) *Switch {
	if f := a.Flags.Lookup(FlagName); f != nil {
		s, _ := f.Value.(*Switch)
		return s
	}
	return nil
}
