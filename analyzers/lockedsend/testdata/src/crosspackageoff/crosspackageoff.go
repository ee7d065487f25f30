// Package crosspackageoff is analyzed with -cross-package=false: calls
// into other packages are not followed, calls within the package are.
package crosspackageoff

import (
	"sync"

	"callunderlock/a"
)

type S struct {
	mu  sync.Mutex
	b   *a.Broker
	out chan string
}

func (s *S) publish(m string) {
	s.out <- m
}

func (s *S) bad(m string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Publish(m) // quiet: a's facts are not loaded
	s.publish(m)   // want `call to s.publish while s.mu is locked`
}

func (s *S) get() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return 1
}
