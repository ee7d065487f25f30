package timeoutleak

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

type result struct{ n int }

func fetch() result         { return result{} }
func check() error          { return nil }
func compute() (int, error) { return 0, nil }

// The textbook case: the timeout case returns, the sender is stranded.
func afterTimeout() bool {
	c := make(chan bool) // want `c is unbuffered: the goroutine started at line 21 blocks forever on its send if this function stops receiving when the select takes case <-time.After\(5 \* time.Second\) \(line 27\) and it returns at line 28; buffer c for its one value: make\(chan bool, 1\)`
	go func() {
		c <- true
	}()
	select {
	case <-c:
		return true
	case <-time.After(5 * time.Second):
		return false
	}
}

func ctxDone(ctx context.Context) (result, error) {
	ch := make(chan result) // want `ch is unbuffered: .* when the select takes case <-ctx.Done\(\) \(line 38\) and it returns at line 39; .*make\(chan result, 1\)`
	go func() { ch <- fetch() }()
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
}

// A stop channel that someone else closes.
func stopChan(stop <-chan struct{}) int {
	ch := make(chan int) // want `ch is unbuffered: .*case <-stop \(line 50\)`
	go func() { ch <- 42 }()
	select {
	case v := <-ch:
		return v
	case <-stop:
		return 0
	}
}

// The function returns before it reaches the receive.
func returnsFirst() (int, error) {
	ch := make(chan int) // want `ch is unbuffered: .* when it returns at line 63; .*`
	go func() {
		n, _ := compute()
		ch <- n
	}()
	if err := check(); err != nil {
		return 0, err
	}
	return <-ch, nil
}

// A poll with default, then the function leaves.
func poll() int {
	ch := make(chan int) // want `ch is unbuffered: .*when the select takes default and it returns at line 77`
	go func() { ch <- 1 }()
	select {
	case v := <-ch:
		println(v)
	default:
	}
	return 0
}

func produce(out chan<- result) { out <- fetch() }

// The sender is a function of this package that sends on its parameter.
func namedSender(ctx context.Context) error {
	ch := make(chan result) // want `ch is unbuffered: the goroutine started at line 85 .*`
	go produce(ch)
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A literal with the channel as a parameter.
func litParam(d time.Duration) error {
	errc := make(chan error) // want `errc is unbuffered`
	go func(out chan<- error) {
		out <- check()
	}(errc)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case err := <-errc:
		return err
	case <-timer.C:
		return errors.New("timeout")
	}
}

// errgroup.Go starts the sender.
func groupGo(ctx context.Context) error {
	var g errgroup.Group
	ch := make(chan int) // want `ch is unbuffered`
	g.Go(func() error {
		ch <- 1
		return nil
	})
	select {
	case <-ch:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.Wait()
}

// sync.WaitGroup.Go starts the sender.
func waitGroupGo(ctx context.Context) error {
	var wg sync.WaitGroup
	ch := make(chan int) // want `ch is unbuffered`
	wg.Go(func() { ch <- 1 })
	select {
	case <-ch:
		wg.Wait()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A conditional send, and sends on exclusive paths: one value at most.
func conditional(ctx context.Context, fail bool) error {
	errc := make(chan error, 0) // want `errc is unbuffered: .*make\(chan error, 1\)`
	go func() {
		if fail {
			errc <- errors.New("failed")
		} else if err := check(); err != nil {
			errc <- err
		} else {
			errc <- nil
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A for-select loop that leaves by ctx.Done without receiving.
func forSelect(ctx context.Context) (int, error) {
	ch := make(chan int) // want `ch is unbuffered: .*case <-ctx.Done\(\) \(line 172\) and it returns at line 173`
	go func() { ch <- 1 }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case v := <-ch:
			return v, nil
		case <-tick.C:
			println("waiting")
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// A labeled break out of the loop when stop fires.
func labeledBreak(stop <-chan struct{}) {
	done := make(chan struct{}) // want `done is unbuffered: .*case <-stop \(line 190\) and it reaches the end of the function`
	go func() {
		time.Sleep(time.Millisecond)
		done <- struct{}{}
	}()
loop:
	for {
		select {
		case <-done:
			break loop
		case <-stop:
			break loop
		}
	}
}

// Retries: each attempt starts a sender, the timeout moves on.
func retry(attempts int) (int, error) {
	ch := make(chan int) // want `ch is unbuffered: the goroutine started at line 200 .*case <-time.After\(time.Second\) \(line 204\) and it returns at line 207`
	for i := 0; i < attempts; i++ {
		go func() { ch <- i }()
		select {
		case v := <-ch:
			return v, nil
		case <-time.After(time.Second):
		}
	}
	return 0, errors.New("gave up")
}

// Multi-assignment and var declarations.
func multiAssign(ctx context.Context) {
	start, ch := time.Now(), make(chan time.Duration) // want `ch is unbuffered: .*make\(chan time.Duration, 1\)`
	go func() { ch <- time.Since(start) }()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

func varDecl(ctx context.Context) {
	var ch = make(chan int) // want `ch is unbuffered`
	go func() { ch <- 1 }()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// A loop with a condition that leaves by return before the value came.
func condLoop(ctx context.Context) error {
	ch := make(chan error) // want `ch is unbuffered: .*when its loop leaves at line 242`
	go func() { ch <- check() }()
	done := false
	for !done {
		select {
		case err := <-ch:
			if err != nil {
				return err
			}
			done = true
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Senders on exclusive branches: one of them runs, and it is stranded.
func exclusive(ctx context.Context, tls bool) error {
	errc := make(chan error) // want `errc is unbuffered: the goroutine started \(at lines 252, 254, one per run\) blocks forever .*make\(chan error, 1\)`
	if tls {
		go func() { errc <- check() }()
	} else {
		go func() { errc <- check() }()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A send in a loop followed by return runs once.
func readUntilAck(ctx context.Context, frames []int) error {
	ack := make(chan error) // want `ack is unbuffered`
	go func() {
		for _, f := range frames {
			if f < 0 {
				ack <- errors.New("bad frame")
				return
			}
			if f == 0 {
				ack <- nil
				return
			}
		}
	}()
	select {
	case err := <-ack:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Each job makes its own channel; a timeout moves on to the next one.
func perJob(jobs []int, d time.Duration) {
	for _, job := range jobs {
		ch := make(chan int) // want `ch is unbuffered: .*when the select takes case <-time.After\(d\) \(line 295\) and it moves on to a new channel \(line 290\)`
		go func() { ch <- job * 2 }()
		select {
		case v := <-ch:
			println(v)
		case <-time.After(d):
			continue
		}
	}
}
