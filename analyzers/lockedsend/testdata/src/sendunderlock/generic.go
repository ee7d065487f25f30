package sendunderlock

import "sync"

// A copy of x/sync/singleflight made generic (minio-go): every channel
// in c.chans is made with room for its one answer, in every
// instantiation of the generic type.
type flightCall[V any] struct {
	wg    sync.WaitGroup
	val   V
	chans []chan<- flightResult[V]
}

type flightResult[V any] struct {
	Val V
}

type FlightGroup[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*flightCall[V]
}

func (g *FlightGroup[K, V]) DoChan(key K, fn func() V) <-chan flightResult[V] {
	ch := make(chan flightResult[V], 1)
	g.mu.Lock()
	if c, ok := g.m[key]; ok {
		c.chans = append(c.chans, ch)
		g.mu.Unlock()
		return ch
	}
	c := &flightCall[V]{chans: []chan<- flightResult[V]{ch}}
	c.wg.Add(1)
	g.m[key] = c
	g.mu.Unlock()
	go g.doCall(c, key, fn)
	return ch
}

func (g *FlightGroup[K, V]) doCall(c *flightCall[V], key K, fn func() V) {
	c.val = fn()
	g.mu.Lock()
	defer g.mu.Unlock()
	c.wg.Done()
	delete(g.m, key)
	for _, ch := range c.chans {
		ch <- flightResult[V]{c.val}
	}
}

// The same shape with a waiter that stores an unbuffered channel, in
// another method (another instantiation of the field): its send waits
// for the waiter under the mutex.
type waitList[V any] struct {
	mu      sync.Mutex
	waiters []chan V
}

func (w *waitList[V]) Wait() V { // want Wait:"mayBlock\\(wait: receives from ch"
	ch := make(chan V)
	w.mu.Lock()
	w.waiters = append(w.waiters, ch)
	w.mu.Unlock()
	return <-ch
}

func (w *waitList[V]) Wake(v V) { // want Wake:"mayBlock\\(sends on ch"
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ch := range w.waiters {
		ch <- v // want `send on ch while w.mu is locked`
	}
	w.waiters = nil
}
