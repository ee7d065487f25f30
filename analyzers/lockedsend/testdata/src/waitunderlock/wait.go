package waitunderlock

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

type Server struct {
	mu      sync.Mutex
	other   sync.Mutex
	rw      sync.RWMutex
	wg      sync.WaitGroup
	done    int
	workers []int
}

func (s *Server) Start() {
	for range s.workers {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.mu.Lock()
			s.done++
			s.mu.Unlock()
		}()
	}
}

func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wg.Wait() // want `s.wg.Wait\(\) while s.mu is locked \(line 32\): the goroutine started at wait.go:22, which it waits for, locks s.mu too \(wait.go:24\); it cannot finish while s.mu is held, so Wait never returns; call s.mu.Unlock\(\) before waiting`
}

// Quiet: the goroutines never lock s.other.
func (s *Server) StopOther() {
	s.other.Lock()
	defer s.other.Unlock()
	s.wg.Wait()
}

// Quiet: waiting after unlocking.
func (s *Server) StopAfter() {
	s.mu.Lock()
	s.done = 0
	s.mu.Unlock()
	s.wg.Wait()
}

// A worker method that locks through a call; started by name.
type Pool struct {
	mu sync.Mutex
	wg sync.WaitGroup
	n  int
}

func (p *Pool) Start() {
	p.wg.Add(1)
	go p.worker()
}

func (p *Pool) worker() {
	defer p.wg.Done()
	p.inc()
}

func (p *Pool) inc() {
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
}

func (p *Pool) Stop() {
	p.mu.Lock()
	p.wg.Wait() // want `p.wg.Wait\(\) while p.mu is locked \(line 76\): the goroutine started at wait.go:61, which it waits for, locks p.mu too \(wait.go:70\)`
	p.mu.Unlock()
}

// The WaitGroup is passed to a named function.
func worker(wg *sync.WaitGroup, s *Server) {
	defer wg.Done()
	s.rw.Lock()
	s.done++
	s.rw.Unlock()
}

func (s *Server) Named() {
	var wg sync.WaitGroup
	wg.Add(1)
	go worker(&wg, s)
	s.rw.RLock()
	wg.Wait() // want `wg.Wait\(\) while s.rw is locked`
	s.rw.RUnlock()
}

// Local variables and WaitGroup.Go.
func sum(items []int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for _, it := range items {
		wg.Go(func() {
			mu.Lock()
			total += it
			mu.Unlock()
		})
	}
	mu.Lock()
	defer mu.Unlock()
	wg.Wait() // want `wg.Wait\(\) while mu is locked`
	return total
}

// errgroup.
func group(ctx context.Context, items []int) error {
	var mu sync.Mutex
	g, ctx := errgroup.WithContext(ctx)
	seen := map[int]bool{}
	for _, it := range items {
		g.Go(func() error {
			mu.Lock()
			defer mu.Unlock()
			seen[it] = true
			return ctx.Err()
		})
	}
	mu.Lock()
	defer mu.Unlock()
	return g.Wait() // want `g.Wait\(\) while mu is locked`
}

// Quiet: the goroutines lock another mutex.
func other(items []int) {
	var mu, mu2 sync.Mutex
	var wg sync.WaitGroup
	for range items {
		wg.Go(func() {
			mu2.Lock()
			mu2.Unlock()
		})
	}
	mu.Lock()
	defer mu.Unlock()
	wg.Wait()
}

// Quiet: the goroutine waits for its own group after calling Done.
func (s *Server) self() {
	var ready sync.WaitGroup
	ready.Add(1)
	go func() {
		s.mu.Lock()
		ready.Done()
		ready.Wait()
		s.mu.Unlock()
	}()
}

// Quiet: another goroutine unlocks mu; it is not held at Wait.
func handoff(n int) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	mu.Lock()
	go func() {
		mu.Unlock()
	}()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			mu.Unlock()
		}()
	}
	wg.Wait()
}

// Quiet: the goroutine registers itself under the mutex, then calls
// Done without it (nats-server's startMonitorWg).
type monitor struct {
	mu sync.Mutex
	wg sync.WaitGroup
}

func (m *monitor) startWg() {
	m.mu.Lock()
	m.wg.Add(1)
	m.mu.Unlock()
}

func (m *monitor) run(done chan struct{}) {
	go func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			m.startWg()
			m.wg.Done()
		}
	}()
}

func (m *monitor) stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wg.Wait()
}
