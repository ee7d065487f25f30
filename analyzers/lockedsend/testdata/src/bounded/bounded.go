// Package bounded is checked with -bounded.
package bounded

import (
	"context"
	"sync"
	"time"
)

type S struct {
	mu  sync.Mutex
	out chan int
	n   int
}

func (s *S) put(ctx context.Context, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select { // want `select to send on s.out while s.mu is locked`
	case s.out <- v:
	case <-ctx.Done():
	}
}

func (s *S) get() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	select { // want `select to receive from s.out while s.mu is locked`
	case v := <-s.out:
		return v
	case <-time.After(time.Second):
		return 0
	}
}

func (s *S) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}
