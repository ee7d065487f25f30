package earlyreturn

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

type item struct{ id int }

func process(x item) error { return nil }
func check() error         { return nil }
func list() []item         { return nil }

// The classic errc leak: the first error returns, the other senders
// block forever on the unbuffered channel.
func errc(xs []item) error {
	errc := make(chan error) // want `len\(xs\) goroutines send on errc \(unbuffered\) but the loop at line 23 can stop receiving at line 25 before it has all their values: the senders left behind block forever; buffer errc for every sender: make\(chan error, len\(xs\)\)`
	for _, x := range xs {
		go func() { errc <- process(x) }()
	}
	for range xs {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// A counted loop on both sides.
func counted(n int) error {
	ch := make(chan error, 1) // want `n goroutines send on ch \(capacity 1\) .*make\(chan error, n\)`
	for i := 0; i < n; i++ {
		go func() { ch <- process(item{i}) }()
	}
	for i := 0; i < n; i++ {
		err := <-ch
		if err != nil {
			return err
		}
	}
	return nil
}

// Go 1.22 range over an int, and a break out of the receiving loop.
func rangeInt(n int) (first error) {
	ch := make(chan error) // want `n goroutines send on ch .*stop receiving at line 55 .*make\(chan error, n\)`
	for i := range n {
		go func() { ch <- process(item{i}) }()
	}
	for range n {
		if err := <-ch; err != nil {
			first = err
			break
		}
	}
	return first
}

// for i := range xs, and a receiving for-select that returns on ctx.
func forSelect(ctx context.Context, xs []item) ([]item, error) {
	ch := make(chan item) // want `len\(xs\) goroutines send on ch \(unbuffered\) but the function can leave without receiving, when the select takes case <-ctx.Done\(\) \(line 75\) and it returns at line 76: .*make\(chan item, len\(xs\)\)`
	for i := range xs {
		go func() { ch <- xs[i] }()
	}
	var out []item
	for {
		select {
		case x := <-ch:
			out = append(out, x)
			if len(out) == len(xs) {
				return out, nil
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Fan-in with a WaitGroup closer: the early return strands the others.
func closer(xs []item) error {
	var wg sync.WaitGroup
	results := make(chan error) // want `len\(xs\) goroutines send on results .*stop receiving at line 95 .*make\(chan error, len\(xs\)\)`
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- process(x)
		}()
	}
	go func() { wg.Wait(); close(results) }()
	for err := range results {
		if err != nil {
			return err
		}
	}
	return nil
}

// A labeled break of an outer loop.
func labeled(batches [][]item) error {
	for _, batch := range batches {
		errc := make(chan error) // want `len\(batch\) goroutines send on errc .*make\(chan error, len\(batch\)\)`
		for _, x := range batch {
			go func() { errc <- process(x) }()
		}
	recv:
		for range batch {
			select {
			case err := <-errc:
				if err != nil {
					break recv
				}
			}
		}
	}
	return nil
}

// errgroup senders in a loop.
func group(ctx context.Context, xs []item) error {
	g, ctx := errgroup.WithContext(ctx)
	ch := make(chan item) // want `len\(xs\) goroutines send on ch .*make\(chan item, len\(xs\)\)`
	for _, x := range xs {
		g.Go(func() error {
			ch <- x
			return nil
		})
	}
	for range xs {
		if x := <-ch; x.id < 0 {
			return g.Wait()
		}
	}
	return g.Wait()
}

func send(out chan<- error, x item) { out <- process(x) }

// A named sender in a loop; the function may return before receiving.
func named(xs []item) error {
	errc := make(chan error) // want `len\(xs\) goroutines send on errc \(unbuffered\) but the function can leave without receiving, when it returns at line 148: .*make\(chan error, len\(xs\)\)`
	for _, x := range xs {
		go send(errc, x)
	}
	if err := check(); err != nil {
		return err
	}
	for range xs {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// The loop count cannot be written at the make call: no fix.
func fromCall() error {
	errc := make(chan error) // want `the goroutines started in the loop at line 161 send on errc \(unbuffered\) but the function can leave after 1 receive, when it returns at line 166: .*buffer errc for every sender \(no expression for their number is valid at the make call\) or keep receiving until all have sent`
	for _, x := range list() {
		go func() { errc <- process(x) }()
	}
	for {
		if err := <-errc; err != nil {
			return err
		}
	}
}

// xs changes between the make call and the loop: no fix.
func reassigned(xs []item) error {
	errc := make(chan error) // want `the goroutines started in the loop at line 175 send on errc .*no expression for their number`
	xs = append(xs, item{})
	for _, x := range xs {
		go func() { errc <- process(x) }()
	}
	for range xs {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// sync.WaitGroup.Go in a loop over a constant-size array.
func waitGroupGo(xs [4]item) error {
	var wg sync.WaitGroup
	errc := make(chan error) // want `4 goroutines send on errc .*make\(chan error, 4\)`
	for _, x := range xs {
		wg.Go(func() { errc <- process(x) })
	}
	for range 4 {
		if err := <-errc; err != nil {
			return err
		}
	}
	wg.Wait()
	return nil
}

// The count is declared after the make call: no fix.
func declaredAfter(xs []item) error {
	errc := make(chan error) // want `the goroutines started in the loop at line 206 .*no expression for their number`
	n := len(xs)
	for i := 0; i < n; i++ {
		go func() { errc <- process(xs[i]) }()
	}
	for range n {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}
