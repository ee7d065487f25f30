package permessage

import (
	"context"
	"net"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

type Msg struct {
	ID    int
	Items []string
}

func handle(m Msg)            {}
func handleN(m Msg, n int)    {}
func handleAll(ms ...Msg)     {}
func process(m Msg) error     { return nil }
func item(s string)           {}
func serve(c net.Conn)        {}
func reload()                 {}
func worker(ch <-chan Msg)    {}
func compute(m Msg) int       { return m.ID }
func next(ch <-chan Msg) Msg  { return <-ch }
func consumer() <-chan Msg    { return nil }
func handleErr(m Msg) error   { return nil }
func sleepy(d time.Duration)  {}
func use(v ...any)            {}
func nextReq() (Msg, error)   { return Msg{}, nil }
func accept(ln net.Listener)  {}
func keep(f func())           {}
func mk() chan Msg            { return nil }
func errorsOf() <-chan error  { return nil }
func handleError(err error)   {}
func handleConn(c net.Conn)   {}
func register(m Msg) chan Msg { return nil }

// Positive cases.

func rangeGo(ch <-chan Msg) {
	for m := range ch {
		go handle(m) // want `a goroutine is started for every value received from ch and nothing limits how many run at once: goroutines and their memory grow with the producer's rate; acquire a semaphore before starting it, or hand the messages to a fixed set of workers`
	}
}

func selectLit(ctx context.Context, ch <-chan Msg) {
	for {
		select {
		case m := <-ch:
			go func() { // want `a goroutine is started for every value received from ch`
				if err := process(m); err != nil {
					use(err)
				}
			}()
		case <-ctx.Done():
			return
		}
	}
}

func recvStmt(ch chan Msg) {
	for {
		m, ok := <-ch
		if !ok {
			return
		}
		go handle(m) // want `a goroutine is started for`
	}
}

func withParam(ch <-chan Msg) {
	for m := range ch {
		go func(m Msg) { // want `a goroutine is started for`
			handle(m)
		}(m)
	}
}

type server struct {
	requests chan Msg
	mu       sync.Mutex
}

func (s *server) handle(m Msg) {}

func (s *server) loop() {
	for m := range s.requests {
		go s.handle(m) // want `received from s.requests`
	}
}

func changingArg(ch <-chan Msg) {
	n := 0
	for m := range ch {
		n++
		go handleN(m, n) // want `a goroutine is started for`
	}
}

func group(ch <-chan Msg) error {
	var g errgroup.Group
	for m := range ch {
		g.Go(func() error { // want `g.Go starts a goroutine for every value received from ch and g has no SetLimit`
			return handleErr(m)
		})
	}
	return g.Wait()
}

func groupCtx(ctx context.Context, ch <-chan Msg) error {
	g, ctx := errgroup.WithContext(ctx)
	for m := range ch {
		g.Go(func() error { return handleErr(m) }) // want `g has no SetLimit`
	}
	return g.Wait()
}

func waitGroupGo(ch <-chan Msg) {
	var wg sync.WaitGroup
	for m := range ch {
		wg.Go(func() { // want `a goroutine is started for`
			handle(m)
		})
	}
	wg.Wait()
}

func nested(ch <-chan Msg) {
	for m := range ch {
		for _, it := range m.Items {
			go item(it) // want `a goroutine is started for`
		}
	}
}

func oneLine(ch <-chan Msg) {
	for m := range ch {
		go func() { handle(m) }() // want `a goroutine is started for`
	}
}

func fromCall() {
	for m := range consumer() {
		go handle(m) // want `received from consumer\(\)`
	}
}

func labeled(ctx context.Context, ch <-chan Msg) {
outer:
	for {
		select {
		case m, ok := <-ch:
			if !ok {
				break outer
			}
			go handle(m) // want `a goroutine is started for`
		case <-ctx.Done():
			break outer
		}
	}
}

func nameTaken(ch <-chan Msg) {
	sem := "taken"
	use(sem)
	for m := range ch {
		go handle(m) // want `a goroutine is started for`
	}
}

func variadic(ch <-chan Msg, more []Msg) {
	for m := range ch {
		go handleAll(append(more, m)...) // want `a goroutine is started for`
	}
}

func ifInit(ch <-chan Msg) {
	for {
		if m, ok := <-ch; ok {
			go handle(m) // want `a goroutine is started for`
		}
	}
}

func recvIntoVar(ctx context.Context, ch <-chan Msg) {
	for {
		var m Msg
		select {
		case m = <-ch:
		case <-ctx.Done():
			return
		}
		go handle(m) // want `a goroutine is started for`
	}
}

// Negative cases: look-alike idioms that are bounded.

func semaphoreChan(ch <-chan Msg) {
	sem := make(chan struct{}, 8)
	for m := range ch {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			handle(m)
		}()
	}
}

func semaphoreSelect(ctx context.Context, ch <-chan Msg) {
	sem := make(chan bool, 8)
	for m := range ch {
		select {
		case sem <- true:
		case <-ctx.Done():
			return
		}
		go func() {
			defer func() { <-sem }()
			handle(m)
		}()
	}
}

func tokens(ch <-chan Msg, pool chan *int) {
	for m := range ch {
		tok := <-pool
		go func() {
			handle(m)
			pool <- tok
		}()
	}
}

func weighted(ctx context.Context, ch <-chan Msg) {
	sem := semaphore.NewWeighted(4)
	for m := range ch {
		if err := sem.Acquire(ctx, 1); err != nil {
			return
		}
		go func() {
			defer sem.Release(1)
			handle(m)
		}()
	}
}

func limitedGroup(ch <-chan Msg) error {
	var g errgroup.Group
	g.SetLimit(10)
	for m := range ch {
		g.Go(func() error { return handleErr(m) })
	}
	return g.Wait()
}

type svc struct{ g errgroup.Group }

func newSvc() *svc {
	s := &svc{}
	s.g.SetLimit(4)
	return s
}

func (s *svc) run(ch <-chan Msg) {
	for m := range ch {
		s.g.Go(func() error { return handleErr(m) })
	}
}

func waitEach(ch <-chan Msg) {
	for m := range ch {
		var wg sync.WaitGroup
		for _, it := range m.Items {
			wg.Add(1)
			go func() {
				defer wg.Done()
				item(it)
			}()
		}
		wg.Wait()
	}
}

func fixedPool(ch <-chan Msg, n int) {
	for i := 0; i < n; i++ {
		go worker(ch)
	}
}

func acceptLoop(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go serve(c)
	}
}

func connHandoff(conns <-chan net.Conn) {
	for c := range conns {
		go serve(c)
	}
}

func signals(trigger <-chan struct{}, ctx context.Context) {
	for {
		select {
		case <-trigger:
			go reload()
		case <-ctx.Done():
			return
		}
	}
}

func boolSignals(kick chan bool) {
	for range kick {
		go reload()
	}
}

func ticker(t *time.Ticker) {
	for range t.C {
		go reload()
	}
}

func timerCh(ch <-chan time.Time) {
	for range ch {
		go reload()
	}
}

func waitsForResult(ch <-chan Msg) {
	for m := range ch {
		res := make(chan int, 1)
		go func() { res <- compute(m) }()
		use(<-res)
	}
}

func doneChan(ch <-chan Msg) {
	for m := range ch {
		done := make(chan struct{})
		go func() {
			defer close(done)
			handle(m)
		}()
		<-done
	}
}

func singleFlight(ch <-chan Msg, finished <-chan struct{}) {
	running := false
	for {
		select {
		case m := <-ch:
			if !running {
				running = true
				go func() {
					handle(m)
				}()
			}
		case <-finished:
			running = false
		}
	}
}

func skipBusy(ch <-chan Msg, finished <-chan int) {
	inflight := make(map[int]bool)
	for {
		select {
		case m := <-ch:
			if inflight[m.ID] {
				continue
			}
			inflight[m.ID] = true
			go handle(m)
		case id := <-finished:
			delete(inflight, id)
		}
	}
}

func counted(ch <-chan Msg, done <-chan int) {
	active, limit := 0, 16
	for {
		select {
		case m := <-ch:
			if active < limit {
				active++
				go handle(m)
			}
		case <-done:
			active--
		}
	}
}

func sliceFanOut(ms []Msg) {
	for _, m := range ms {
		go handle(m)
	}
}

func goBeforeRecv(ch <-chan Msg) {
	for {
		go reload()
		m := <-ch
		handle(m)
	}
}

func notInLoop(ch <-chan Msg) {
	m := <-ch
	go handle(m)
}

func closureStored(ch <-chan Msg) {
	for m := range ch {
		keep(func() { go handle(m) })
	}
}

func rateLimited(ch <-chan Msg, lim interface{ Wait(context.Context) error }) {
	for m := range ch {
		if err := lim.Wait(context.Background()); err != nil {
			return
		}
		go handle(m)
	}
}

func suppressed(ch <-chan Msg) {
	for m := range ch {
		//bplint:ignore unboundedqueue/goroutine-per-message the producer sends at most one message a minute
		go handle(m)
	}
}

func caseBody(ch <-chan Msg, kind int) {
	for m := range ch {
		switch kind {
		case 1:
			go handle(m) // want `a goroutine is started for`
		}
	}
}

// Other message sources: methods that read one message.

type subscription struct{}

func (subscription) Next() (Msg, error) { return Msg{}, nil }

type codec interface {
	ReadRequest() (*Msg, error)
}

type iterator interface {
	Next() bool
	Value() Msg
}

func subLoop(s subscription) {
	for {
		m, err := s.Next()
		if err != nil {
			return
		}
		go handle(m) // want `a goroutine is started for every message returned by s.Next\(\)`
	}
}

func serveCodec(c codec) {
	for {
		req, err := c.ReadRequest()
		if err != nil {
			break
		}
		go func() { // want `every message returned by c.ReadRequest\(\)`
			handle(*req)
		}()
	}
}

func iterate(it iterator) {
	for it.Next() {
		go handle(it.Value())
	}
}

func unrelatedSpawn(s subscription) {
	for {
		m, err := s.Next()
		if err != nil {
			return
		}
		handle(m)
		go reload()
	}
}

func dedup(s subscription, mu *sync.Mutex, running map[int]bool) {
	for {
		m, err := s.Next()
		if err != nil {
			return
		}
		mu.Lock()
		if !running[m.ID] {
			running[m.ID] = true
			go handle(m)
		}
		mu.Unlock()
	}
}

// One goroutine per distinct key (etcd's lease proxy).
func perKey(s subscription, mu *sync.Mutex, leases map[int]*int) {
	for {
		m, err := s.Next()
		if err != nil {
			return
		}
		mu.Lock()
		n, ok := leases[m.ID]
		if !ok {
			n = new(int)
			leases[m.ID] = n
			go handleN(m, *n)
		}
		mu.Unlock()
	}
}

// At most one reader: the previous one is drained first (go-ethereum's
// rpc client reconnect).
func reconnects(codecs <-chan Msg, drain func()) {
	reading := false
	for c := range codecs {
		if reading {
			drain()
		}
		go handle(c)
		reading = true
	}
}

// The goroutine ignores the message: a shutdown, not a handler.
func shutdownOnce(events <-chan Msg, stop func()) {
	for ev := range events {
		if ev.ID == 0 {
			go stop()
		}
	}
}

type state struct{ conns map[net.Conn]bool }

// A channel used as a lock around state, in an accept loop (cmd/go's
// vcweb).
func stateChan(ln net.Listener, st chan *state) {
	for {
		c, err := ln.Accept()
		s := <-st
		if err != nil {
			st <- s
			return
		}
		s.conns[c] = true
		go serve(c)
		st <- s
	}
}

type request struct {
	conn net.Conn
	id   int
}

// Connections handed over with metadata are still messages when the
// goroutine uses the message.
func connRequests(reqs <-chan request) {
	for r := range reqs {
		go serve(r.conn) // want `a goroutine is started for`
	}
}
