package hugebuffer

import "testing"

// Findings in test files are not reported (without -tests), and
// directives there are still honoured.
func TestBig(t *testing.T) {
	results := make(chan int, 1<<20)
	_ = results
	//bplint:ignore unboundedqueue/huge-buffer the test needs room for every result
	more := make(chan int, 1<<20)
	_ = more
}
