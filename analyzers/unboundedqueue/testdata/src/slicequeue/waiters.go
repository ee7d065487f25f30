package slicequeue

import "sync"

// Waiters that carry their reply channel (go-redis's wantConnQueue, like
// net/http's): every caller that enqueues one then waits on it, so each
// entry is a blocked caller. Quiet.
type wantConn struct {
	result chan int
}

type wantQueue struct {
	mu    sync.Mutex
	items []*wantConn
}

func (q *wantQueue) enqueue(w *wantConn) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, w)
}

func (q *wantQueue) dequeue() (*wantConn, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return nil, false
	}
	w := q.items[0]
	q.items = q.items[1:]
	return w, true
}

func (q *wantQueue) get() int {
	w := &wantConn{result: make(chan int, 1)}
	q.enqueue(w)
	return <-w.result
}

// Jobs that carry a done channel nobody waits on when they are queued:
// Submit returns at once, so the queue grows with the producer.
type asyncJob struct {
	data []byte
	done chan error
}

type asyncJobs struct {
	mu   sync.Mutex
	jobs []asyncJob
}

func (q *asyncJobs) Submit(data []byte) <-chan error {
	j := asyncJob{data: data, done: make(chan error, 1)}
	q.mu.Lock()
	q.jobs = append(q.jobs, j) // want `append to q.jobs, a queue that next consumes from the front, with no length check`
	q.mu.Unlock()
	return j.done
}

func (q *asyncJobs) next() (asyncJob, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.jobs) == 0 {
		return asyncJob{}, false
	}
	j := q.jobs[0]
	q.jobs = q.jobs[1:]
	return j, true
}

// An idle pool of reusable objects (go-redis's idleConns): what is put
// back was taken out, and the pool size bounds it elsewhere. Quiet.
type poolConn struct{ id int }

type connPool struct {
	mu        sync.Mutex
	idleConns []*poolConn
}

func (p *connPool) put(c *poolConn) {
	p.mu.Lock()
	p.idleConns = append(p.idleConns, c)
	p.mu.Unlock()
}

func (p *connPool) get() *poolConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.idleConns) == 0 {
		return nil
	}
	c := p.idleConns[0]
	p.idleConns = p.idleConns[1:]
	return c
}
