package corpusfp

import "context"

// The pool's own code puts objects it makes: they were never handed
// out, and a one-slot buffer fills up.
type fillPool struct {
	idle chan *conn
}

func newFillPool() *fillPool { return &fillPool{idle: make(chan *conn, 1)} }

func (p *fillPool) Get(ctx context.Context) *conn { return <-p.idle }

func (p *fillPool) Put(ctx context.Context, cn *conn) {
	p.idle <- cn // want `send on p.idle blocks`
}

func (p *fillPool) Remove(ctx context.Context, cn *conn) {
	p.idle <- cn
}

func (p *fillPool) Fill(ctx context.Context) {
	for range 4 {
		p.Put(ctx, &conn{})
	}
}

// One object put back in a loop takes more than the room it left.
type loopPool struct {
	idle chan *conn
}

func newLoopPool() *loopPool { return &loopPool{idle: make(chan *conn, 1)} }

func (p *loopPool) Get(ctx context.Context) *conn { return <-p.idle }

func (p *loopPool) PutN(ctx context.Context, cn *conn, n int) {
	for range n {
		p.idle <- cn // want `send on p.idle blocks`
	}
}

// A parameter replaced by a new object before the put.
type swapPool struct {
	idle chan *conn
}

func newSwapPool() *swapPool { return &swapPool{idle: make(chan *conn, 1)} }

func (p *swapPool) Get(ctx context.Context) *conn { return <-p.idle }

func (p *swapPool) Put(ctx context.Context, cn *conn) {
	if cn == nil {
		cn = &conn{}
	}
	p.idle <- cn // want `send on p.idle blocks`
}

func (p *swapPool) Remove(ctx context.Context, cn *conn) {
	p.idle <- cn
}

// The pool's own calls that give back what they took stay quiet.
type relayPool struct {
	idle chan *conn
}

func newRelayPool() *relayPool { return &relayPool{idle: make(chan *conn, 1)} }

func (p *relayPool) Get(ctx context.Context) *conn { return <-p.idle }

func (p *relayPool) Put(ctx context.Context, cn *conn) {
	p.idle <- cn
}

func (p *relayPool) Touch(ctx context.Context) {
	if cn, ok := <-p.idle; ok {
		p.Put(ctx, cn)
	}
}
