package chans

import (
	"go/ast"
	"go/types"
)

// A field of a generic type is a different *types.Var in every
// instantiation of the type, and the methods of a generic type each
// instantiate it with their own receiver type parameters: what DoChan
// appends to c.chans of a call[V] is recorded under another field than
// the c.chans doCall ranges over. The queries of this file merge the
// records of every instantiation of the field's declaration.

// OriginElems is Elems for every instantiation of the field f of a
// generic type: the channels the package stores as elements of f in
// any of them, and whether they are all of them. For the field of a
// type that is not generic it is Elems.
func (p *Provenance) OriginElems(f *types.Var) ([]Store, bool) {
	orig := f.Origin()
	var out []Store
	for g, elems := range p.elems {
		if g.Origin() == orig {
			out = append(out, elems...)
		}
	}
	for g, unknown := range p.unknown {
		if unknown && g.Origin() == orig {
			return out, false
		}
	}
	return out, true
}

// OriginReply reports whether the channel expression ch is an element
// of a collection field of a generic type (s.f[k], v of a range over
// s.f) whose elements, in every instantiation of the type, are all
// buffered channels: Role's Reply, across instantiations.
func (p *Provenance) OriginReply(ch ast.Expr) bool {
	coll := p.collection(ch)
	if coll == nil {
		return false
	}
	elems, ok := p.OriginElems(coll)
	if !ok {
		return false
	}
	_, ok = p.allBuffered(elems, 0)
	return ok
}
