package sendindefault

import "context"

type worker struct {
	quit chan struct{}
	out  chan int
	n    int
}

func (w *worker) next() int { w.n++; return w.n }

// The select polls quit, then the send waits without watching it. The
// fix copies the stop case, which returns.
func (w *worker) run() {
	for {
		select {
		case <-w.quit:
			return
		default:
			w.out <- w.next() // want `send on w.out in the default case blocks without watching <-w.quit, which the select polls`
		}
	}
}

// A stop case that breaks out of the loop cannot be copied; with a
// context in scope the fix waits on ctx.Done instead. It gives up the
// send rather than return: the loop comes back to the stop case, which
// leaves the way the code means to (break loop, return nil).
func (w *worker) runCtx(ctx context.Context) error {
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		default:
			v := w.next()
			if v > 10 {
				w.out <- v // want `send on w.out in the default case blocks without watching <-ctx.Done\(\)`
			}
		}
	}
	return nil
}

// A stop channel named like one, of any element type; the stop case
// returns values that mean the same at the send.
func produce(stopCh <-chan bool, out chan<- string, s string) error {
	for {
		select {
		case <-stopCh:
			return errStopped
		default:
			out <- s // want `send on out in the default case blocks without watching <-stopCh`
		}
	}
}

var errStopped = context.Canceled

// No copyable stop case and no context: no fix.
func noFix(done <-chan struct{}, out chan<- int) {
	for i := 0; ; i++ {
		select {
		case <-done:
			println("bye")
			break
		default:
			out <- i // want `send on out in the default case blocks`
		}
	}
}

// Negative: a polling select without a stop case.
func poll(in <-chan int, out chan<- int) {
	for {
		select {
		case v := <-in:
			_ = v
		default:
			out <- 1
		}
	}
}

// Negative: the send in the default case is itself a select with the
// stop case.
func (w *worker) good() {
	for {
		select {
		case <-w.quit:
			return
		default:
			select {
			case w.out <- w.next():
			case <-w.quit:
				return
			}
		}
	}
}

// Negative: a buffered local channel that holds every send.
func local(quit <-chan struct{}) {
	out := make(chan int, 1)
	select {
	case <-quit:
		return
	default:
		out <- 1
	}
}
