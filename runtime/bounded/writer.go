package bounded

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Writer defaults.
const (
	// DefaultWriterQueueSize is the default capacity of a Writer's queue.
	DefaultWriterQueueSize = 1024
	// DefaultMaxBatch is the default maximum number of values per sink call.
	DefaultMaxBatch = 128
	// maxKeptErrors bounds the sink errors kept for Flush and Close.
	maxKeptErrors = 16
)

// WriterOption configures NewWriter. Like Option it is not generic; the
// typed WithBatchBytes is checked against the Writer's element type by
// NewWriter, which panics on a mismatch.
type WriterOption struct {
	apply func(*writerConfig)
}

type writerConfig struct {
	queueSize   int
	maxBatch    int
	maxInFlight int
	batchBytes  int64
	sizeFn      any // func(T) int64
	interval    time.Duration
	onError     func(error)
}

// WithQueueSize sets how many values may wait for the sink (default
// DefaultWriterQueueSize). Write blocks and TryWrite fails with
// ErrOverloaded when that many are waiting. n < 1 panics.
func WithQueueSize(n int) WriterOption {
	if n < 1 {
		panic("bounded: WithQueueSize: size must be at least 1, got " + strconv.Itoa(n))
	}
	return WriterOption{func(c *writerConfig) { c.queueSize = n }}
}

// WithMaxBatch sets the maximum number of values passed to one sink call
// (default DefaultMaxBatch). n < 1 panics.
func WithMaxBatch(n int) WriterOption {
	if n < 1 {
		panic("bounded: WithMaxBatch: batch size must be at least 1, got " + strconv.Itoa(n))
	}
	return WriterOption{func(c *writerConfig) { c.maxBatch = n }}
}

// WithBatchBytes additionally limits a batch to n bytes as measured by
// size, which is called once per Write, outside any lock (negative sizes
// count as 0). A batch always holds at least one value, so a single value
// larger than n is passed alone. It also ends FlushInterval lingering once
// n bytes are queued. T must be the Writer's element type, else NewWriter
// panics. n < 1 or a nil size panics.
func WithBatchBytes[T any](n int64, size func(T) int64) WriterOption {
	if n < 1 {
		panic("bounded: WithBatchBytes: byte limit must be at least 1, got " + strconv.FormatInt(n, 10))
	}
	if size == nil {
		panic("bounded: WithBatchBytes: nil size function")
	}
	return WriterOption{func(c *writerConfig) {
		c.batchBytes = n
		c.sizeFn = size
	}}
}

// WithFlushInterval makes a Writer wait up to d after it finds a first
// value for a batch to fill up (to MaxBatch values or BatchBytes bytes)
// before calling the sink; Flush and Close cut the wait short. The default,
// 0, never waits: a batch is whatever is queued when a sink slot is free,
// so batches grow by themselves while the sink is slow ("natural
// batching"), which gives the lowest latency. d < 0 panics.
func WithFlushInterval(d time.Duration) WriterOption {
	if d < 0 {
		panic("bounded: WithFlushInterval: negative interval " + d.String())
	}
	return WriterOption{func(c *writerConfig) { c.interval = d }}
}

// WithMaxInFlight sets how many sink calls may run concurrently (default
// 1, which keeps batches in order). The Writer runs exactly n long-lived
// goroutines. n < 1 panics.
func WithMaxInFlight(n int) WriterOption {
	if n < 1 {
		panic("bounded: WithMaxInFlight: must be at least 1, got " + strconv.Itoa(n))
	}
	return WriterOption{func(c *writerConfig) { c.maxInFlight = n }}
}

// WithErrorHandler registers fn to be called with every error returned by
// the sink, on the Writer's goroutine right after the sink returns (so it
// delays the next batch of that goroutine and should be quick). Errors are
// also reported by Flush and Close whether or not a handler is set.
func WithErrorHandler(fn func(error)) WriterOption {
	return WriterOption{func(c *writerConfig) { c.onError = fn }}
}

// WriterStats is a consistent snapshot of a Writer's counters, cumulative
// since NewWriter. Invariant:
// Enqueued == Written + Failed + Dropped + Queued + InFlight.
type WriterStats struct {
	// Enqueued counts values accepted by Write and TryWrite.
	Enqueued uint64
	// Written counts values in batches for which the sink returned nil.
	Written uint64
	// Failed counts values in batches for which the sink returned an error.
	Failed uint64
	// Dropped counts values still queued when Close's context expired,
	// which were discarded without being passed to the sink.
	Dropped uint64
	// Rejected counts TryWrite calls that returned ErrOverloaded and Write
	// calls whose context ended while they waited for room.
	Rejected uint64
	// Batches counts sink calls that returned.
	Batches uint64
	// Queued is the number of values waiting in the queue.
	Queued int
	// InFlight is the number of values in sink calls in progress.
	InFlight int
	// HighWater is the largest number of values queued at once.
	HighWater int
}

// String formats the snapshot for logs.
func (s WriterStats) String() string {
	return fmt.Sprintf("enqueued=%d written=%d failed=%d dropped=%d rejected=%d batches=%d queued=%d inflight=%d highwater=%d",
		s.Enqueued, s.Written, s.Failed, s.Dropped, s.Rejected, s.Batches, s.Queued, s.InFlight, s.HighWater)
}

// Writer batches values written by any number of goroutines and passes
// them to a sink function (typically a database or network bulk write),
// with bounded memory and explicit overload behaviour: Write blocks
// (cancellable), TryWrite fails fast with ErrOverloaded.
//
// Memory bound: at most QueueSize + MaxInFlight*MaxBatch values are held
// (the queue plus one batch buffer per sink goroutine, all allocated by
// NewWriter). Goroutines: exactly MaxInFlight, started by NewWriter, all
// gone when Close returns; Close must be called.
//
// The sink is called with batches of 1..MaxBatch values in queue order
// (with MaxInFlight > 1, batches may complete out of order). It must not
// retain the batch slice or the values' addresses after it returns: the
// buffer is reused. It receives a context that is cancelled when Close's
// context expires (or after Close), and it must honour it, because Close
// waits for running sink calls. The Writer does not retry: a batch for
// which the sink returns an error is counted as Failed and the error is
// reported to the error handler and by the next Flush or Close. The sink
// must not call Write, Flush or Close on its own Writer: it is what drains
// the queue, so that could deadlock.
type Writer[T any] struct {
	q          *Queue[T] // Block policy; q.mu also guards the fields marked (mu)
	sink       func(ctx context.Context, batch []T) error
	maxBatch   int
	batchBytes int64 // math.MaxInt64 when unset
	interval   time.Duration
	onError    func(error)
	sinkCtx    context.Context
	cancel     context.CancelFunc
	done       chan struct{} // closed when the last worker exits

	collecting bool       // (mu) a worker is collecting the next batch
	idle       waitList   // (mu) workers waiting to collect
	flushers   waitList   // (mu) Flush calls waiting
	slots      []batchRef // (mu) per worker: batch in the sink
	dequeued   uint64     // (mu) values taken from the queue (batched or dropped)
	flushReq   uint64     // (mu) highest Flush target
	errs       []error    // (mu) sink errors since the last Flush
	omitted    int        // (mu) sink errors not kept in errs
	written    uint64     // (mu)
	failed     uint64     // (mu)
	dropped    uint64     // (mu)
	batches    uint64     // (mu)
	inFlight   int        // (mu)
	running    int        // (mu) workers not yet exited

	closeStarted bool          // (mu)
	closeDone    chan struct{} // closed when the first Close returns
	closeErr     error         // set before closeDone is closed
}

type batchRef struct {
	start  uint64 // sequence number of the batch's first value
	active bool
}

// NewWriter starts a Writer calling sink. It panics if sink is nil, or if
// a typed option's T differs from the Writer's.
func NewWriter[T any](sink func(ctx context.Context, batch []T) error, opts ...WriterOption) *Writer[T] {
	if sink == nil {
		panic("bounded: NewWriter: nil sink")
	}
	c := writerConfig{queueSize: DefaultWriterQueueSize, maxBatch: DefaultMaxBatch, maxInFlight: 1}
	for _, o := range opts {
		if o.apply != nil {
			o.apply(&c)
		}
	}
	w := &Writer[T]{
		q:          NewQueue[T](c.queueSize),
		sink:       sink,
		maxBatch:   c.maxBatch,
		batchBytes: math.MaxInt64,
		interval:   c.interval,
		onError:    c.onError,
		done:       make(chan struct{}),
		closeDone:  make(chan struct{}),
		slots:      make([]batchRef, c.maxInFlight),
		running:    c.maxInFlight,
	}
	if c.sizeFn != nil {
		fn, ok := c.sizeFn.(func(T) int64)
		if !ok {
			panic(fmt.Sprintf("bounded: NewWriter[%s]: WithBatchBytes got a size function %T, want a func(%[1]s) int64", typeName[T](), c.sizeFn))
		}
		w.batchBytes = c.batchBytes
		w.q.trackSizes(fn, math.MaxInt64)
	}
	w.q.notifyN = w.maxBatch
	w.q.notifyBytes = w.batchBytes
	w.sinkCtx, w.cancel = context.WithCancel(context.Background())
	for i := range w.slots {
		go w.run(i)
	}
	return w
}

// Write enqueues v, waiting while the queue is full until there is room,
// ctx is done (it returns ctx.Err()), or the Writer is closed (ErrClosed).
// It succeeds without looking at ctx when there is room immediately. A nil
// return means v was accepted, not written: sink errors are reported by
// Flush, Close and the error handler.
func (w *Writer[T]) Write(ctx context.Context, v T) error {
	return w.q.Send(ctx, v)
}

// TryWrite enqueues v if there is room and returns ErrOverloaded otherwise,
// never blocking; it returns ErrClosed after Close.
func (w *Writer[T]) TryWrite(v T) error {
	err := w.q.TrySend(v)
	if err == ErrFull {
		return ErrOverloaded
	}
	return err
}

// Flush waits until every value enqueued before the call has been passed to
// a sink call that returned (or was dropped by Close), cutting any
// FlushInterval wait short. It returns the sink errors reported since the
// previous Flush (joined with errors.Join; nil if none), and consumes them.
// If ctx ends first it returns ctx.Err() joined with those errors.
// Flush may be called concurrently with Write, and after Close.
func (w *Writer[T]) Flush(ctx context.Context) error {
	q := w.q
	q.mu.Lock()
	target := q.sent
	if w.watermarkLocked() >= target {
		err := w.takeErrsLocked()
		q.mu.Unlock()
		return err
	}
	if target > w.flushReq {
		w.flushReq = target
	}
	var wc wakeChain
	if q.notify != nil { // cut lingering short
		wc.add(q.notify)
		q.notify = nil
	}
	done := ctx.Done()
	me := getWaiter()
	me.target = target
	for {
		w.flushers.pushBack(me)
		q.mu.Unlock()
		wc.fire()
		woken := me.park(done)
		q.mu.Lock()
		if me.listed {
			w.flushers.remove(me)
		} else if !woken {
			me.consume()
		}
		if w.watermarkLocked() >= target {
			err := w.takeErrsLocked()
			q.mu.Unlock()
			putWaiter(me)
			return err
		}
		if !woken {
			err := errors.Join(ctx.Err(), w.takeErrsLocked())
			q.mu.Unlock()
			putWaiter(me)
			return err
		}
	}
}

// Close stops accepting values (Write and TryWrite return ErrClosed from
// then on; blocked Writes are woken with ErrClosed), passes everything
// already queued to the sink, waits for the sink calls, and returns the
// sink errors not yet reported by Flush (joined). If ctx ends before the
// queue is drained, the values still queued are discarded and counted in
// Stats().Dropped, the sink's context is cancelled, and the returned error
// wraps ctx.Err() and says how many values were dropped; Close still waits
// for running sink calls to return, so that no goroutine remains.
//
// Close is idempotent: later calls wait (until their own ctx ends) for the
// first to finish and return its result.
func (w *Writer[T]) Close(ctx context.Context) error {
	q := w.q
	q.mu.Lock()
	if w.closeStarted {
		q.mu.Unlock()
		select {
		case <-w.closeDone:
			return w.closeErr
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	w.closeStarted = true
	q.mu.Unlock()
	q.Close() // wakes blocked writers and the collector

	var dropErr error
	select {
	case <-w.done:
	case <-ctx.Done():
		q.mu.Lock()
		k := q.n
		if k > 0 {
			clear(q.buf)
			if q.sizes != nil {
				clear(q.sizes)
			}
			q.head, q.n, q.bytes = 0, 0, 0
			w.dropped += uint64(k)
			w.dequeued += uint64(k)
		}
		var wc wakeChain
		w.wakeFlushersLocked(&wc)
		q.mu.Unlock()
		wc.fire()
		w.cancel()
		<-w.done
		dropErr = fmt.Errorf("bounded: Writer.Close: %w before the queue was drained (%d values dropped)", ctx.Err(), k)
	}
	w.cancel()
	q.mu.Lock()
	errs := w.takeErrsLocked()
	q.mu.Unlock()
	w.closeErr = errors.Join(errs, dropErr)
	close(w.closeDone)
	return w.closeErr
}

// Stats returns a consistent snapshot of the Writer's counters.
func (w *Writer[T]) Stats() WriterStats {
	q := w.q
	q.mu.Lock()
	defer q.mu.Unlock()
	return WriterStats{
		Enqueued:  q.sent,
		Written:   w.written,
		Failed:    w.failed,
		Dropped:   w.dropped,
		Rejected:  q.rejected,
		Batches:   w.batches,
		Queued:    q.n,
		InFlight:  w.inFlight,
		HighWater: q.highWater,
	}
}

// watermarkLocked returns the sequence number below which every value is
// done (returned from the sink or dropped).
func (w *Writer[T]) watermarkLocked() uint64 {
	m := w.dequeued
	for _, s := range w.slots {
		if s.active && s.start < m {
			m = s.start
		}
	}
	return m
}

func (w *Writer[T]) wakeFlushersLocked(wc *wakeChain) {
	if w.flushers.empty() {
		return
	}
	m := w.watermarkLocked()
	for f := w.flushers.head; f != nil; {
		next := f.next
		if f.target <= m {
			w.flushers.remove(f)
			wc.add(f)
		}
		f = next
	}
}

func (w *Writer[T]) addErrLocked(err error) {
	if len(w.errs) < maxKeptErrors {
		w.errs = append(w.errs, err)
	} else {
		w.omitted++
	}
}

func (w *Writer[T]) takeErrsLocked() error {
	if len(w.errs) == 0 {
		return nil
	}
	errs := w.errs
	if w.omitted > 0 {
		errs = append(errs, fmt.Errorf("bounded: %d more sink errors omitted", w.omitted))
	}
	w.errs, w.omitted = nil, 0
	return errors.Join(errs...)
}

// takeLocked moves the next batch from the queue into buf.
func (w *Writer[T]) takeLocked(buf []T) int {
	q := w.q
	k := min(q.n, w.maxBatch)
	if q.sizes != nil && q.bytes > w.batchBytes {
		var b int64
		i := q.head
		for j := 0; j < k; j++ {
			b += q.sizes[i]
			if j > 0 && b > w.batchBytes {
				k = j
				break
			}
			if i++; i == len(q.buf) {
				i = 0
			}
		}
	}
	return q.popManyLocked(buf[:k])
}

// run is the body of one sink goroutine. Workers take turns collecting a
// batch (leader/followers), so that at most one of them waits on the queue
// and lingers, then call the sink outside the lock.
func (w *Writer[T]) run(id int) {
	q := w.q
	buf := make([]T, w.maxBatch)
	me := &waiter{ch: make(chan struct{}, 1)}
	var timer *time.Timer
	if w.interval > 0 {
		timer = time.NewTimer(time.Hour)
		timer.Stop()
	}
	q.mu.Lock()
	for {
		for w.collecting {
			w.idle.pushBack(me)
			q.mu.Unlock()
			me.park(nil)
			q.mu.Lock()
		}
		w.collecting = true
		for q.n == 0 && !q.closed {
			q.recvq.pushBack(me)
			q.mu.Unlock()
			me.park(nil)
			q.mu.Lock()
		}
		if q.n == 0 { // closed and drained (or dropped): exit, handing over
			w.collecting = false
			var wc wakeChain
			wc.takeOne(&w.idle)
			w.running--
			last := w.running == 0
			q.mu.Unlock()
			wc.fire()
			if last {
				close(w.done)
			}
			return
		}
		if timer != nil && !q.closed && q.n < w.maxBatch && q.bytes < w.batchBytes && w.flushReq <= w.dequeued {
			q.notify = me
			timer.Reset(w.interval)
			q.mu.Unlock()
			woken := true
			select {
			case <-me.ch:
			case <-timer.C:
				woken = false
			}
			timer.Stop()
			q.mu.Lock()
			if !woken {
				if q.notify == me {
					q.notify = nil
				} else {
					me.consume()
				}
			}
			if q.n == 0 { // dropped by Close: start over
				w.collecting = false
				continue
			}
		}
		k := w.takeLocked(buf)
		slot := &w.slots[id]
		slot.start, slot.active = w.dequeued, true
		w.dequeued += uint64(k)
		q.received += uint64(k)
		w.inFlight += k
		w.collecting = false
		var wc wakeChain
		wc.takeOne(&w.idle)
		if q.sendq.head != nil {
			wc.takeN(&q.sendq, k)
		}
		q.mu.Unlock()
		wc.fire()

		err := w.sink(w.sinkCtx, buf[:k])
		clear(buf[:k])
		if err != nil && w.onError != nil {
			w.onError(err)
		}

		q.mu.Lock()
		slot.active = false
		w.inFlight -= k
		w.batches++
		if err != nil {
			w.failed += uint64(k)
			w.addErrLocked(err)
		} else {
			w.written += uint64(k)
		}
		w.wakeFlushersLocked(&wc)
		if wc.head != nil {
			q.mu.Unlock()
			wc.fire()
			q.mu.Lock()
		}
	}
}
