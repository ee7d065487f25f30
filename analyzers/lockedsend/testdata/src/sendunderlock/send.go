package sendunderlock

import (
	"context"
	"sync"
)

type event struct {
	seq  int
	name string
}

type Server struct {
	mu     sync.Mutex
	rw     sync.RWMutex
	events chan event
	notify chan struct{}
	wake   chan struct{}
	seq    int
	closed bool
	subs   []chan event
}

func NewServer() *Server {
	s := &Server{notify: make(chan struct{}, 1)}
	s.events = make(chan event)
	s.wake = make(chan struct{})
	return s
}

// The simple shape: fixed by moving the send after the unlock.
func (s *Server) publish(name string) { // want publish:"mayBlock"
	s.mu.Lock()
	s.seq++
	ev := event{seq: s.seq, name: name}
	s.events <- ev // want `send on s.events while s.mu is locked \(line 33\): until a receiver takes the value, every goroutine that needs s.mu waits, and a receiver that needs s.mu deadlocks; send after s.mu.Unlock\(\)`
	s.closed = false
	s.mu.Unlock()
}

// A signal value, a read lock, a trailing comment.
func (s *Server) ping() { // want ping:"mayBlock"
	s.rw.RLock()
	n := s.seq
	s.wake <- struct{}{} // want `send on s.wake while s.rw is locked \(line 43\): .* send after s.rw.RUnlock\(\)`
	_ = n
	s.rw.RUnlock()
}

// A deferred unlock holds the mutex until return: no fix.
func (s *Server) deferred(ev event) { // want deferred:"mayBlock"
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events <- ev // want `send on s.events while s.mu is locked \(line 52\).*\(no automatic fix: s.mu is unlocked by a deferred call\)`
}

// The value reads state the mutex protects: no fix.
func (s *Server) reads() { // want reads:"mayBlock"
	s.mu.Lock()
	s.events <- event{seq: s.seq} // want `no automatic fix: the sent value reads s.seq, which the mutex may protect`
	s.mu.Unlock()
}

// A statement between the send and the unlock changes the value.
func (s *Server) changes() { // want changes:"mayBlock"
	s.mu.Lock()
	ev := event{seq: s.seq}
	s.events <- ev // want `no automatic fix: a statement between the send and the unlock changes ev.seq`
	ev.seq++
	s.mu.Unlock()
}

// The channel field is reassigned by a method: no fix.
func (s *Server) reset() {
	s.mu.Lock()
	s.subs = nil
	s.mu.Unlock()
}

func (s *Server) fanout(ev event) { // want fanout:"mayBlock"
	s.mu.Lock()
	for _, sub := range s.subs {
		sub <- ev // want `send on sub while s.mu is locked.*no automatic fix: s.mu.Unlock\(\) does not follow the send in the same block`
	}
	s.mu.Unlock()
}

// Only on the path where the mutex is held.
func (s *Server) early(ev event) { // want early:"mayBlock"
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.events <- ev // unlocked on this path
		return
	}
	s.events <- ev // want `send on s.events while s.mu is locked \(line 90\)`
	s.mu.Unlock()
}

// A select without default waits with the mutex held, until the
// receiver comes or the server closes.
func (s *Server) selectSend(quit chan struct{}, ev event) { // want selectSend:"mayBlock"
	s.mu.Lock()
	defer s.mu.Unlock()
	select { // want `select to send on s.events while s.mu is locked`
	case s.events <- ev:
	case <-quit:
	}
}

// A context case bounds the wait: quiet unless -bounded.
func (s *Server) selectCtx(ctx context.Context, ev event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.events <- ev:
	case <-ctx.Done():
	}
}

// Embedded mutex, locked through the promoted method.
type Queue struct {
	sync.Mutex
	out chan int
}

func (q *Queue) Put(v int) { // want Put:"mayBlock"
	q.Lock()
	q.out <- v // want `send on q.out while q is locked`
	q.Unlock()
}

// A mutex variable.
var mu sync.Mutex

func global(ch chan int, v int) { // want global:"mayBlock"
	mu.Lock()
	ch <- v // want `send on ch while mu is locked`
	mu.Unlock()
}

// Two mutexes: the fix would leave the outer one held.
func (s *Server) two(ch chan int) { // want two:"mayBlock"
	s.rw.Lock()
	s.mu.Lock()
	ch <- 1 // want `no automatic fix: more than one mutex is held`
	s.mu.Unlock()
	s.rw.Unlock()
}

// A send in a case of a switch, moved inside the case.
func (s *Server) inCase(ch chan int, k int) { // want inCase:"mayBlock"
	switch k {
	case 1:
		s.mu.Lock()
		v := k * 2
		ch <- v // want `send on ch while s.mu is locked`
		s.mu.Unlock()
	}
}

// A statement between the send and the unlock leaves the block.
func (s *Server) leave(ch chan int) { // want leave:"mayBlock"
	for i := 0; i < 3; i++ {
		s.mu.Lock()
		ch <- i // want `no automatic fix: a statement between the send and the unlock can leave the block`
		if s.closed {
			break
		}
		s.mu.Unlock()
	}
}
