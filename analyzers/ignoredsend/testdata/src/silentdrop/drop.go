package silentdrop

import (
	"context"
	"sync/atomic"
)

type event struct{ id int }

type bus struct {
	events  chan event
	dropped atomic.Int64
}

// A counter named like one is at hand, and a context: two fixes.
func (b *bus) publish(ctx context.Context, ev event) error {
	select {
	case b.events <- ev: // want `the value sent on b.events is dropped whenever the channel cannot take it at once, and the empty default hides it`
	default:
	}
	return nil
}

// Code follows the select: waiting must not return past it, so the case
// on ctx.Done() gives up the value and the code runs.
func (b *bus) publishThenLog(ctx context.Context, ev event, log func()) {
	select {
	case b.events <- ev: // want `the value sent on b.events is dropped`
	default:
	}
	log()
}

// No context: only the counter.
func (b *bus) publishNoCtx(ev event) {
	select {
	case b.events <- ev: // want `the value sent on b.events is dropped`
	default:
	}
}

type counter interface{ Inc() }

var droppedTotal counter

// A package-level counter with Inc(); a context in a function returning
// nothing.
func forward(ctx context.Context, out chan<- string, s string) {
	select {
	case out <- s: // want `the value sent on out is dropped`
	default:
	}
}
