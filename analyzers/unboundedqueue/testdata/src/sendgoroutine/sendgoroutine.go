package sendgoroutine

import (
	"context"
	"errors"
	"net/http"
	"sync"
)

type Event struct{ Name string }

type Server struct {
	events chan Event
	subs   map[string]chan Event
	mu     sync.Mutex
	ctx    context.Context
	srv    *http.Server
}

var global = make(chan Event, 16)

// Positive cases.

func (s *Server) notify(ev Event) {
	// Do not block the handler.
	go func() { s.events <- ev }() // want `this goroutine only sends on s.events, a long-lived channel \(a field\): while the receiver is behind, each call parks one more goroutine on the send with its value, so memory grows with the callers' rate instead of pushing back; send in place with a select that gives up \(ctx.Done or default\), or use a bounded.Queue and handle TrySend's error`
}

func (s *Server) notifyCtx(ctx context.Context, ev Event) error {
	go func() { // want `this goroutine only sends on .*, a long-lived channel \(a field\)`
		s.events <- ev
	}()
	return nil
}

func publish(ctx context.Context, out chan<- Event, name string) {
	go func() { out <- Event{Name: name} }() // want `on out, a long-lived channel \(a parameter\)`
}

func toGlobal(ev Event) {
	go func() { global <- ev }() // want `on global, a long-lived channel \(a package variable\)`
}

func (s *Server) toSub(ctx context.Context, id string, ev Event) (int, error) {
	go func(e Event) { s.subs[id] <- e }(ev) // want `on s.subs\[id\], a long-lived channel \(a field\)`
	return 1, nil
}

func (s *Server) withParamChan(ev Event) {
	go func(c chan Event, e Event) { c <- e }(s.events, ev) // want `on s.events, a long-lived channel \(a field\)`
}

func (s *Server) inClosure(ctx context.Context) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ev := Event{Name: r.URL.Path}
		go func() { s.events <- ev }() // want `this goroutine only sends on`
	}
}

func (s *Server) underLock(ctx context.Context, ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	go func() { s.events <- ev }() // want `this goroutine only sends on`
}

func (s *Server) receiverCtx(ev Event) error {
	if s.ctx == nil {
		return errors.New("no ctx")
	}
	go func() { s.events <- ev }() // want `this goroutine only sends on`
	return nil
}

// Negative cases.

func run(srv *http.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	return <-errc
}

func localChan(ev Event) Event {
	ch := make(chan Event)
	go func() { ch <- ev }()
	return <-ch
}

func (s *Server) doesWork(r *http.Request) {
	go func() { s.events <- parse(r) }()
}

func parse(r *http.Request) Event { return Event{} }

func (s *Server) relays(in <-chan Event) {
	go func() { s.events <- <-in }()
}

func (s *Server) moreThanSend(ev Event) {
	go func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.events <- ev
	}()
}

func (s *Server) cancellable(ctx context.Context, ev Event) {
	go func() {
		select {
		case s.events <- ev:
		case <-ctx.Done():
		}
	}()
}

func (s *Server) inPlace(ctx context.Context, ev Event) error {
	select {
	case s.events <- ev:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type prober struct{ result chan error }

func (p *prober) probe() {
	p.result = make(chan error, 1)
	go func() { p.result <- nil }()
}

func newProber() *prober {
	p := &prober{result: make(chan error, 1)}
	go func() { p.result <- nil }()
	return p
}
