package slicequeue

// Event loops: one goroutine owns the queue, but appends what it
// receives from a channel, so other goroutines feed it at their rate.

// go-ethereum's blobpool conversion queue.
type conversionQueue struct {
	start    chan func()
	taskDone chan struct{}
	queue    []func()
}

func (q *conversionQueue) loop() {
	for {
		select {
		case fn := <-q.start:
			q.queue = append(q.queue, fn) // want `append to q.queue, a queue that runNext consumes from the front`
			if q.taskDone == nil {
				q.runNext()
			}
		case <-q.taskDone:
			q.runNext()
		}
	}
}

func (q *conversionQueue) runNext() {
	if len(q.queue) == 0 {
		q.taskDone = nil
		return
	}
	fn := q.queue[0]
	q.queue = append(q.queue[:0], q.queue[1:]...)
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	q.taskDone = done
}

// An "unbounded channel": the loop appends in one case and hands the
// head to the receiver in another.
type unboundedChan struct {
	in  <-chan Event
	out chan<- Event
	buf []Event
}

func (u *unboundedChan) run() {
	for {
		var out chan<- Event
		var head Event
		if len(u.buf) > 0 {
			out, head = u.out, u.buf[0]
		}
		select {
		case e := <-u.in:
			u.buf = append(u.buf, e) // want `append to u.buf, a queue that run consumes from the front`
		case out <- head:
			u.buf = u.buf[1:]
		}
	}
}

// Negative: the same case drains what it appended (a work list per
// message).
type expander struct {
	todo []int
}

func (x *expander) run(in <-chan int, children func(int) []int) {
	for {
		select {
		case n := <-in:
			x.todo = append(x.todo, n)
			for len(x.todo) > 0 {
				m := x.todo[0]
				x.todo = x.todo[1:]
				x.todo = append(x.todo, children(m)...)
			}
		}
	}
}

// Negative: the loop receives ticks, not messages, and the list is a
// single goroutine's own state.
type retrier struct {
	failed []string
}

func (r *retrier) run(tick <-chan struct{}, check func() []string) {
	for range tick {
		r.failed = append(r.failed, check()...)
		r.retry()
	}
}

func (r *retrier) retry() {
	for len(r.failed) > 0 {
		f := r.failed[0]
		r.failed = r.failed[1:]
		_ = f
	}
}
