package quiet

import (
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
)

// Signal channels are never closed; signal.Notify is a call whose body
// the analyzer does not look into.
func notifySignals() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	for s := range sig {
		println(s.String())
	}
}

func startWalker(dir string, res chan<- string) <-chan error {
	errc := make(chan error, 1)
	go func() {
		errc <- filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
			res <- p
			return err
		})
		close(res)
	}()
	return errc
}

// Closed by a goroutine that a callee starts.
func walk(dir string) ([]string, error) {
	res := make(chan string)
	errc := startWalker(dir, res)
	var files []string
	for f := range res {
		files = append(files, f)
	}
	return files, <-errc
}

func emit(ch chan<- int) {
	defer close(ch)
	for i := range 3 {
		ch <- i
	}
}

// A generator that defers close.
func generator() int {
	ch := make(chan int)
	go emit(ch)
	n := 0
	for v := range ch {
		n += v
	}
	return n
}

// The close is in the enclosing function, after the range goroutines.
func workers(jobs []int, concurrency int) {
	var wg sync.WaitGroup
	workc := make(chan int)
	for i := 0; i < concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range workc {
				_ = j
			}
		}()
	}
	for _, j := range jobs {
		workc <- j
	}
	close(workc)
	wg.Wait()
}

// A closer goroutine.
func closerGoroutine(xs []int) int {
	var wg sync.WaitGroup
	ch := make(chan int)
	for _, x := range xs {
		wg.Go(func() { ch <- x })
	}
	go func() { wg.Wait(); close(ch) }()
	n := 0
	for v := range ch {
		n += v
	}
	return n
}

// Closed once, through sync.Once.
func once() {
	var o sync.Once
	ch := make(chan int)
	go func() {
		ch <- 1
		o.Do(func() { close(ch) })
	}()
	for range ch {
	}
}

// The body always leaves: effectively a single receive.
func bodyLeaves(errs chan error) error {
	ch := make(chan error, 1)
	go func() { ch <- <-errs }()
	for err := range ch {
		return err
	}
	return nil
}

// A counting break.
func countingBreak(xs []int) int {
	ch := make(chan int)
	for _, x := range xs {
		go func() { ch <- x }()
	}
	n, sum := 0, 0
	for v := range ch {
		sum += v
		n++
		if n == len(xs) {
			break
		}
	}
	return sum
}

// The channel is stored in a struct: someone else may close it.
type lister struct{ names chan string }

func storedInStruct() *lister {
	l := &lister{names: make(chan string)}
	ch := make(chan string)
	l.names = ch
	go func() {
		for range ch {
		}
	}()
	return l
}

func watch(events chan<- int) {
	for {
		events <- 1
	}
}

// An event loop fed by a producer that never stops.
func eventLoop() {
	events := make(chan int)
	go watch(events)
	for e := range events {
		println(e)
	}
}

// A consumer goroutine of a function that never returns.
func serveForever(in <-chan int) {
	ch := make(chan int)
	go func() {
		for v := range ch {
			println(v)
		}
	}()
	for v := range in {
		ch <- v
	}
	select {}
}
