package ncast

import (
	"context"
	"io"
	"time"
)

type server struct{ addr string }

func query(s server) string { return s.addr }

// First response wins; the others block forever.
func first(servers []server) string {
	ch := make(chan string) // want `len\(servers\) goroutines send on ch \(unbuffered\) but the function receives only once, then leaves when it returns at line 19: the senders left behind block forever; buffer ch for every sender: make\(chan string, len\(servers\)\)`
	for _, s := range servers {
		go func() { ch <- query(s) }()
	}
	return <-ch
}

// First response or a timeout.
func firstOrTimeout(servers []server) (string, bool) {
	ch := make(chan string, 1) // want `len\(servers\) goroutines send on ch \(capacity 1\) but the function can leave without receiving, when the select takes case <-time.After\(time.Second\) \(line 31\) and it returns at line 32: .*make\(chan string, len\(servers\)\)`
	for _, s := range servers {
		go func() { ch <- query(s) }()
	}
	select {
	case r := <-ch:
		return r, true
	case <-time.After(time.Second):
		return "", false
	}
}

// Two copies, one receive, no buffer: the second copier leaks.
func proxy(a, b io.ReadWriter) error {
	errc := make(chan error) // want `2 goroutines send on errc \(unbuffered\) but the function receives only once.*make\(chan error, 2\)`
	go func() {
		_, err := io.Copy(a, b)
		errc <- err
	}()
	go func() {
		_, err := io.Copy(b, a)
		errc <- err
	}()
	return <-errc
}

// Buffer one, but the timeout can strand both.
func proxyTimeout(a, b io.ReadWriter, d time.Duration) error {
	errc := make(chan error, 1) // want `2 goroutines send on errc \(capacity 1\) but the function can leave without receiving, when the select takes case <-time.After\(d\) .*make\(chan error, 2\)`
	go func() { _, err := io.Copy(a, b); errc <- err }()
	go func() { _, err := io.Copy(b, a); errc <- err }()
	select {
	case err := <-errc:
		return err
	case <-time.After(d):
		return nil
	}
}

type conn struct{ rw io.ReadWriter }

func (c *conn) copyIn(errc chan<- error)  { _, err := io.Copy(c.rw, c.rw); errc <- err }
func (c *conn) copyOut(errc chan<- error) { _, err := io.Copy(c.rw, c.rw); errc <- err }

// Three named senders, two receives.
func three(c *conn) error {
	errc := make(chan error) // want `3 goroutines send on errc \(unbuffered\) but the function can leave after 2 receives, when it returns at line 75: .*make\(chan error, 3\)`
	go c.copyIn(errc)
	go c.copyOut(errc)
	go c.copyIn(errc)
	<-errc
	return <-errc
}

// for range with a constant count; `if v, ok := <-ch; ok` receives once.
func constant(ctx context.Context) bool {
	ch := make(chan bool) // want `3 goroutines send on ch .*make\(chan bool, 3\)`
	for range 3 {
		go func() { ch <- ctx.Err() == nil }()
	}
	if v, ok := <-ch; ok {
		return v
	}
	return false
}

const workers = 8

// A named constant count is kept as written.
func named(ctx context.Context) int {
	ch := make(chan int) // want `workers goroutines send on ch .*make\(chan int, workers\)`
	for i := 0; i < workers; i++ {
		go func() { ch <- i }()
	}
	return <-ch
}
