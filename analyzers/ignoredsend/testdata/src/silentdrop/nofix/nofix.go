package nofix

import "sync/atomic"

// No counter and no context: no fix.
func noFix(out chan<- []byte, buf []byte) {
	select {
	case out <- append([]byte(nil), buf...): // want `the value sent on out is dropped`
	default:
	}
}

// An error is data too.
func report(errc chan<- error, err error) {
	select {
	case errc <- err: // want `the value sent on errc is dropped`
	default:
	}
}

// Two counters: none is the obvious one.
type stats struct {
	droppedIn  counter
	droppedOut counter
	out        chan int
}

type counter interface{ Add(int64) }

func (s *stats) send(v int) {
	select {
	case s.out <- v: // want `the value sent on s.out is dropped`
	default:
	}
}

// A value receiver would count into a copy.
type valueRecv struct {
	dropped counter
	out     chan int
}

func (s valueRecv) send(v int) {
	select {
	case s.out <- v: // want `the value sent on s.out is dropped`
	default:
	}
}

// An unbuffered error channel (syncthing model.fatal): the first error
// itself is lost while the receiver is busy.
type model struct {
	fatalChan chan error
	events    chan string
}

func newModel() *model {
	return &model{fatalChan: make(chan error), events: make(chan string, 2)}
}

func (m *model) fatal(err error) {
	select {
	case m.fatalChan <- err: // want `the value sent on m.fatalChan is dropped`
	default:
	}
}

// A buffer of two data values is a queue, not a one-slot mailbox.
func (m *model) emit(e string) {
	select {
	case m.events <- e: // want `the value sent on m.events is dropped`
	default:
	}
}

// The CompareAndSwap guards something else: the send is in the else
// branch.
func (m *model) other(flag *int32, e string) {
	if atomic.CompareAndSwapInt32(flag, 0, 1) {
		return
	} else {
		select {
		case m.events <- e: // want `the value sent on m.events is dropped`
		default:
		}
	}
}
