package quiet

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

type item struct{ id int }

func process(x item) error { return nil }

// Buffered for every sender.
func bufferedLen(xs []item) error {
	errc := make(chan error, len(xs))
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

func bufferedN(n int) error {
	errc := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() { errc <- process(item{i}) }()
	}
	for i := 0; i < n; i++ {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

func bufferedRange(publishers int) error {
	results := make(chan error, publishers)
	for range publishers {
		go func() { results <- nil }()
	}
	for range publishers {
		if err := <-results; err != nil {
			return err
		}
	}
	return nil
}

// A receive loop that drains every sender.
func drains(servers []string) []string {
	resc := make(chan string)
	for _, s := range servers {
		go func() { resc <- s }()
	}
	var out []string
	for range servers {
		out = append(out, <-resc)
	}
	return out
}

// continue keeps draining.
func continues(xs []item) []error {
	var wg sync.WaitGroup
	results := make(chan error)
	for _, x := range xs {
		wg.Go(func() { results <- process(x) })
	}
	go func() { wg.Wait(); close(results) }()
	var errs []error
	for err := range results {
		if err != nil {
			errs = append(errs, err)
			continue
		}
	}
	return errs
}

// t.Errorf does not stop the loop; t.Fatal leaks only on failure.
func TestHandshakes(t *testing.T) {
	errc := make(chan error)
	for i := 0; i < 4; i++ {
		go func() { errc <- process(item{i}) }()
	}
	for i := 0; i < 4; i++ {
		if err := <-errc; err != nil {
			t.Errorf("handshake: %v", err)
		}
	}
	errc2 := make(chan error)
	for i := 0; i < 4; i++ {
		go func() { errc2 <- process(item{i}) }()
	}
	for i := 0; i < 4; i++ {
		if err := <-errc2; err != nil {
			t.Fatal(err)
		}
	}
}

// A counter guards the only return.
func counter(ctx context.Context, workers int) error {
	errC := make(chan error)
	for i := range workers {
		go func() { errC <- process(item{i}) }()
	}
	active := workers
	var first error
	for {
		select {
		case <-ctx.Done():
			first = ctx.Err()
		case err := <-errC:
			if err != nil && first == nil {
				first = err
			}
			active--
			if active == 0 {
				return first
			}
		}
	}
}

// A counter incremented at spawn and decremented at receive.
func countdown(parts [][]byte) [][]byte {
	type res struct {
		i int
		b []byte
	}
	resc := make(chan res)
	n := 0
	for range parts {
		go func(i int) { resc <- res{i, parts[i]} }(n)
		n++
	}
	out := make([][]byte, len(parts))
	for ; n > 0; n-- {
		r := <-resc
		out[r.i] = r.b
	}
	return out
}

// A worker pool: each goroutine sends many values (cap = items).
func pool(items []item, workers int) []error {
	var next atomic.Int64
	results := make(chan error, len(items))
	for i := 0; i < workers; i++ {
		go func() {
			for {
				j := int(next.Add(1)) - 1
				if j >= len(items) {
					return
				}
				results <- process(items[j])
			}
		}()
	}
	var errs []error
	for range items {
		if err := <-results; err != nil {
			return append(errs, err)
		}
	}
	return errs
}

// The senders select on a quit channel closed before the early return.
func quitOnError(xs []item) error {
	result := make(chan error)
	quit := make(chan struct{})
	for _, x := range xs {
		go func() {
			select {
			case result <- process(x):
			case <-quit:
			}
		}()
	}
	for range xs {
		if err := <-result; err != nil {
			close(quit)
			return err
		}
	}
	return nil
}

// First wins, and a drainer goroutine takes the rest.
func drainer(targets []string) string {
	var wg sync.WaitGroup
	res := make(chan string)
	for _, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res <- t
		}()
	}
	go func() { wg.Wait(); close(res) }()
	if r, ok := <-res; ok {
		go func() {
			for range res {
			}
		}()
		return r
	}
	return ""
}

// Two senders, capacity for the one left behind.
func proxy(a, b io.ReadWriter) error {
	errc := make(chan error, 1)
	go func() { _, err := io.Copy(a, b); errc <- err }()
	go func() { _, err := io.Copy(b, a); errc <- err }()
	return <-errc
}

// Two literal senders, capacity two, and t.Fatal.
func TestTwo(t *testing.T) {
	errCh := make(chan error, 2)
	go func() { errCh <- nil }()
	go func() { errCh <- nil }()
	for i := 0; i < 2; i++ {
		if err := <-errCh; err != nil {
			t.Fatal(err)
		}
	}
}

// A capacity whose relation to the senders is unknown.
func unknownCap(xs []item, concurrency int) error {
	errc := make(chan error, concurrency)
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

// Every sender is done before the early return.
func waitFirst(machines []item) error {
	var wg sync.WaitGroup
	wg.Add(len(machines))
	ch := make(chan error, len(machines))
	for _, m := range machines {
		go func() { defer wg.Done(); ch <- process(m) }()
	}
	wg.Wait()
	close(ch)
	for err := range ch {
		if err != nil {
			return err
		}
	}
	return nil
}

// Non-blocking sends: first error wins.
func firstError() error {
	errs := make(chan error, 1)
	for range 4 {
		go func() {
			if err := process(item{}); err != nil {
				select {
				case errs <- err:
				default:
				}
			}
		}()
	}
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// Senders on exclusive branches: one runs.
func exclusive(tls bool) error {
	errc := make(chan error, 1)
	if tls {
		go func() { errc <- process(item{1}) }()
	} else {
		go func() { errc <- process(item{2}) }()
	}
	select {
	case err := <-errc:
		return err
	case <-time.After(time.Second):
		return nil
	}
}

// The senders honour the errgroup context that the early return leaves
// to be cancelled.
func groupCtx(ctx context.Context, xs []item) error {
	g, ctx := errgroup.WithContext(ctx)
	ch := make(chan item)
	for _, x := range xs {
		g.Go(func() error {
			select {
			case ch <- x:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}
	for range xs {
		select {
		case x := <-ch:
			if x.id < 0 {
				return g.Wait()
			}
		case <-ctx.Done():
			return g.Wait()
		}
	}
	return g.Wait()
}

// A break followed by a loop that drains the rest.
func breakThenDrain(xs []item) error {
	errc := make(chan error)
	for _, x := range xs {
		go func() { errc <- process(x) }()
	}
	var first error
	i := 0
	for ; i < len(xs); i++ {
		if err := <-errc; err != nil {
			first = err
			break
		}
	}
	for i++; i < len(xs); i++ {
		<-errc
	}
	return first
}

// A counted loop that returns once it has them all.
func returnsWhenDone(xs []item) []error {
	errc := make(chan error)
	for _, x := range xs {
		go func() { errc <- process(x) }()
	}
	var errs []error
	for {
		errs = append(errs, <-errc)
		if len(errs) == len(xs) {
			return errs
		}
	}
}

// The last goroutine to arrive sends: one sender.
func lastOne(p int) {
	done := make(chan bool)
	var x atomic.Uint32
	for i := 0; i < p; i++ {
		go func() {
			if x.Add(1) == uint32(p) {
				done <- true
			}
		}()
	}
	<-done
}

// A range over a literal with two elements: two senders, two receives.
func literal() []string {
	ch := make(chan string)
	for _, s := range []string{"a", "b"} {
		go func() { ch <- s }()
	}
	return []string{<-ch, <-ch}
}
