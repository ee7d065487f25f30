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
// type-checks and analyzes the root packages a batch at a time, each
// batch's dependencies read from export data, and lets each batch go
// before the next: peak memory follows the largest two batches (one
// analyzed, the next loaded), not the run.
//
// A package and its test variants share files, and findings in shared
// files are reported once, so they stay in one batch. With facts, every
// dependency must be analyzed from source in the same run, and bplint
// loads everything at once, as multichecker does.

// batchBudget is how much Go source (bytes, test variants counted
// again) one batch type-checks. The standard library with its tests is
// about 39 MB; syntax and type information take about 50 times their
// source in memory.
var batchBudget int64 = 10 << 20

// metadataMode lists packages without parsing anything: what LoadSyntax
// asks for besides syntax and types, plus the export data of every
// dependency.
const metadataMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedDeps | packages.NeedExportFile |
	packages.NeedTypesSizes | packages.NeedModule

// analyzeInBatches loads the packages that patterns match and analyzes
// them with suite, calling each with every batch's graph before the next
// batch is loaded. Load errors (of listing, parsing and type-checking)
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
	// One batch is loaded while the one before is analyzed: loading
	// waits on export data and on a package's imports, analysis on the
	// largest package of its batch, and each fills the other's idle
	// time. The unbuffered channel keeps it to one batch ahead.
	type loaded struct {
		pkgs   []*packages.Package
		errors []string
	}
	batches := make(chan loaded)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		fset := token.NewFileSet()
		for _, batch := range batchesOf(roots, batchBudget) {
			b := newBatchLoader(fset, batch)
			b.loadAll()
			errs := b.dependencyErrors()
			for _, p := range batch {
				for _, e := range p.Errors[b.listed[p]:] {
					errs = append(errs, e.Error())
				}
			}
			select {
			case batches <- loaded{batch, errs}:
			case <-stop:
				return
			}
		}
	}()
	for batch := range batches {
		for _, msg := range batch.errors {
			loadErr(msg)
		}
		graph, err := checker.Analyze(suite, batch.pkgs, nil)
		if err != nil {
			return err
		}
		each(graph)
		release(batch.pkgs)
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

// A batchLoader type-checks one batch: its root packages from source,
// in parallel, and every other package they need from export data.
type batchLoader struct {
	fset   *token.FileSet
	nodes  map[string]*loadNode // by package ID: the roots and their dependencies
	roots  []*loadNode
	listed map[*packages.Package]int // how many errors go list reported for each root

	cpu      chan struct{} // parsing and type-checking in parallel, up to GOMAXPROCS
	exportMu sync.Mutex    // gcexportdata.Read may complete any package it sees

	parseMu sync.Mutex
	parsed  map[string]*parsedFile
}

type loadNode struct {
	pkg   *packages.Package
	root  bool
	once  sync.Once
	types *types.Package
	err   error // why types is nil or incomplete (dependencies only)
	ill   bool  // the package or one of its imports has errors
}

type parsedFile struct {
	ready chan struct{}
	file  *ast.File
	err   error
}

func newBatchLoader(fset *token.FileSet, batch []*packages.Package) *batchLoader {
	b := &batchLoader{
		fset:   fset,
		nodes:  make(map[string]*loadNode),
		listed: make(map[*packages.Package]int),
		cpu:    make(chan struct{}, runtime.GOMAXPROCS(0)),
		parsed: make(map[string]*parsedFile),
	}
	var add func(p *packages.Package) *loadNode
	add = func(p *packages.Package) *loadNode {
		if n := b.nodes[p.ID]; n != nil {
			return n
		}
		n := &loadNode{pkg: p}
		b.nodes[p.ID] = n
		for _, imp := range p.Imports {
			add(imp)
		}
		return n
	}
	for _, p := range batch {
		n := add(p)
		n.root = true
		b.roots = append(b.roots, n)
		b.listed[p] = len(p.Errors)
	}
	return b
}

// loadAll type-checks the batch and fills in each root package's Fset,
// Syntax, Types, TypesInfo, Errors, TypeErrors and IllTyped, as
// go/packages does with LoadSyntax.
func (b *batchLoader) loadAll() {
	var wg sync.WaitGroup
	for _, n := range b.roots {
		wg.Go(func() { b.load(n) })
	}
	wg.Wait()
}

func (b *batchLoader) load(n *loadNode) {
	n.once.Do(func() {
		var wg sync.WaitGroup
		for _, imp := range n.pkg.Imports {
			dep := b.nodes[imp.ID]
			wg.Go(func() { b.load(dep) })
		}
		wg.Wait()
		switch {
		case n.pkg.PkgPath == "unsafe":
			n.types = types.Unsafe
			if n.root {
				n.pkg.Fset, n.pkg.Syntax, n.pkg.Types = b.fset, []*ast.File{}, types.Unsafe
				n.pkg.TypesInfo = newTypesInfo()
			}
		case n.root:
			b.check(n)
		default:
			b.importExportData(n)
		}
	})
}

// check parses and type-checks a root package from source.
func (b *batchLoader) check(n *loadNode) {
	p := n.pkg
	p.Fset = b.fset
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
		n.ill = true
		return
	}
	p.Syntax = b.parseFiles(p.CompiledGoFiles, addError)
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
			dep := b.nodes[imp.ID]
			if dep.types == nil || !dep.types.Complete() {
				if dep.err != nil {
					return nil, dep.err
				}
				return nil, fmt.Errorf("could not load %s", imp.ID)
			}
			return dep.types, nil
		}),
		Error: addError,
		Sizes: p.TypesSizes,
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	p.Types = types.NewPackage(p.PkgPath, p.Name)
	b.cpu <- struct{}{}
	err := types.NewChecker(conf, b.fset, p.Types, p.TypesInfo).Files(p.Syntax)
	<-b.cpu
	if err != nil && len(p.Errors) == 0 {
		addError(err)
	}
	n.types = p.Types
	n.ill = len(p.Errors) > 0
	for _, imp := range p.Imports {
		n.ill = n.ill || b.nodes[imp.ID].ill
	}
	p.IllTyped = n.ill
}

// parseFiles parses a root package's files in parallel. A file that a
// package and its test variant share is parsed once, as go/packages
// does: the analyzers see one syntax tree for both.
func (b *batchLoader) parseFiles(names []string, addError func(error)) []*ast.File {
	files := make([]*parsedFile, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		b.parseMu.Lock()
		pf := b.parsed[name]
		if pf == nil {
			pf = &parsedFile{ready: make(chan struct{})}
			b.parsed[name] = pf
			wg.Go(func() {
				defer close(pf.ready)
				src, err := os.ReadFile(name)
				if err != nil {
					pf.err = err
					return
				}
				b.cpu <- struct{}{}
				// No analyzer of the suite uses ast.Object resolution.
				pf.file, pf.err = parser.ParseFile(b.fset, name, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
				<-b.cpu
			})
		}
		b.parseMu.Unlock()
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

// importExportData reads a dependency's types from the export data that
// go list produced for it.
func (b *batchLoader) importExportData(n *loadNode) {
	b.exportMu.Lock()
	defer b.exportMu.Unlock()
	n.ill = true
	p := n.pkg
	if p.ExportFile == "" {
		n.err = fmt.Errorf("no export data for %s", p.ID)
		return
	}
	f, err := os.Open(p.ExportFile)
	if err != nil {
		n.err = err
		return
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(bufio.NewReader(f))
	if err != nil {
		n.err = fmt.Errorf("reading %s: %v", p.ExportFile, err)
		return
	}
	// gcexportdata knows packages by path, which is unique within one
	// package's dependencies (not within the batch: test variants).
	view := make(map[string]*types.Package)
	seen := make(map[*loadNode]bool)
	var visit func(imports map[string]*packages.Package)
	visit = func(imports map[string]*packages.Package) {
		for _, imp := range imports {
			dep := b.nodes[imp.ID]
			if !seen[dep] {
				seen[dep] = true
				if dep.types != nil {
					view[dep.pkg.PkgPath] = dep.types
				}
				visit(imp.Imports)
			}
		}
	}
	visit(p.Imports)
	n.types, err = gcexportdata.Read(r, b.fset, view, p.PkgPath)
	if err != nil {
		n.types, n.err = nil, fmt.Errorf("reading %s: %v", p.ExportFile, err)
		return
	}
	n.ill = false
}

// dependencyErrors returns why dependencies of the batch could not be
// read from export data; go list has usually said why already.
func (b *batchLoader) dependencyErrors() []string {
	var out []string
	for _, n := range b.nodes {
		if !n.root && n.err != nil {
			out = append(out, fmt.Sprintf("-: %v", n.err))
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
