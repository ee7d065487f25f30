package slicequeue

import "sync"

type Event struct{ Name string }

// Positive cases.

type Dispatcher struct {
	mu      sync.Mutex
	cond    *sync.Cond
	pending []Event
}

func (d *Dispatcher) Push(e Event) {
	d.mu.Lock()
	d.pending = append(d.pending, e) // want `append to d.pending, a queue that Pop consumes from the front, with no length check: when the consumer falls behind, the queue grows with the producer's rate; check len\(d.pending\) against a maximum first, or use a bounded.Queue\[Event\] with a capacity and a policy`
	d.mu.Unlock()
}

func (d *Dispatcher) PushMany(es []Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending = append(d.pending, es...) // want `append to d.pending, a queue that Pop consumes`
}

func (d *Dispatcher) Pop() (Event, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.pending) == 0 {
		return Event{}, false
	}
	e := d.pending[0]
	d.pending = d.pending[1:]
	return e, true
}

var (
	logMu   sync.Mutex
	backlog []string
)

func logLine(s string) {
	logMu.Lock()
	backlog = append(backlog, s) // want `append to backlog, a queue that flush consumes from the front`
	logMu.Unlock()
}

func flush() {
	logMu.Lock()
	defer logMu.Unlock()
	for len(backlog) > 0 {
		println(backlog[0])
		copy(backlog, backlog[1:])
		backlog = backlog[:len(backlog)-1]
	}
}

type ring struct {
	mu    sync.Mutex
	items []int
}

func (r *ring) add(i int) {
	r.items = append(r.items, i) // want `a queue that take consumes from the front`
}

func (r *ring) take() int {
	i := r.items[0]
	r.items = append(r.items[:0], r.items[1:]...)
	return i
}

// Negative cases.

type Bounded struct {
	mu    sync.Mutex
	queue []Event
	max   int
}

func (b *Bounded) Push(e Event) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) >= b.max {
		return false
	}
	b.queue = append(b.queue, e)
	return true
}

func (b *Bounded) Pop() Event {
	e := b.queue[0]
	b.queue = b.queue[1:]
	return e
}

type sized struct {
	buf   [][]byte
	bytes int
	limit int
}

func (s *sized) put(p []byte) {
	if s.bytes+len(p) > s.limit {
		return
	}
	s.bytes += len(p)
	s.buf = append(s.buf, p)
}

func (s *sized) get() []byte {
	p := s.buf[0]
	s.buf = s.buf[1:]
	s.bytes -= len(p)
	return p
}

// A work list: the same function appends and consumes.
type walker struct {
	mu   sync.Mutex
	todo []int
}

func (w *walker) walk(start int, next func(int) []int) {
	w.todo = append(w.todo, start)
	for len(w.todo) > 0 {
		n := w.todo[0]
		w.todo = w.todo[1:]
		w.todo = append(w.todo, next(n)...)
	}
}

// A stack: consumed from the back.
type stack struct {
	mu sync.Mutex
	s  []int
}

func (s *stack) push(i int) { s.s = append(s.s, i) }
func (s *stack) pop() int {
	i := s.s[len(s.s)-1]
	s.s = s.s[:len(s.s)-1]
	return i
}

// Appended but never consumed from the front.
type log struct {
	mu    sync.Mutex
	lines []string
}

func (l *log) add(s string)    { l.lines = append(l.lines, s) }
func (l *log) reset()          { l.lines = l.lines[:0] }
func (l *log) last() string    { return l.lines[len(l.lines)-1] }
func (l *log) from0() []string { return l.lines[0:] }

type suppressedQ struct {
	mu sync.Mutex
	q  []int
}

func (s *suppressedQ) add(i int) {
	//bplint:ignore unboundedqueue/slice-queue the producer is the test, bounded by its loop
	s.q = append(s.q, i)
}

func (s *suppressedQ) take() int {
	i := s.q[0]
	s.q = s.q[1:]
	return i
}

// A cut after a search (compaction), not a consumer.
type segments struct {
	mu    sync.Mutex
	files []string
}

func (s *segments) add(f string) { s.files = append(s.files, f) }

func (s *segments) releaseTo(name string) {
	i := 0
	for i < len(s.files) && s.files[i] < name {
		i++
	}
	s.files = s.files[i:]
}

// Rotation: copy without truncation moves the head to the back (nats
// leafnode URLs).
type rotor struct {
	mu   sync.Mutex
	urls []string
}

func (r *rotor) add(u string) { r.urls = append(r.urls, u) }

func (r *rotor) next() string {
	first := r.urls[0]
	copy(r.urls, r.urls[1:])
	r.urls[len(r.urls)-1] = first
	return first
}

// Consumed only by a test: not a queue of the program (nats opts.Users).
type config struct {
	mu    sync.Mutex
	users []string
}

func (c *config) addUser(u string) { c.users = append(c.users, u) }

// Generic: each method sees its own instance of the field.
type Unbounded[T any] struct {
	mu      sync.Mutex
	backlog []T
}

func (b *Unbounded[T]) Put(t T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.backlog = append(b.backlog, t) // want `append to b.backlog, a queue that Load consumes from the front, with no length check.*bounded.Queue\[T\]`
}

func (b *Unbounded[T]) Load() (T, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var zero T
	if len(b.backlog) == 0 {
		return zero, false
	}
	t := b.backlog[0]
	b.backlog[0] = zero
	b.backlog = b.backlog[1:]
	return t, true
}

// An error check is not a bound.
type recvBuffer struct {
	mu      sync.Mutex
	err     error
	backlog []int
}

func (b *recvBuffer) put(v int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return
	}
	b.backlog = append(b.backlog, v) // want `append to b.backlog, a queue that load consumes`
}

func (b *recvBuffer) load() int {
	v := b.backlog[0]
	b.backlog = b.backlog[1:]
	return v
}

// The lookahead buffer of a single-threaded lexer: the input bounds it.
type lexer struct{ pending []int }

func (l *lexer) emit(t int) { l.pending = append(l.pending, t) }

func (l *lexer) next() int {
	t := l.pending[0]
	l.pending = l.pending[1:]
	return t
}

// Elements cycle between two slices: their number does not grow.
type seeds struct {
	mu   sync.Mutex
	live []string
	dead []string
}

func (s *seeds) markDead() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dead = append(s.dead, s.live[0])
	s.live = s.live[1:]
}

func (s *seeds) resurrect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live = append(s.live, s.dead...)
	s.dead = nil
}
