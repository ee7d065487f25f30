// Package wrap has no channel of its own, but calls a function of
// another package that may block: analyzed for its facts only, it still
// walks its functions, and Add gets the fact (two calls deep).
package wrap

import "factsonly"

func Add(s *factsonly.S) { // want Add:"mayBlock\\(.*sends on s.out"
	s.Put(1)
}

func Count(s *factsonly.S) int {
	return s.N()
}
