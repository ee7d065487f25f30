package requestctx

import (
	"context"
	"net/http"
	"testing"
)

type job struct{ path string }

type server struct {
	queue chan job
}

// The classic: an HTTP handler blocks forever on a full queue once the
// worker is gone; the request's context ends when the client leaves.
func (s *server) handle(w http.ResponseWriter, r *http.Request) {
	s.queue <- job{path: r.URL.Path} // want `send on s.queue blocks until a receiver takes the value, but does not watch r.Context\(\).Done\(\)`
}

// A handler written as a function literal.
func register(mux *http.ServeMux, queue chan<- job) {
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		queue <- job{path: req.URL.Path} // want `does not watch req.Context\(\).Done\(\)`
	})
}

// A function literal run in place still runs during the request.
func (s *server) batch(w http.ResponseWriter, r *http.Request) {
	for _, p := range []string{"a", "b"} {
		func() {
			s.queue <- job{path: p} // want `does not watch r.Context\(\).Done\(\)`
		}()
	}
}

// A gRPC server stream: its Context ends with the RPC.
type ServerStream interface {
	Context() context.Context
	SendMsg(m any) error
	RecvMsg(m any) error
}

type events struct {
	out chan string
}

func (e *events) Subscribe(stream ServerStream) error {
	var name string
	if err := stream.RecvMsg(&name); err != nil {
		return err
	}
	e.out <- name // want `does not watch stream.Context\(\).Done\(\)`
	return nil
}

// A receive whose value is needed, in a handler.
func (s *server) wait(w http.ResponseWriter, r *http.Request, results <-chan string) {
	res := <-results // want `receive from results blocks until a value arrives, but does not watch r.Context\(\).Done\(\)`
	w.Write([]byte(res))
}

// A context variable comes first, as before.
func (s *server) withVar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s.queue <- job{} // want `does not watch ctx.Done\(\)`
	_ = ctx
}

// Negative: a goroutine started by the handler may outlive the request;
// it must not wait on the request's context.
func (s *server) async(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	go func() {
		s.queue <- job{path: path}
	}()
}

// Negative: a function literal stored for later runs after the request.
func (s *server) later(w http.ResponseWriter, r *http.Request) func() {
	return func() {
		s.queue <- job{}
	}
}

// Negative: the parameter is shadowed at the send.
func (s *server) shadowed(w http.ResponseWriter, r *http.Request) {
	{
		r := 1
		_ = r
		s.queue <- job{}
	}
}

// Negative: a test's context is not a request's (testing.T has
// Context since Go 1.24), and helpers like this run in tests.
func feed(t *testing.T, ch chan<- int) {
	ch <- 1
}

// Negative: no request parameter.
func (s *server) plain(j job) {
	s.queue <- j
}

// A stream interface that embeds the one with Context, as grpc's
// generated code does.
type Greeter_SayHelloServer interface {
	Send(string) error
	ServerStream
}

func (e *events) SayHello(stream Greeter_SayHelloServer) error {
	e.out <- "hello" // want `does not watch stream.Context\(\).Done\(\)`
	return nil
}

// Negative: a struct wrapping the request (net/http's transportRequest
// embeds *Request) is client-side plumbing, not a handler's request.
type transportRequest struct {
	*http.Request
	extra int
}

type persistConn struct {
	writech chan *transportRequest
}

func (pc *persistConn) roundTrip(req *transportRequest) {
	pc.writech <- req
}
