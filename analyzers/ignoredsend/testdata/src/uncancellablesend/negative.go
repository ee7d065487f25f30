package uncancellablesend

import (
	"context"
	"sync"
	"time"
)

// No context and no stop channel in scope: nothing to cancel with.
func noCtx(out chan<- int) {
	out <- 1
}

// The send already selects on ctx.Done.
func withDone(ctx context.Context, out chan<- int) {
	select {
	case out <- 1:
	case <-ctx.Done():
	}
}

// A stop channel, a timeout, or a default are escapes too.
func withEscapes(ctx context.Context, out chan<- int, quit <-chan struct{}) {
	select {
	case out <- 1:
	case <-quit:
	}
	select {
	case out <- 2:
	case <-time.After(time.Second):
	}
	t := time.NewTimer(time.Second)
	select {
	case out <- 3:
	case <-t.C:
	}
}

// A receive on another channel lets the select proceed.
func pump(ctx context.Context, in <-chan int, out chan<- int) {
	var pending int
	for {
		select {
		case v := <-in:
			pending = v
		case out <- pending:
		}
	}
}

// A context that can never be cancelled does not count.
func background(out chan<- int) {
	ctx := context.Background()
	_ = ctx
	out <- 1
}

// The buffer holds one send per element of xs.
func fanOut(ctx context.Context, xs []int) error {
	errc := make(chan error, len(xs))
	for _, x := range xs {
		go func() {
			errc <- check(x)
		}()
	}
	for range xs {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// Counted with for i := 0; i < n; i++ and a capacity of n.
func fanOutN(ctx context.Context, n int) {
	done := make(chan int, n)
	for i := 0; i < n; i++ {
		go func() { done <- i }()
	}
}

// Exclusive sends on one path each: one send per goroutine, cap 1.
func handshake(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() {
		if err := check(1); err != nil {
			errc <- err
			return
		}
		errc <- nil
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Branches of an if/else: one send per run.
func branches(ctx context.Context, ok bool) {
	res := make(chan string, 1)
	go func() {
		if ok {
			res <- "yes"
		} else {
			res <- "no"
		}
	}()
	_ = res
}

// Two literal senders, capacity two.
func two(ctx context.Context) {
	errc := make(chan error, 2)
	go func() { errc <- check(1) }()
	go func() { errc <- check(2) }()
}

// A receiver that drains the channel to its close: the senders always
// finish.
func drainedByRange(ctx context.Context, xs []int) []result {
	results := make(chan result)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- run(job{x})
		}()
	}
	go func() { wg.Wait(); close(results) }()
	var out []result
	for r := range results {
		if r.err != nil {
			continue
		}
		out = append(out, r)
	}
	return out
}

// A consumer goroutine drains the channel; the producer is the
// function itself.
func drainedByGoroutine(ctx context.Context, xs []int) {
	work := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for x := range work {
			_ = x
		}
	}()
	for _, x := range xs {
		work <- x
	}
	close(work)
	wg.Wait()
}

// A single send and a receive on every path, even after a timeout case
// that only logs.
func slowOpen(ctx context.Context) int {
	opened := make(chan int)
	go func() { opened <- 1 }()
	select {
	case v := <-opened:
		return v
	case <-time.After(time.Second):
		println("slow")
	}
	return <-opened
}

// The escape case drains before leaving.
func drainOnStop(ctx context.Context, unsub <-chan struct{}) error {
	subscribed := make(chan error)
	go func() { subscribed <- check(0) }()
	select {
	case err := <-subscribed:
		return err
	case <-unsub:
		<-subscribed
		return nil
	}
}

// A counted receive loop without early exit receives every send.
func countedDrain(ctx context.Context, servers []string) {
	resc := make(chan string)
	for _, s := range servers {
		go func() { resc <- s }()
	}
	for range servers {
		r := <-resc
		println(r)
	}
}

// A close never blocks; only sends are judged.
func closer(ctx context.Context, done chan struct{}) {
	close(done)
}

// Suppressed with a reason.
func suppressed(ctx context.Context, out chan<- int) {
	//bplint:ignore ignoredsend/uncancellable-send the consumer drains out until it is closed
	out <- 1
}

type batch struct {
	msgs chan int
	done chan struct{}
	err  error
}

// Channels made as fields of a struct literal: the buffer counts. The
// sends on done each end the function or come after those that do.
func fetchBatch(ctx context.Context, n int, next func() (int, bool)) (*batch, error) {
	res := &batch{
		msgs: make(chan int, n),
		done: make(chan struct{}, 1),
	}
	for len(res.msgs) < n {
		v, ok := next()
		if !ok {
			break
		}
		res.msgs <- v // guarded by len(res.msgs) < n
	}
	if len(res.msgs) == n {
		close(res.msgs)
		res.done <- struct{}{}
		return res, nil
	}
	if err := check(n); err != nil {
		res.done <- struct{}{}
		return nil, err
	}
	go func() {
		close(res.msgs)
		res.done <- struct{}{}
	}()
	return res, nil
}

// A send checked against the capacity never blocks.
func checked(ctx context.Context, out chan<- int) {
	if len(out) < cap(out) {
		out <- 1
	}
}

// Room is made just before: only the latest value is kept.
func latest(ctx context.Context, streams chan int, v int) {
	select {
	case <-streams:
	default:
	}
	streams <- v
}

// A callback handed to a serving goroutine runs once; the function
// waits for its reply on every path.
type logger struct{ funcs chan func(context.Context) }

func (l *logger) subscribe() int {
	res := make(chan int)
	l.funcs <- func(ctx context.Context) {
		res <- 1
	}
	return <-res
}

func schedule(f func(context.Context)) {}

func scheduled() error {
	errCh := make(chan error)
	schedule(func(ctx context.Context) {
		if ctx.Err() != nil {
			errCh <- ctx.Err()
			return
		}
		errCh <- check(1)
	})
	return <-errCh
}

// Inside the ctx.Done case the context is already done: waiting on it
// again would skip the send.
func afterStop(ctx context.Context, errc chan<- error) {
	select {
	case <-ctx.Done():
		errc <- ctx.Err()
	}
}

// The reply channel of a request: the requester waits on it.
type request struct {
	fn  func() error
	err chan error
}

func serve(ctx context.Context, reqs <-chan request) {
	for {
		select {
		case req := <-reqs:
			req.err <- req.fn()
		case <-ctx.Done():
			return
		}
	}
}

func serveVar(ctx context.Context, reqs <-chan request) {
	var req request
	for {
		select {
		case req = <-reqs:
		case <-ctx.Done():
			return
		}
		req.err <- req.fn()
	}
}

func serveRange(ctx context.Context, reqs <-chan request) {
	for req := range reqs {
		req.err <- req.fn()
	}
}

// A goroutine started in a loop, received from before the next start:
// each run's send is taken.
func resubscribe(ctx context.Context, unsub <-chan struct{}) error {
	subscribed := make(chan error)
	for {
		ctx2, cancel := context.WithCancel(ctx)
		go func() {
			subscribed <- work(ctx2)
		}()
		select {
		case err := <-subscribed:
			cancel()
			if err == nil {
				return nil
			}
		case <-unsub:
			cancel()
			<-subscribed
			return nil
		}
	}
}

func work(ctx context.Context) error { return nil }

// A worker pool filling a buffer sized for its items, in a relation
// the analyzer cannot follow: the function keeps the channel to itself.
func pool(ctx context.Context, blocks int, workers int) int {
	results := make(chan int, blocks)
	var next sync.Mutex
	n := 0
	for range workers {
		go func() {
			for {
				next.Lock()
				i := n
				n++
				next.Unlock()
				if i >= blocks {
					return
				}
				results <- i
			}
		}()
	}
	sum := 0
	for range blocks {
		sum += <-results
	}
	return sum
}

// Putting back a semaphore token never blocks.
type limiter struct{ slots chan struct{} }

func (l *limiter) run(ctx context.Context, f func()) {
	select {
	case <-l.slots:
	case <-ctx.Done():
		return
	}
	go func() {
		f()
		l.slots <- struct{}{}
	}()
}

// A request object handed in whose reply channel every make buffers.
type op struct {
	resp chan []byte
}

func newOp() *op { return &op{resp: make(chan []byte, 1)} }

func newOpVar() *op {
	ch := make(chan []byte, 1)
	return &op{resp: ch}
}

func answer(ctx context.Context, o *op, b []byte) error {
	o.resp <- b
	return nil
}

// A reply channel received from a channel of channels.
type wallet struct {
	deriveReq chan chan struct{}
	commsLock chan struct{}
}

func (w *wallet) selfDerive(ctx context.Context) {
	var reqc chan struct{}
	for {
		select {
		case <-ctx.Done():
			return
		case reqc = <-w.deriveReq:
		}
		// A try-acquire is not a stop case: the send below is a reply,
		// not a send-in-default.
		select {
		case <-w.commsLock:
		default:
			reqc <- struct{}{}
			continue
		}
		reqc <- struct{}{}
		w.commsLock <- struct{}{}
	}
}

// Test hooks are nil in production and read by the test that sets them.
type filter struct{ rangeLogsTestHook chan int }

func (f *filter) search(ctx context.Context, n int) {
	if f.rangeLogsTestHook != nil {
		f.rangeLogsTestHook <- n
	}
}

// The reply channel of a call carried by a timeout event received.
type callTimeout struct{ c *callV5 }

type callV5 struct{ err chan error }

func timeouts(ctx context.Context, respTimeoutCh chan *callTimeout) {
	for {
		select {
		case ct := <-respTimeoutCh:
			ct.c.err <- context.DeadlineExceeded
		case <-ctx.Done():
			return
		}
	}
}

// A request handed in through a range, its reply channel buffered
// through a variable with a capacity that is not constant.
type matcher struct{ errc chan error }

func expire(ctx context.Context, pending []*matcher) {
	for _, p := range pending {
		p.errc <- context.DeadlineExceeded
	}
}

func newMatchers(n int) []*matcher {
	var (
		errc = make(chan error, n)
	)
	return []*matcher{{errc: errc}}
}

// A channel used as a mutex: take the token, put it back.
type shared struct{ memMu chan []byte }

func (s *shared) use(ctx context.Context) {
	mem := <-s.memMu
	defer func() { s.memMu <- mem }()
	_ = mem
}

// A token channel carrying state between goroutines.
func status(ctx context.Context, fns []func() error) {
	type st struct{ running int }
	statusc := make(chan st, 1)
	statusc <- st{running: len(fns)}
	for _, fn := range fns {
		go func() {
			fn()
			s := <-statusc
			s.running--
			statusc <- s
		}()
	}
}

// The first send into a channel just made with room for it.
type conn struct{ availch chan struct{} }

func (c *conn) init(ctx context.Context) {
	c.availch = make(chan struct{}, 1)
	c.availch <- struct{}{}
}

type watcher struct{ updates chan int }

func watch(ctx context.Context, sub func(func(int))) *watcher {
	w := &watcher{updates: make(chan int, 256)}
	w.updates <- 0
	return w
}

// A one-shot result: the send is followed by close, on a field every
// make buffers.
type wantConn struct {
	result chan error
	done   bool
}

func newWantConn() *wantConn { return &wantConn{result: make(chan error, 1)} }

func (w *wantConn) tryDeliver(ctx context.Context, err error) bool {
	if w.done {
		return false
	}
	w.done = true
	w.result <- err
	close(w.result)
	return true
}

type listItem struct {
	v   int
	err error
}

// The first send on each path of a goroutine started right after the
// make, into a buffer with room for it (minio's ListObjects): an early
// error, or the cancellation seen before any other send.
func list(ctx context.Context, check func() error, next func() (int, bool)) <-chan listItem {
	ch := make(chan listItem, 1)
	go func() {
		defer close(ch)
		if ctx.Err() != nil {
			ch <- listItem{err: ctx.Err()}
			return
		}
		if err := check(); err != nil {
			ch <- listItem{err: err}
			return
		}
		if next == nil {
			ch <- listItem{err: context.Canceled}
			return
		}
		for {
			v, ok := next()
			if !ok {
				return
			}
			select {
			case ch <- listItem{v: v}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// The only send into a one-slot buffer, from a goroutine started right
// after the make; the abandon path drains it in another goroutine
// (pgxpool's ping).
func ping(ctx context.Context, do func() error) error {
	errc := make(chan error, 1)
	go func() {
		errc <- do()
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		go func() { <-errc }()
		return ctx.Err()
	}
}
