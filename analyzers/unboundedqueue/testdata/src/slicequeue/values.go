package slicequeue

import "sync"

// Pushes and pops match by the value holding the slice, not by the
// field alone.

// Positive: the append is in a closure of a method, the pop in another
// method: both reach the field from the receiver.
type mailbox struct {
	mu    sync.Mutex
	inbox []string
}

func (m *mailbox) subscribe(register func(func(string))) {
	register(func(s string) {
		m.mu.Lock()
		m.inbox = append(m.inbox, s) // want `append to m.inbox, a queue that next consumes from the front`
		m.mu.Unlock()
	})
}

func (m *mailbox) next() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.inbox[0]
	m.inbox = m.inbox[1:]
	return s
}

// Positive: a nested field of the receiver, same path on both sides.
type pipeline struct {
	mu    sync.Mutex
	stage struct{ q []int }
}

func (p *pipeline) feed(v int) {
	p.mu.Lock()
	p.stage.q = append(p.stage.q, v) // want `append to p.stage.q, a queue that drain consumes from the front`
	p.mu.Unlock()
}

func (p *pipeline) drain() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.stage.q[0]
	p.stage.q = p.stage.q[1:]
	return v
}

// Positive: a local value shared with the goroutine that consumes it.
type buffer struct {
	mu    sync.Mutex
	items []Event
}

func relay(in <-chan Event, out func(Event)) {
	b := &buffer{}
	go func() {
		for {
			b.mu.Lock()
			if len(b.items) > 0 {
				e := b.items[0]
				b.items = b.items[1:]
				out(e)
			}
			b.mu.Unlock()
		}
	}()
	for e := range in {
		b.mu.Lock()
		b.items = append(b.items, e) // want `append to b.items, a queue that another function consumes from the front`
		b.mu.Unlock()
	}
}

// Positive: a field of a package variable.
var hub struct {
	mu      sync.Mutex
	pending []Event
}

func publish(e Event) {
	hub.mu.Lock()
	hub.pending = append(hub.pending, e) // want `append to hub.pending, a queue that deliver consumes from the front`
	hub.mu.Unlock()
}

func deliver() Event {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	e := hub.pending[0]
	hub.pending = hub.pending[1:]
	return e
}

// Negative: the children of a node being built and the children of
// another node being simplified (regexp/syntax Regexp.Sub, prometheus
// promql Series.Floats): one field, different values.
type Node struct {
	mu  sync.Mutex
	Sub []*Node
}

func collapse(subs []*Node) *Node {
	n := &Node{}
	for _, s := range subs {
		n.Sub = append(n.Sub, s.Sub...)
	}
	return n
}

func (n *Node) addChild(c *Node) {
	c.Sub = append(c.Sub, n)
}

func removeLeading(re *Node) {
	re.mu.Lock()
	re.Sub = re.Sub[1:]
	re.mu.Unlock()
}

func (n *Node) dropFirst() {
	n.mu.Lock()
	first := n.Sub[0]
	n.Sub = n.Sub[1:]
	n.mu.Unlock()
	_ = first
}

// Negative: two fields of one type on different paths of the receiver.
type duplex struct {
	mu  sync.Mutex
	in  struct{ q []int }
	out struct{ q []int }
}

func (d *duplex) recv(v int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.in.q = append(d.in.q, v)
}

func (d *duplex) send() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	v := d.out.q[0]
	d.out.q = d.out.q[1:]
	return v
}
