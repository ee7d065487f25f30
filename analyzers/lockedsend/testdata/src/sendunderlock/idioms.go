package sendunderlock

import "sync"

// One slot per goroutine: n goroutines send on a channel of capacity n
// (std sync/cond_test.go). Quiet.
func condSignal(n int) {
	var m sync.Mutex
	c := sync.NewCond(&m)
	running := make(chan bool, n)
	awake := make(chan bool, n)
	exit := false
	for i := 0; i < n; i++ {
		go func() {
			m.Lock()
			for !exit {
				running <- true
				c.Wait()
				awake <- true
			}
			m.Unlock()
		}()
	}
	for i := 0; i < n; i++ {
		<-running
	}
	m.Lock()
	exit = true
	c.Broadcast()
	m.Unlock()
	for i := 0; i < n; i++ {
		<-awake
	}
}

// Two sends per round need two slots per goroutine.
func condTwice(n int) {
	var m sync.Mutex
	running := make(chan bool, n)
	for i := 0; i < n; i++ {
		go func() {
			m.Lock()
			running <- true // want `send on running while m is locked`
			running <- true // want `send on running while m is locked`
			m.Unlock()
		}()
	}
	for i := 0; i < 2*n; i++ {
		<-running
		m.Lock()
		m.Unlock()
	}
}

// More goroutines than slots.
func condMore(n int) {
	var m sync.Mutex
	running := make(chan bool, n)
	for i := 0; i < 2*n; i++ {
		go func() {
			m.Lock()
			running <- true // want `send on running while m is locked`
			m.Unlock()
		}()
	}
	for i := 0; i < 2*n; i++ {
		<-running
		m.Lock()
		m.Unlock()
	}
}

// A fresh channel and mutex each time round: the next iteration's
// locking is no evidence against this one. Quiet.
func fresh() {
	for iters := 0; iters < 1000; iters++ {
		var m sync.Mutex
		ch := make(chan struct{})
		go func() {
			m.Lock()
			ch <- struct{}{}
			m.Unlock()
		}()
		<-ch
		m.Lock()
		m.Unlock()
	}
}

// The same with the channel made outside the loop: the receiver locks
// m in the next round while the sender still waits.
func stealingShared() {
	var m sync.Mutex
	ch := make(chan struct{})
	go func() {
		for {
			m.Lock()
			ch <- struct{}{} // want `send on ch while m is locked \(line 97\): until a receiver takes the value, every goroutine that needs m waits, and sendunderlock.stealingShared, which receives from ch, locks m too \(idioms.go:104\): they can deadlock`
			m.Unlock()
		}
	}()
	for range 10 {
		<-ch
		m.Lock()
		m.Unlock()
	}
}

// The mutex keeps the channel from being closed mid-send, and the
// closer closes the way out before it takes the mutex (go-ethereum
// event.TypeMuxSubscription). Quiet.
type subscription struct {
	closeMu sync.Mutex
	closing chan struct{}
	closed  bool
	postMu  sync.RWMutex
	postC   chan int
}

func (s *subscription) deliver(v int) { // want deliver:"mayBlock"
	s.postMu.RLock()
	defer s.postMu.RUnlock()
	select {
	case s.postC <- v:
	case <-s.closing:
	}
}

func (s *subscription) closewait() {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return
	}
	close(s.closing)
	s.closed = true
	s.postMu.Lock()
	defer s.postMu.Unlock()
	close(s.postC)
	s.postC = nil
}

// The same, but the closer takes the mutex before it closes the way
// out: it waits for the receiver.
type lateSubscription struct {
	closing chan struct{}
	postMu  sync.RWMutex
	postC   chan int
}

func (s *lateSubscription) deliver(v int) { // want deliver:"mayBlock"
	s.postMu.RLock()
	defer s.postMu.RUnlock()
	select { // want `select to send on s.postC while s.postMu is locked`
	case s.postC <- v:
	case <-s.closing:
	}
}

func (s *lateSubscription) closewait() {
	s.postMu.Lock()
	defer s.postMu.Unlock()
	close(s.closing)
	close(s.postC)
}

// A result channel read under the mutex only once a flag, set with the
// send under the same mutex, says it is there (net/http wantConn).
// Quiet.
type wantConn struct {
	mu     sync.Mutex
	done   bool
	result chan int
}

func (w *wantConn) tryDeliver(c int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return false
	}
	w.done = true
	w.result <- c
	close(w.result)
	return true
}

func (w *wantConn) cancel() (c int) {
	w.mu.Lock()
	if w.done {
		if r, ok := <-w.result; ok {
			c = r
		}
	} else {
		close(w.result)
	}
	w.done = true
	w.mu.Unlock()
	return c
}

func newWantConn() *wantConn { return &wantConn{result: make(chan int, 1)} }

// Without the flag, the receive waits for a sender that needs the
// mutex.
type wantConnNoFlag struct {
	mu     sync.Mutex
	done   bool
	result chan int
}

func (w *wantConnNoFlag) tryDeliver(c int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	w.result <- c
}

func (w *wantConnNoFlag) cancel() (c int) { // want cancel:"mayBlock"
	w.mu.Lock()
	defer w.mu.Unlock()
	return <-w.result // want `receive from w.result while w.mu is locked \(line 220\): until a sender comes, every goroutine that needs w.mu waits, and wantConnNoFlag.tryDeliver, which sends on w.result, locks w.mu too`
}

func newWantConnNoFlag() *wantConnNoFlag { return &wantConnNoFlag{result: make(chan int, 1)} }

// A send followed by cond.Wait() before the unlock cannot move past the
// wait: the receiver may signal only after it has the value. Reported,
// with no fix.
type waiter struct {
	mu   sync.Mutex
	cond *sync.Cond
	ch   chan int
	n    int
}

func (w *waiter) put(v int) { // want put:"mayBlock\\(sends on w.ch"
	w.mu.Lock()
	w.ch <- v // want `send on w.ch while w.mu is locked.*no automatic fix: a call between the send and the unlock waits \(w.cond.Wait\)`
	w.cond.Wait()
	w.mu.Unlock()
}

func (w *waiter) take() int { // want take:"mayBlock\\(wait: receives from w.ch"
	v := <-w.ch
	w.mu.Lock()
	w.n++
	w.cond.Signal()
	w.mu.Unlock()
	return v
}
