package sendunderlock

import "sync"

// Near misses of the counted sends, the setup room, the stop channels
// and the first handoffs that the quiet rules once let through: each
// send can wait under the mutex.

type resGoto struct {
	sync.Mutex
	msgs chan int
}

func (r *resGoto) Messages() <-chan int { return r.msgs }

// A goto outside the loop runs the counter's definition again: the
// second round sends batch more values into the same buffer.
func fetchGoto(batch int, in chan int) *resGoto {
	res := &resGoto{msgs: make(chan int, batch)}
	go func() {
	again:
		n := 0
		for n < batch {
			res.Lock()
			res.msgs <- <-in // want `send on res.msgs while res is locked`
			res.Unlock()
			n++
		}
		if len(in) > 0 {
			goto again
		}
	}()
	return res
}

type resShadow struct {
	sync.Mutex
	msgs chan int
}

func (r *resShadow) Messages() <-chan int { return r.msgs }

// The bound is written like the capacity but names another variable.
func fetchShadow(batch int, in chan int) *resShadow {
	res := &resShadow{msgs: make(chan int, batch)}
	go func() {
		batch := batch + 1
		n := 0
		for n < batch {
			res.Lock()
			res.msgs <- <-in // want `send on res.msgs while res is locked`
			res.Unlock()
			n++
		}
	}()
	return res
}

type resExitContinue struct {
	sync.Mutex
	msgs chan int
}

func (r *resExitContinue) Messages() <-chan int { return r.msgs }

// The exit check does not always leave: a continue goes round again
// with the buffer full.
func fetchExitContinue(req *fetchReq, in chan int) *resExitContinue {
	if req.Batch < 1 {
		return nil
	}
	res := &resExitContinue{msgs: make(chan int, req.Batch)}
	go func() {
		n := 0
		for {
			m := <-in
			res.Lock()
			res.msgs <- m // want `send on res.msgs while res is locked`
			n++
			if n == req.Batch {
				if m > 0 {
					res.Unlock()
					continue
				}
				res.Unlock()
				return
			}
			res.Unlock()
		}
	}()
	return res
}

// A setup method with a value receiver makes the channel in a copy: the
// value the caller holds keeps its old channel (nil).
type valueSetup struct {
	mu       sync.Mutex
	register chan int
	n        int
}

func (s *valueSetup) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setup()
	s.announce() // want `call to s.announce while s.mu is locked`
}

func (s valueSetup) setup() { s.register = make(chan int, 2) }

func (s *valueSetup) announce() { s.register <- 1 } // want announce:"mayBlock\\(sends on s.register"

func (s *valueSetup) N() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// A function literal called in place sends on the fresh channel too.
type literalSetup struct {
	mu       sync.Mutex
	register chan int
	n        int
}

func (s *literalSetup) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setup()
	func() {
		s.register <- 0
		s.register <- 0
	}()
	s.announce() // want `call to s.announce while s.mu is locked`
}

func (s *literalSetup) setup() { s.register = make(chan int, 2) }

func (s *literalSetup) announce() { s.register <- 1 } // want announce:"mayBlock\\(sends on s.register"

func (s *literalSetup) N() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// A goroutine started before the setup sends on the new channel once
// the setup tells it to: the room is taken before the call.
type earlySetup struct {
	mu       sync.Mutex
	register chan int
	ready    chan struct{}
	n        int
}

func (s *earlySetup) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	go s.ping()
	s.setup()
	s.announce() // want `call to s.announce while s.mu is locked`
}

func (s *earlySetup) setup() {
	s.register = make(chan int, 2)
	close(s.ready)
}

func (s *earlySetup) ping() { // want ping:"mayBlock\\(sends on s.register"
	<-s.ready
	s.register <- 0
	s.register <- 0
}

func (s *earlySetup) announce() { s.register <- 1 } // want announce:"mayBlock\\(sends on s.register"

func (s *earlySetup) N() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// A stop function whose only call with no mutex held is in a test file:
// the package itself closes the channel only under the mutex.
type testStop struct {
	mu   sync.Mutex
	out  chan int
	quit chan struct{}
}

func (t *testStop) put(v int) { // want put:"mayBlock\\(waits in a select to send on t.out"
	select {
	case t.out <- v:
	case <-t.quit:
	}
}

func (t *testStop) Put(v int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.put(v) // want `call to t.put while t.mu is locked`
}

func (t *testStop) stop() { close(t.quit) }

func (t *testStop) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stop()
}

func (t *testStop) loop() { // want loop:"mayBlock\\(ranges over t.out"
	for range t.out {
	}
}

// A stop function called with no mutex held only by a literal that runs
// under the mutex (once.Do in Close).
type literalStop struct {
	mu   sync.Mutex
	once sync.Once
	out  chan int
	quit chan struct{}
}

func (l *literalStop) put(v int) { // want put:"mayBlock\\(waits in a select to send on l.out"
	select {
	case l.out <- v:
	case <-l.quit:
	}
}

func (l *literalStop) Put(v int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.put(v) // want `call to l.put while l.mu is locked`
}

func (l *literalStop) stop() { close(l.quit) }

func (l *literalStop) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.once.Do(func() { l.stop() })
}

func (l *literalStop) loop() { // want loop:"mayBlock\\(ranges over l.out"
	for range l.out {
	}
}
