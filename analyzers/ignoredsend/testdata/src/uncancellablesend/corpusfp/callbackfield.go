package corpusfp

import (
	"context"
	"time"
)

// A method with a ctx parameter registers a callback: the parameter
// does not count in it, the receiver's context field still does.
type armer struct {
	ctx context.Context
	out chan int
}

func (a *armer) arm(ctx context.Context) {
	time.AfterFunc(time.Second, func() {
		a.out <- 1 // want `send on a.out blocks`
	})
	_, _ = ctx, a.ctx
}
