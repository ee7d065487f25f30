// Package factsonly is analyzed as go vet analyzes a dependency, for its
// facts only: the facts are exported as always, and the send under the
// lock, which a full pass reports, is not even checked.
package factsonly

import "sync"

type S struct {
	mu  sync.Mutex
	out chan int
	n   int
}

func (s *S) Put(v int) { // want Put:"mayBlock\\(sends on s.out"
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	s.out <- v
}

func (s *S) N() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *S) drain() { // want drain:"mayBlock\\(ranges over s.out"
	for range s.out {
	}
}
