package uncancellablesend

import (
	"context"
	"errors"
	"io"
	"sync"
)

// Fixes that return must not skip what follows the send in the
// function; deferred calls run anyway.

type stream struct {
	finalSendRequest chan struct{} // unbuffered here, unlike grpc's
	finalSendDone    chan error
	cancelStream     func()
	doneCh           chan struct{}
}

type transport struct{}

func (transport) Close() {}

type client struct {
	mu      sync.Mutex
	streams map[string]*stream
	refs    map[string]int
}

// grpc lrsclient: the cleanup after the send must still run when ctx is
// done, so the fix only gives up the send.
func (c *client) stopFunc(id string, lrs *stream, tr transport) func(context.Context) {
	return func(ctx context.Context) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.refs[id]--
		if c.refs[id] != 0 {
			return
		}

		lrs.finalSendRequest <- struct{}{} // want `send on lrs.finalSendRequest blocks`

		select {
		case err := <-lrs.finalSendDone:
			_ = err
		case <-ctx.Done():
		}

		lrs.cancelStream()
		<-lrs.doneCh
		delete(c.streams, id)
		tr.Close()
	}
}

// Only a deferred cleanup follows: returning is fine.
func deferredCleanup(ctx context.Context, out chan<- int, tr transport) {
	defer tr.Close()
	out <- 1 // want `send on out blocks`
}

// A plain return follows, through the enclosing if: returning is fine.
func thenReturn(ctx context.Context, out chan<- int, v int) error {
	if v > 0 {
		out <- v // want `send on out blocks`
		return nil
	}
	return nil
}

// Code follows the if: giving up would report success, returning would
// skip the code. No fix.
func thenCode(ctx context.Context, out chan<- int, v int, tr transport) error {
	if v > 0 {
		out <- v // want `send on out blocks`
	}
	tr.Close()
	return nil
}

// The return calls something: it is code that would be skipped.
func returnCalls(ctx context.Context, out chan<- int, tr transport) error {
	out <- 1 // want `send on out blocks`
	return closeAll(tr)
}

func closeAll(tr transport) error { tr.Close(); return nil }

// The last statement of a loop body, with only a return after the loop.
func loopThenReturn(ctx context.Context, out chan<- int, xs []int) error {
	for _, x := range xs {
		if x == 0 {
			continue
		}
		out <- x // want `send on out blocks`
	}
	return nil
}

// A continue after the send ends the iteration like the end of the body.
func sendContinue(ctx context.Context, out chan<- int, xs []int) {
	for _, x := range xs {
		if x > 0 {
			out <- x // want `send on out blocks`
			continue
		}
		println(x)
	}
}

// Cleanup after the loop: the range loop ends on its own, so the fix
// gives up each remaining send and the cleanup runs.
func loopThenCleanup(ctx context.Context, out chan<- int, xs []int, tr transport) {
	for _, x := range xs {
		out <- x // want `send on out blocks`
	}
	tr.Close()
}

// Code after the send in the loop body: the same, giving up the send.
func loopBodyCode(ctx context.Context, out chan<- int, xs []int) {
	n := 0
	for _, x := range xs {
		out <- x // want `send on out blocks`
		n++
	}
	println(n)
}

// An endless loop with code after the send: giving up would spin, and
// returning would skip the cleanup after it. No fix.
func endless(ctx context.Context, out chan<- int, next func() int, tr transport) {
	for {
		out <- next() // want `send on out blocks`
		println("sent")
	}
}

// A select of sends followed by cleanup: the added case gives up.
func selectThenCleanup(ctx context.Context, a, b chan<- int, tr transport) {
	select { // want `select blocks until a receiver takes a value on a or b`
	case a <- 1:
	case b <- 1:
	}
	tr.Close()
}

// A receive whose value is used by cleanup code: returning would skip
// it and there is nothing to give up to. No fix.
func recvThenCleanup(ctx context.Context, in <-chan int, tr transport) {
	v := <-in // want `receive from in blocks`
	println(v)
	tr.Close()
}

// A switch case, then a labeled loop's continue: returning skips nothing.
func labeled(ctx context.Context, out chan<- int, xs [][]int) {
outer:
	for _, row := range xs {
		for _, x := range row {
			switch {
			case x < 0:
				out <- x // want `send on out blocks`
				continue outer
			}
		}
	}
}

// A lister (nats.go jetstream): after the inner loop comes only an if
// that returns, with a condition that does no work, and after the
// endless loop the end of the goroutine. Returning skips nothing.
func pageLister(ctx context.Context, pages func() ([]string, error)) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for {
			page, err := pages()
			if err != nil && !errors.Is(err, io.EOF) {
				return
			}
			for _, name := range page {
				out <- name // want `send on out blocks`
			}
			if errors.Is(err, io.EOF) {
				return
			}
		}
	}()
	return out
}

// The if after the inner loop calls a function that may do work: no
// return, and giving up inside the endless loop would spin. No fix.
func listerHook(ctx context.Context, pages func() []string, last func() bool) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for {
			for _, name := range pages() {
				out <- name // want `send on out blocks`
			}
			if last() {
				return
			}
		}
	}()
	return out
}

// An event loop whose stop case cleans up (geth v5 dispatch): returning
// at the send would skip that cleanup; giving up lets the loop come back
// to the select, which takes the stop case.
type dispatcher struct {
	closeCtx   context.Context
	packetIn   chan []byte
	readNextCh chan struct{}
	queue      map[string][]byte
}

func (t *dispatcher) dispatch() {
	for {
		select {
		case p := <-t.packetIn:
			_ = p
			t.readNextCh <- struct{}{} // want `send on t.readNextCh blocks`
		case <-t.closeCtx.Done():
			close(t.readNextCh)
			clear(t.queue)
			return
		}
	}
}

// The stop case only returns: returning at the send is the same.
func (t *dispatcher) plainStop() {
	for {
		select {
		case p := <-t.packetIn:
			_ = p
			t.readNextCh <- struct{}{} // want `send on t.readNextCh blocks`
		case <-t.closeCtx.Done():
			return
		}
	}
}

// A select that returns once ctx is done follows the send (prometheus
// custom-sd adapter): returning at the send is what it would do.
func refresh(ctx context.Context, ch chan<- []string, tick <-chan struct{}, list func() []string) {
	for {
		ch <- list() // want `send on ch blocks`
		select {
		case <-tick:
			continue
		case <-ctx.Done():
			return
		}
	}
}

// An endless loop whose select leaves on ctx.Done() (syncthing
// watchLoop): giving up the send cannot spin, since the loop then
// leaves at that select; the log after the send still runs.
func watchLoop(ctx context.Context, events <-chan string, out chan<- string, overflow func() bool) {
	for {
		if overflow() {
			out <- "." // want `send on out blocks`
			println("overflow")
		}
		select {
		case ev := <-events:
			_ = ev
		case <-ctx.Done():
			return
		}
	}
}
