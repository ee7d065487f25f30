// Package fanoutoverlap holds leaks that both fanout and ignoredsend
// could report. TestFanoutOverlap runs both analyzers and checks that
// each function gets one finding, from the analyzer named in its doc.
package fanoutoverlap

import (
	"context"
	"errors"
)

type result struct{ n int }

func fetchOne() result { return result{} }

func check(int) error { return nil }

// fanout: an unbuffered local channel whose only receiver can leave on
// ctx.Done(); fanout suggests a buffer of one (timeout-leak).
func fetch(ctx context.Context) (result, error) {
	ch := make(chan result)
	go func() {
		ch <- fetchOne()
	}()
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
}

// fanout: goroutines started in a loop, a receiving loop that returns
// on the first error (early-return).
func firstError(ctx context.Context, xs []int) error {
	errc := make(chan error)
	for _, x := range xs {
		go func() {
			errc <- check(x)
		}()
	}
	for range xs {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// fanout: go f(ch) with f declared in the package (timeout-leak).
func fetchVia(ctx context.Context) (result, error) {
	ch := make(chan result)
	go produce(ch)
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
		return result{}, errors.New("timeout")
	}
}

func produce(ch chan<- result) { ch <- fetchOne() }

// ignoredsend: the channel escapes (a generator), which fanout leaves
// alone.
func gen(ctx context.Context) <-chan int {
	ch := make(chan int)
	go func() {
		for i := 0; ; i++ {
			ch <- i
		}
	}()
	return ch
}

// ignoredsend: the receiver is another goroutine, which fanout does
// not model; it may leave on ctx.Done().
func relay(ctx context.Context, use func(int)) {
	ch := make(chan int)
	go func() {
		ch <- 1
	}()
	go func() {
		select {
		case v := <-ch:
			use(v)
		case <-ctx.Done():
		}
	}()
}

// ignoredsend: a producer goroutine sends many values, which fanout does
// not model as a fan-out sender; the owner may stop receiving.
func stream(ctx context.Context, xs []int, use func(int)) {
	ch := make(chan int)
	go func() {
		for _, x := range xs {
			ch <- x
		}
	}()
	for {
		select {
		case v := <-ch:
			use(v)
		case <-ctx.Done():
			return
		}
	}
}
