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

// Fields of a generic type keep their roles across the methods that
// instantiate them: result is only ever made with room for its one
// value (one-shot), wake is buffered and also sent on with a default
// (a notification).
type genericJob[T any] struct {
	mu     sync.Mutex
	result chan T
	wake   chan struct{}
	val    T
}

func newGenericJob[T any]() *genericJob[T] {
	return &genericJob[T]{result: make(chan T, 1), wake: make(chan struct{}, 4)}
}

func (j *genericJob[T]) Finish(v T) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.val = v
	j.result <- v
	j.wake <- struct{}{}
}

func (j *genericJob[T]) Poke() {
	select {
	case j.wake <- struct{}{}:
	default:
	}
}

func (j *genericJob[T]) Val() T {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.val
}

// Near miss: another method stores an unbuffered channel in the field.
type genericQueue[T any] struct {
	mu  sync.Mutex
	out chan T
	n   int
}

func newGenericQueue[T any]() *genericQueue[T] {
	return &genericQueue[T]{out: make(chan T, 1)}
}

func (q *genericQueue[T]) Reset() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.out = make(chan T)
}

func (q *genericQueue[T]) Put(v T) { // want Put:"mayBlock\\(sends on q.out"
	q.mu.Lock()
	defer q.mu.Unlock()
	q.n++
	q.out <- v // want `send on q.out while q.mu is locked`
}
