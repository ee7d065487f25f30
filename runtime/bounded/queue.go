package bounded

import (
	"context"
	"fmt"
	"iter"
	"math"
	"reflect"
	"strconv"
	"sync"
)

// Policy says what a Queue does with a value sent while it is full.
type Policy uint8

const (
	// Block makes Send wait for room (or for its context, or Close), and
	// TrySend fail with ErrFull. Nothing is ever lost. Use it when the
	// producer can afford to slow down: that is backpressure.
	Block Policy = iota

	// DropNewest discards the value being sent when the queue is full: the
	// queue keeps the oldest data. Send never blocks. Use it when old data
	// matters more than new (e.g. the first N errors of a burst).
	DropNewest

	// DropOldest evicts the oldest queued values to make room for the value
	// being sent: the queue keeps the freshest data. Send never blocks. Use
	// it for state updates, metrics, chat fan-out to slow clients.
	DropOldest
)

// String returns "Block", "DropNewest" or "DropOldest".
func (p Policy) String() string {
	switch p {
	case Block:
		return "Block"
	case DropNewest:
		return "DropNewest"
	case DropOldest:
		return "DropOldest"
	}
	return "Policy(" + strconv.Itoa(int(p)) + ")"
}

// Option configures NewQueue. Options are not generic so that they can be
// stored and passed around freely; the typed ones (WithDropHandler,
// WithMaxBytes) are checked against the queue's element type by NewQueue,
// which panics on a mismatch.
type Option struct {
	apply func(*queueConfig)
}

type queueConfig struct {
	policy   Policy
	onDrop   any // func(T)
	maxBytes int64
	sizeFn   any // func(T) int64
}

// WithPolicy sets the full-queue policy. The default is Block.
func WithPolicy(p Policy) Option {
	if p > DropOldest {
		panic("bounded: WithPolicy: invalid " + p.String())
	}
	return Option{func(c *queueConfig) { c.policy = p }}
}

// WithDropHandler registers fn to be called once for every value discarded
// by the DropNewest or DropOldest policy (the refused new value, or each
// evicted old value). fn is called by the goroutine whose Send caused the
// drop, after the queue's lock is released, so it may use the queue; but it
// runs on the producer's path and must not block. Concurrent drops call fn
// concurrently. T must be the queue's element type, else NewQueue panics.
func WithDropHandler[T any](fn func(v T)) Option {
	return Option{func(c *queueConfig) {
		if fn != nil {
			c.onDrop = fn
		} else {
			c.onDrop = nil
		}
	}}
}

// WithMaxBytes adds a byte budget to the item capacity: the queue is full
// when it holds capacity values or when accepting the next value would push
// the sum of size(v) over n. size is called once per send, outside the lock,
// and its result is remembered, so it may be approximate but must be cheap;
// negative sizes count as 0. A value larger than n can never fit: under
// Block, Send and TrySend refuse it immediately with a *LimitError
// (errors.Is ErrTooLarge); under the drop policies it is dropped. T must be
// the queue's element type, else NewQueue panics. n < 1 panics.
func WithMaxBytes[T any](n int64, size func(T) int64) Option {
	if n < 1 {
		panic("bounded: WithMaxBytes: byte budget must be at least 1, got " + strconv.FormatInt(n, 10))
	}
	if size == nil {
		panic("bounded: WithMaxBytes: nil size function")
	}
	return Option{func(c *queueConfig) {
		c.maxBytes = n
		c.sizeFn = size
	}}
}

// QueueStats is a consistent snapshot of a Queue's counters. The counters
// are cumulative since NewQueue.
//
// Invariants (for a snapshot): under Block and DropNewest,
// Sent == Received + Len; under DropOldest, Sent == Received + Dropped + Len.
type QueueStats struct {
	// Sent counts values accepted into the queue by Send or TrySend,
	// including values later evicted by DropOldest.
	Sent uint64
	// Received counts values handed to receivers (Recv, TryRecv, RecvBatch,
	// All).
	Received uint64
	// Dropped counts values discarded by a drop policy: under DropNewest
	// the incoming values that were refused (never counted in Sent), under
	// DropOldest the queued values that were evicted (counted in Sent); plus,
	// under either, values larger than the whole byte budget. Each one was
	// passed to the drop handler, if any.
	Dropped uint64
	// Rejected counts sends that returned an error because of capacity,
	// under Block: TrySend returning ErrFull, sends of a value larger than
	// the byte budget (ErrTooLarge), and Sends whose context ended while they
	// waited for room. Sends refused with ErrClosed are not counted.
	Rejected uint64
	// HighWater is the largest number of values queued at once.
	HighWater int
	// Len is the number of values queued at the time of the snapshot.
	Len int
	// Cap is the item capacity.
	Cap int
	// Bytes is the sum of the sizes of the queued values (0 without
	// WithMaxBytes); MaxBytes is the byte budget (0 without WithMaxBytes).
	Bytes, MaxBytes int64
}

// String formats the snapshot for logs.
func (s QueueStats) String() string {
	return fmt.Sprintf("sent=%d received=%d dropped=%d rejected=%d len=%d/%d highwater=%d bytes=%d/%d",
		s.Sent, s.Received, s.Dropped, s.Rejected, s.Len, s.Cap, s.HighWater, s.Bytes, s.MaxBytes)
}

// Queue is a bounded, closable, context-aware FIFO queue safe for use by
// any number of concurrent producers and consumers: the replacement for an
// unbounded slice/list queue or a goroutine per message, and for a channel
// when drop policies, byte budgets, non-blocking close or statistics are
// needed.
//
// Memory: at most Cap values (and, with WithMaxBytes, at most the byte
// budget) are held; the ring buffer is allocated once by NewQueue.
//
// Close is safe to call at any time, from any goroutine, any number of
// times, concurrently with sends and receives: unlike closing a channel, it
// never makes a sender panic.
//
// A Queue must be created with NewQueue and must not be copied.
type Queue[T any] struct {
	mu     sync.Mutex
	buf    []T
	head   int // index of the oldest value
	n      int // number of queued values
	closed bool
	policy Policy

	recvq waitList // receivers waiting for a value
	sendq waitList // senders waiting for room (Block policy only)

	onDrop   func(T)
	sizeFn   func(T) int64
	sizes    []int64 // parallel to buf when sizeFn != nil
	bytes    int64
	maxBytes int64 // math.MaxInt64 when sizes are tracked without a budget

	// notify is a Writer collector waiting for the queue to reach notifyN
	// values or notifyBytes bytes (nil for plain queues).
	notify      *waiter
	notifyN     int
	notifyBytes int64

	sent, received, dropped, rejected uint64
	highWater                         int
}

// NewQueue returns an empty queue holding at most capacity values. It
// panics if capacity < 1, or if a typed option's T differs from the queue's.
func NewQueue[T any](capacity int, opts ...Option) *Queue[T] {
	if capacity < 1 {
		panic("bounded: NewQueue: capacity must be at least 1, got " + strconv.Itoa(capacity))
	}
	var c queueConfig
	for _, o := range opts {
		if o.apply != nil {
			o.apply(&c)
		}
	}
	q := &Queue[T]{
		buf:    make([]T, capacity),
		policy: c.policy,
	}
	if c.onDrop != nil {
		fn, ok := c.onDrop.(func(T))
		if !ok {
			panic(fmt.Sprintf("bounded: NewQueue[%s]: WithDropHandler got a %T, want a func(%[1]s)", typeName[T](), c.onDrop))
		}
		q.onDrop = fn
	}
	if c.sizeFn != nil {
		fn, ok := c.sizeFn.(func(T) int64)
		if !ok {
			panic(fmt.Sprintf("bounded: NewQueue[%s]: WithMaxBytes got a size function %T, want a func(%[1]s) int64", typeName[T](), c.sizeFn))
		}
		q.trackSizes(fn, c.maxBytes)
	}
	return q
}

func (q *Queue[T]) trackSizes(fn func(T) int64, max int64) {
	q.sizeFn = fn
	q.sizes = make([]int64, len(q.buf))
	q.maxBytes = max
}

func typeName[T any]() string { return reflect.TypeOf((*T)(nil)).Elem().String() }

func (q *Queue[T]) size(v T) int64 {
	s := q.sizeFn(v)
	if s < 0 {
		return 0
	}
	return s
}

// fitsLocked reports whether a value of size sz can be pushed now.
func (q *Queue[T]) fitsLocked(sz int64) bool {
	return q.n < len(q.buf) && (q.sizes == nil || sz <= q.maxBytes-q.bytes)
}

// pushLocked appends v and moves a waiting receiver (or the Writer's
// collector, once its threshold is reached) to wc.
func (q *Queue[T]) pushLocked(v T, sz int64, wc *wakeChain) {
	i := q.head + q.n
	if i >= len(q.buf) {
		i -= len(q.buf)
	}
	q.buf[i] = v
	if q.sizes != nil {
		q.sizes[i] = sz
		q.bytes += sz
	}
	q.n++
	q.sent++
	if q.n > q.highWater {
		q.highWater = q.n
	}
	if q.recvq.head != nil {
		wc.takeOne(&q.recvq)
	}
	if q.notify != nil && (q.n >= q.notifyN || q.bytes >= q.notifyBytes) {
		wc.add(q.notify)
		q.notify = nil
	}
}

// popLocked removes and returns the oldest value (q.n > 0).
func (q *Queue[T]) popLocked() T {
	var zero T
	h := q.head
	v := q.buf[h]
	q.buf[h] = zero
	if q.sizes != nil {
		q.bytes -= q.sizes[h]
	}
	h++
	if h == len(q.buf) {
		h = 0
	}
	q.head = h
	q.n--
	return v
}

// popManyLocked moves up to len(dst) values into dst and returns how many.
func (q *Queue[T]) popManyLocked(dst []T) int {
	k := min(q.n, len(dst))
	first := min(k, len(q.buf)-q.head) // contiguous part before the wrap
	copy(dst, q.buf[q.head:q.head+first])
	clear(q.buf[q.head : q.head+first])
	if first < k {
		copy(dst[first:k], q.buf[:k-first])
		clear(q.buf[:k-first])
	}
	if q.sizes != nil {
		var b int64
		for _, s := range q.sizes[q.head : q.head+first] {
			b += s
		}
		for _, s := range q.sizes[:k-first] {
			b += s
		}
		q.bytes -= b
	}
	q.head += k
	if q.head >= len(q.buf) {
		q.head -= len(q.buf)
	}
	q.n -= k
	return k
}

// Send enqueues v.
//
// Under Block, Send waits until there is room, ctx is done (it returns
// ctx.Err()) or the queue is closed (ErrClosed). Like
//
//	select { case ch <- v: case <-ctx.Done(): return ctx.Err() }
//
// it succeeds without looking at ctx when there is room immediately.
//
// Under DropNewest and DropOldest, Send never blocks and ignores ctx: it
// returns nil both when v was enqueued and when a value was dropped per the
// policy (counted in Stats().Dropped and passed to the drop handler).
//
// After Close, Send returns ErrClosed under every policy; it never panics.
// With WithMaxBytes, see there for values larger than the whole budget.
func (q *Queue[T]) Send(ctx context.Context, v T) error {
	var sz int64
	if q.sizeFn != nil {
		sz = q.size(v)
	}
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return ErrClosed
	}
	if q.fitsLocked(sz) {
		var wc wakeChain
		q.pushLocked(v, sz, &wc)
		q.mu.Unlock()
		if wc.head != nil {
			wc.fire()
		}
		return nil
	}
	if q.policy != Block {
		return q.dropLocked(v, sz)
	}
	if sz > q.maxBytes {
		q.rejected++
		q.mu.Unlock()
		return &LimitError{Limit: q.maxBytes}
	}
	return q.sendSlow(ctx, v, sz)
}

// sendSlow waits for room. Called with q.mu held; returns with it released.
func (q *Queue[T]) sendSlow(ctx context.Context, v T, sz int64) error {
	done := ctx.Done()
	if done != nil {
		if err := ctx.Err(); err != nil {
			q.rejected++
			q.mu.Unlock()
			return err
		}
	}
	w := getWaiter()
	front := false
	for {
		// Invariant: mutex held, queue open, no room for v.
		if front {
			q.sendq.pushFront(w)
		} else {
			q.sendq.pushBack(w)
		}
		q.mu.Unlock()
		woken := w.park(done)
		q.mu.Lock()
		if w.listed {
			q.sendq.remove(w)
		} else if !woken {
			w.consume()
		}
		if q.closed {
			q.mu.Unlock()
			putWaiter(w)
			return ErrClosed
		}
		if q.fitsLocked(sz) {
			var wc wakeChain
			q.pushLocked(v, sz, &wc)
			// Chain the wake-up: a receiver may have freed room for more
			// than one sender (RecvBatch, byte budgets, cancelled waiters).
			if q.sendq.head != nil && q.fitsLocked(0) {
				wc.takeOne(&q.sendq)
			}
			q.mu.Unlock()
			putWaiter(w)
			wc.fire()
			return nil
		}
		if !woken {
			q.rejected++
			q.mu.Unlock()
			putWaiter(w)
			return ctx.Err()
		}
		// Woken but a barging sender took the room: wait again, keeping
		// our place at the front.
		front = true
	}
}

// dropLocked applies the drop policy to v, which does not fit. Called with
// q.mu held; returns with it released.
func (q *Queue[T]) dropLocked(v T, sz int64) error {
	if q.policy == DropNewest || sz > q.maxBytes {
		q.dropped++
		q.mu.Unlock()
		if q.onDrop != nil {
			q.onDrop(v)
		}
		return nil
	}
	// DropOldest: evict until v fits. Usually exactly one value.
	first := q.popLocked()
	q.dropped++
	var more []T
	for !q.fitsLocked(sz) {
		more = append(more, q.popLocked())
		q.dropped++
	}
	var wc wakeChain
	q.pushLocked(v, sz, &wc)
	q.mu.Unlock()
	wc.fire()
	if q.onDrop != nil {
		q.onDrop(first)
		for _, d := range more {
			q.onDrop(d)
		}
	}
	return nil
}

// TrySend enqueues v without blocking. Under Block it returns ErrFull
// (counted in Stats().Rejected) when there is no room; under the drop
// policies it behaves exactly like Send. It returns ErrClosed after Close.
func (q *Queue[T]) TrySend(v T) error {
	var sz int64
	if q.sizeFn != nil {
		sz = q.size(v)
	}
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return ErrClosed
	}
	if q.fitsLocked(sz) {
		var wc wakeChain
		q.pushLocked(v, sz, &wc)
		q.mu.Unlock()
		if wc.head != nil {
			wc.fire()
		}
		return nil
	}
	if q.policy != Block {
		return q.dropLocked(v, sz)
	}
	q.rejected++
	q.mu.Unlock()
	if sz > q.maxBytes {
		return &LimitError{Limit: q.maxBytes}
	}
	return ErrFull
}

// Recv removes and returns the oldest value, waiting until one is
// available, ctx is done (it returns ctx.Err()), or the queue is closed and
// drained (ErrClosed). Values accepted before Close are always delivered.
// Like a channel receive in a select, it succeeds without looking at ctx
// when a value is available immediately.
func (q *Queue[T]) Recv(ctx context.Context) (T, error) {
	q.mu.Lock()
	if q.n > 0 {
		v := q.popLocked()
		q.received++
		if q.sendq.head == nil {
			q.mu.Unlock()
			return v, nil
		}
		var wc wakeChain
		wc.takeOne(&q.sendq)
		q.mu.Unlock()
		wc.fire()
		return v, nil
	}
	var zero T
	if err := q.waitLocked(ctx); err != nil {
		return zero, err
	}
	v := q.popLocked()
	q.received++
	q.afterRecvLocked(1)
	return v, nil
}

// waitLocked waits until the queue is non-empty. Called with q.mu held. On
// success it returns nil with the mutex still held; on error it returns
// with the mutex released.
func (q *Queue[T]) waitLocked(ctx context.Context) error {
	if q.n > 0 {
		return nil
	}
	if q.closed {
		q.mu.Unlock()
		return ErrClosed
	}
	done := ctx.Done()
	if done != nil {
		if err := ctx.Err(); err != nil {
			q.mu.Unlock()
			return err
		}
	}
	w := getWaiter()
	front := false
	for {
		if front {
			q.recvq.pushFront(w)
		} else {
			q.recvq.pushBack(w)
		}
		q.mu.Unlock()
		woken := w.park(done)
		q.mu.Lock()
		if w.listed {
			q.recvq.remove(w)
		} else if !woken {
			w.consume()
		}
		if q.n > 0 {
			putWaiter(w)
			return nil
		}
		if q.closed {
			q.mu.Unlock()
			putWaiter(w)
			return ErrClosed
		}
		if !woken {
			q.mu.Unlock()
			putWaiter(w)
			return ctx.Err()
		}
		front = true
	}
}

// afterRecvLocked wakes up to k senders for the room just freed and, if
// values remain, another receiver (chained wake-up), then unlocks.
func (q *Queue[T]) afterRecvLocked(k int) {
	var wc wakeChain
	if q.sendq.head != nil {
		wc.takeN(&q.sendq, k)
	}
	if q.n > 0 && q.recvq.head != nil {
		wc.takeOne(&q.recvq)
	}
	q.mu.Unlock()
	if wc.head != nil {
		wc.fire()
	}
}

// TryRecv removes and returns the oldest value without blocking. It
// returns ErrEmpty if nothing is queued, or ErrClosed if the queue is
// closed and drained.
func (q *Queue[T]) TryRecv() (T, error) {
	q.mu.Lock()
	if q.n == 0 {
		closed := q.closed
		q.mu.Unlock()
		var zero T
		if closed {
			return zero, ErrClosed
		}
		return zero, ErrEmpty
	}
	v := q.popLocked()
	q.received++
	q.afterRecvLocked(1)
	return v, nil
}

// RecvBatch waits like Recv until at least one value is available, then
// moves as many queued values as fit into dst, oldest first, without
// waiting for more, and returns how many. It returns (0, ctx.Err()) or
// (0, ErrClosed) under the same conditions as Recv, and (0, nil) when dst is
// empty. It does not allocate. Taking many values per lock acquisition is
// the cheapest way to consume a queue.
func (q *Queue[T]) RecvBatch(ctx context.Context, dst []T) (int, error) {
	if len(dst) == 0 {
		return 0, nil
	}
	q.mu.Lock()
	if err := q.waitLocked(ctx); err != nil {
		return 0, err
	}
	k := q.popManyLocked(dst)
	q.received += uint64(k)
	q.afterRecvLocked(k)
	return k, nil
}

// All returns an iterator over received values, for use with range:
//
//	for v := range q.All(ctx) { ... }
//
// The loop ends when the queue is closed and drained, or when ctx is done
// (check ctx.Err() after the loop to tell them apart). Breaking out of the
// loop loses nothing: values are removed one at a time, just before they
// are yielded.
func (q *Queue[T]) All(ctx context.Context) iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, err := q.Recv(ctx)
			if err != nil || !yield(v) {
				return
			}
		}
	}
}

// Close closes the queue. It is idempotent, never blocks and never panics.
// After Close every send returns ErrClosed; blocked senders are woken and
// return ErrClosed (their values are not enqueued). Receivers keep getting
// the values accepted before Close, then ErrClosed; blocked receivers are
// woken. Close returns nothing so that it can be deferred without an
// unchecked-error warning.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	var wc wakeChain
	wc.takeAll(&q.sendq)
	wc.takeAll(&q.recvq)
	if q.notify != nil {
		wc.add(q.notify)
		q.notify = nil
	}
	q.mu.Unlock()
	wc.fire()
}

// Closed reports whether Close has been called.
func (q *Queue[T]) Closed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

// Len returns the number of queued values.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// Cap returns the item capacity given to NewQueue.
func (q *Queue[T]) Cap() int { return len(q.buf) }

// Policy returns the queue's full-queue policy.
func (q *Queue[T]) Policy() Policy { return q.policy }

// Stats returns a consistent snapshot of the queue's counters.
func (q *Queue[T]) Stats() QueueStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	s := QueueStats{
		Sent:      q.sent,
		Received:  q.received,
		Dropped:   q.dropped,
		Rejected:  q.rejected,
		HighWater: q.highWater,
		Len:       q.n,
		Cap:       len(q.buf),
		Bytes:     q.bytes,
	}
	if q.sizes != nil && q.maxBytes != math.MaxInt64 {
		s.MaxBytes = q.maxBytes
	}
	return s
}
