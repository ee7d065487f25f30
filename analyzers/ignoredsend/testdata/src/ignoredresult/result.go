package ignoredresult

import "errors"

type stream struct{}

func (stream) Send(m string) error           { return nil }
func (stream) SendMsg(m any) error           { return nil }
func (stream) CloseSend() error              { return nil }
func (stream) Publish(s string) (int, error) { return 0, nil }

type queue struct{}

func (*queue) TryPush(v int) bool  { return true }
func (*queue) Offer(v int) bool    { return true }
func (*queue) Enqueue(v int) error { return nil }
func (*queue) TrySend(v int) error { return nil }
func (*queue) Send(v int)          {}
func (*queue) Len() int            { return 0 }

// Sender is an interface with a send-like method.
type Sender interface {
	Send(m string) error
}

// The enclosing function returns an error: the fix returns it.
func relay(s stream, msgs []string) error {
	for _, m := range msgs {
		s.Send(m) // want `the error of s.Send is discarded: Send is a send-like method, so a failed send is lost silently`
	}
	s.SendMsg(msgs) // want `the error of s.SendMsg is discarded`
	return nil
}

// Other results get zero values; the result count is kept.
func publish(s stream, q *queue) (int, error) {
	s.Publish("x") // want `the results of s.Publish, including its error, are discarded`

	x := 1       // a neighbour whose comment is aligned with the next one
	q.Enqueue(x) // want `the error of q.Enqueue is discarded`
	return 1, nil
}

// err is taken: the new variable gets a fresh name.
func taken(s Sender) error {
	err := errors.New("earlier")
	s.Send("x") // want `the error of s.Send is discarded`
	return err
}

// A bool result says whether the value was accepted: no fix.
func push(q *queue) error {
	q.TryPush(1) // want `the bool result of q.TryPush is discarded: TryPush is a send-like method, and its result says whether the value was accepted`
	q.Offer(2)   // want `the bool result of q.Offer is discarded`
	return nil
}

// A function without an error result: no fix.
func fire(q *queue) {
	q.TrySend(1) // want `the error of q.TrySend is discarded`
}

// go and defer statements: reported, no fix.
func background(s stream) error {
	go s.Send("x")         // want `go statement: the error of s.Send is discarded`
	defer s.SendMsg("bye") // want `defer statement: the error of s.SendMsg is discarded`
	return nil
}

// Negative: explicit decisions and checked results.
func decided(s stream, q *queue) error {
	_ = s.Send("x")
	_, _ = s.Publish("x")
	if err := s.Send("y"); err != nil {
		return err
	}
	ok := q.TryPush(1)
	_ = ok
	return s.SendMsg(1)
}

// Negative: a comment next to the call says why its result does not
// matter (nats.go's flow-control replies).
func explained(s stream, q *queue) {
	// This call returns an error (which we don't care about here) if the
	// reply subject is empty.
	s.Send("fc")
	// Best effort: the server asks again.
	s.Send("ack")
	// Full means a refresh is already pending: ignored.
	q.TrySend(1)
}

// A comment above that only says what the call does, or promises to
// handle the error later, is no decision.
func described(s stream) {
	// Tell the peer we are done.
	s.Send("done") // want `the error of s.Send is discarded`
	// TODO: handle the error.
	s.Send("bye") // want `the error of s.Send is discarded`
	// Report the error to the client.
	s.Send("error") // want `the error of s.Send is discarded`
}

// Negative: not send-like: another name, no result, not a method.
func other(s stream, q *queue) {
	s.CloseSend()
	q.Send(1)
	q.Len()
	Send("x")
}

func Send(string) error { return nil }

// Unexported methods with a send-like name count too.
type conn struct{}

func (conn) send(msg string) bool    { return true }
func (conn) trySend(msg string) bool { return true }

// A bool from a method named like Send does not promise that false
// means "dropped" (a blocking reflect send always returns true; a
// connection's send returns false while it closes): only names that
// say the value may be refused (TrySend, TryPush, Offer) are checked.
func index(c conn) error {
	c.send("idx")
	c.trySend("idx") // want `the bool result of c.trySend is discarded`
	return nil
}

// Test-helper packages (testutils, httptest) are test code: see
// helperpkg/internal/testutils.

// A bool that says whether a non-blocking send dropped the value (etcd's
// watcher.send) is checked whatever the method's name.
type watcher struct{ ch chan int }

func (w *watcher) send(v int) bool {
	select {
	case w.ch <- v:
		return true
	default:
		return false
	}
}

func progress(w *watcher) {
	w.send(1) // want `the bool result of w.send is discarded: send is a send-like method that returns false when it drops the value`
}

// A function handed a message its callers took off a channel (nats.go
// processNextMsgDelivered): returning the Publish error would make
// nextMsg return without the message, which nobody can receive again,
// and skip the accounting after the call. Reported, without the fix.
type sub struct {
	mch       chan string
	delivered int
	max       int
}

func (sb *sub) processDelivered(s stream, msg string) error {
	sb.delivered++
	s.Publish("ack") // want `the results of s.Publish, including its error, are discarded`
	if sb.delivered == sb.max {
		sb.mch = nil
	}
	return nil
}

func (sb *sub) nextMsg(s stream) (string, error) {
	var msg string
	var ok bool
	select {
	case msg, ok = <-sb.mch:
		if !ok {
			return "", errors.New("closed")
		}
	}
	if err := sb.processDelivered(s, msg); err != nil {
		return "", err
	}
	return msg, nil
}

// The same function called with a value the caller still holds: the
// fix returns the error.
func (sb *sub) processOwn(s stream, msg string) error {
	s.Publish(msg) // want `the results of s.Publish, including its error, are discarded`
	return nil
}

func (sb *sub) own(s stream) error {
	return sb.processOwn(s, "hello")
}
