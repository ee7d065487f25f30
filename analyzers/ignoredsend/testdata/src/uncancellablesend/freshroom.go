package uncancellablesend

import "context"

// Where the first-send rule does not hold, the sends are reported.
type entry struct {
	v   int
	err error
}

// Two sends on one path fill a one-slot buffer.
func twoOnAPath(ctx context.Context, check func() error) <-chan entry {
	ch := make(chan entry, 1)
	go func() {
		defer close(ch)
		ch <- entry{v: 1}
		if err := check(); err != nil {
			ch <- entry{err: err} // want `send on ch blocks until a receiver takes the value, but does not watch ctx.Done\(\)`
			return
		}
	}()
	return ch
}

// The function that started the goroutine sends too.
func outerSends(ctx context.Context, check func() error) <-chan entry {
	ch := make(chan entry, 1)
	go func() {
		if err := check(); err != nil {
			ch <- entry{err: err} // want `send on ch blocks until a receiver takes the value, but does not watch ctx.Done\(\)`
		}
	}()
	ch <- entry{v: 2} // want `send on ch blocks until a receiver takes the value, but does not watch ctx.Done\(\)`
	return ch
}

// A send in a loop runs more than once.
func inLoop(ctx context.Context, vs []int) <-chan entry {
	ch := make(chan entry, 1)
	go func() {
		defer close(ch)
		for _, v := range vs {
			ch <- entry{v: v} // want `send on ch blocks until a receiver takes the value, but does not watch ctx.Done\(\)`
		}
	}()
	return ch
}

// Two goroutines share a one-slot buffer: either may send first.
func twoSenders(ctx context.Context) <-chan entry {
	ch := make(chan entry, 1)
	go func() {
		ch <- entry{v: 4} // want `send on ch blocks until a receiver takes the value, but does not watch ctx.Done\(\)`
	}()
	go func() {
		ch <- entry{v: 3} // want `send on ch blocks until a receiver takes the value, but does not watch ctx.Done\(\)`
	}()
	return ch
}
