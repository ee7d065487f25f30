package recvunderlock

import (
	"context"
	"sync"
)

type reply struct{ n int }

type Client struct {
	mu      sync.Mutex
	replies chan reply
	done    chan struct{}
	pending int
}

func (c *Client) call() reply { // want call:"mayBlock"
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending++
	r := <-c.replies // want `receive from c.replies while c.mu is locked \(line 18\): until a sender comes, every goroutine that needs c.mu waits, and a sender that needs c.mu deadlocks; receive before locking or after c.mu.Unlock\(\)`
	c.pending--
	return r
}

func (c *Client) drain() int { // want drain:"mayBlock"
	n := 0
	c.mu.Lock()
	for r := range c.replies { // want `range over c.replies while c.mu is locked \(line 28\)`
		n += r.n
	}
	c.mu.Unlock()
	return n
}

func (c *Client) wait(ctx context.Context) { // want wait:"mayBlock"
	c.mu.Lock()
	select { // want `select to receive from c.replies while c.mu is locked`
	case r := <-c.replies:
		c.pending -= r.n
	case <-c.done:
	}
	c.mu.Unlock()
}

// A ctx.Done case bounds the wait: quiet unless -bounded.
func (c *Client) waitCtx(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case r := <-c.replies:
		c.pending -= r.n
	case <-ctx.Done():
	}
}

func (c *Client) cond(ok bool) { // want cond:"mayBlock"
	c.mu.Lock()
	if ok {
		<-c.done // want `receive from c.done while c.mu is locked`
	}
	c.mu.Unlock()
}
