package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// A Finding is one diagnostic of a bplint -json run, located by what
// survives edits elsewhere in the file: rule, file and the text of the
// flagged line (its number is kept for people).
type Finding struct {
	Rule    string `json:"rule"`
	File    string `json:"file"` // slash-separated, relative to the module directory
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Text    string `json:"text"` // the flagged line, whitespace-collapsed
	Message string `json:"message"`
	Fixes   int    `json:"fixes,omitempty"`   // alternative suggested fixes
	Bounded bool   `json:"bounded,omitempty"` // a fix imports runtime/bounded
}

// Key identifies f across runs and edits: rule, file, line text.
func (f Finding) Key() string { return f.Rule + "\t" + f.File + "\t" + f.Text }

// Pos is file:line.
func (f Finding) Pos() string { return fmt.Sprintf("%s:%d", f.File, f.Line) }

// An Output is a parsed bplint -json run.
type Output struct {
	Findings       []Finding
	AnalysisErrors []string // analyses that failed (not skipped for load errors)
	Skipped        int      // analyses skipped because their package did not load
}

// The multichecker -json tree: package ID -> analyzer -> diagnostics
// or {"error": ...}.
type jsonDiag struct {
	Category string `json:"category"`
	Posn     string `json:"posn"`
	Message  string `json:"message"`
	Fixes    []struct {
		Message string `json:"message"`
		Edits   []struct {
			New string `json:"new"`
		} `json:"edits"`
	} `json:"suggested_fixes"`
}

const boundedImport = "github.com/bplint/bplint/runtime/bounded"

// parseJSON parses the stdout of bplint -json run in root. A file shared
// by a package and its test variant is reported once.
func parseJSON(data []byte, root string) (Output, error) {
	var out Output
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return out, nil
	}
	var tree map[string]map[string]json.RawMessage
	if err := json.Unmarshal(data, &tree); err != nil {
		return out, fmt.Errorf("parsing bplint -json output: %v", err)
	}
	lines := newLineCache()
	seen := make(map[string]bool)
	errSeen := make(map[string]bool)
	for _, pkg := range sortedKeys(tree) {
		for _, analyzer := range sortedKeys(tree[pkg]) {
			raw := tree[pkg][analyzer]
			if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
				var e struct {
					Error string `json:"error"`
				}
				if err := json.Unmarshal(raw, &e); err != nil {
					return out, err
				}
				if strings.Contains(e.Error, "analysis skipped due to errors in package") ||
					strings.Contains(e.Error, "failed prerequisites") && !strings.Contains(e.Error, "panic") {
					out.Skipped++
					continue
				}
				msg := analyzer + ": " + e.Error
				if !errSeen[msg] {
					errSeen[msg] = true
					out.AnalysisErrors = append(out.AnalysisErrors, pkg+": "+msg)
				}
				continue
			}
			var diags []jsonDiag
			if err := json.Unmarshal(raw, &diags); err != nil {
				return out, fmt.Errorf("%s: %s: %v", pkg, analyzer, err)
			}
			for _, d := range diags {
				id := d.Category + "\x00" + d.Posn + "\x00" + d.Message
				if seen[id] {
					continue
				}
				seen[id] = true
				file, line, col := splitPosn(d.Posn)
				f := Finding{
					Rule:    d.Category,
					File:    relSlash(root, file),
					Line:    line,
					Col:     col,
					Text:    normalize(lines.line(file, line)),
					Message: d.Message,
					Fixes:   len(d.Fixes),
				}
				if f.Rule == "" {
					f.Rule = analyzer
				}
				for _, fix := range d.Fixes {
					for _, e := range fix.Edits {
						if strings.Contains(e.New, boundedImport) {
							f.Bounded = true
						}
					}
				}
				out.Findings = append(out.Findings, f)
			}
		}
	}
	sortFindings(out.Findings)
	return out, nil
}

func sortFindings(fs []Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Rule < b.Rule
	})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// splitPosn splits "file:line:col" (the file may contain colons).
func splitPosn(posn string) (string, int, int) {
	file, col := posn, 0
	if i := strings.LastIndexByte(file, ':'); i >= 0 {
		if n, err := strconv.Atoi(file[i+1:]); err == nil {
			file, col = file[:i], n
		}
	}
	line := 0
	if i := strings.LastIndexByte(file, ':'); i >= 0 {
		if n, err := strconv.Atoi(file[i+1:]); err == nil {
			file, line = file[:i], n
		}
	}
	return file, line, col
}

func relSlash(root, file string) string {
	if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(file)
}

var space = regexp.MustCompile(`\s+`)

// normalize collapses whitespace, so indentation changes made by a fix
// elsewhere do not change a finding's key.
func normalize(s string) string { return space.ReplaceAllString(strings.TrimSpace(s), " ") }

type lineCache map[string][]string

func newLineCache() lineCache { return make(lineCache) }

func (c lineCache) line(file string, n int) string {
	ls, ok := c[file]
	if !ok {
		b, _ := os.ReadFile(file)
		ls = strings.Split(string(b), "\n")
		c[file] = ls
	}
	if n < 1 || n > len(ls) {
		return ""
	}
	return ls[n-1]
}

// Crash detection. The checker does not recover analyzer panics: one
// kills the process with "panic: ..." and a goroutine dump on stderr,
// exit status 2.
var panicLine = regexp.MustCompile(`(?m)^(panic: |fatal error: |\[signal )`)

// panics returns the panic messages in stderr (with the first frames
// that name bplint's code).
func panics(stderr []byte) []string {
	var out []string
	s := string(stderr)
	for _, loc := range panicLine.FindAllStringIndex(s, -1) {
		end := strings.IndexByte(s[loc[0]:], '\n')
		msg := s[loc[0]:]
		if end >= 0 {
			msg = msg[:end]
		}
		if strings.HasPrefix(msg, "[signal ") && len(out) > 0 {
			continue // continuation of the panic above
		}
		if frame := firstFrame(s[loc[0]:]); frame != "" {
			msg += " at " + frame
		}
		out = append(out, msg)
	}
	return out
}

// firstFrame returns the first stack frame in s that is bplint's.
func firstFrame(s string) string {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "github.com/bplint/bplint/") {
			return l
		}
	}
	return ""
}

// onlyLoadErrors reports whether a bplint run that exited with status exit
// failed only because packages did not load or type-check: the drivers'
// status 1, and every line of stderr a positioned error ("f.go:1:2: ...",
// "-: ..." from go list) or a package header ("# pkg").
func onlyLoadErrors(exit int, stderr []byte) bool {
	if exit != 1 {
		return false
	}
	found := false
	for _, l := range strings.Split(string(stderr), "\n") {
		switch {
		case strings.TrimSpace(l) == "", strings.HasPrefix(l, "# "):
		case positionedError.MatchString(l):
			found = true
		default:
			return false
		}
	}
	return found
}

var positionedError = regexp.MustCompile(`^(\S+\.go:\d+(:\d+)?|-): `)

// loadErrors returns the distinct error lines bplint printed on stderr
// that are not a crash: errors loading or type-checking packages.
func loadErrors(stderr []byte) []string {
	s := string(stderr)
	if loc := panicLine.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	var out []string
	seen := make(map[string]bool)
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || seen[l] {
			continue
		}
		seen[l] = true
		out = append(out, l)
	}
	return out
}
