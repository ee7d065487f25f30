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

func (conn) send(msg string) bool { return true }

func index(c conn) error {
	c.send("idx") // want `the bool result of c.send is discarded`
	return nil
}
