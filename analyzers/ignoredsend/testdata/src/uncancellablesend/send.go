package uncancellablesend

import (
	"context"
	"errors"
	"sync"
)

type job struct{ id int }

type result struct {
	id  int
	err error
}

func run(j job) result { return result{id: j.id} }

// A pipeline stage: the consumer may stop reading out.
func worker(ctx context.Context, in <-chan job, out chan<- result) {
	for j := range in {
		out <- run(j) // want `send on out blocks until a receiver takes the value, but does not watch ctx.Done\(\)`
	}
}

// The enclosing function returns an error: the fix returns ctx.Err().
func forward(ctx context.Context, out chan<- int, xs []int) error {
	for _, x := range xs {
		if x < 0 {
			return errors.New("negative")
		}
		out <- x // want `send on out blocks`
	}
	return nil
}

// Named results: still `return <zero>, ctx.Err()`.
func count(ctx context.Context, out chan<- string) (n int, err error) {
	out <- "x" // want `send on out blocks`
	return 1, nil
}

// A generator: the channel escapes to a consumer that may stop.
func gen(ctx context.Context) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := 0; ; i++ {
			ch <- i // want `send on ch blocks`
		}
	}()
	return ch
}

// A one-line goroutine body is laid out again over several lines.
func oneLine(ctx context.Context, out chan<- int, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() { defer wg.Done(); out <- 1 }() // want `send on out blocks`
}

// A context read from a field of the receiver.
type server struct {
	ctx    context.Context
	events chan string
}

func (s *server) emit(e string) {
	if s.ctx.Err() != nil {
		return
	}
	s.events <- e // want `send on s.events blocks until a receiver takes the value, but does not watch s.ctx.Done\(\)`
}

// A select made only of sends has no escape either.
func either(ctx context.Context, a, b chan<- int, v int) error {
	select { // want `select blocks until a receiver takes a value on a or b, but has no case for ctx.Done\(\)`
	case a <- v:
	case b <- v:
	}
	return nil
}

// A multi-line value keeps its layout inside the select.
func multiLine(ctx context.Context, out chan<- result) {
	out <- result{ // want `send on out blocks`
		id:  1,
		err: nil,
	}
}

// A function returning something other than an error cannot return
// ctx.Err(): the fix gives up the send and goes on.
func giveUp(ctx context.Context, out chan<- int) int {
	out <- 1 // want `send on out blocks`
	return 1
}

func check(int) error { return nil }

// A request object's reply channel that some make leaves unbuffered:
// the requester may not be waiting.
type call struct {
	done chan error
}

func newCall() *call { return &call{done: make(chan error)} }

func finish(ctx context.Context, c *call, err error) {
	c.done <- err // want `send on c.done blocks`
}

// A buffered generator still leaks once its consumer stops.
func buffered(ctx context.Context) <-chan int {
	ch := make(chan int, 16)
	go func() {
		for i := 0; ; i++ {
			ch <- i // want `send on ch blocks`
		}
	}()
	return ch
}

// A lister the function builds is not a request handed in, even though
// its channel is buffered everywhere.
type lister struct{ keys chan string }

func listKeys(ctx context.Context, next func() (string, bool)) *lister {
	kl := &lister{keys: make(chan string, 256)}
	go func() {
		defer close(kl.keys)
		for {
			k, ok := next()
			if !ok {
				return
			}
			kl.keys <- k // want `send on kl.keys blocks`
		}
	}()
	return kl
}
