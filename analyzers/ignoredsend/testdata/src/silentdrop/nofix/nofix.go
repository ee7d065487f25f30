package nofix

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
