// Package testutils is a test helper (grpc internal/testutils): its
// fakes report events to tests, which decide whether a drop or a block
// matters. Rules 1, 2 and ignored-result treat it as test code.
package testutils

import "context"

type ClientConn struct {
	NewSubConnCh chan string
	ResultCh     chan string
}

func (cc *ClientConn) NewSubConn(addr string) {
	select {
	case cc.NewSubConnCh <- addr:
	default:
	}
}

func (cc *ClientConn) Report(ctx context.Context, r string) {
	cc.ResultCh <- r
}

type stream struct{}

func (stream) Send(string) error { return nil }

func (cc *ClientConn) Push(s stream) {
	s.Send("x")
}
