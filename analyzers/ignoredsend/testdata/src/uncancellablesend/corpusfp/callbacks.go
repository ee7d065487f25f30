package corpusfp

import (
	"context"
	"time"
)

// A timer callback (pgx connect): the literal handed to time.AfterFunc
// runs after connect has returned, so connect's ctx says nothing about
// it, and selecting on it would skip the signal the waiter needs.
type pgConn struct {
	slowWriteTimer  *time.Timer
	bgReaderStarted chan struct{}
}

func connect(ctx context.Context, c *pgConn) error {
	c.slowWriteTimer = time.AfterFunc(time.Hour, func() {
		c.bgReaderStarted <- struct{}{}
	})
	c.slowWriteTimer.Stop()
	c.bgReaderStarted = make(chan struct{})
	return ctx.Err()
}

// context.AfterFunc: the same.
func watch(ctx context.Context, parent context.Context, out chan error) {
	context.AfterFunc(parent, func() {
		out <- parent.Err()
	})
	_ = ctx
}

// A literal passed to an ordinary call may run in place: ctx counts.
func inPlace(ctx context.Context, out chan int, each func(func())) {
	each(func() {
		out <- 1 // want `send on out blocks`
	})
}

// The callback's own context is in scope for what it does.
func ownContext(out chan int) {
	time.AfterFunc(time.Second, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		out <- 1 // want `send on out blocks`
		_ = ctx
	})
}

// A context field of a long-lived receiver still says whether the
// object is done when the callback runs.
type watcher struct {
	ctx context.Context
	out chan int
}

func (w *watcher) arm() {
	time.AfterFunc(time.Second, func() {
		w.out <- 1 // want `send on w.out blocks`
		_ = w.ctx
	})
}
