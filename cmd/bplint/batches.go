package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// Loading in batches.
//
// multichecker loads every package it analyzes (syntax trees and type
// information) before it analyzes the first, and keeps them all until
// it exits: `bplint std` held 2.3 GB, most of it syntax that no
// analyzer looked at any more. Without facts, the analysis of one
// package needs nothing of another but its types. So when no enabled
// analyzer declares facts, bplint lists the packages once (go list,
// with export data, as go/packages does for multichecker), then
// type-checks and analyzes the root packages a batch at a time, and
// lets each batch go before the next: peak memory follows the largest
// batch, not the run. Dependencies are read from export data, once for
// the run (see exportCache).
//
// A package and its test variants share files, and findings in shared
// files are reported once, so they stay in one batch. With facts, every
// dependency must be analyzed from source in the same run, and bplint
// loads everything at once, as multichecker does.

// batchBudget is how much Go source (bytes, test variants counted
// again) one batch type-checks. The standard library with its tests is
// about 39 MB; syntax and type information take about 50 times their
// source in memory. Smaller batches hold less, but each batch ends with
// cores idle while its largest package finishes.
var batchBudget int64 = 6 << 20

// metadataMode lists packages without parsing anything: what LoadSyntax
// asks for besides syntax and types, plus the export data of every
// dependency.
const metadataMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedDeps | packages.NeedExportFile |
	packages.NeedTypesSizes | packages.NeedModule

// analyzeInBatches loads the packages that patterns match and analyzes
// them with suite, calling each with every batch's graph before the next
// batch is loaded; each must not keep the graph. Load errors (of listing, parsing and type-checking)
// go to loadErr, once each.
func analyzeInBatches(patterns []string, tests bool, suite []*analysis.Analyzer, loadErr func(string), each func(*checker.Graph)) error {
	reportErrors := func(pkgs []*packages.Package) {
		packages.Visit(pkgs, nil, func(p *packages.Package) {
			for _, e := range p.Errors {
				loadErr(e.Error())
			}
		})
	}
	if needFacts(suite) {
		pkgs, err := load(patterns, tests, true)
		if err != nil {
			return err
		}
		reportErrors(pkgs)
		graph, err := checker.Analyze(suite, pkgs, nil)
		if err != nil {
			return err
		}
		each(graph)
		return nil
	}

	roots, err := packages.Load(&packages.Config{Mode: metadataMode, Tests: tests}, patterns...)
	if err == nil && len(roots) == 0 {
		err = fmt.Errorf("%s matched no packages", strings.Join(patterns, " "))
	}
	if err != nil {
		return err
	}
	reportErrors(roots) // listing errors; parse and type errors come per batch
	deps := newExportCache(token.NewFileSet())
	for _, batch := range batchesOf(roots, batchBudget) {
		listed := make([]int, len(batch))
		for i, p := range batch {
			listed[i] = len(p.Errors)
		}
		deps.checkAll(batch)
		for _, msg := range deps.takeErrors() {
			loadErr(msg)
		}
		for i, p := range batch {
			for _, e := range p.Errors[listed[i]:] {
				loadErr(e.Error())
			}
		}
		restoreGC := relaxGC()
		graph, err := checker.Analyze(suite, batch, nil)
		if err != nil {
			restoreGC()
			return err
		}
		each(graph)
		release(batch)
		restoreGC()
		// Test variants of dependencies ("q [p.test]") serve only p's
		// test packages, which were all in this batch.
		deps.dropVariants()
	}
	return nil
}

// batchesOf splits roots into batches of at most budget bytes of
// source (unless one package with its test variants is larger), keeping
// each package with its test variants. go list lists the variants after
// all the packages; within a batch, roots keep their order.
func batchesOf(roots []*packages.Package, budget int64) [][]*packages.Package {
	var keys []string
	groups := make(map[string][]*packages.Package)
	for _, p := range roots {
		k := sourcePackage(p)
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], p)
	}
	batchOf := make(map[string]int)
	n, size := 0, int64(0)
	for _, k := range keys {
		var sz int64
		for _, p := range groups[k] {
			sz += sourceSize(p)
		}
		if size > 0 && size+sz > budget {
			n, size = n+1, 0
		}
		batchOf[k] = n
		size += sz
	}
	batches := make([][]*packages.Package, n+1)
	for _, p := range roots {
		i := batchOf[sourcePackage(p)]
		batches[i] = append(batches[i], p)
	}
	return batches
}

// sourcePackage returns the import path a package or test variant is
// built from: "p" for p, "p [p.test]", "p_test [p.test]" and "p.test".
func sourcePackage(p *packages.Package) string {
	id, _, _ := strings.Cut(p.ID, " ")
	if strings.HasSuffix(id, ".test") && p.Name == "main" {
		return strings.TrimSuffix(id, ".test")
	}
	return strings.TrimSuffix(id, "_test")
}

func sourceSize(p *packages.Package) int64 {
	var n int64
	for _, f := range p.CompiledGoFiles {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// release drops what a batch's analysis needed, so that the next batch
// can reuse the memory; the file set keeps the positions for printing.
func release(batch []*packages.Package) {
	for _, p := range batch {
		p.Syntax, p.Types, p.TypesInfo, p.TypeErrors = nil, nil, nil, nil
	}
}

// An exportCache holds the types of the packages that root packages
// import, read from the export data that go list produced, for the whole
// run. As with go/packages, only the direct imports of a root are read:
// export data describes what it needs of indirect dependencies, which
// stay partial packages that later reads complete. Other packages, root
// or not, see a package only this way, so every package has one identity
// in the run whatever the batch; a root is also type-checked from source,
// for its own analysis only.
//
// Batches run one after the other. Reading export data completes
// partial packages, which analyses of the previous batch could be
// looking at: it must not overlap them.
type exportCache struct {
	fset *token.FileSet
	cpu  chan struct{} // parsing and type-checking in parallel, up to GOMAXPROCS

	// mu guards nodes, plain, variants and errors. It is held while
	// export data is read, because gcexportdata.Read may complete any
	// package of the view it is given and extends plain: reads are
	// sequential, as in go/packages.
	mu     sync.Mutex
	nodes  map[string]*exportNode
	errors []string
	// plain holds, by path, the package of every path outside test
	// variants, read or partial: one per path in the run.
	plain    map[string]*types.Package
	variants map[string]bool // by ID: see seesVariants
}

type exportNode struct {
	pkg   *packages.Package
	once  sync.Once
	types *types.Package // complete once read, partial until then
	err   error
}

func newExportCache(fset *token.FileSet) *exportCache {
	return &exportCache{
		fset:     fset,
		cpu:      make(chan struct{}, runtime.GOMAXPROCS(0)),
		nodes:    make(map[string]*exportNode),
		plain:    make(map[string]*types.Package),
		variants: make(map[string]bool),
	}
}

// node returns p's node, with a partial package if p was never read.
// c.mu must be held.
func (c *exportCache) node(p *packages.Package) *exportNode {
	n := c.nodes[p.ID]
	if n == nil {
		n = &exportNode{pkg: p}
		switch {
		case p.PkgPath == "unsafe":
			n.types = types.Unsafe
		case c.seesVariants(p):
			n.types = types.NewPackage(p.PkgPath, p.Name)
		default:
			n.types = c.plain[p.PkgPath]
			if n.types == nil {
				n.types = types.NewPackage(p.PkgPath, p.Name)
				c.plain[p.PkgPath] = n.types
			}
		}
		c.nodes[p.ID] = n
	}
	return n
}

// seesVariants reports whether p is a test variant or depends on one.
// c.mu must be held.
func (c *exportCache) seesVariants(p *packages.Package) bool {
	v, ok := c.variants[p.ID]
	if !ok {
		v = strings.Contains(p.ID, " [")
		for _, imp := range p.Imports {
			v = v || c.seesVariants(imp)
		}
		c.variants[p.ID] = v
	}
	return v
}

// dropVariants forgets the test variants of dependencies.
func (c *exportCache) dropVariants() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range c.nodes {
		if strings.Contains(id, " [") {
			delete(c.nodes, id)
		}
	}
}

// takeErrors returns the dependencies' load errors since the last call.
func (c *exportCache) takeErrors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	errs := c.errors
	c.errors = nil
	return errs
}

// load returns the complete types of p, read from its export data.
func (c *exportCache) load(p *packages.Package) (*types.Package, error) {
	c.mu.Lock()
	n := c.node(p)
	c.mu.Unlock()
	n.once.Do(func() {
		if p.PkgPath == "unsafe" {
			return
		}
		if n.err = c.read(n); n.err != nil {
			n.types = nil
			if len(p.Errors) == 0 { // else go list said why
				c.mu.Lock()
				c.errors = append(c.errors, fmt.Sprintf("-: %v", n.err))
				c.mu.Unlock()
			}
		}
	})
	return n.types, n.err
}

func (c *exportCache) read(n *exportNode) error {
	p := n.pkg
	if p.ExportFile == "" {
		return fmt.Errorf("no export data for %s", p.ID)
	}
	f, err := os.Open(p.ExportFile)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("reading %s: %v", p.ExportFile, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// gcexportdata knows packages by path. Outside test variants a path
	// names one package in the run, so the view is plain, which the read
	// may extend; a test variant ("q [p.test]", path q) and what imports
	// one see their own dependencies by path.
	view := c.plain
	if c.seesVariants(p) {
		view = map[string]*types.Package{p.PkgPath: n.types}
		seen := make(map[string]bool)
		var visit func(imports map[string]*packages.Package)
		visit = func(imports map[string]*packages.Package) {
			for _, imp := range imports {
				if !seen[imp.ID] {
					seen[imp.ID] = true
					view[imp.PkgPath] = c.node(imp).types
					visit(imp.Imports)
				}
			}
		}
		visit(p.Imports)
	}
	if _, err := gcexportdata.Read(r, c.fset, view, p.PkgPath); err != nil {
		return fmt.Errorf("reading %s: %v", p.ExportFile, err)
	}
	return nil
}

// checkAll type-checks the root packages of a batch from source, in
// parallel, and fills in each one's Fset, Syntax, Types, TypesInfo,
// Errors, TypeErrors and IllTyped, as go/packages does with LoadSyntax.
// A package and its test variant share the syntax trees of the files
// they share, as with go/packages.
func (c *exportCache) checkAll(batch []*packages.Package) {
	parsed := &fileCache{files: make(map[string]*parsedFile)}
	var wg sync.WaitGroup
	for _, p := range batch {
		wg.Go(func() { c.check(p, parsed) })
	}
	wg.Wait()
}

// check parses and type-checks a root package from source.
func (c *exportCache) check(p *packages.Package, parsed *fileCache) {
	p.Fset = c.fset
	if p.PkgPath == "unsafe" {
		p.Syntax, p.Types, p.TypesInfo = []*ast.File{}, types.Unsafe, newTypesInfo()
		return
	}
	addError := func(err error) {
		switch err := err.(type) {
		case types.Error:
			p.TypeErrors = append(p.TypeErrors, err)
			p.Errors = append(p.Errors, packages.Error{Pos: err.Fset.Position(err.Pos).String(), Msg: err.Msg, Kind: packages.TypeError})
		case scanner.ErrorList:
			for _, e := range err {
				p.Errors = append(p.Errors, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
			}
		case *os.PathError:
			p.Errors = append(p.Errors, packages.Error{Pos: err.Path + ":1", Msg: err.Err.Error(), Kind: packages.ParseError})
		default:
			p.Errors = append(p.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.UnknownError})
		}
	}
	if len(p.CompiledGoFiles) == 0 && p.ExportFile != "" {
		addError(fmt.Errorf("sources missing for package %s", p.ID))
		p.IllTyped = true
		return
	}
	// Imports first, in parallel, as files parse.
	var wg sync.WaitGroup
	var brokenImport atomic.Bool
	for _, imp := range p.Imports {
		wg.Go(func() {
			if _, err := c.load(imp); err != nil {
				brokenImport.Store(true)
			}
		})
	}
	p.Syntax = parsed.parse(c, p.CompiledGoFiles, addError)
	wg.Wait()

	p.TypesInfo = newTypesInfo()
	conf := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			imp := p.Imports[path]
			if imp == nil {
				return nil, fmt.Errorf("no metadata for %s", path)
			}
			return c.load(imp)
		}),
		Error: addError,
		Sizes: p.TypesSizes,
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	p.Types = types.NewPackage(p.PkgPath, p.Name)
	c.cpu <- struct{}{}
	err := types.NewChecker(conf, c.fset, p.Types, p.TypesInfo).Files(p.Syntax)
	<-c.cpu
	if err != nil && len(p.Errors) == 0 {
		addError(err)
	}
	p.IllTyped = len(p.Errors) > 0 || brokenImport.Load()
}

// A fileCache parses each file of a batch once.
type fileCache struct {
	mu    sync.Mutex
	files map[string]*parsedFile
}

type parsedFile struct {
	ready chan struct{}
	file  *ast.File
	err   error
}

// parse parses files in parallel.
func (fc *fileCache) parse(c *exportCache, names []string, addError func(error)) []*ast.File {
	files := make([]*parsedFile, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		fc.mu.Lock()
		pf := fc.files[name]
		if pf == nil {
			pf = &parsedFile{ready: make(chan struct{})}
			fc.files[name] = pf
			wg.Go(func() {
				defer close(pf.ready)
				src, err := os.ReadFile(name)
				if err != nil {
					pf.err = err
					return
				}
				c.cpu <- struct{}{}
				// No analyzer of the suite uses ast.Object resolution.
				pf.file, pf.err = parser.ParseFile(c.fset, name, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
				<-c.cpu
			})
		}
		fc.mu.Unlock()
		files[i] = pf
	}
	wg.Wait()
	var out []*ast.File
	for _, pf := range files {
		<-pf.ready
		if pf.err != nil {
			addError(pf.err)
		}
		if pf.file != nil {
			out = append(out, pf.file)
		}
	}
	return out
}

func newTypesInfo() *types.Info {
	return &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue),
		Defs:         make(map[*ast.Ident]types.Object),
		Uses:         make(map[*ast.Ident]types.Object),
		Implicits:    make(map[ast.Node]types.Object),
		Instances:    make(map[*ast.Ident]types.Instance),
		Scopes:       make(map[ast.Node]*types.Scope),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection),
		FileVersions: make(map[*ast.File]string),
	}
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
