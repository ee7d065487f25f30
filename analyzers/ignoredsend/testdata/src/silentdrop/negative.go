package silentdrop

import (
	"log"
	"sync/atomic"
)

// Signal channels carry no data.
func notify(wake chan struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}

// A constant is a wake-up token, whatever its type.
func nudge(c chan bool) {
	select {
	case c <- true:
	default:
	}
}

// The default does something.
func (b *bus) counted(ev event) {
	select {
	case b.events <- ev:
	default:
		b.dropped.Add(1)
	}
}

func logged(out chan<- int, v int) {
	select {
	case out <- v:
	default:
		log.Printf("dropped %d", v)
	}
}

// A comment in the default is the decision.
func decided(out chan<- int, v int) {
	select {
	case out <- v:
	default:
		// The consumer only needs the latest value.
	}
	select {
	case out <- v:
	default: // best effort
	}
	select {
	case out <- v:
	// Full: the reader catches up from the store.
	default:
	}
}

// A comment just above the select, or the statement it opens.
func above(out chan<- int, v int, ok bool) {
	// Non-blocking: a full channel means an update is already pending.
	select {
	case out <- v:
	default:
	}
	// Use the first reply only.
	if ok {
		select {
		case out <- v:
		default:
		}
	}
}

// sendLatest sends v unless the buffer is full.
func sendLatest(out chan<- int, v int) {
	select {
	case out <- v:
	default:
	}
}

// Try to hand over, else keep it: the value is not lost.
type buffer struct {
	c       chan int
	backlog []int
}

func (b *buffer) put(v int) {
	if len(b.backlog) == 0 {
		select {
		case b.c <- v:
			return
		default:
		}
	}
	b.backlog = append(b.backlog, v)
}

func (b *buffer) load() {
	if len(b.backlog) > 0 {
		select {
		case b.c <- b.backlog[0]:
			b.backlog = b.backlog[1:]
		default:
		}
	}
}

type state struct {
	latest int
	out    chan int
}

func (s *state) flush() {
	select {
	case s.out <- s.latest:
	default:
	}
}

func retried(out chan<- int, v int) []int {
	var pending []int
	select {
	case out <- v:
	default:
	}
	pending = append(pending, v)
	return pending
}

// A local buffer that holds every send: the default never runs.
func firstError(err error) error {
	errc := make(chan error, 1)
	select {
	case errc <- err:
	default:
	}
	return <-errc
}

// A comment above the case whose body opens with the select.
func relay(in <-chan int, out chan<- int, stop <-chan struct{}) {
	for {
		select {
		// Forward, but drop if the reader is too slow.
		case v := <-in:
			select {
			case out <- v:
			default:
			}
		case <-stop:
			return
		}
	}
}

// Pools and free lists: a dropped buffer goes to the garbage collector.
type bytesPool struct{ c chan []byte }

func (bp *bytesPool) put(b []byte) {
	select {
	case bp.c <- b:
	default:
	}
}

func recycle(freeBufs chan []byte, b []byte) {
	select {
	case freeBufs <- b:
	default:
	}
}

// The taker does not wait either: a buffer handed back for reuse.
type processor struct{ output chan []int }

func (p *processor) reuseBuf() []int {
	select {
	case buf := <-p.output:
		return buf[:0]
	default:
	}
	return nil
}

func (p *processor) process(in []int) {
	select {
	case p.output <- in:
	default:
	}
}

// First error wins (etcd stopWithDelay): a buffered error channel keeps
// the first error; later ones add nothing.
type etcdServer struct {
	errorc chan error
	done   chan struct{}
}

func newEtcdServer() *etcdServer {
	return &etcdServer{errorc: make(chan error, 1), done: make(chan struct{})}
}

func (s *etcdServer) stopWithError(err error) {
	select {
	case s.errorc <- err:
	default:
	}
}

// The same on a local channel.
func firstOfErrors(tasks []func() error) error {
	errc := make(chan error, 1)
	for _, t := range tasks {
		go func() {
			if err := t(); err != nil {
				select {
				case errc <- err:
				default:
				}
			}
		}()
	}
	return <-errc
}

// A coalescing wake-up with a value (etcd watchBroadcasts.update): a
// one-slot mailbox whose pending value stands for the dropped one.
type broadcast struct{ rev int64 }

type broadcasts struct {
	updatec chan *broadcast
}

func newBroadcasts() *broadcasts {
	return &broadcasts{updatec: make(chan *broadcast, 1)}
}

func (b *broadcasts) update(wb *broadcast) {
	select {
	case b.updatec <- wb:
	default:
	}
}

// A wake-up guarded by a CompareAndSwap (nats gateway reply map): only
// the winner sends; the receiver resets the flag.
type replyMapper struct {
	w  int32
	ch chan int64
}

func (m *replyMapper) arm(ttl int64) {
	if atomic.CompareAndSwapInt32(&m.w, 0, 1) {
		select {
		case m.ch <- ttl:
		default:
		}
	}
}
