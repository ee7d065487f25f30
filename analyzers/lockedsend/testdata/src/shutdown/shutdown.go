// Package shutdown is checked with the default options: waits for
// another goroutine to answer or finish are reported only when that
// goroutine needs the mutex too.
package shutdown

import "sync"

// A WAL whose Close stops its actor goroutine under the mutex
// (prometheus tsdb/wlog): the actor never takes w.mtx, so Close waits
// at most for the actor's current job. Quiet by default.
type WAL struct {
	mtx    sync.Mutex
	actorc chan func()
	stopc  chan chan struct{}
	segs   int
}

func NewWAL() *WAL {
	w := &WAL{actorc: make(chan func(), 100), stopc: make(chan chan struct{})}
	go w.run()
	return w
}

func (w *WAL) run() { // want run:"mayBlock.wait: waits in a select to receive from w.actorc"
	for {
		select {
		case f := <-w.actorc:
			f()
		case donec := <-w.stopc:
			close(w.actorc)
			defer close(donec)
			return
		}
	}
}

func (w *WAL) Close() { // want Close:"mayBlock.wait: sends on w.stopc"
	w.mtx.Lock()
	defer w.mtx.Unlock()
	donec := make(chan struct{})
	w.stopc <- donec // a stop handshake
	<-donec          // the actor's answer
}

// Queueing work for the actor under the mutex is backpressure: a slow
// actor stalls every writer.
func (w *WAL) nextSegment() { // want nextSegment:`mayBlock\(sends on w.actorc`
	w.actorc <- func() {}
}

func (w *WAL) Log() {
	w.mtx.Lock()
	defer w.mtx.Unlock()
	w.segs++
	w.nextSegment() // want `call to w.nextSegment while w.mtx is locked \(line 52\): w.nextSegment may block on a channel: it sends on w.actorc \(shutdown.go:48\); every goroutine that needs w.mtx waits as long, and deadlocks if the other side of the channel needs w.mtx; call it after unlocking`
}

func (w *WAL) Segments() int {
	w.mtx.Lock()
	defer w.mtx.Unlock()
	return w.segs
}

// A database whose Close asks its metrics loop to quit and waits for
// the answer (go-ethereum ethdb/pebble). Quiet by default.
type DB struct {
	quitLock sync.RWMutex
	quitChan chan chan error
	closed   bool
}

func (d *DB) meter() { // want meter:"mayBlock.wait: receives from d.quitChan"
	for {
		errc := <-d.quitChan
		errc <- nil
		return
	}
}

func (d *DB) Close() error { // want Close:"mayBlock.wait"
	d.quitLock.Lock()
	defer d.quitLock.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	errc := make(chan error)
	d.quitChan <- errc
	return <-errc
}

func (d *DB) Get() bool {
	d.quitLock.RLock()
	defer d.quitLock.RUnlock()
	return d.closed
}

// A broadcaster whose stop waits for its goroutine to exit, called
// under another mutex (etcd grpcproxy watch_ranges). Quiet by default.
type broadcasts struct {
	stopc chan struct{}
	donec chan struct{}
}

func newBroadcasts() *broadcasts {
	b := &broadcasts{stopc: make(chan struct{}), donec: make(chan struct{})}
	go func() {
		defer close(b.donec)
		<-b.stopc
	}()
	return b
}

func (b *broadcasts) stop() { // want stop:"mayBlock.wait: receives from b.donec"
	close(b.stopc)
	<-b.donec
}

type ranges struct {
	mu  sync.Mutex
	bcs map[string]*broadcasts
}

func (r *ranges) delete(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bcs[key].stop()
	delete(r.bcs, key)
}

// An agent DB whose Close waits for its run loop under db.mtx, while the
// loop, before it can see the stop, truncates under db.mtx.RLock()
// (prometheus tsdb/agent): a deadlock, reported.
type agent struct {
	mtx   sync.RWMutex
	stopc chan struct{}
	donec chan struct{}
	tick  chan struct{}
	head  int
}

func (db *agent) run() { // want run:"mayBlock.wait"
	defer close(db.donec)
	for {
		select {
		case <-db.stopc:
			return
		case <-db.tick:
			db.truncate()
		}
	}
}

func (db *agent) truncate() {
	db.mtx.RLock()
	defer db.mtx.RUnlock()
	db.head++
}

func (db *agent) Close() { // want Close:"mayBlock.wait"
	db.mtx.Lock()
	defer db.mtx.Unlock()
	close(db.stopc)
	<-db.donec // want `receive from db.donec while db.mtx is locked \(line 161\): until a sender comes, every goroutine that needs db.mtx waits, and agent.run, which closes db.donec, locks db.mtx too \(shutdown.go:149\): they can deadlock; receive before locking or after db.mtx.Unlock\(\)`
}

// The same wait behind a call: the message names the deadlock.
func (db *agent) waitStopped() { // want waitStopped:"mayBlock.wait"
	<-db.donec
}

func (db *agent) Stop() {
	db.mtx.Lock()
	defer db.mtx.Unlock()
	close(db.stopc)
	db.waitStopped() // want `call to db.waitStopped while db.mtx is locked \(line 173\): db.waitStopped may block on a channel: it receives from db.donec \(shutdown.go:169\); every goroutine that needs db.mtx waits as long, and agent.run, which closes db.donec, locks db.mtx too \(shutdown.go:149\): they can deadlock; call it after unlocking`
}

// Subscribers get the stored notifications under the mutex before they
// get the channel (prometheus util/notifications): with more than 10,
// the send blocks forever. Reported: a stream of values.
type notifications struct {
	mu    sync.Mutex
	subs  map[chan string]struct{}
	items []string
}

func (n *notifications) Sub() <-chan string { // want Sub:"mayBlock"
	ch := make(chan string, 10)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.subs[ch] = struct{}{}
	for _, it := range n.items {
		ch <- it // want `send on ch while n.mu is locked`
	}
	return ch
}

func (n *notifications) Add(s string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.items = append(n.items, s)
}

// A consumer loop that holds the mutex for the whole stream.
type tail struct {
	mu    sync.Mutex
	lines chan string
	n     int
}

func (t *tail) follow() { // want follow:"mayBlock"
	t.mu.Lock()
	defer t.mu.Unlock()
	for range t.lines { // want `range over t.lines while t.mu is locked`
		t.n++
	}
}

func (t *tail) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// Answering a request under the mutex: the requester waits for the
// answer; quiet by default.
type server struct {
	mu    sync.Mutex
	reqs  chan request
	state int
}

type request struct{ reply chan int }

func (s *server) loop() { // want loop:"mayBlock.ranges over s.reqs"
	for req := range s.reqs {
		s.mu.Lock()
		req.reply <- s.state
		s.mu.Unlock()
	}
}

func (s *server) get() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// A request that carries its reply channel, sent to a loop that never
// takes the mutex (go-ethereum triedb/pathdb's indexer interrupt): a
// handshake like sending the channel itself. Quiet by default.
type signal struct {
	version uint64
	result  chan error
}

type indexer struct {
	interrupt chan *signal
	closed    chan struct{}
}

func (i *indexer) loop() { // want loop:"mayBlock.wait"
	for {
		select {
		case sig := <-i.interrupt:
			sig.result <- nil
		case <-i.closed:
			return
		}
	}
}

func (i *indexer) shorten(version uint64) error { // want shorten:"mayBlock.wait"
	sig := &signal{version: version, result: make(chan error, 1)}
	i.interrupt <- sig
	return <-sig.result
}

type layer struct {
	lock sync.RWMutex
	idx  *indexer
	tip  uint64
}

func (l *layer) revert() error {
	l.lock.Lock()
	defer l.lock.Unlock()
	l.tip--
	return l.idx.shorten(l.tip)
}

// An event that carries a receive-only cancel signal is no request: the
// receiver cannot answer on it. A value for a consumer: reported.
type event struct {
	data   int
	cancel <-chan struct{}
}

type dispatcher struct {
	mu     sync.Mutex
	events chan event
	n      int
}

func (d *dispatcher) emit(v int, cancel <-chan struct{}) { // want emit:"mayBlock\\(sends on d.events"
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n++
	d.events <- event{v, cancel} // want `send on d.events while d.mu is locked`
}

func (d *dispatcher) run() { // want run:"mayBlock\\(ranges over d.events"
	for e := range d.events {
		_ = e
	}
}

func (d *dispatcher) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n
}
