package sendunderlock

import "sync"

// Channels that are buffered by construction.

type call struct {
	mu    sync.Mutex
	chans []chan<- int // reply channels, each made with room for its answer
	byKey map[string]chan int
	done  bool
	res   chan int // one-shot result, capacity 1
	kick  chan struct{}
	queue chan int // a queue: buffered, but sends may block
}

func newCall(n int) *call {
	return &call{
		res:   make(chan int, 1),
		kick:  make(chan struct{}, 8),
		queue: make(chan int, n),
		byKey: make(map[string]chan int),
	}
}

func (c *call) wait() <-chan int {
	ch := make(chan int, 1)
	c.mu.Lock()
	c.chans = append(c.chans, ch)
	c.byKey["k"] = make(chan int, 1)
	c.mu.Unlock()
	return ch
}

// Every waiter's channel has room for the one answer it gets.
func (c *call) finish(v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.chans {
		ch <- v
	}
	c.chans = c.chans[:0]
	c.byKey["k"] <- v
}

// A one-shot result channel of capacity 1, guarded by state.
func (c *call) deliver(v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return
	}
	c.done = true
	c.res <- v
}

// A notification channel, sent on without blocking elsewhere.
func (c *call) poke() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *call) pokeLocked() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kick <- struct{}{}
}

// A buffered queue is still a queue: a slow consumer fills it.
func (c *call) enqueue(v int) { // want enqueue:"mayBlock"
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queue <- v // want `send on c.queue while c.mu is locked`
}

// Replace the pending value of a capacity-1 mailbox.
func (c *call) latest(box chan int, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-box:
	default:
	}
	box <- v
}

// A channel made just before, filled to its capacity.
type pool struct {
	mu   sync.Mutex
	free chan []byte
	one  chan int
}

func (p *pool) init(n int, first bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = make(chan []byte, n)
	for i := 0; i < n; i++ {
		p.free <- make([]byte, 64)
	}
	p.one = make(chan int, 1)
	if first {
		p.one <- 1
	} else {
		p.one <- 2
	}
}

// Two sends on a fresh channel of capacity 1.
func (p *pool) twice() { // want twice:"mayBlock"
	p.mu.Lock()
	defer p.mu.Unlock()
	p.one = make(chan int, 1)
	p.one <- 1
	p.one <- 2 // want `send on p.one while p.mu is locked`
}

// A token pool: filled when built, acquired by receiving, released by
// sending. Waiting for a slot limits concurrency; it is not
// backpressure.
type ioSem struct{ ch chan struct{} }

func newIOSem(n int) *ioSem {
	d := &ioSem{ch: make(chan struct{}, n)}
	for range n {
		d.ch <- struct{}{}
	}
	return d
}

func (d *ioSem) acquire() { <-d.ch }
func (d *ioSem) release() { d.ch <- struct{}{} }

type store struct {
	mu   sync.Mutex
	dios *ioSem
	sem  chan struct{} // a counting semaphore acquired by sending
	data []byte
}

func (s *store) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dios.acquire()
	s.data = s.data[:0]
	s.dios.release()
	s.sem <- struct{}{}
	<-s.sem
}

func newStore() *store { return &store{dios: newIOSem(4), sem: make(chan struct{}, 16)} }

// A reply channel looked up in a map of waiters.
type conn struct {
	mu       sync.Mutex
	awaiting map[int]chan int
}

func (c *conn) request(id int) chan int {
	rc := make(chan int, 1)
	c.mu.Lock()
	c.awaiting[id] = rc
	c.mu.Unlock()
	return rc
}

func (c *conn) respond(id, v int) {
	c.mu.Lock()
	if rc, ok := c.awaiting[id]; ok {
		delete(c.awaiting, id)
		rc <- v
		close(rc)
	}
	c.mu.Unlock()
}

// A queue whose constructor sends a first marker is still a queue, not
// a pool filled when made (nats.go's KV watcher).
type watcher struct {
	mu      sync.Mutex
	updates chan *int
	n       int
}

func watch() *watcher {
	w := &watcher{updates: make(chan *int, 256)}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.updates <- nil
	return w
}

func (w *watcher) update(v *int) { // want update:"mayBlock"
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	w.updates <- v // want `send on w.updates while w.mu is locked`
}
