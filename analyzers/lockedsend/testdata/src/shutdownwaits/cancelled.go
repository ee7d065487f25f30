package shutdownwaits

import (
	"context"
	"sync"
)

// A receive from a context's Done channel right after cancelling the
// context does not wait: quiet even with -shutdown-waits.

// The stream's context is cancelled through the value it was asserted
// to (etcd v3rpc/interceptor.go).
type cancellable struct {
	context.Context
	cancel context.CancelCauseFunc
}

func (c *cancellable) Cancel(err error) { c.cancel(err) }

type stream interface{ Context() context.Context }

type streamWithCtx struct {
	stream
	ctx *cancellable
}

func (s streamWithCtx) Context() context.Context { return s.ctx }

type streams struct {
	mu sync.Mutex
	m  map[stream]struct{}
}

func (sm *streams) cancelAll(err error) {
	sm.mu.Lock()
	for ss := range sm.m {
		if withCtx, ok := ss.(streamWithCtx); ok {
			withCtx.ctx.Cancel(err)
			<-ss.Context().Done()
		}
	}
	sm.m = make(map[stream]struct{})
	sm.mu.Unlock()
}

// Every branch of the select leaves the context done: observed, or
// cancelled (etcd grpcproxy/lease.go, watch.go).
type proxy struct {
	mu  sync.Mutex
	ctx context.Context
	wg  sync.WaitGroup
}

func newProxy(ctx context.Context, stop, disconnect <-chan struct{}) (*proxy, <-chan struct{}) {
	cctx, cancel := context.WithCancel(ctx)
	p := &proxy{ctx: cctx}
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		<-stop
		p.mu.Lock()
		select {
		case <-p.ctx.Done():
		case <-disconnect:
			cancel()
		}
		<-p.ctx.Done()
		p.mu.Unlock()
		p.wg.Wait()
	}()
	return p, ch
}

func (p *proxy) active() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ctx.Err() == nil
}

// The plain shape.
func (w *worker) stopWith(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	cancel()
	<-ctx.Done()
}

// Cancelled on one path only: the other path waits.
func (w *worker) stopMaybe(ctx context.Context, now bool) { // want stopMaybe:"mayBlock.wait: receives from ctx.Done"
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w.mu.Lock()
	defer w.mu.Unlock()
	if now {
		cancel()
	}
	<-ctx.Done() // want `receive from ctx.Done\(\) while w.mu is locked`
}
