package uncancellablesend

import (
	"context"
	"sync/atomic"
)

// One-shot request on a field with room (grpc lrsclient): made with
// capacity 1, sent at one place outside any loop, and received once by
// a case that returns. The single value fits the buffer.
type lrsStream struct {
	finalSendRequest chan struct{}
	finalSendDone    chan error
	ticks            <-chan struct{}
}

func newLRSStream() *lrsStream {
	return &lrsStream{finalSendRequest: make(chan struct{}, 1), finalSendDone: make(chan error, 1)}
}

func (s *lrsStream) stop(ctx context.Context) {
	s.finalSendRequest <- struct{}{}
	select {
	case <-s.finalSendDone:
	case <-ctx.Done():
	}
}

func (s *lrsStream) sendLoads(ctx context.Context) {
	for {
		select {
		case <-s.ticks:
		case <-ctx.Done():
			return
		case <-s.finalSendRequest:
			s.finalSendDone <- nil
			return
		}
	}
}

// Positive: the receiver of a buffered field loops, taking many values:
// a second send can find the buffer full.
type notifier struct {
	events chan string
}

func newNotifier() *notifier { return &notifier{events: make(chan string, 1)} }

func (n *notifier) notify(ctx context.Context, e string) {
	n.events <- e // want `send on n.events blocks`
}

func (n *notifier) loop(ctx context.Context) {
	for {
		select {
		case e := <-n.events:
			_ = e
		case <-ctx.Done():
			return
		}
	}
}

// The last of several goroutines to finish sends, once (os/exec
// Cmd.Start): a countdown on a counter passed around as a token.
func startAll(ctx context.Context, fns []func() error) <-chan error {
	goroutineErr := make(chan error, 1)
	type status struct {
		running  int
		firstErr error
	}
	statusc := make(chan status, 1)
	statusc <- status{running: len(fns)}
	for _, fn := range fns {
		go func() {
			err := fn()
			st := <-statusc
			if st.firstErr == nil {
				st.firstErr = err
			}
			st.running--
			if st.running == 0 {
				goroutineErr <- st.firstErr
			} else {
				statusc <- st
			}
		}()
	}
	return goroutineErr
}

// The same with an atomic counter.
func startAtomic(ctx context.Context, fns []func()) <-chan struct{} {
	done := make(chan struct{}, 1)
	var pending atomic.Int32
	pending.Store(int32(len(fns)))
	for _, fn := range fns {
		go func() {
			fn()
			if pending.Add(-1) == 0 {
				done <- struct{}{}
			}
		}()
	}
	return done
}

// Positive: each goroutine sends; no countdown.
func startEach(ctx context.Context, fns []func() error) <-chan error {
	errs := make(chan error, 1)
	for _, fn := range fns {
		go func() {
			errs <- fn() // want `send on errs blocks`
		}()
	}
	return errs
}

// A reply right after a rendezvous with the same receiver (geth rpc
// Client.send): the dispatcher has just taken op on the unbuffered
// reqInit and takes reqSent next, which has room for the reply.
type rpcClient struct {
	reqInit chan int
	reqSent chan error
	closing chan struct{}
}

func newRPCClient() *rpcClient {
	return &rpcClient{reqInit: make(chan int), reqSent: make(chan error, 1), closing: make(chan struct{})}
}

func (c *rpcClient) send(ctx context.Context, op int, write func() error) error {
	select {
	case c.reqInit <- op:
		err := write()
		c.reqSent <- err
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-c.closing:
		return nil
	}
}

// Positive: the request channel is buffered, so handing it over proves
// nothing about the receiver.
type queuedClient struct {
	requests chan int
	replies  chan error
}

func newQueuedClient() *queuedClient {
	return &queuedClient{requests: make(chan int, 8), replies: make(chan error, 1)}
}

func (c *queuedClient) send(ctx context.Context, op int) error {
	select {
	case c.requests <- op:
		c.replies <- nil // want `send on c.replies blocks`
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Positive: an accept loop hands connections to a channel field whose
// consumer leaves on ctx (syncthing tcp_listen.go).
type listener struct {
	conns  chan string
	accept func() (string, error)
}

func newListener(conns chan string) *listener { return &listener{conns: conns} }

func (t *listener) serve(ctx context.Context) error {
	for {
		conn, err := t.accept()
		if err != nil {
			continue
		}
		t.conns <- conn // want `send on t.conns blocks`
	}
}

func (t *listener) consume(ctx context.Context) {
	for {
		select {
		case c := <-t.conns:
			_ = c
		case <-ctx.Done():
			return
		}
	}
}
