// Package b calls the marked functions of package a.
package b

import "mustcheck/a"

func use(w *a.Writer, e a.Emitter) error {
	a.Put(1) // want `the bool result of a.Put is discarded: Put is marked //bplint:mustcheck \(a rejected value is lost\)`

	w.Emit("x") // want `the results of w.Emit, including its error, are discarded: Emit is marked //bplint:mustcheck`

	e.Emit("y") // want `the results of e.Emit, including its error, are discarded`

	a.Store[int](1) // want `the error of a.Store\[int\] is discarded`

	a.Store("s") // want `the error of a.Store is discarded`

	defer a.Flush() // want `defer statement: the error of a.Flush is discarded`
	a.Unmarked()
	e.Name()
	_ = a.Put(2)
	if _, err := w.Emit("z"); err != nil {
		return err
	}
	return a.Flush()
}
