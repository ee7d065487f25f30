package unboundedqueue

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"math"
	"strings"

	"golang.org/x/tools/go/ast/inspector"

	"github.com/bplint/bplint/analyzers/internal/calls"
	"github.com/bplint/bplint/analyzers/internal/chans"
	"github.com/bplint/bplint/analyzers/internal/fixedit"
	"github.com/bplint/bplint/analyzers/internal/scope"
)

// Where untrusted input comes from.
const (
	srcConn     = "a network connection"
	srcRequest  = "the request body"
	srcResponse = "the response body"
)

// untrustedReader says which untrusted input a reader expression reads:
// a network connection (by its type, or wrapped in a bufio.Reader), the
// body of a request a server received, or (with -response-bodies) the
// body of a response. Variables, fields and parameters are followed to
// the values assigned to them in the package. It returns "" for other
// readers, and for readers already limited (io.LimitReader,
// http.MaxBytesReader, bounded.NewLimitedReader).
func (c *checker) untrustedReader(cur inspector.Cursor, e ast.Expr) string {
	if cur.Valid() && scope.TestSupport(c.info, c.pass.Fset, cur) {
		return "" // test support code reads what the test made
	}
	return c.untrustedReaderSeen(cur, e, make(map[types.Object]bool))
}

func (c *checker) untrustedReaderSeen(cur inspector.Cursor, e ast.Expr, seen map[types.Object]bool) string {
	e = ast.Unparen(e)
	if c.isConn(c.info.TypeOf(e)) {
		if !c.opts.DialedConns && c.dialed(e, make(map[types.Object]bool)) {
			return "" // a connection this code dialed: its peer is a server we chose
		}
		return srcConn
	}
	switch x := e.(type) {
	case *ast.SelectorExpr:
		if x.Sel.Name == "Body" {
			t := c.info.TypeOf(x.X)
			switch {
			case isRequest(t):
				if c.serverRequest(cur, x.X) {
					return srcRequest
				}
				return ""
			case isResponse(t):
				if c.opts.ResponseBodies {
					return srcResponse
				}
				return ""
			}
		}
	case *ast.CallExpr:
		fn := calls.Callee(c.info, x)
		if tuple, ok := c.info.TypeOf(x).(*types.Tuple); ok {
			// The results of ln.Accept(), net.Dial(...), recorded for
			// the variables they were assigned to.
			for v := range tuple.Variables() {
				if c.isConn(v.Type()) {
					if !c.opts.DialedConns && fn != nil && strings.HasPrefix(fn.Name(), "Dial") {
						return ""
					}
					return srcConn
				}
			}
			return ""
		}
		switch {
		case calls.IsFunc(fn, "bufio", "NewReader"), calls.IsFunc(fn, "bufio", "NewReaderSize"),
			calls.IsFunc(fn, "io", "TeeReader"):
			if len(x.Args) > 0 {
				return c.untrustedReaderSeen(cur, x.Args[0], seen)
			}
		}
		return ""
	}
	obj := objOf(c.info, e)
	if obj == nil || seen[obj] {
		return ""
	}
	seen[obj] = true
	// A variable that is also assigned a limited reader is the limit
	// idiom: reader = io.LimitReader(r.Body, max) unless the body is
	// already limited (net/http's parsePostForm).
	for _, src := range c.readers[obj] {
		if call, ok := ast.Unparen(src).(*ast.CallExpr); ok && isLimited(calls.Callee(c.info, call)) {
			return ""
		}
	}
	for _, src := range c.readers[obj] {
		// Values assigned elsewhere are judged without the cursor of
		// their function: a request there counts as received.
		if k := c.untrustedReaderSeen(inspector.Cursor{}, src, seen); k != "" {
			return k
		}
	}
	return ""
}

// dialed reports whether the connection e comes from dialing: a call
// of a function or method named Dial..., or a variable, field or
// parameter all of whose recorded values were dialed.
func (c *checker) dialed(e ast.Expr, seen map[types.Object]bool) bool {
	e = ast.Unparen(e)
	if call, ok := e.(*ast.CallExpr); ok {
		fn := calls.Callee(c.info, call)
		if fn != nil && strings.HasPrefix(fn.Name(), "Dial") {
			return true
		}
		// A wrapper of a dialed connection: tls.Client(conn, cfg),
		// newBufConn(conn).
		for _, a := range call.Args {
			if c.isConn(c.info.TypeOf(a)) && c.dialed(a, seen) {
				return true
			}
		}
		return false
	}
	obj := objOf(c.info, e)
	if obj == nil || len(c.readers[obj]) == 0 {
		return false
	}
	if seen[obj] {
		return true // c.conn = wrap(c.conn): a cycle adds no origin
	}
	seen[obj] = true
	for _, src := range c.readers[obj] {
		if !c.dialed(src, seen) {
			return false
		}
	}
	return true
}

// serverRequest reports whether req (of type *http.Request) is a
// request a server received rather than one this code sends: not made
// with http.NewRequest or httptest.NewRequest, not the Request of a
// Response, not the argument of a RoundTrip method.
func (c *checker) serverRequest(cur inspector.Cursor, req ast.Expr) bool {
	req = ast.Unparen(req)
	if sel, ok := req.(*ast.SelectorExpr); ok && isResponse(c.info.TypeOf(sel.X)) {
		return false
	}
	if !cur.Valid() {
		return true
	}
	for f := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		if fd := f.Node().(*ast.FuncDecl); fd.Recv != nil && fd.Name.Name == "RoundTrip" {
			return false
		}
	}
	v := chans.RootVar(c.info, req)
	if v == nil {
		return true
	}
	fi := c.index(cur)
	if fi == nil {
		return true
	}
	for _, d := range fi.defs[v] {
		if call, ok := ast.Unparen(d.rhs).(*ast.CallExpr); ok {
			fn := calls.Callee(c.info, call)
			if fn != nil && fn.Pkg() != nil && (fn.Pkg().Path() == "net/http" || fn.Pkg().Path() == "net/http/httptest") &&
				(fn.Name() == "NewRequest" || fn.Name() == "NewRequestWithContext") {
				return false
			}
		}
	}
	return true
}

// A taint describes an integer that untrusted input controls.
type taint struct {
	from string     // where it comes from, for messages
	wire bool       // decoded from bytes a peer sent (not a request parameter)
	typ  types.Type // the type of the decoded value, which bounds it
	root *types.Var // the variable of the size expression carrying it
}

// untrustedSize reports whether the size expression e (of a make at
// cur) comes from untrusted input that nothing bounds: no upper-bound
// comparison of it (or of a variable it flows through) before e, no
// masking, and a decoded type wide enough to matter.
func (c *checker) untrustedSize(cur inspector.Cursor, e ast.Expr) (taint, bool) {
	fi := c.index(cur)
	if fi == nil {
		return taint{}, false
	}
	chain := make(map[*types.Var]bool)
	t, ok := c.taintOf(cur, fi, e, chain, 0)
	if !ok {
		return taint{}, false
	}
	if maxValue(t.typ) < 1<<20 {
		return taint{}, false // a 16-bit length cannot ask for much
	}
	for v := range chain {
		if fi.boundOps[v] {
			return taint{}, false
		}
		for _, d := range fi.defs[v] {
			if d.pos < e.Pos() && d.rhs != nil && callsMin(c.info, d.rhs) {
				return taint{}, false // n = min(n, max)
			}
		}
	}
	if c.boundedAbove(cur, fi, chain, e) {
		return taint{}, false
	}
	return t, true
}

// callsMin reports whether e calls the built-in min.
func callsMin(info *types.Info, e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && id.Name == "min" && isBuiltinObj(info, id) {
				found = true
			}
		}
		return !found
	})
	return found
}

// boundedAbove reports whether a test before e bounds the variables of
// chain from above where e runs: an if (or a case of a switch) whose
// condition says one exceeds something (n > max, max <= n) and whose
// body leaves or clamps it, or whose else holds e; or one whose
// condition says it is below something (n < max) and whose body holds
// e. Conditions are looked into through && and ||.
func (c *checker) boundedAbove(cur inspector.Cursor, fi *funcIndex, chain map[*types.Var]bool, e ast.Expr) bool {
	fnCur, ok := cur.Inspector().Root().FindNode(fi.node)
	if !ok {
		return false
	}
	within := func(n ast.Node) bool { return n != nil && n.Pos() <= e.Pos() && e.End() <= n.End() }
	bounded := false
	fnCur.Inspect([]ast.Node{(*ast.IfStmt)(nil), (*ast.CaseClause)(nil)}, func(k inspector.Cursor) bool {
		if bounded || k.Node().Pos() >= e.Pos() {
			return false
		}
		switch n := k.Node().(type) {
		case *ast.IfStmt:
			exceeds, below := c.compares(n.Cond, chain)
			switch {
			case exceeds && !within(n.Body) && (exits(c.info, n.Body) || assignsAny(c.info, n.Body, chain)),
				exceeds && n.Else != nil && within(n.Else),
				below && within(n.Body):
				bounded = true
			}
		case *ast.CaseClause:
			for _, x := range n.List {
				exceeds, below := c.compares(x, chain)
				body := &ast.BlockStmt{List: n.Body}
				if exceeds && !within(n) && (exits(c.info, body) || assignsAny(c.info, body, chain)) || below && within(n) {
					bounded = true
				}
			}
		}
		return !bounded
	})
	return bounded
}

// compares looks for comparisons of a variable of chain in cond: one
// that holds when it is large (n > max) and one that holds when it is
// small (n < max).
func (c *checker) compares(cond ast.Expr, chain map[*types.Var]bool) (exceeds, below bool) {
	var visit func(e ast.Expr)
	visit = func(e ast.Expr) {
		b, ok := ast.Unparen(e).(*ast.BinaryExpr)
		if !ok {
			return
		}
		switch b.Op {
		case token.LAND, token.LOR:
			visit(b.X)
			visit(b.Y)
			return
		}
		left, right := uses(c.info, b.X, chain), uses(c.info, b.Y, chain)
		switch b.Op {
		case token.GTR, token.GEQ:
			exceeds = exceeds || left
			below = below || right
		case token.LSS, token.LEQ:
			exceeds = exceeds || right
			below = below || left
		}
	}
	if cond != nil {
		visit(cond)
	}
	return
}

// assignsAny reports whether n assigns one of vars.
func assignsAny(info *types.Info, n ast.Node, vars map[*types.Var]bool) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if as, ok := x.(*ast.AssignStmt); ok {
			for _, l := range as.Lhs {
				if id, ok := ast.Unparen(l).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok && vars[v] {
						found = true
					}
				}
			}
		}
		return !found
	})
	return found
}

// maxValue returns the largest value of an integer type (MaxFloat64
// for others, which do not bound).
func maxValue(t types.Type) float64 {
	if t == nil {
		return math.MaxFloat64
	}
	b, ok := t.Underlying().(*types.Basic)
	if !ok {
		return math.MaxFloat64
	}
	switch b.Kind() {
	case types.Int8, types.Uint8:
		return 255
	case types.Int16, types.Uint16:
		return 65535
	}
	return math.MaxFloat64
}

func (c *checker) taintOf(cur inspector.Cursor, fi *funcIndex, e ast.Expr, chain map[*types.Var]bool, depth int) (taint, bool) {
	if depth > 8 {
		return taint{}, false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := c.info.Uses[x].(*types.Var)
		if !ok || v.IsField() || chain[v] {
			return taint{}, false
		}
		chain[v] = true
		for _, d := range fi.defs[v] {
			if d.pos >= e.Pos() {
				continue
			}
			if t, ok := c.taintOfDef(cur, fi, v, d, chain, depth+1); ok {
				if t.root == nil {
					t.root = v
				}
				return t, true
			}
		}
		delete(chain, v)
	case *ast.SelectorExpr:
		// hdr.Len where binary.Read decoded hdr from the peer.
		sel := c.info.Selections[x]
		id, ok := ast.Unparen(x.X).(*ast.Ident)
		if sel == nil || sel.Kind() != types.FieldVal || !ok {
			return taint{}, false
		}
		v, ok := c.info.Uses[id].(*types.Var)
		if !ok || chain[v] {
			return taint{}, false
		}
		for _, d := range fi.defs[v] {
			if d.index == outParam && d.pos < e.Pos() {
				if t, ok := c.binaryRead(cur, d.rhs.(*ast.CallExpr)); ok {
					chain[v] = true
					t.typ = sel.Type()
					t.root = v
					return t, true
				}
			}
		}
	case *ast.CallExpr:
		if isConversion(c.info, x) && len(x.Args) == 1 {
			t, ok := c.taintOf(cur, fi, x.Args[0], chain, depth+1)
			if ok && maxValue(c.info.TypeOf(x)) < maxValue(t.typ) {
				t.typ = c.info.TypeOf(x) // int16(n) truncates
			}
			return t, ok
		}
		return c.decoded(cur, fi, x, -1, chain)
	case *ast.BinaryExpr:
		switch x.Op {
		case token.ADD, token.SUB, token.MUL, token.SHL, token.OR:
			if t, ok := c.taintOf(cur, fi, x.X, chain, depth+1); ok {
				return t, true
			}
			return c.taintOf(cur, fi, x.Y, chain, depth+1)
		}
	}
	return taint{}, false
}

func (c *checker) taintOfDef(cur inspector.Cursor, fi *funcIndex, v *types.Var, d def, chain map[*types.Var]bool, depth int) (taint, bool) {
	switch {
	case d.rhs == nil:
		return taint{}, false
	case d.index == outParam:
		t, ok := c.binaryRead(cur, d.rhs.(*ast.CallExpr))
		t.typ = v.Type()
		return t, ok
	case d.index >= 0:
		call, ok := ast.Unparen(d.rhs).(*ast.CallExpr)
		if !ok {
			return taint{}, false
		}
		return c.decoded(cur, fi, call, d.index, chain)
	}
	return c.taintOf(cur, fi, d.rhs, chain, depth)
}

// binaryRead recognizes binary.Read(r, order, &v) from an untrusted r.
func (c *checker) binaryRead(cur inspector.Cursor, call *ast.CallExpr) (taint, bool) {
	fn := calls.Callee(c.info, call)
	if !calls.IsFunc(fn, "encoding/binary", "Read") || len(call.Args) != 3 {
		return taint{}, false
	}
	if src := c.untrustedReader(cur, call.Args[0]); src != "" {
		return taint{from: "a length read from " + src, wire: true}, true
	}
	return taint{}, false
}

// decoded recognizes a call (result index idx of a tuple, -1 for a
// single value) that decodes an integer from untrusted input:
// byte-order decoding or varints of bytes read from a connection,
// varints read from it, and integers parsed from request parameters.
func (c *checker) decoded(cur inspector.Cursor, fi *funcIndex, call *ast.CallExpr, idx int, chain map[*types.Var]bool) (taint, bool) {
	fn := calls.Callee(c.info, call)
	if fn == nil || fn.Pkg() == nil || len(call.Args) == 0 {
		return taint{}, false
	}
	res := fn.Signature().Results()
	resType := func() types.Type {
		i := max(idx, 0)
		if i < res.Len() {
			return res.At(i).Type()
		}
		return nil
	}
	switch fn.Pkg().Path() {
	case "encoding/binary":
		switch fn.Name() {
		case "Uint16", "Uint32", "Uint64":
			if idx < 0 && fn.Signature().Recv() != nil {
				if src := c.wireBytes(cur, fi, call.Args[0]); src != "" {
					return taint{from: "a length decoded from bytes read from " + src, wire: true, typ: resType()}, true
				}
			}
		case "Uvarint", "Varint":
			if idx == 0 && fn.Signature().Recv() == nil {
				if src := c.wireBytes(cur, fi, call.Args[0]); src != "" {
					return taint{from: "a varint decoded from bytes read from " + src, wire: true, typ: resType()}, true
				}
			}
		case "ReadUvarint", "ReadVarint":
			if idx == 0 && fn.Signature().Recv() == nil {
				if src := c.untrustedReader(cur, call.Args[0]); src != "" {
					return taint{from: "a varint read from " + src, wire: true, typ: resType()}, true
				}
			}
		}
	case "strconv":
		switch fn.Name() {
		case "Atoi", "ParseInt", "ParseUint":
			if idx == 0 && c.requestString(cur, fi, call.Args[0]) {
				t := taint{from: "an integer parsed from a request parameter", typ: resType()}
				if fn.Name() != "Atoi" && len(call.Args) == 3 {
					if tv := c.info.Types[call.Args[2]]; tv.Value != nil {
						if bits, ok := constant.Int64Val(tv.Value); ok && bits > 0 && bits <= 16 {
							t.typ = types.Typ[types.Uint16]
						}
					}
				}
				return t, true
			}
		}
	}
	return taint{}, false
}

// wireBytes says where the bytes of e come from when they were read
// from untrusted input in this function: io.ReadFull(r, buf),
// io.ReadAtLeast(r, buf, n), r.Read(buf), or buf, err := r.Peek(n) (and
// ReadSlice, ReadBytes, io.ReadAll).
func (c *checker) wireBytes(cur inspector.Cursor, fi *funcIndex, e ast.Expr) string {
	buf := chans.RootVar(c.info, e)
	if buf == nil {
		return ""
	}
	for _, call := range fi.calls {
		if call.Pos() >= e.Pos() {
			continue
		}
		fn := calls.Callee(c.info, call)
		if fn == nil || fn.Pkg() == nil {
			continue
		}
		var r, into ast.Expr
		switch {
		case (calls.IsFunc(fn, "io", "ReadFull") || calls.IsFunc(fn, "io", "ReadAtLeast")) && len(call.Args) >= 2:
			r, into = call.Args[0], call.Args[1]
		case fn.Name() == "Read" && fn.Signature().Recv() != nil && len(call.Args) == 1:
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				r, into = sel.X, call.Args[0]
			}
		}
		if r == nil || chans.RootVar(c.info, into) != buf {
			continue
		}
		if src := c.untrustedReader(cur, r); src != "" {
			return src
		}
	}
	for _, d := range fi.defs[buf] {
		call, ok := ast.Unparen(d.rhs).(*ast.CallExpr)
		if !ok || d.index > 0 || d.pos >= e.Pos() {
			continue
		}
		fn := calls.Callee(c.info, call)
		if fn == nil {
			continue
		}
		switch {
		case calls.IsFunc(fn, "io", "ReadAll") || calls.IsFunc(fn, "io/ioutil", "ReadAll"):
			if len(call.Args) == 1 {
				if src := c.untrustedReader(cur, call.Args[0]); src != "" {
					return src
				}
			}
		case fn.Signature().Recv() != nil && (fn.Name() == "Peek" || fn.Name() == "ReadSlice" || fn.Name() == "ReadBytes"):
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if src := c.untrustedReader(cur, sel.X); src != "" {
					return src
				}
			}
		}
	}
	return ""
}

// requestString reports whether the string e comes from a request a
// server received: it mentions a *http.Request (r.FormValue("n"),
// r.URL.Query().Get("n"), r.Header.Get("n")), directly or through a
// variable assigned from such an expression.
func (c *checker) requestString(cur inspector.Cursor, fi *funcIndex, e ast.Expr) bool {
	mentions := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && !found {
				if v, ok := c.info.Uses[id].(*types.Var); ok && isRequest(v.Type()) && c.serverRequest(cur, id) {
					found = true
				}
			}
			return !found
		})
		return found
	}
	if mentions(e) {
		return true
	}
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		if v, ok := c.info.Uses[id].(*types.Var); ok {
			for _, d := range fi.defs[v] {
				if d.rhs != nil && d.index < 1 && d.pos < e.Pos() && mentions(d.rhs) {
					return true
				}
			}
		}
	}
	return false
}

// isLimited reports whether a call wraps a reader in a limit.
func isLimited(fn *types.Func) bool {
	return calls.IsFunc(fn, "net/http", "MaxBytesReader") || calls.IsFunc(fn, "io", "LimitReader") ||
		fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == fixedit.BoundedPath
}
