// Package shutdownwaits is checked with -shutdown-waits: waits for
// another goroutine to answer or finish are reported although that
// goroutine does not lock the mutex.
package shutdownwaits

import (
	"context"
	"sync"

	"callunderlock/a"
)

type worker struct {
	mu   sync.Mutex
	done chan struct{}
	n    int
}

func (w *worker) start() {
	go func() {
		defer close(w.done)
	}()
}

func (w *worker) stop() { // want stop:"mayBlock.wait: receives from w.done"
	w.mu.Lock()
	defer w.mu.Unlock()
	<-w.done // want `receive from w.done while w.mu is locked`
}

func (w *worker) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

func (w *worker) waitFor(done chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a.Wait(done) // want `call to a.Wait while w.mu is locked \(line 38\): a.Wait may block on a channel: it receives from done \(a.go:63\)`
}

// Waiting for a context to be done under the mutex.
func (w *worker) waitCtx(ctx context.Context) { // want waitCtx:"mayBlock.wait: receives from ctx.Done"
	w.mu.Lock()
	defer w.mu.Unlock()
	<-ctx.Done() // want `receive from ctx.Done\(\) while w.mu is locked`
}

// Cancelling one context does not close another.
func (w *worker) cancelOther(ctx context.Context) { // want cancelOther:"mayBlock.wait: receives from ctx.Done"
	other, cancel := context.WithCancel(context.Background())
	defer cancel()
	w.mu.Lock()
	defer w.mu.Unlock()
	cancel()
	_ = other
	<-ctx.Done() // want `receive from ctx.Done\(\) while w.mu is locked`
}

// Answering a request under the mutex.
type server struct {
	mu    sync.Mutex
	reqs  chan request
	state int
}

type request struct{ reply chan int }

func (s *server) loop() { // want loop:"mayBlock.ranges over s.reqs"
	for req := range s.reqs {
		s.mu.Lock()
		req.reply <- s.state // want `send on req.reply while s.mu is locked`
		s.mu.Unlock()
	}
}

func (s *server) get() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}
