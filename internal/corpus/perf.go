package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"

	"github.com/bplint/bplint/analyzers"
)

// The commands the performance comparison runs on every module, all on
// the same warm build cache, with every analysis cache defeated:
//
//   - govet: go vet with a fresh -printf.funcs value, so no vet result
//     (of the module or of any dependency) comes from the cache;
//   - staticcheck: with an empty STATICCHECK_CACHE;
//   - bplint: standalone;
//   - bplint-vettool: go vet -vettool=bplint with a fresh value of a
//     harmless flag (-ignoredsend.methods=<nonce>: a method name nothing
//     has), which changes go vet's cache key for every package;
//   - noop, noopfact: the floors, a multichecker with one analyzer that
//     does nothing, without and with a declared fact type (a fact type
//     makes the standalone driver load and analyze every dependency from
//     source, and go vet run the tool on every dependency);
//   - noop-vettool, noopfact-vettool: the floors through go vet;
//   - bplint-facts: bplint with cross-package facts on (the
//     -cross-package flags of lockedsend and ignoredsend), what
//     disabling them saves.
var perfTools = []string{"govet", "staticcheck", "bplint", "bplint-vettool", "noop", "noop-vettool", "noopfact", "noopfact-vettool", "bplint-facts"}

// A PerfResult is the comparison on one module.
type PerfResult struct {
	Repeat   int                  `json:"repeat"`
	Load     []string             `json:"load"` // 1-minute load average before each command
	Best     map[string]Measure   `json:"best"` // fastest wall and CPU, largest RSS, over the repeats
	Runs     map[string][]Measure `json:"runs"`
	Errors   map[string]string    `json:"errors,omitempty"`
	Facts    bool                 `json:"facts"`    // standalone bplint declares facts: its floor is noopfact
	VetFacts bool                 `json:"vetFacts"` // bplint as a vet tool declares facts: its floor is noopfact-vettool
	// Earlier names the run these figures come from ("date, bplint
	// version") when a run without -perf kept them.
	Earlier string `json:"earlier,omitempty"`
	// Carried names, for each command a -perf-tools run did not
	// measure, the run its figures come from.
	Carried map[string]string `json:"carried,omitempty"`
}

func (p *PerfResult) summary() string {
	g := p.goals("")
	var parts []string
	for _, x := range g {
		parts = append(parts, fmt.Sprintf("%s %.2fx/%.2fx", x.Name, x.Wall, x.CPU))
	}
	return strings.Join(parts, ", ")
}

// A Goal is one ratio the issue sets a limit on.
type Goal struct {
	Name       string
	Num, Denom string // tools
	Limit      float64
	Wall, CPU  float64 // ratios
	OK         bool    // by CPU time, the figure the shared machine disturbs least
}

// floor is the floor bplint is held to.
func (p *PerfResult) floor(vettool bool) string {
	switch {
	case vettool && p.VetFacts:
		return "noopfact-vettool"
	case vettool:
		return "noop-vettool"
	case p.Facts:
		return "noopfact"
	}
	return "noop"
}

// setFacts records which floors bplint is held to, as this bplint runs:
// standalone, the command turns cross-package facts off; as a vet tool
// they stay on.
func (p *PerfResult) setFacts() {
	standalone, err := analyzers.New(analyzers.DefaultConfig())
	if err != nil {
		panic(err)
	}
	analyzers.StandaloneDefaults(standalone)
	p.Facts = needFacts(standalone)
	p.VetFacts = needFacts(analyzers.All)
}

func (p *PerfResult) goals(module string) []Goal {
	ratio := func(name, num, denom string, limit float64) Goal {
		g := Goal{Name: name, Num: num, Denom: denom, Limit: limit}
		a, b := p.Best[num], p.Best[denom]
		if b.Wall > 0 {
			g.Wall = a.Wall / b.Wall
		}
		if b.CPU > 0 {
			g.CPU = a.CPU / b.CPU
		}
		g.OK = g.CPU > 0 && g.CPU <= limit
		return g
	}
	gs := []Goal{
		ratio("bplint/floor", "bplint", p.floor(false), 1.3),
		ratio("bplint/staticcheck", "bplint", "staticcheck", 0.5),
		ratio("bplint/govet", "bplint", "govet", 1.0),
		ratio("vettool/floor", "bplint-vettool", p.floor(true), 1.1),
	}
	return gs
}

// measuredTools returns the commands -perf measures: all, or those of
// -perf-tools.
func (o options) measuredTools() []string {
	if o.perfTools == "" {
		return perfTools
	}
	var out []string
	for _, t := range perfTools {
		if slices.Contains(strings.Split(o.perfTools, ","), t) {
			out = append(out, t)
		}
	}
	return out
}

// perf runs the comparison on m.
func perf(m *Module, bins Bins, o options, disabled []string) (*PerfResult, error) {
	p := &PerfResult{Repeat: max(o.repeat, 1), Best: make(map[string]Measure), Runs: make(map[string][]Measure)}
	p.setFacts()
	// Warm the build cache (compiled dependencies and export data), which
	// every tool reads: what is measured is analysis, not compilation.
	logf("%s: perf: warming the build cache", m.Name)
	runCmd(Cmd{Dir: m.Dir, Env: m.Env(), Timeout: o.timeout, Args: append([]string{"go", "vet"}, m.Patterns...)})
	runCmd(Cmd{Dir: m.Dir, Env: m.Env(), Timeout: o.timeout, Stdout: os.DevNull, Args: append([]string{"go", "list", "-e", "-export", "-deps", "-test"}, m.Patterns...)})

	for i := 0; i < p.Repeat; i++ {
		for _, tool := range o.measuredTools() {
			nonce := fmt.Sprintf("bplintcorpus%d", time.Now().UnixNano())
			c := Cmd{Dir: m.Dir, Env: m.Env(), Timeout: o.timeout, Stdout: os.DevNull}
			var args []string
			switch tool {
			case "govet":
				args = []string{"go", "vet", "-printf.funcs=" + nonce}
			case "staticcheck":
				dir, err := os.MkdirTemp("", "staticcheck-cache-")
				if err != nil {
					return p, err
				}
				defer os.RemoveAll(dir)
				c.Env = append(c.Env, "STATICCHECK_CACHE="+dir)
				args = []string{bins.Staticcheck}
			case "bplint":
				args = append([]string{bins.Bplint, "-json"}, disabled...)
			case "bplint-facts":
				args = append([]string{bins.Bplint, "-json", "-lockedsend.cross-package", "-ignoredsend.cross-package"}, disabled...)
			case "bplint-vettool":
				args = append([]string{"go", "vet", "-vettool=" + bins.Bplint, "-ignoredsend.methods=" + nonce}, disabled...)
			case "noop":
				args = []string{bins.Noop}
			case "noopfact":
				args = []string{bins.NoopFact}
			case "noop-vettool":
				args = []string{"go", "vet", "-vettool=" + bins.Noop, "-noop.nonce=" + nonce}
			case "noopfact-vettool":
				args = []string{"go", "vet", "-vettool=" + bins.NoopFact, "-noopfact.nonce=" + nonce}
			}
			c.Args = append(args, m.Patterns...)
			load := loadAvg()
			p.Load = append(p.Load, load)
			r := runCmd(c)
			if r.Err != nil || len(panics(r.Stderr)) > 0 {
				if p.Errors == nil {
					p.Errors = make(map[string]string)
				}
				msg := tail(r.Stderr, 5)
				if r.Err != nil {
					msg = r.Err.Error()
				}
				p.Errors[tool] = msg
			}
			logf("%s: perf %d/%d %-16s %6.1fs wall %6.1fs cpu %5d MiB exit %d (load %s)", m.Name, i+1, p.Repeat, tool, r.Wall, r.CPU, r.RSS>>10, r.Exit, load)
			p.Runs[tool] = append(p.Runs[tool], r.Measure)
			best, ok := p.Best[tool]
			if !ok {
				best = r.Measure
			}
			best.Wall = min(best.Wall, r.Wall)
			best.CPU = min(best.CPU, r.CPU)
			best.RSS = max(best.RSS, r.RSS)
			p.Best[tool] = best
		}
	}
	return p, nil
}

// needFacts reports whether any analyzer of the suite, or one it
// requires, declares facts.
func needFacts(as []*analysis.Analyzer) bool {
	for _, a := range as {
		if len(a.FactTypes) > 0 || needFacts(a.Requires) {
			return true
		}
	}
	return false
}
