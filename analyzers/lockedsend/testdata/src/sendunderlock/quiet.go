package sendunderlock

import (
	"sync"
	"time"
)

// Non-blocking select under the mutex.
func (s *Server) tryNotify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// close never blocks.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.events)
	}
}

// After the unlock.
func (s *Server) after(ev event) { // want after:"mayBlock"
	s.mu.Lock()
	s.seq++
	s.mu.Unlock()
	s.events <- ev
}

// Released on every path before the send.
func (s *Server) released(ev event) { // want released:"mayBlock"
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.seq++
	s.mu.Unlock()
	s.events <- ev
}

// Locked on some paths only (must-analysis).
func (s *Server) maybe(lock bool, ev event) { // want maybe:"mayBlock"
	if lock {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	s.events <- ev
}

// A local channel made with room for every send.
func (s *Server) local() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan int, 1)
	ch <- s.seq
	return len(ch)
}

// Buffered to the number of elements, one send per element.
func (s *Server) perItem(items []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res := make(chan int, len(items))
	for _, it := range items {
		res <- it * 2
	}
	close(res)
}

// A length check under a mutex every sender holds.
func (s *Server) guarded(ev event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.events) < cap(s.events) {
		s.events <- ev
	}
}

func (s *Server) guardedReturn(ev event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.events) == cap(s.events) {
		return
	}
	s.events <- ev
}

// The send runs in a goroutine of its own, or later.
func (s *Server) spawned(ev event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	go func() { s.events <- ev }()
	s.onClose(func() { s.events <- ev })
}

func (s *Server) onClose(f func()) { f() }

// A literal locks its own mutex and sends after unlocking.
func (s *Server) literal(ev event) {
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.seq++
	}()
	go func() {
		s.events <- ev
	}()
}

// The mutex is a different one than the one the literal holds.
func (s *Server) loop(ch chan int) { // want loop:"mayBlock"
	for i := 0; ; i++ {
		s.mu.Lock()
		v := s.seq
		s.mu.Unlock()
		ch <- v
	}
}

// Unlock and lock around the send inside a locked region.
func (s *Server) around(ev event) { // want around:"mayBlock"
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mu.Unlock()
	s.events <- ev
	s.mu.Lock()
}

// Timers are sleeps, not channel backpressure.
func (s *Server) sleep(t *time.Timer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	<-time.After(time.Millisecond)
	<-t.C
}

// Cond.Wait releases the mutex.
func (s *Server) cond(c *sync.Cond) {
	c.L.Lock()
	for !s.closed {
		c.Wait()
	}
	c.L.Unlock()
}

// Other critical sections of s.rw and mu that do not block: the
// mutexes guard data, so holding them while blocking stalls readers.
func (s *Server) Seq() int {
	s.rw.RLock()
	defer s.rw.RUnlock()
	return s.seq
}

var counter int

func count() {
	mu.Lock()
	counter++
	mu.Unlock()
}

// A mutex that only serializes writers, as io.Pipe's does: every
// critical section blocks, making the others wait is its purpose.
type pipe struct {
	wrMu sync.Mutex
	wrCh chan []byte
	rdCh chan int
	done chan struct{}
}

func (p *pipe) write(b []byte) (n int) { // want write:"mayBlock"
	p.wrMu.Lock()
	defer p.wrMu.Unlock()
	for once := true; once || len(b) > 0; once = false {
		select {
		case p.wrCh <- b:
			nw := <-p.rdCh
			b = b[nw:]
			n += nw
		case <-p.done:
			return n
		}
	}
	return n
}

// A mutex wrapper of another shape than sync's, as in syncthing's
// lib/sync.
type loggedMutex struct{ mu sync.Mutex }

func (m *loggedMutex) Lock()   { m.mu.Lock() }
func (m *loggedMutex) Unlock() { m.mu.Unlock() }

type wrapped struct {
	mut *loggedMutex
	out chan int
	n   int
}

func (w *wrapped) put(v int) { // want put:"mayBlock"
	w.mut.Lock()
	defer w.mut.Unlock()
	w.out <- v // want `send on w.out while w.mut is locked`
}

func (w *wrapped) count() int {
	w.mut.Lock()
	defer w.mut.Unlock()
	return w.n
}
