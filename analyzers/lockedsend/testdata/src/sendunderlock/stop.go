package sendunderlock

import "sync"

// A select that can also end on a stop channel, which a Stop method
// closes while no mutex can be held (nats.go's pull subscription): the
// author bounded the wait, as with ctx.Done(). Quiet by default, in the
// function that holds the mutex and behind a call.
type puller struct {
	mu    sync.Mutex
	next  chan int
	done  chan struct{}
	once  sync.Once
	count int
}

func (p *puller) request(n int) {
	select {
	case p.next <- n:
	case <-p.done:
	}
}

func (p *puller) Pull(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count++
	select {
	case p.next <- n:
	case <-p.done:
	}
	p.request(n) // the callee is bounded the same way
}

func (p *puller) Stop() { p.once.Do(func() { close(p.done) }) }

func (p *puller) loop() { // want loop:"mayBlock\\(ranges over p.next"
	for n := range p.next {
		_ = n
	}
}

// A stop channel closed only under the same mutex cannot be closed while
// the sender holds it: no bound, and the closer needs the mutex.
type lockedStop struct {
	mu   sync.Mutex
	out  chan int
	quit chan struct{}
}

func (l *lockedStop) Put(v int) { // want Put:"mayBlock\\(waits in a select to send on l.out"
	l.mu.Lock()
	defer l.mu.Unlock()
	select { // want `select to send on l.out while l.mu is locked`
	case l.out <- v:
	case <-l.quit:
	}
}

func (l *lockedStop) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.quit)
}

func (p *puller) Count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count
}

// Closers that may hold a mutex are no stop channel for a callee's
// select: a worker whose exit closes done but which locks the mutex for
// each value (the deadlock partner itself), a once.Do literal run under
// Close's mutex, and a stop function called with the mutex held.
type workerStop struct {
	mu   sync.Mutex
	out  chan int
	done chan struct{}
	n    int
}

func (s *workerStop) put(v int) { // want put:"mayBlock\\(waits in a select to send on s.out"
	select {
	case s.out <- v:
	case <-s.done:
	}
}

func (s *workerStop) Put(v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(v) // want `call to s.put while s.mu is locked`
}

func (s *workerStop) worker() { // want worker:"mayBlock\\(ranges over s.out"
	defer close(s.done)
	for v := range s.out {
		s.handle(v)
	}
}

func (s *workerStop) handle(v int) {
	s.mu.Lock()
	s.n += v
	s.mu.Unlock()
}

type onceStop struct {
	mu   sync.Mutex
	once sync.Once
	out  chan int
	quit chan struct{}
}

func (o *onceStop) put(v int) { // want put:"mayBlock\\(waits in a select to send on o.out"
	select {
	case o.out <- v:
	case <-o.quit:
	}
}

func (o *onceStop) Put(v int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.put(v) // want `call to o.put while o.mu is locked`
}

func (o *onceStop) Close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.once.Do(func() { close(o.quit) })
}

func (o *onceStop) loop() { // want loop:"mayBlock\\(ranges over o.out"
	for range o.out {
	}
}

type calledStop struct {
	mu   sync.Mutex
	out  chan int
	quit chan struct{}
}

func (c *calledStop) put(v int) { // want put:"mayBlock\\(waits in a select to send on c.out"
	select {
	case c.out <- v:
	case <-c.quit:
	}
}

func (c *calledStop) Put(v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(v) // want `call to c.put while c.mu is locked`
}

func (c *calledStop) stop() { close(c.quit) }

func (c *calledStop) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stop()
}

func (c *calledStop) loop() { // want loop:"mayBlock\\(ranges over c.out"
	for range c.out {
	}
}

// A stop function that some calls make under a mutex and another makes
// with none held (nats.go's pullSubscription.Stop: called by Next under
// the subscription's mutex, by the ordered consumer under its own, and
// by the message handler with no mutex): the call that holds none can
// always close the channel, whatever the sender holds.
type splitStop struct {
	mu    sync.Mutex
	owner *stopOwner
	out   chan int
	quit  chan struct{}
	n     int
}

type stopOwner struct {
	mu  sync.Mutex
	cur *splitStop
}

func (s *splitStop) put(v int) {
	select {
	case s.out <- v:
	case <-s.quit:
	}
}

func (s *splitStop) Put(v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	s.put(v)
}

func (s *splitStop) stop() { close(s.quit) }

func (s *splitStop) Next() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n > 10 {
		s.stop()
	}
}

func (o *stopOwner) Reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.cur.stop()
}

func (s *splitStop) handle(v int) {
	if v < 0 {
		s.stop() // no mutex held
	}
}

func (s *splitStop) loop() { // want loop:"mayBlock\\(ranges over s.out"
	for range s.out {
	}
}

// Near misses: a stop function called only under mutexes, even another
// struct's, is no way out (its caller may wait for the sender's mutex
// while holding its own); nor is a call with no mutex held made by the
// goroutine that blocks, after its blocking call.
type ownedStop struct {
	mu    sync.Mutex
	out   chan int
	quit  chan struct{}
	owner *stopOwner2
}

type stopOwner2 struct {
	mu  sync.Mutex
	cur *ownedStop
}

func (s *ownedStop) put(v int) { // want put:"mayBlock\\(waits in a select to send on s.out"
	select {
	case s.out <- v:
	case <-s.quit:
	}
}

func (s *ownedStop) Put(v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(v) // want `call to s.put while s.mu is locked`
}

func (s *ownedStop) stop() { close(s.quit) }

func (o *stopOwner2) Reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.cur.stop()
}

func (s *ownedStop) loop() { // want loop:"mayBlock\\(ranges over s.out"
	for range s.out {
	}
}

type selfStop struct {
	mu   sync.Mutex
	out  chan int
	quit chan struct{}
}

func (s *selfStop) put(v int) { // want put:"mayBlock\\(waits in a select to send on s.out"
	select {
	case s.out <- v:
	case <-s.quit:
	}
}

func (s *selfStop) PutOnce(v int) {
	s.mu.Lock()
	s.put(v) // want `call to s.put while s.mu is locked`
	s.mu.Unlock()
	s.stop()
}

func (s *selfStop) stop() { close(s.quit) }

func (s *selfStop) loop() { // want loop:"mayBlock\\(ranges over s.out"
	for range s.out {
	}
}

// Other users of the mutexes, so that they do not only serialize the
// blocking calls.
func (s *ownedStop) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.out)
}

func (s *selfStop) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.out)
}
