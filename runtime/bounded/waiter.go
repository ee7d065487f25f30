package bounded

import "sync"

// A waiter parks one goroutine. The protocol, which makes lost and stale
// wake-ups impossible:
//
//   - A waiter is put on a waitList (listed) only while the owner's mutex is
//     held, and the owner then unlocks and parks on ch.
//   - A waker removes the waiter from its list while holding the mutex, adds
//     it to a wakeChain, and sends exactly one token on ch after unlocking.
//   - A parked goroutine that returns early (context done, timer) locks the
//     mutex again: if it is still listed it removes itself and no token will
//     ever come; if it is no longer listed a token is on its way and it must
//     consume it (consume) before the waiter is reused.
//
// The Writer's lingering collector follows the same protocol with the
// Queue.notify pointer in place of a list. Woken goroutines always re-check
// their condition under the mutex, so barging and spurious wake-ups are
// harmless.
type waiter struct {
	ch         chan struct{} // capacity 1, exactly one token per wake
	next, prev *waiter       // waitList links, guarded by the owner's mutex
	wnext      *waiter       // wakeChain link
	listed     bool          // on a waitList; guarded by the owner's mutex
	target     uint64        // Writer.Flush: sequence number waited for
}

var waiterPool = sync.Pool{New: func() any { return &waiter{ch: make(chan struct{}, 1)} }}

func getWaiter() *waiter  { return waiterPool.Get().(*waiter) }
func putWaiter(w *waiter) { waiterPool.Put(w) }

// park blocks until a token arrives (true) or done is closed (false). done
// may be nil.
//
// There is deliberately no spinning before parking: measured with
// BenchmarkSendRecv and BenchmarkPingPong on a 2-core machine, polling the
// channel for 30..200 iterations, with or without runtime.Gosched, never
// reduced the CPU per operation and up to quadrupled it in hand-off
// (ping-pong) workloads.
func (w *waiter) park(done <-chan struct{}) bool {
	if done == nil {
		<-w.ch
		return true
	}
	select {
	case <-w.ch:
		return true
	case <-done:
		return false
	}
}

// consume receives the token of a waiter that a waker removed from its list
// while the waiter was returning early. The waker sends right after
// releasing the mutex, so this does not block for long.
func (w *waiter) consume() { <-w.ch }

// waitList is an intrusive FIFO list of waiters guarded by the owner's mutex.
type waitList struct {
	head, tail *waiter
}

func (l *waitList) empty() bool { return l.head == nil }

func (l *waitList) pushBack(w *waiter) {
	w.listed = true
	w.next = nil
	w.prev = l.tail
	if l.tail == nil {
		l.head = w
	} else {
		l.tail.next = w
	}
	l.tail = w
}

func (l *waitList) pushFront(w *waiter) {
	w.listed = true
	w.prev = nil
	w.next = l.head
	if l.head == nil {
		l.tail = w
	} else {
		l.head.prev = w
	}
	l.head = w
}

func (l *waitList) remove(w *waiter) {
	if w.prev == nil {
		l.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		l.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.next, w.prev, w.listed = nil, nil, false
}

func (l *waitList) popFront() *waiter {
	w := l.head
	if w != nil {
		l.remove(w)
	}
	return w
}

// wakeChain collects waiters removed from lists under the mutex so that
// their tokens are sent after the mutex is released.
type wakeChain struct {
	head *waiter
}

func (c *wakeChain) add(w *waiter) {
	w.wnext = c.head
	c.head = w
}

// takeOne moves the first waiter of l, if any, to the chain.
func (c *wakeChain) takeOne(l *waitList) {
	if w := l.popFront(); w != nil {
		c.add(w)
	}
}

// takeN moves up to n waiters of l to the chain.
func (c *wakeChain) takeN(l *waitList, n int) {
	for ; n > 0; n-- {
		w := l.popFront()
		if w == nil {
			return
		}
		c.add(w)
	}
}

// takeAll moves every waiter of l to the chain.
func (c *wakeChain) takeAll(l *waitList) {
	for w := l.popFront(); w != nil; w = l.popFront() {
		c.add(w)
	}
}

// fire sends the tokens. Call it without holding the mutex.
func (c *wakeChain) fire() {
	for w := c.head; w != nil; {
		next := w.wnext // read before the token: the owner may reuse w
		w.wnext = nil
		w.ch <- struct{}{}
		w = next
	}
	c.head = nil
}
