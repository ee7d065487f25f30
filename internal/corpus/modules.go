package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// A Module is one pinned entry of modules.txt.
type Module struct {
	Name     string   // short name: the directory, the report's row
	Path     string   // module path, or "std"
	Version  string   // pinned version ("go" for std: the toolchain's)
	Tags     []string // build tags
	Patterns []string // package patterns, default ./...
	Extra    bool     // not in the default set
	Note     string   // why the options are what they are

	Dir string // prepared source directory (GOROOT/src for std)
}

// Std reports whether m is the standard library.
func (m *Module) Std() bool { return m.Path == "std" }

// Env is the environment every command on m runs with: no workspace
// (some zips ship a go.work naming absent modules) and m's build tags in
// GOFLAGS, where go list, go vet, staticcheck and go/packages all see
// them.
func (m *Module) Env() []string {
	flags := os.Getenv("GOFLAGS")
	if len(m.Tags) > 0 {
		flags = strings.TrimSpace(flags + " -tags=" + strings.Join(m.Tags, ","))
	}
	return []string{"GOWORK=off", "GOFLAGS=" + flags}
}

// parseModules reads modules.txt: one module a line, "name module
// version [option...]", options tags=a,b / pkgs=p1,p2 / extra /
// note="..." is everything after '#' on the line.
func parseModules(r io.Reader) ([]*Module, error) {
	var out []*Module
	seen := make(map[string]bool)
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line, note, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 3 {
			return nil, fmt.Errorf("modules.txt:%d: want name, module and version", n)
		}
		m := &Module{Name: f[0], Path: f[1], Version: f[2], Note: strings.TrimSpace(note)}
		for _, opt := range f[3:] {
			k, v, _ := strings.Cut(opt, "=")
			switch k {
			case "tags":
				m.Tags = strings.Split(v, ",")
			case "pkgs":
				m.Patterns = strings.Split(v, ",")
			case "extra":
				m.Extra = true
			default:
				return nil, fmt.Errorf("modules.txt:%d: unknown option %q", n, opt)
			}
		}
		if len(m.Patterns) == 0 {
			m.Patterns = []string{"./..."}
			if m.Std() {
				m.Patterns = []string{"std"}
			}
		}
		if seen[m.Name] {
			return nil, fmt.Errorf("modules.txt:%d: duplicate name %q", n, m.Name)
		}
		seen[m.Name] = true
		out = append(out, m)
	}
	return out, sc.Err()
}

// selectModules picks the modules named in list ("" or "default": every
// module not marked extra; "all": every module).
func selectModules(all []*Module, list string) ([]*Module, error) {
	switch list {
	case "", "default":
		var out []*Module
		for _, m := range all {
			if !m.Extra {
				out = append(out, m)
			}
		}
		return out, nil
	case "all":
		return all, nil
	}
	byName := make(map[string]*Module)
	for _, m := range all {
		byName[m.Name] = m
	}
	var out []*Module
	for _, name := range strings.Split(list, ",") {
		m, ok := byName[strings.TrimSpace(name)]
		if !ok {
			var names []string
			for _, m := range all {
				names = append(names, m.Name)
			}
			return nil, fmt.Errorf("unknown module %q (have %s)", name, strings.Join(names, ", "))
		}
		out = append(out, m)
	}
	return out, nil
}

const stampFile = ".bplint-corpus"

// prepare makes m's sources ready in corpusDir/src/NAME: fetched through
// the module proxy (go mod download -json MODULE@VERSION), copied out of
// the module cache writable, local replace directives that cannot
// resolve outside the module's repository dropped, dependencies
// downloaded. seed, if set, is a directory of already fetched sources
// (seed/NAME) to copy instead of the module cache.
func (m *Module) prepare(corpusDir, seed string, logf func(string, ...any)) error {
	if m.Std() {
		m.Dir = filepath.Join(runtime.GOROOT(), "src")
		if out, err := must(Cmd{Args: []string{"go", "env", "GOROOT"}}); err == nil {
			m.Dir = filepath.Join(strings.TrimSpace(string(out.Stdout)), "src")
		}
		if m.Version == "go" {
			if out, err := must(Cmd{Args: []string{"go", "env", "GOVERSION"}}); err == nil {
				m.Version = strings.TrimSpace(string(out.Stdout))
			}
		}
		return nil
	}
	m.Dir = filepath.Join(corpusDir, "src", m.Name)
	want := m.Path + "@" + m.Version + "\n"
	if b, err := os.ReadFile(filepath.Join(m.Dir, stampFile)); err == nil && string(b) == want {
		return nil
	}
	if err := os.RemoveAll(m.Dir); err != nil {
		return err
	}
	from := ""
	if seed != "" {
		if ok, _ := isModuleDir(filepath.Join(seed, m.Name), m.Path); ok {
			from = filepath.Join(seed, m.Name)
			logf("%s: copying %s", m.Name, from)
		}
	}
	if from == "" {
		logf("%s: go mod download %s@%s", m.Name, m.Path, m.Version)
		r, err := must(Cmd{Dir: os.TempDir(), Env: []string{"GOWORK=off", "GOFLAGS=-mod=mod"},
			Args: []string{"go", "mod", "download", "-json", m.Path + "@" + m.Version}})
		if err != nil {
			return err
		}
		var info struct{ Dir, Error string }
		if err := json.Unmarshal(r.Stdout, &info); err != nil {
			return fmt.Errorf("go mod download -json: %v", err)
		}
		if info.Error != "" || info.Dir == "" {
			return fmt.Errorf("go mod download %s@%s: %s", m.Path, m.Version, info.Error)
		}
		from = info.Dir
	}
	if err := copyTree(from, m.Dir); err != nil {
		return err
	}
	if err := m.dropLocalReplaces(logf); err != nil {
		return err
	}
	logf("%s: go mod download (dependencies)", m.Name)
	if _, err := must(Cmd{Dir: m.Dir, Env: m.Env(), Args: []string{"go", "mod", "download"}}); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(m.Dir, stampFile), []byte(want), 0o644)
}

// dropLocalReplaces drops replace directives whose target is a directory
// that does not exist: a module zip holds one module, so replacements by
// sibling directories of its repository (etcd's ../api) cannot resolve.
// The required versions are used instead.
func (m *Module) dropLocalReplaces(logf func(string, ...any)) error {
	r, err := must(Cmd{Dir: m.Dir, Env: m.Env(), Args: []string{"go", "mod", "edit", "-json"}})
	if err != nil {
		return err
	}
	var gomod struct {
		Replace []struct {
			Old, New struct{ Path, Version string }
		}
	}
	if err := json.Unmarshal(r.Stdout, &gomod); err != nil {
		return err
	}
	var drop []string
	for _, rep := range gomod.Replace {
		if rep.New.Version != "" {
			continue // module replacement
		}
		target := rep.New.Path
		if !filepath.IsAbs(target) {
			target = filepath.Join(m.Dir, target)
		}
		if _, err := os.Stat(target); err == nil {
			continue
		}
		old := rep.Old.Path
		if rep.Old.Version != "" {
			old += "@" + rep.Old.Version
		}
		drop = append(drop, "-dropreplace="+old)
	}
	if len(drop) == 0 {
		return nil
	}
	logf("%s: dropping replace directives to absent directories: %s", m.Name, strings.Join(drop, " "))
	_, err = must(Cmd{Dir: m.Dir, Env: m.Env(), Args: append([]string{"go", "mod", "edit"}, drop...)})
	if err != nil {
		return err
	}
	// The required versions need go.sum lines the zip does not have.
	_, err = must(Cmd{Dir: m.Dir, Env: m.Env(), Args: []string{"go", "mod", "tidy", "-e"}})
	return err
}

func isModuleDir(dir, path string) (bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == path, nil
		}
	}
	return false, nil
}

// copyTree copies the regular files and directories of src to dst,
// writable by the owner (the module cache is read-only).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			return copyFile(path, target)
		}
		return nil // symlinks and the like: module zips have none
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// countLines counts the lines of Go that m's packages are made of: .go
// files that are not tests, not under vendor/ or testdata/, not in a
// nested module, not in directories the go command ignores (_x, .x).
// For std, GOROOT/src less cmd/.
func (m *Module) countLines() (int, error) {
	lines := 0
	err := filepath.WalkDir(m.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path == m.Dir {
				return nil
			}
			if name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if m.Std() && path == filepath.Join(m.Dir, "cmd") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // nested module
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines += bytes.Count(b, []byte("\n"))
		return nil
	})
	return lines, err
}
