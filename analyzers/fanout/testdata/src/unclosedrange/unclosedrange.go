package unclosedrange

import (
	"sync"

	"golang.org/x/sync/errgroup"
)

type item struct{ id int }

func process(x item) int { return x.id }

// The senders are tracked by a WaitGroup: close after they are done.
func waitGroup(xs []item) int {
	var wg sync.WaitGroup
	results := make(chan int, len(xs))
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- process(x)
		}()
	}
	total := 0
	for r := range results { // want `nothing closes results \(made at line 16\), so this range over it never ends: once the senders are done it blocks forever; close results when they are all done: go func\(\) { wg.Wait\(\); close\(results\) }\(\) before the loop`
		total += r
	}
	return total
}

// wg.Go senders, and a WaitGroup declared with new.
func waitGroupGo(xs []item) int {
	wg := new(sync.WaitGroup)
	results := make(chan int)
	for _, x := range xs {
		wg.Go(func() { results <- process(x) })
	}
	total := 0
	for r := range results { // want `nothing closes results .*go func\(\) { wg.Wait\(\); close\(results\) }\(\) before the loop`
		total += r
	}
	return total
}

// The function already waits: close after the wait.
func waitsFirst(xs []item) int {
	var wg sync.WaitGroup
	ch := make(chan int, len(xs))
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch <- process(x)
		}()
	}
	wg.Wait()
	total := 0
	for v := range ch { // want `nothing closes ch .*close\(ch\) after wg.Wait\(\)`
		total += v
	}
	return total
}

// A labeled range: the closer goes before the label.
func labeled(xs []item) int {
	var wg sync.WaitGroup
	ch := make(chan int)
	for _, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch <- process(x)
		}()
	}
	total := 0
loop:
	for v := range ch { // want `nothing closes ch .*go func\(\) { wg.Wait\(\); close\(ch\) }\(\) before the loop`
		for i := range v {
			if i > 10 {
				continue loop
			}
		}
		total += v
	}
	return total
}

// No WaitGroup: no fix, the message says what to do.
func noWaitGroup(xs []item) int {
	ch := make(chan int)
	for _, x := range xs {
		go func() { ch <- process(x) }()
	}
	total := 0
	for v := range ch { // want `nothing closes ch \(made at line 90\), so this range over it never ends: once the senders are done it blocks forever; close ch after the last send \(with several senders, close it in a goroutine that waits for them all, e.g. go func\(\) { wg.Wait\(\); close\(ch\) }\(\)\)`
		total += v
	}
	return total
}

// errgroup senders: no fix (Wait returns the error the caller wants).
func group(xs []item) (int, error) {
	var g errgroup.Group
	ch := make(chan int)
	for _, x := range xs {
		g.Go(func() error {
			ch <- process(x)
			return nil
		})
	}
	total := 0
	for v := range ch { // want `nothing closes ch`
		total += v
	}
	return total, g.Wait()
}

// A consumer goroutine ranges over a channel that is never closed: it
// outlives the function.
func consumer(xs []item) {
	ch := make(chan item)
	go func() {
		for x := range ch { // want `nothing closes ch`
			process(x)
		}
	}()
	for _, x := range xs {
		ch <- x
	}
}

func produce(out chan<- item, xs []item) {
	for _, x := range xs {
		out <- x
	}
}

// Passed to a function of this package that never closes it.
func passed(xs []item) int {
	ch := make(chan item)
	go produce(ch, xs)
	n := 0
	for range ch { // want `nothing closes ch`
		n++
	}
	return n
}
