package corpusfp

import "context"

type conn struct{ id int }

// A one-slot pool (go-redis StickyConnPool): Put and Remove give back
// the conn that Get took out of the buffered field.
type stickyConnPool struct {
	ch chan *conn
}

func newStickyConnPool() *stickyConnPool {
	return &stickyConnPool{ch: make(chan *conn, 1)}
}

func (p *stickyConnPool) Get(ctx context.Context) (*conn, error) {
	cn, ok := <-p.ch
	if !ok {
		return nil, context.Canceled
	}
	return cn, nil
}

func (p *stickyConnPool) Put(ctx context.Context, cn *conn) {
	p.ch <- cn
}

func (p *stickyConnPool) Remove(ctx context.Context, cn *conn, reason error) {
	p.ch <- cn
}

// A pool method that sends a conn it makes itself puts nothing back.
func (p *stickyConnPool) Fill(ctx context.Context) {
	p.ch <- &conn{} // want `send on p.ch blocks`
}

// A queue is no pool: its Put hands work to a consumer.
type workQueue struct {
	items chan *conn
}

func newWorkQueue() *workQueue { return &workQueue{items: make(chan *conn, 8)} }

func (q *workQueue) Get() *conn {
	for {
		if cn := <-q.items; cn != nil {
			return cn
		}
	}
}

func (q *workQueue) Put(ctx context.Context, cn *conn) {
	q.items <- cn // want `send on q.items blocks`
}
