package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Verdicts are the human triage of sampled findings, kept in
// triage.tsv: one finding a line,
//
//	rule <TAB> module <TAB> file:line <TAB> line text <TAB> verdict <TAB> reason
//
// verdict one of true, false-positive, debatable. A verdict matches a
// finding by rule, module, file and line text; the line number is for
// people and may go stale as a module's pin moves. Identical lines in
// one file share a key, and so a verdict.
type Verdict struct {
	Rule, Module, File string
	Line               string
	Text               string
	Verdict            string
	Reason             string
	used               bool
}

var verdictNames = []string{"true", "false-positive", "debatable"}

func (v *Verdict) key() string {
	return v.Module + "\t" + v.Rule + "\t" + v.File + "\t" + normalize(v.Text)
}

func findingKey(module string, f Finding) string { return module + "\t" + f.Key() }

// Verdicts indexes triage.tsv.
type Verdicts struct {
	list  []*Verdict
	byKey map[string]*Verdict
}

func (vs *Verdicts) lookup(module string, f Finding) *Verdict {
	if vs == nil {
		return nil
	}
	// Key() is rule, file, text; Verdict.key is module, rule, file, text.
	return vs.byKey[findingKey(module, f)]
}

func readTriage(file string) (*Verdicts, error) {
	vs := &Verdicts{byKey: make(map[string]*Verdict)}
	f, err := os.Open(file)
	if os.IsNotExist(err) {
		return vs, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "rule\t") {
			continue
		}
		col := strings.Split(line, "\t")
		if len(col) != 6 {
			return nil, fmt.Errorf("%s:%d: want 6 tab-separated columns (rule, module, file:line, text, verdict, reason), have %d", file, n, len(col))
		}
		v := &Verdict{Rule: col[0], Module: col[1], Text: col[3], Verdict: col[4], Reason: col[5]}
		v.File, v.Line = col[2], ""
		if i := strings.LastIndexByte(col[2], ':'); i >= 0 {
			v.File, v.Line = col[2][:i], col[2][i+1:]
		}
		if !isVerdict(v.Verdict) {
			return nil, fmt.Errorf("%s:%d: verdict %q, want one of %s", file, n, v.Verdict, strings.Join(verdictNames, ", "))
		}
		if v.Reason == "" {
			return nil, fmt.Errorf("%s:%d: a verdict needs a reason", file, n)
		}
		k := v.Module + "\t" + v.Rule + "\t" + v.File + "\t" + normalize(v.Text)
		if old, dup := vs.byKey[k]; dup {
			// Identical lines in one file share a key, and so a verdict.
			if old.Verdict != v.Verdict {
				return nil, fmt.Errorf("%s:%d: verdict %s for %s %s:%s, but %s for the same line text at line %s", file, n, v.Verdict, v.Rule, v.File, v.Line, old.Verdict, old.Line)
			}
			continue
		}
		vs.byKey[k] = v
		vs.list = append(vs.list, v)
	}
	return vs, sc.Err()
}

func isVerdict(s string) bool {
	for _, v := range verdictNames {
		if s == v {
			return true
		}
	}
	return false
}

// A Sampled finding is one shown in the triage section.
type Sampled struct {
	Module  string
	Finding Finding
	Verdict *Verdict // nil: not triaged yet
}

// sample picks the findings of rule to show: every triaged one, then
// untriaged ones up to n in all, taken from the modules in turn so that
// no module fills the sample alone. Deterministic.
func sample(results []*Result, rule string, vs *Verdicts, n int) []Sampled {
	var triaged []Sampled
	perModule := make([][]Sampled, len(results))
	for i, r := range results {
		for _, f := range r.Findings {
			if f.Rule != rule {
				continue
			}
			s := Sampled{Module: r.Module, Finding: f, Verdict: vs.lookup(r.Module, f)}
			if s.Verdict != nil {
				triaged = append(triaged, s)
			} else {
				perModule[i] = append(perModule[i], s)
			}
		}
	}
	out := triaged
	orders := make([][]int, len(perModule))
	for i := range perModule {
		orders[i] = spreadOrder(len(perModule[i]), n)
	}
	for round := 0; len(out) < n; round++ {
		took := false
		for i := range perModule {
			if round < len(orders[i]) && len(out) < n {
				out = append(out, perModule[i][orders[i][round]])
				took = true
			}
		}
		if !took {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Module != out[j].Module {
			return out[i].Module < out[j].Module
		}
		return out[i].Finding.Pos() < out[j].Finding.Pos()
	})
	return dedupSampled(out)
}

// spreadOrder returns the indices 0..size-1 in the order to pick
// them: first every (size/n)-th, so that a sample walks the whole list
// instead of taking its head, then the rest.
func spreadOrder(size, n int) []int {
	stride := max(size/max(n, 1), 1)
	taken := make([]bool, size)
	var out []int
	for k := 0; k < size; k += stride {
		out = append(out, k)
		taken[k] = true
	}
	for k := 0; k < size; k++ {
		if !taken[k] {
			out = append(out, k)
		}
	}
	return out
}

func dedupSampled(in []Sampled) []Sampled {
	seen := make(map[string]bool)
	var out []Sampled
	for _, s := range in {
		k := s.Module + "\t" + s.Finding.Key() + "\t" + s.Finding.Pos()
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}
