package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bplint/bplint/analyzers"
)

func write(w io.Writer, format string, findings []*finding) error {
	switch format {
	case "json":
		return writeJSON(w, findings)
	case "sarif":
		return writeSARIF(w, findings)
	case "github":
		return writeGitHub(w, findings)
	case "gitlab":
		return writeGitLab(w, findings)
	}
	return writeText(w, findings)
}

// writeText prints findings as the compiler prints errors.
func writeText(w io.Writer, findings []*finding) error {
	for _, f := range findings {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s%s\n", f.File, f.Line, f.Column, f.Message, analyzers.RuleSuffix(f.Rule)); err != nil {
			return err
		}
		for _, r := range f.Related {
			if _, err := fmt.Fprintf(w, "\t%s:%d:%d: %s\n", r.File, r.Line, r.Column, r.Message); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeJSON(w io.Writer, findings []*finding) error {
	if findings == nil {
		findings = []*finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Version  string     `json:"version"`
		Findings []*finding `json:"findings"`
	}{version(), findings})
}

// writeGitHub prints workflow commands that GitHub Actions turns into
// annotations on the pull request's diff. Paths are relative to the
// repository root, as GitHub expects.
func writeGitHub(w io.Writer, findings []*finding) error {
	for _, f := range findings {
		props := fmt.Sprintf("file=%s,line=%d,col=%d", ghProperty(f.File), f.Line, f.Column)
		if f.EndLine > 0 {
			props += fmt.Sprintf(",endLine=%d,endColumn=%d", f.EndLine, f.EndColumn)
		}
		props += ",title=" + ghProperty("bplint "+f.Rule)
		msg := f.Message
		if f.URL != "" {
			msg += "\n" + f.URL
		}
		if _, err := fmt.Fprintf(w, "::warning %s::%s\n", props, ghData(msg)); err != nil {
			return err
		}
	}
	return nil
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// writeGitLab writes a GitLab code quality report (the Code Climate
// subset GitLab reads).
func writeGitLab(w io.Writer, findings []*finding) error {
	type lines struct {
		Begin int `json:"begin"`
		End   int `json:"end,omitempty"`
	}
	type location struct {
		Path  string `json:"path"`
		Lines lines  `json:"lines"`
	}
	type issue struct {
		Description string   `json:"description"`
		CheckName   string   `json:"check_name"`
		Fingerprint string   `json:"fingerprint"`
		Severity    string   `json:"severity"`
		Location    location `json:"location"`
	}
	out := []issue{}
	for _, f := range findings {
		h := sha256.Sum256([]byte(f.Rule + "\x00" + f.File + "\x00" + f.Fingerprint))
		out = append(out, issue{
			Description: f.Message,
			CheckName:   f.Rule,
			Fingerprint: hex.EncodeToString(h[:16]),
			Severity:    "major",
			Location:    location{Path: f.File, Lines: lines{Begin: f.Line, End: f.EndLine}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// SARIF 2.1.0, the subset code scanning reads. Field names follow the
// specification (https://docs.oasis-open.org/sarif/sarif/v2.1.0/).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult               `json:"results"`
	ColumnKind         string                      `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	ShortDescription sarifText       `json:"shortDescription"`
	HelpURI          string          `json:"helpUri"`
	Help             sarifText       `json:"help"`
	DefaultConfig    sarifRuleConfig `json:"defaultConfiguration"`
	Properties       map[string]any  `json:"properties,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Fixes               []sarifFix        `json:"fixes,omitempty"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLoc   `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent sarifText   `json:"insertedContent"`
}

const srcRoot = "%SRCROOT%"

func writeSARIF(w io.Writer, findings []*finding) error {
	rules := analyzers.Rules()
	index := make(map[string]int)
	var srules []sarifRule
	for i, r := range rules {
		index[r.ID()] = i
		srules = append(srules, sarifRule{
			ID:               r.ID(),
			Name:             sarifRuleName(r.ID()),
			ShortDescription: sarifText{r.Summary},
			HelpURI:          r.URL(),
			Help:             sarifText{r.Summary + " See " + r.URL()},
			DefaultConfig:    sarifRuleConfig{Level: "warning"},
			Properties:       map[string]any{"tags": []string{"go", "concurrency", "backpressure"}},
		})
	}
	cols := newColumnMapper()
	loc := func(file, abs string, line, col, endLine, endCol int) sarifPhysicalLocation {
		r := sarifRegion{StartLine: line, StartColumn: cols.utf16(abs, line, col)}
		if endLine > 0 {
			r.EndLine, r.EndColumn = endLine, cols.utf16(abs, endLine, endCol)
		}
		return sarifPhysicalLocation{ArtifactLocation: sarifArtifactLoc{URI: sarifURI(file), URIBaseID: srcRoot}, Region: r}
	}
	results := []sarifResult{}
	for _, f := range findings {
		i, ok := index[f.Rule]
		if !ok {
			i = len(srules)
			index[f.Rule] = i
			srules = append(srules, sarifRule{ID: f.Rule, Name: sarifRuleName(f.Rule), ShortDescription: sarifText{f.Rule}, HelpURI: f.URL, Help: sarifText{f.Rule}, DefaultConfig: sarifRuleConfig{Level: "warning"}})
		}
		res := sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           i,
			Level:               "warning",
			Message:             sarifText{f.Message},
			Locations:           []sarifLocation{{PhysicalLocation: loc(f.File, f.abs, f.Line, f.Column, f.EndLine, f.EndColumn)}},
			PartialFingerprints: map[string]string{"bplint/v1": f.Fingerprint},
		}
		for j, r := range f.Related {
			id := j + 1
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
				ID:               &id,
				PhysicalLocation: loc(r.File, absOf(f, r.File), r.Line, r.Column, 0, 0),
				Message:          &sarifText{r.Message},
			})
		}
		for _, fix := range f.Fixes {
			sf := sarifFix{Description: sarifText{fix.Message}}
			byFile := make(map[string]int)
			for _, e := range fix.Edits {
				k, ok := byFile[e.File]
				if !ok {
					k = len(sf.ArtifactChanges)
					byFile[e.File] = k
					sf.ArtifactChanges = append(sf.ArtifactChanges, sarifArtifactChange{ArtifactLocation: sarifArtifactLoc{URI: sarifURI(e.File), URIBaseID: srcRoot}})
				}
				abs := absOf(f, e.File)
				sf.ArtifactChanges[k].Replacements = append(sf.ArtifactChanges[k].Replacements, sarifReplacement{
					DeletedRegion: sarifRegion{
						StartLine: e.StartLine, StartColumn: cols.utf16(abs, e.StartLine, e.StartCol),
						EndLine: e.EndLine, EndColumn: cols.utf16(abs, e.EndLine, e.EndCol),
					},
					InsertedContent: sarifText{e.New},
				})
			}
			res.Fixes = append(res.Fixes, sf)
		}
		results = append(results, res)
	}
	rootURI := (&url.URL{Scheme: "file", Path: filepath.ToSlash(findRoot()) + "/"}).String()
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           "bplint",
				InformationURI: "https://pkg.go.dev/github.com/bplint/bplint",
				Version:        version(),
				Rules:          srules,
			}},
			OriginalURIBaseIDs: map[string]sarifArtifactLoc{srcRoot: {URI: rootURI}},
			Results:            results,
			ColumnKind:         "utf16CodeUnits",
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// sarifRuleName turns "fanout/timeout-leak" into "FanoutTimeoutLeak",
// the identifier-like name SARIF viewers show.
func sarifRuleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if r == '/' || r == '-' || r == '_' {
			up = true
			continue
		}
		if up {
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sarifURI escapes a relative slash path as a URI reference.
func sarifURI(rel string) string {
	return (&url.URL{Path: rel}).EscapedPath()
}

// absOf returns the absolute name of a file a finding mentions by
// relative name: the finding's own file, or the same root joined.
func absOf(f *finding, rel string) string {
	if rel == f.File {
		return f.abs
	}
	if filepath.IsAbs(rel) {
		return rel
	}
	root := strings.TrimSuffix(filepath.ToSlash(f.abs), f.File)
	return filepath.FromSlash(root + rel)
}

// A columnMapper turns Go's byte columns into SARIF's default UTF-16
// code unit columns, reading each file once.
type columnMapper struct {
	lines map[string][]string
}

func newColumnMapper() *columnMapper { return &columnMapper{lines: make(map[string][]string)} }

func (m *columnMapper) utf16(file string, line, col int) int {
	if col <= 1 {
		return col
	}
	text := rawLine(m.lines, file, line)
	if col-1 > len(text) {
		return col
	}
	prefix := text[:col-1]
	if !utf8.ValidString(prefix) {
		return col
	}
	return len(utf16.Encode([]rune(prefix))) + 1
}
