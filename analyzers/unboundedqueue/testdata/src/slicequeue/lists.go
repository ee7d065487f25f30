package slicequeue

import (
	"math/rand"
	"slices"
	"sort"
	"sync"
)

// Lists that look like queues but are bounded by something other than
// a producer's rate.

// Waiters: every entry is a caller waiting for its reply (nats.go's
// pongs); the callers' own waiting bounds the list.
type pinger struct {
	mu    sync.Mutex
	pongs []chan struct{}
}

func (p *pinger) ping(ch chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pongs = append(p.pongs, ch)
}

func (p *pinger) pong() {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch := p.pongs[0]
	p.pongs = append(p.pongs[:0], p.pongs[1:]...)
	close(ch)
}

// Expectations of a mock, set by fluent calls that return the mock
// (sarama's mocks.AsyncProducer).
type expectation struct{ err error }

type MockProducer struct {
	mu           sync.Mutex
	expectations []*expectation
}

func (mp *MockProducer) ExpectInputAndSucceed() *MockProducer {
	mp.mu.Lock()
	defer mp.mu.Unlock()
	mp.expectations = append(mp.expectations, &expectation{})
	return mp
}

func (mp *MockProducer) handle(input <-chan Event) {
	for range input {
		mp.mu.Lock()
		e := mp.expectations[0]
		mp.expectations = mp.expectations[1:]
		mp.mu.Unlock()
		_ = e
	}
}

// A configured list whose "consumer" removes a given element when it
// happens to be first (sarama's seed brokers).
type client struct {
	mu    sync.Mutex
	seeds []string
}

func (c *client) setSeeds(addrs []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range addrs {
		c.seeds = append(c.seeds, a)
	}
}

func (c *client) deregister(addr string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seeds) > 0 && addr == c.seeds[0] {
		c.seeds = c.seeds[1:]
	}
}

// A work list processed in a chosen order: the program sorts or
// shuffles it (syncthing's jobQueue of files to pull).
type jobQueue struct {
	mu     sync.Mutex
	queued []string
}

func (q *jobQueue) Push(name string) {
	q.mu.Lock()
	q.queued = append(q.queued, name)
	q.mu.Unlock()
}

func (q *jobQueue) Pop() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	f := q.queued[0]
	q.queued = q.queued[1:]
	return f
}

func (q *jobQueue) SortAlphabetic() {
	q.mu.Lock()
	defer q.mu.Unlock()
	slices.Sort(q.queued)
}

type byLen []string

func (b byLen) Len() int           { return len(b) }
func (b byLen) Less(i, j int) bool { return len(b[i]) < len(b[j]) }
func (b byLen) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

type sortedQueue struct {
	mu    sync.Mutex
	items []string
}

func (q *sortedQueue) add(s string) {
	q.mu.Lock()
	q.items = append(q.items, s)
	q.mu.Unlock()
}

func (q *sortedQueue) take() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	s := q.items[0]
	q.items = q.items[1:]
	return s
}

func (q *sortedQueue) order() { sort.Sort(byLen(q.items)) }

type shuffled struct {
	mu    sync.Mutex
	peers []string
}

func (s *shuffled) add(p string) {
	s.mu.Lock()
	s.peers = append(s.peers, p)
	s.mu.Unlock()
}

func (s *shuffled) next() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.peers[0]
	s.peers = s.peers[1:]
	return p
}

func (s *shuffled) mix() {
	rand.Shuffle(len(s.peers), func(i, j int) { s.peers[i], s.peers[j] = s.peers[j], s.peers[i] })
}

// The work list of a tree walk: the helper that appends the children
// is called only by the loop that consumes the list (go-ethereum's
// dnsdisc subtreeSync).
type subtreeSync struct {
	mu      sync.Mutex
	missing []string
}

func (ts *subtreeSync) resolveAll(children func(string) []string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for len(ts.missing) > 0 {
		h := ts.missing[0]
		ts.resolveNext(h, children)
		ts.missing = ts.missing[1:]
	}
}

func (ts *subtreeSync) resolveNext(h string, children func(string) []string) {
	ts.missing = append(ts.missing, children(h)...)
}

// Consumers of other values call the helper too, one taking the head,
// one a random element.
type clientTree struct {
	links *subtreeSync
	enrs  *subtreeSync
}

func (ct *clientTree) syncNextLink(children func(string) []string) {
	h := ct.links.missing[0]
	ct.links.resolveNext(h, children)
	ct.links.missing = ct.links.missing[1:]
}

func (ct *clientTree) syncNextRandom(i int, children func(string) []string) {
	h := ct.enrs.missing[i]
	ct.enrs.resolveNext(h, children)
	ct.enrs.missing = removeHash(ct.enrs.missing, i)
}

func removeHash(h []string, i int) []string {
	return append(h[:i], h[i+1:]...)
}

// Trimmed right after: the producer calls the pass that evicts the
// oldest entries beyond the limits (syncthing's crash report disk
// store).
type diskStore struct {
	mu       sync.Mutex
	files    []string
	maxFiles int
}

func (d *diskStore) put(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.files = append(d.files, name)
	d.clean()
}

func (d *diskStore) clean() {
	for len(d.files) > 0 && len(d.files) > d.maxFiles {
		oldest := d.files[0]
		d.files = d.files[1:]
		_ = oldest
	}
}

// Look-alikes of these exceptions that are still queues.

// The head is compared with nil, not with a given element.
type nilHead struct {
	mu sync.Mutex
	q  []*Event
}

func (n *nilHead) add(e *Event) {
	n.mu.Lock()
	n.q = append(n.q, e) // want `append to n.q, a queue that take consumes from the front`
	n.mu.Unlock()
}

func (n *nilHead) take() *Event {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.q[0] != nil {
		e := n.q[0]
		n.q = n.q[1:]
		return e
	}
	return nil
}

// The producer calls the consumer, but the consumer drains only what
// a ready receiver takes: no length limit.
type deliverer struct {
	mu    sync.Mutex
	ready bool
	q     []Event
}

func (d *deliverer) push(e Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.q = append(d.q, e) // want `append to d.q, a queue that flush consumes from the front`
	d.flush()
}

func (d *deliverer) flush() {
	for len(d.q) > 0 && d.ready {
		e := d.q[0]
		d.q = d.q[1:]
		_ = e
	}
}

// A helper of the consumer that is also called by a handler.
type tasks struct {
	mu      sync.Mutex
	pending []string
}

func (t *tasks) run() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.pending) > 0 {
		p := t.pending[0]
		t.pending = t.pending[1:]
		t.add(p + "/child")
	}
}

func (t *tasks) add(p string) {
	t.pending = append(t.pending, p) // want `append to t.pending, a queue that run consumes from the front`
}

func (t *tasks) Handle(p string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.add(p)
}
