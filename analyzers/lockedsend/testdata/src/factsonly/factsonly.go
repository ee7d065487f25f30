// Package factsonly is analyzed as go vet analyzes a dependency, for its
// facts only: the facts that other packages can read are exported as
// always, and the send under the lock, which a full pass reports, is not
// even checked.
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

// drain may block too, but no other package can call it: with calls
// followed one deep, a pass for facts only exports no fact for it (a
// full pass does).
func (s *S) drain() {
	for range s.out {
	}
}
