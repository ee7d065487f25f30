// Package b calls the functions of package a while holding a mutex.
package b

import (
	"context"
	"sync"

	"callunderlock/a"
)

type S struct {
	mu   sync.Mutex
	b    *a.Broker
	q    *a.Queue[int]
	ch   chan int
	last string
}

func (s *S) bad(m string) {
	s.mu.Lock()
	s.last = m
	s.b.Publish(m) // want `call to s.b.Publish while s.mu is locked \(line 20\): s.b.Publish may block on a channel: it sends on b.out \(a.go:16\); every goroutine that needs s.mu waits as long, and deadlocks if the other side of the channel needs s.mu; call it after unlocking`
	s.mu.Unlock()
}

// Quiet at the default depth: the channel operation is two calls away.
func (s *S) via(m string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.PublishVia(m)
}

func (s *S) generic(ch chan int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a.Send(ch, 1)     // want `call to a.Send while s.mu is locked`
	s.q.Put(2)        // want `call to s.q.Put while s.mu is locked`
	_ = a.Drain(s.ch) // want `call to a.Drain while s.mu is locked`
}

// Quiet by default: a.Wait only waits for another goroutine to signal,
// and nothing shows that goroutine needs s.mu (see -shutdown-waits).
func (s *S) wait(done chan struct{}) {
	s.mu.Lock()
	a.Wait(done)
	s.mu.Unlock()
}

// A helper of this package that sends, called with the mutex held.
func (s *S) notifyLocked() { // want notifyLocked:"mayBlock.sends on s.ch"
	s.ch <- 1
}

func (s *S) local() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notifyLocked() // want `call to s.notifyLocked while s.mu is locked \(line 55\): s.notifyLocked may block on a channel: it sends on s.ch \(b.go:51\)`
}

// Quiet: non-blocking, bounded, asynchronous, sleeping, too deep, after
// the unlock.
func (s *S) quiet(ctx context.Context, m string) {
	s.mu.Lock()
	s.b.TryPublish(m)
	_ = s.b.PublishCtx(ctx, m)
	s.b.PublishTimeout(m)
	s.b.Async(m)
	s.b.Close()
	a.Sleep()
	_ = a.Result()
	s.b.Deep(m)
	s.mu.Unlock()
	s.b.Publish(m)
}

// A helper that releases the caller's mutex around its send does not
// block with it held.
func (s *S) emitUnlocked(v int) {
	s.mu.Unlock()
	s.ch <- v
	s.mu.Lock()
}

func (s *S) callsEmit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emitUnlocked(1)
}

// A callee that only blocks on a channel parameter, called with nil.
func closeConn(done chan<- struct{}) { // want closeConn:`mayBlock\(sends on done at b.go:93 unless param 1 is nil\)`
	if done != nil {
		done <- struct{}{}
	}
}

func (s *S) closeAll(done chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	closeConn(nil)
	closeConn(done) // want `call to closeConn while s.mu is locked`
}
