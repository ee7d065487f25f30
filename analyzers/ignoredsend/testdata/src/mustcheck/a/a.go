// Package a declares functions whose results must be checked.
package a

// Put stores v; a false result means v was rejected.
//
//bplint:mustcheck a rejected value is lost
func Put(v int) bool { return v >= 0 } // want Put:"mustcheck"

// Flush writes out what was buffered.
//
//bplint:mustcheck
func Flush() error { return nil } // want Flush:"mustcheck"

// Writer has a marked method.
type Writer struct{}

// Emit writes v.
//
//bplint:mustcheck
func (*Writer) Emit(v string) (int, error) { return len(v), nil } // want Emit:"mustcheck"

// Emitter is an interface whose method is marked.
type Emitter interface {
	//bplint:mustcheck
	Emit(v string) (int, error) // want Emit:"mustcheck"

	Name() string
}

// Generic functions carry the mark on every instantiation.
//
//bplint:mustcheck
func Store[T any](v T) error { return nil } // want Store:"mustcheck"

// Unmarked is not marked: //bplint:mustcheckx is another word.
//
//bplint:mustcheckx
func Unmarked() error { return nil }

// Calls in the declaring package are checked too.
func local() error {
	Flush() // want `the error of Flush is discarded: Flush is marked //bplint:mustcheck`
	return nil
}
