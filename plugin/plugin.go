// Package plugin registers bplint as a golangci-lint v2 module plugin
// named "bplint".
//
// A custom golangci-lint binary that imports this package runs the
// bplint suite as one linter, configured under
// linters.settings.custom.bplint.settings:
//
//	settings:
//	  disable: [lockedsend]        # analyzers to leave out
//	  unboundedqueue:              # an analyzer's flags, without the
//	    max-buffer: 1024           # "unboundedqueue." prefix the bplint
//	  ignoredsend:                 # command puts on them
//	    methods: [Push, Emit]      # lists are joined with commas
//
// Every setting of an analyzer is one of its flags, set on a fresh
// instance of the analyzer, so the settings are exactly the flags of
// the bplint command (-unboundedqueue.max-buffer=1024) and follow them
// as analyzers gain options. Unknown analyzers and unknown settings are
// errors naming them; a bad value is the flag's own error. (golangci-lint
// lowercases keys, which lookupFlag allows for, and drops keys whose value
// is empty, such as "fanuot: {}", before the plugin can see them.)
//
// In golangci-lint's output a finding reads
// "<analyzer>: <message> (<analyzer>/<rule>)": golangci-lint shows
// neither the diagnostic category nor its URL, so the message must name
// the rule, as it does everywhere else. A finding with several
// alternative fixes offers golangci-lint only the first, the one
// bplint -fix applies: golangci-lint --fix would otherwise apply the
// edits of every alternative at once. Related information is left out:
// golangci-lint would print each related position as an issue of its
// own, which no exclusion rule, //nolint comment or fix of the finding
// touches (the messages name the lines that matter).
package plugin

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/bplint/bplint/analyzers"
)

// Name is the name of the linter in golangci-lint's configuration.
const Name = "bplint"

// disableKey is the setting that lists analyzers to leave out.
const disableKey = "disable"

func init() {
	register.Plugin(Name, New)
}

// New is the plugin's constructor, called by golangci-lint with the
// raw settings of linters.settings.custom.bplint.settings. It decodes
// and checks them strictly: any problem is an error naming the setting.
func New(conf any) (register.LinterPlugin, error) {
	// Report every problem at once: those of the settings' shape and
	// names, and those of the flags' values.
	s, err := decode(conf)
	if _, serr := s.suite(); serr != nil {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return nil, err
	}
	return &linterPlugin{settings: s}, nil
}

type linterPlugin struct {
	settings settings
}

// BuildAnalyzers returns a freshly built suite configured by the
// settings, adapted to golangci-lint (see the package documentation).
func (p *linterPlugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	suite, err := p.settings.suite()
	if err != nil {
		return nil, err
	}
	for _, a := range suite {
		adapt(a)
	}
	return suite, nil
}

// GetLoadMode reports that the analyzers need type information.
func (p *linterPlugin) GetLoadMode() string { return register.LoadModeTypesInfo }

// settings are the decoded plugin settings.
type settings struct {
	disable []string
	// flags maps an analyzer name to the values of its flags, in flag
	// syntax (lists already joined with commas).
	flags map[string]map[string]string
}

// decode turns golangci-lint's raw settings (a YAML/JSON tree: maps,
// lists, scalars) into settings. It checks the shape of the tree and
// that every key names an analyzer of the suite; suite checks the flags.
func decode(conf any) (settings, error) {
	s := settings{flags: make(map[string]map[string]string)}
	root, err := normalize(conf)
	if err != nil {
		return s, err
	}
	if root == nil {
		return s, nil
	}
	top, ok := root.(map[string]any)
	if !ok {
		return s, fmt.Errorf("bplint: settings must be a map of analyzer names and %q, not %s", disableKey, describe(root))
	}
	known, err := analyzerNames()
	if err != nil {
		return s, err
	}
	var errs []error
	for _, key := range sortedKeys(top) {
		val := top[key]
		switch {
		case key == disableKey:
			list, err := stringList(val)
			if err != nil {
				errs = append(errs, fmt.Errorf("bplint: setting %q: %v", disableKey, err))
				continue
			}
			for _, name := range list {
				if !slices.Contains(known, name) {
					errs = append(errs, fmt.Errorf("bplint: setting %q: unknown analyzer %q (known: %s)", disableKey, name, strings.Join(known, ", ")))
					continue
				}
				s.disable = append(s.disable, name)
			}
		case slices.Contains(known, key):
			opts, err := analyzerSettings(key, val)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			s.flags[key] = opts
		default:
			errs = append(errs, fmt.Errorf("bplint: unknown setting %q (known: %s)", key, strings.Join(append([]string{disableKey}, known...), ", ")))
		}
	}
	return s, errors.Join(errs...)
}

// analyzerSettings decodes the settings of one analyzer: a map from
// flag name to a scalar or a list of scalars.
func analyzerSettings(name string, val any) (map[string]string, error) {
	opts := make(map[string]string)
	if val == nil { // "fanout:" with nothing after it
		return opts, nil
	}
	m, ok := val.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("bplint: setting %q must be a map of %s's settings (%s: {setting: value}), not %s", name, name, name, describe(val))
	}
	var errs []error
	for _, key := range sortedKeys(m) {
		v, err := flagValue(m[key])
		if err != nil {
			errs = append(errs, fmt.Errorf("bplint: setting %q: %v", name+"."+key, err))
			continue
		}
		opts[key] = v
	}
	return opts, errors.Join(errs...)
}

// suite builds a fresh suite with default options, sets the configured
// flags on its analyzers, and leaves out the disabled ones.
func (s settings) suite() ([]*analysis.Analyzer, error) {
	all, err := newSuite()
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, a := range all {
		opts := s.flags[a.Name]
		for _, key := range sortedKeys(opts) {
			f := lookupFlag(&a.Flags, key)
			if f == nil {
				errs = append(errs, fmt.Errorf("bplint: unknown setting %q (%s)", a.Name+"."+key, knownFlags(a)))
				continue
			}
			if err := a.Flags.Set(f.Name, opts[key]); err != nil {
				errs = append(errs, fmt.Errorf("bplint: setting %q: invalid value %q: %v", a.Name+"."+key, opts[key], err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []*analysis.Analyzer
	for _, a := range all {
		if !slices.Contains(s.disable, a.Name) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bplint: setting %q leaves no analyzer to run; disable the bplint linter instead", disableKey)
	}
	return out, nil
}

// lookupFlag finds the flag named key. golangci-lint's configuration
// loader lowercases map keys, so a flag with capitals in its name is
// also found by its lowercased name when that is unambiguous.
func lookupFlag(fs *flag.FlagSet, key string) *flag.Flag {
	if f := fs.Lookup(key); f != nil {
		return f
	}
	var match *flag.Flag
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		if strings.EqualFold(f.Name, key) {
			match = f
			n++
		}
	})
	if n == 1 {
		return match
	}
	return nil
}

func knownFlags(a *analysis.Analyzer) string {
	var names []string
	a.Flags.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if len(names) == 0 {
		return a.Name + " has no settings"
	}
	return "known: " + strings.Join(names, ", ")
}

// newSuite returns a fresh suite with default options; tests replace it.
var newSuite = func() ([]*analysis.Analyzer, error) {
	return analyzers.New(analyzers.DefaultConfig())
}

func analyzerNames() ([]string, error) {
	all, err := newSuite()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, a := range all {
		names = append(names, a.Name)
	}
	return names, nil
}

// normalize turns an arbitrary decoded YAML/JSON tree into one made of
// map[string]any, []any, string, json.Number, bool and nil, by a JSON
// round trip that keeps numbers exact.
func normalize(conf any) (any, error) {
	conf = stringKeys(conf)
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(conf); err != nil {
		return nil, fmt.Errorf("bplint: encoding settings: %v", err)
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("bplint: decoding settings: %v", err)
	}
	return out, nil
}

// stringKeys converts map[any]any (as some YAML decoders produce) to
// map[string]any, recursively, so the tree can be encoded as JSON.
func stringKeys(v any) any {
	switch v := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[fmt.Sprint(k)] = stringKeys(e)
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = stringKeys(e)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = stringKeys(e)
		}
		return l
	}
	return v
}

// flagValue renders a setting's value in flag syntax: scalars as text,
// lists joined with commas.
func flagValue(v any) (string, error) {
	if l, ok := v.([]any); ok {
		parts := make([]string, 0, len(l))
		for _, e := range l {
			s, err := scalar(e)
			if err != nil {
				return "", fmt.Errorf("list element %s", err)
			}
			if strings.Contains(s, ",") {
				return "", fmt.Errorf("list element %q contains a comma, which cannot be told from the separator of the flag's list syntax", s)
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), nil
	}
	return scalar(v)
}

func scalar(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		if v {
			return "true", nil
		}
		return "false", nil
	case nil:
		return "", errors.New("has no value")
	}
	return "", fmt.Errorf("must be a string, number, boolean or list of them, not %s", describe(v))
}

func stringList(v any) ([]string, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("must be a list of analyzer names, not %s", describe(v))
	}
	var out []string
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("must be a list of analyzer names, not a list with %s", describe(e))
		}
		out = append(out, s)
	}
	return out, nil
}

func describe(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("the string %q", v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return fmt.Sprintf("the boolean %t", v)
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// adapt makes a fresh analyzer's findings fit golangci-lint, which
// prints "<analyzer>: <message>" and drops the category, applies the
// edits of every suggested fix of a finding together, and turns each
// related position into an issue of its own: the message is made to end
// with the rule ID, as the analyzers' own reporter does (this only
// matters for a diagnostic that did not go through it), only the first
// of several alternative fixes is kept, the one that bplint -fix and
// go fix apply, and related information is dropped.
func adapt(a *analysis.Analyzer) {
	run := a.Run
	a.Run = func(pass *analysis.Pass) (any, error) {
		p := *pass
		report := pass.Report
		p.Report = func(d analysis.Diagnostic) { report(golangciDiagnostic(d)) }
		return run(&p)
	}
}

func golangciDiagnostic(d analysis.Diagnostic) analysis.Diagnostic {
	if d.Category != "" {
		if suffix := analyzers.RuleSuffix(d.Category); !strings.HasSuffix(d.Message, suffix) {
			d.Message += suffix
		}
	}
	if len(d.SuggestedFixes) > 1 {
		d.SuggestedFixes = d.SuggestedFixes[:1]
	}
	d.Related = nil
	return d
}
