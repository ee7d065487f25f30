// Package quiet holds the idioms that look like fanout findings but
// are correct. No diagnostic is expected anywhere in it.
package quiet

import (
	"context"
	"errors"
	"os/signal"
	"sync"
	"testing"
	"time"
)

type result struct{ n int }

func fetch() result { return result{} }
func check() error  { return nil }

// Buffered for the one value: the send always completes.
func bufferedOne(ctx context.Context) (result, error) {
	ch := make(chan result, 1)
	go func() { ch <- fetch() }()
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
}

// The sender has the same escape as the receiver.
func senderSelects(ctx context.Context) (result, error) {
	ch := make(chan result)
	go func() {
		r := fetch()
		select {
		case ch <- r:
		case <-ctx.Done():
		}
	}()
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
}

// The sender gives up when a channel closed by the receiver's defer
// is closed.
func senderStop() result {
	returned := make(chan struct{})
	defer close(returned)
	ch := make(chan result)
	go func() {
		select {
		case ch <- fetch():
		case <-returned:
		}
	}()
	select {
	case r := <-ch:
		return r
	case <-time.After(time.Second):
		return result{}
	}
}

// A non-blocking send: the value is dropped when nobody waits.
func senderDefault() bool {
	ch := make(chan bool)
	go func() {
		select {
		case ch <- true:
		default:
		}
	}()
	select {
	case <-ch:
		return true
	case <-time.After(time.Second):
		return false
	}
}

// The goroutine closes the channel: close never blocks.
func closes(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		_ = check()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The timeout case only logs; an unconditional receive follows.
func timeoutThenReceive() result {
	ch := make(chan result)
	go func() { ch <- fetch() }()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		println("taking long")
	}
	return <-ch
}

// The escape case drains the channel before it returns.
func escapeDrains(ctx context.Context) error {
	errc := make(chan error)
	go func() { errc <- check() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		<-errc // do not leak the goroutine
		return ctx.Err()
	}
}

// The ticker case stays in the loop; the only way out receives.
func ticker() {
	done := make(chan struct{})
	go func() {
		time.Sleep(time.Millisecond)
		done <- struct{}{}
	}()
	t := time.NewTicker(time.Second)
	defer t.Stop()
progress:
	for {
		select {
		case <-t.C:
			println("still working")
		case <-done:
			break progress
		}
	}
}

// The sender is restarted in a loop that receives on every way out.
func restart(ctx context.Context, unsub <-chan struct{}) error {
	subscribed := make(chan error)
	for {
		go func() { subscribed <- check() }()
		select {
		case err := <-subscribed:
			if err == nil {
				return nil
			}
		case <-unsub:
			<-subscribed
			return nil
		}
	}
}

// The leak happens only when the test already failed.
func TestFatal(t *testing.T) {
	done := make(chan struct{})
	go func() { done <- struct{}{} }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("timeout")
	}
}

func TestErrorf(t *testing.T) {
	done := make(chan struct{})
	go func() { done <- struct{}{} }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Errorf("timeout")
		return
	}
}

// A channel passed to a function we cannot see.
func notify() {
	sig := make(chan struct{})
	go func() { sig <- struct{}{} }()
	register(sig)
	select {
	case <-sig:
	case <-time.After(time.Second):
	}
}

var registered []chan struct{}

func register(c chan struct{}) { registered = append(registered, c) }

// A channel that escapes: returned to the caller.
func escapes() <-chan int {
	ch := make(chan int)
	go func() { ch <- 1 }()
	select {
	case v := <-ch:
		println(v)
	default:
	}
	return ch
}

// Received by a goroutine that always drains.
func drainedElsewhere(ctx context.Context) {
	ch := make(chan int)
	go func() {
		defer close(ch)
		ch <- 1
	}()
	go func() {
		for range ch {
		}
	}()
	<-ctx.Done()
}

// A deferred drain.
func deferredDrain(ctx context.Context) error {
	errc := make(chan error)
	go func() { errc <- check() }()
	defer func() { <-errc }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A producer that sends many values is not a fan-out sender.
func producer(ctx context.Context, xs []int) {
	ch := make(chan int)
	go func() {
		for _, x := range xs {
			ch <- x
		}
	}()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// Ping-pong: the goroutine receives and sends the same channel.
func pingPong(ctx context.Context) {
	token := make(chan bool)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-token:
				token <- true
			}
		}
	}()
	token <- true
	select {
	case <-token:
	case <-ctx.Done():
	}
}

// The sender is a function value stored in a variable.
func stored(ctx context.Context) {
	ch := make(chan int)
	send := func() { ch <- 1 }
	go send()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// The named sender selects on ctx itself.
func guardedProduce(ctx context.Context, out chan<- result) {
	select {
	case out <- fetch():
	case <-ctx.Done():
	}
}

func namedGuarded(ctx context.Context) error {
	ch := make(chan result)
	go guardedProduce(ctx, ch)
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Every other case receives from the channel in its body.
func everyCaseReceives(stop, restart <-chan struct{}) error {
	exit := make(chan error)
	go func() { exit <- check() }()
	var err error
	select {
	case <-stop:
		err = <-exit
	case <-restart:
		err = <-exit
	case err = <-exit:
	}
	return err
}

// signal.Notify sends without blocking.
func signals() {
	c := make(chan struct{}, 1)
	_ = signal.Ignored
	go func() { c <- struct{}{} }()
	select {
	case <-c:
	case <-time.After(time.Second):
	}
}

// The channel is reassigned to nil to disable a case.
func nilled(ctx context.Context) {
	ch := make(chan int)
	go func() { ch <- 1 }()
	for ch != nil {
		select {
		case <-ch:
			ch = nil
		case <-ctx.Done():
			return
		}
	}
}

// A channel waited on by a WaitGroup-tracked goroutine that also
// receives: the receiver is elsewhere.
func waiter() {
	var wg sync.WaitGroup
	ch := make(chan int)
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ch
	}()
	ch <- 1
	wg.Wait()
}

var errTimeout = errors.New("timeout")

// A finding suppressed with a reason.
func suppressed(ctx context.Context) {
	//bplint:ignore fanout/timeout-leak the process exits right after
	ch := make(chan int)
	go func() { ch <- 1 }()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// A channel passed in from outside: its lifetime is unknown here.
func fromOutside(ctx context.Context, ch chan int) {
	go func() { ch <- 1 }()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}
