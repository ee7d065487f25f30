package uncancellablerecv

import (
	"context"
	"errors"
	"io"
	"time"
)

type reply struct {
	n   int
	err error
}

type request struct {
	arg   int
	reply chan reply
}

type client struct {
	requests chan request
}

// The value is needed, the server may be gone: the fix declares the
// variable and selects.
func (c *client) call(ctx context.Context, req request) (reply, error) {
	select {
	case c.requests <- req:
	case <-ctx.Done():
		return reply{}, ctx.Err()
	}
	r := <-req.reply // want `receive from req.reply blocks until a value arrives, but does not watch ctx.Done\(\)`
	return r, nil
}

// An assignment to an existing variable keeps its target.
func next(ctx context.Context, in <-chan int) (n int, err error) {
	if in == nil {
		return 0, errors.New("nil")
	}
	n = <-in // want `receive from in blocks`
	return n, nil
}

// A function returning nothing returns.
func last(ctx context.Context, in <-chan []byte, w io.Writer, out *[]byte) {
	w.Write(nil)
	*out = <-in // want `receive from in blocks`
}

// Code follows the receive: returning would skip it, and a receive whose
// value is needed cannot be given up. No fix.
func consume(ctx context.Context, in <-chan []byte, w io.Writer) {
	for {
		buf := <-in // want `receive from in blocks`
		w.Write(buf)
	}
}

// A function returning something else gets no fix.
func noFix(ctx context.Context, in <-chan int) int {
	v := <-in // want `receive from in blocks`
	return v
}

// Negative: for range and comma-ok wait for the owner to close.
func ranged(ctx context.Context, in <-chan int) int {
	sum := 0
	for v := range in {
		sum += v
	}
	for {
		v, ok := <-in
		if !ok {
			return sum
		}
		sum += v
	}
}

// Negative: a plain wait, and an explicit discard.
func wait(ctx context.Context, done <-chan struct{}, in <-chan int) {
	<-done
	_ = <-in
}

// Negative: timers, tickers and ctx.Done itself.
func timers(ctx context.Context, t *time.Ticker) time.Time {
	<-ctx.Done()
	now := <-t.C
	later := <-time.After(time.Second)
	_ = later
	return now
}

// Negative: no context in scope.
func noCtx(in <-chan int) int {
	v := <-in
	return v
}

// Negative: the function makes the channel and its sender.
func owned(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- work(ctx) }()
	err := <-errc
	return err
}

func reader(errc chan<- error) { close(errc) }

func ownedGo(ctx context.Context) error {
	errc := make(chan error, 1)
	go reader(errc)
	err := <-errc
	return err
}

func work(ctx context.Context) error { return nil }

// Negative: draining after the stop on purpose.
func drainAfterStop(ctx context.Context, recv <-chan int) int {
	select {
	case <-ctx.Done():
		m := <-recv
		return m
	case m := <-recv:
		return m
	}
}
