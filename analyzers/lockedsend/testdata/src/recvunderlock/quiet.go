package recvunderlock

import (
	"context"
	"time"
)

// Receive before locking.
func (c *Client) before() { // want before:"mayBlock"
	r := <-c.replies
	c.mu.Lock()
	c.pending -= r.n
	c.mu.Unlock()
}

// Non-blocking receive.
func (c *Client) poll() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Unlock around the receive, as sync.Cond does.
func (c *Client) waitLoop() { // want waitLoop:"mayBlock"
	c.mu.Lock()
	for c.pending > 0 {
		c.mu.Unlock()
		<-c.replies
		c.mu.Lock()
	}
	c.mu.Unlock()
}

// The receive is in a goroutine.
func (c *Client) async() {
	c.mu.Lock()
	defer c.mu.Unlock()
	go func() {
		for r := range c.replies {
			_ = r
		}
	}()
}

// The context's Done channel kept in a variable is still a context case.
func (c *Client) doneVar(ctx context.Context) {
	done := ctx.Done()
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case r := <-c.replies:
		c.pending -= r.n
	case <-done:
	}
}

// Receiving what the length test says is there, under a mutex every
// receiver holds.
func (c *Client) drainBuffered() (n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.replies) > 0 {
		r := <-c.replies
		n += r.n
	}
	return n
}

// Optional bounds: a variable that holds the context's Done channel, or
// a timer's channel, when the caller gives one (nats.go's Next).
func (c *Client) next(ctx context.Context, timeout time.Duration) {
	var timeoutCh <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timeoutCh = t.C
	}
	var ctxDone <-chan struct{}
	if ctx != nil {
		ctxDone = ctx.Done()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case r := <-c.replies:
		c.pending -= r.n
	case <-ctxDone:
	}
	select {
	case r := <-c.replies:
		c.pending -= r.n
	case <-timeoutCh:
	}
}
