package sendunderlock

import "sync"

// A function called under the mutex whose select can also end on a stop
// channel, which a Stop method closes without any mutex (nats.go's pull
// subscription): the author bounded the wait, as with ctx.Done(). Quiet
// by default, like the select itself, which has no receiver of p.next
// that needs p.mu.
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
