package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// A baseline records accepted findings, so that a codebase adopting
// bplint fails CI only on new ones. Findings are matched by fingerprint:
// the rule, the file, and the text of the flagged line (white space
// normalized), numbered when the same line text repeats. Adding or
// removing lines elsewhere does not change a fingerprint; editing the
// flagged line does, and then the finding counts as new.
type baseline struct {
	Version  int             `json:"version"`
	Tool     string          `json:"tool"`
	Findings []baselineEntry `json:"findings"`
	path     string
}

type baselineEntry struct {
	Rule        string `json:"rule"`
	File        string `json:"file"`
	Fingerprint string `json:"fingerprint"`
	Message     string `json:"message,omitempty"` // for readers; not matched
}

const baselineVersion = 1

func readBaseline(path string) (*baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %v", err)
	}
	var b baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("baseline %s is not a bplint baseline: %v", path, err)
	}
	if b.Version != baselineVersion || b.Tool != "bplint" {
		return nil, fmt.Errorf("baseline %s has tool %q version %d; this bplint reads tool \"bplint\" version %d (regenerate it with -write-baseline)", path, b.Tool, b.Version, baselineVersion)
	}
	b.path = path
	return &b, nil
}

func writeBaselineFile(path string, findings []*finding) error {
	b := baseline{Version: baselineVersion, Tool: "bplint", Findings: []baselineEntry{}}
	for _, f := range findings {
		b.Findings = append(b.Findings, baselineEntry{Rule: f.Rule, File: f.File, Fingerprint: f.Fingerprint, Message: f.Message})
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// filter returns the findings the baseline does not account for, and
// how many it does. Each baseline entry accounts for one finding.
func (b *baseline) filter(findings []*finding) ([]*finding, int) {
	known := make(map[string]int)
	for _, e := range b.Findings {
		known[e.Rule+"\x00"+e.File+"\x00"+e.Fingerprint]++
	}
	var out []*finding
	n := 0
	for _, f := range findings {
		k := f.Rule + "\x00" + f.File + "\x00" + f.Fingerprint
		if known[k] > 0 {
			known[k]--
			n++
			continue
		}
		out = append(out, f)
	}
	return out, n
}

// fingerprint sets the Fingerprint of each finding; findings must be
// sorted by position.
func fingerprint(findings []*finding) {
	lines := make(map[string][]string) // file contents, split, by absolute name
	seen := make(map[string]int)
	for _, f := range findings {
		text := lineText(lines, f.abs, f.Line)
		h := sha256.Sum256([]byte(f.Rule + "\x00" + f.File + "\x00" + text))
		key := hex.EncodeToString(h[:8])
		f.Fingerprint = key + "-" + strconv.Itoa(seen[key])
		seen[key]++
	}
}

// lineText returns line n of file with white space runs collapsed.
func lineText(cache map[string][]string, file string, n int) string {
	return strings.Join(strings.Fields(rawLine(cache, file, n)), " ")
}

// rawLine returns line n (1-based) of file, or "", reading each file
// once into cache.
func rawLine(cache map[string][]string, file string, n int) string {
	ls, ok := cache[file]
	if !ok {
		if data, err := os.ReadFile(file); err == nil {
			sc := bufio.NewScanner(bytes.NewReader(data))
			sc.Buffer(nil, len(data)+1)
			for sc.Scan() {
				ls = append(ls, sc.Text())
			}
		}
		cache[file] = ls
	}
	if n < 1 || n > len(ls) {
		return ""
	}
	return ls[n-1]
}
