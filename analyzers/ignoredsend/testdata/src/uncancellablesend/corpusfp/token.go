package corpusfp

import (
	"context"
	"errors"
)

var errNoRead = errors.New("no reader")

// Token passing (go-ethereum's UDPv5): dispatch arms readNext once,
// readLoop takes each token, reads one packet and hands it to packetIn
// (in a method it calls), and dispatch re-arms only after it has taken
// that packet. At most one token is ever pending: neither send on
// readNext can block.
type tokUDP struct {
	packetIn chan []byte
	readNext chan struct{}
	callCh   chan int
	closeCtx context.Context
	read     func() ([]byte, error)
}

func listenTok(read func() ([]byte, error)) (*tokUDP, error) {
	t, err := newTokUDP(read)
	if err != nil {
		return nil, err
	}
	go t.readLoop()
	go t.dispatch()
	return t, nil
}

func newTokUDP(read func() ([]byte, error)) (*tokUDP, error) {
	if read == nil {
		return nil, errNoRead
	}
	t := &tokUDP{
		packetIn: make(chan []byte, 1),
		readNext: make(chan struct{}, 1),
		callCh:   make(chan int),
		closeCtx: context.Background(),
		read:     read,
	}
	return t, nil
}

func (t *tokUDP) dispatch() {
	// Arm the first read.
	t.readNext <- struct{}{}

	for {
		select {
		case c := <-t.callCh:
			t.call(c)
		case p := <-t.packetIn:
			t.handle(p)
			// Arm the next read.
			t.readNext <- struct{}{}
		case <-t.closeCtx.Done():
			close(t.readNext)
			return
		}
	}
}

func (t *tokUDP) call(int)      {}
func (t *tokUDP) handle([]byte) {}

func (t *tokUDP) readLoop() {
	for range t.readNext {
		p, err := t.read()
		if err != nil {
			return
		}
		t.deliver(p)
	}
}

func (t *tokUDP) deliver(p []byte) bool {
	select {
	case t.packetIn <- p:
		return true
	case <-t.closeCtx.Done():
		return false
	}
}

// The same protocol with receive statements: the reader is a goroutine
// literal taking each token with v, ok := <-p.next, and the pump,
// called (not started) on the object just built, re-arms after a plain
// receive from out.
type tokPump struct {
	next chan bool
	out  chan int
}

func startTokPump(ctx context.Context, src func() int, n int) {
	p := &tokPump{next: make(chan bool, 2), out: make(chan int)}
	go func() {
		for {
			_, ok := <-p.next
			if !ok {
				return
			}
			select {
			case p.out <- src():
			case <-ctx.Done():
				return
			}
		}
	}()
	p.run(ctx, n)
}

func (p *tokPump) run(ctx context.Context, n int) {
	p.next <- true
	for i := 0; i < n; i++ {
		<-p.out
		p.next <- true
	}
	close(p.next)
}

// Near miss: the reader answers twice per token, so two answers can
// re-arm twice while the reader still holds the first token.
type tokTwice struct {
	packetIn chan []byte
	readNext chan struct{}
	closeCtx context.Context
}

func listenTwice() *tokTwice {
	t := &tokTwice{packetIn: make(chan []byte, 1), readNext: make(chan struct{}, 1), closeCtx: context.Background()}
	go t.readLoop()
	go t.dispatch()
	return t
}

func (t *tokTwice) dispatch() {
	t.readNext <- struct{}{} // want `send on t.readNext blocks`
	for {
		select {
		case <-t.packetIn:
			t.readNext <- struct{}{} // want `send on t.readNext blocks`
		case <-t.closeCtx.Done():
			return
		}
	}
}

func (t *tokTwice) readLoop() {
	for range t.readNext {
		t.deliver([]byte("header"))
		t.deliver([]byte("body"))
	}
}

func (t *tokTwice) deliver(p []byte) {
	select {
	case t.packetIn <- p:
	case <-t.closeCtx.Done():
	}
}

// Near miss: a second sender puts a token on readNext at any time.
type tokKick struct {
	packetIn chan []byte
	readNext chan struct{}
	closeCtx context.Context
}

func listenKick() *tokKick {
	t := &tokKick{packetIn: make(chan []byte, 1), readNext: make(chan struct{}, 1), closeCtx: context.Background()}
	go t.readLoop()
	go t.dispatch()
	return t
}

func (t *tokKick) dispatch() {
	t.readNext <- struct{}{} // want `send on t.readNext blocks`
	for {
		select {
		case <-t.packetIn:
			t.readNext <- struct{}{} // want `send on t.readNext blocks`
		case <-t.closeCtx.Done():
			return
		}
	}
}

func (t *tokKick) Kick(ctx context.Context) {
	t.readNext <- struct{}{} // want `send on t.readNext blocks`
}

func (t *tokKick) readLoop() {
	for range t.readNext {
		select {
		case t.packetIn <- nil:
		case <-t.closeCtx.Done():
			return
		}
	}
}

// Near miss: readNext is unbuffered, so even a lone token waits for
// the reader.
type tokUnbuffered struct {
	packetIn chan []byte
	readNext chan struct{}
	closeCtx context.Context
}

func listenUnbuffered() *tokUnbuffered {
	t := &tokUnbuffered{packetIn: make(chan []byte, 1), readNext: make(chan struct{}), closeCtx: context.Background()}
	go t.readLoop()
	go t.dispatch()
	return t
}

func (t *tokUnbuffered) dispatch() {
	t.readNext <- struct{}{} // want `send on t.readNext blocks`
	for {
		select {
		case <-t.packetIn:
			t.readNext <- struct{}{} // want `send on t.readNext blocks`
		case <-t.closeCtx.Done():
			return
		}
	}
}

func (t *tokUnbuffered) readLoop() {
	for range t.readNext {
		select {
		case t.packetIn <- nil:
		case <-t.closeCtx.Done():
			return
		}
	}
}

// Near miss: a re-arm that no answer precedes (on a call), while the
// reader may still hold the token or one may be pending.
type tokEager struct {
	packetIn chan []byte
	readNext chan struct{}
	callCh   chan int
	closeCtx context.Context
}

func listenEager() *tokEager {
	t := &tokEager{packetIn: make(chan []byte, 1), readNext: make(chan struct{}, 1), callCh: make(chan int), closeCtx: context.Background()}
	go t.readLoop()
	go t.dispatch()
	return t
}

func (t *tokEager) dispatch() {
	t.readNext <- struct{}{} // want `send on t.readNext blocks`
	for {
		select {
		case <-t.callCh:
			t.readNext <- struct{}{} // want `send on t.readNext blocks`
		case <-t.packetIn:
			t.readNext <- struct{}{} // want `send on t.readNext blocks`
		case <-t.closeCtx.Done():
			return
		}
	}
}

func (t *tokEager) readLoop() {
	for range t.readNext {
		select {
		case t.packetIn <- nil:
		case <-t.closeCtx.Done():
			return
		}
	}
}

// Near miss: the arm cannot be shown to run once per object: Start,
// exported, may be called again on the same object.
type tokRestart struct {
	packetIn chan []byte
	readNext chan struct{}
	closeCtx context.Context
}

func newTokRestart() *tokRestart {
	return &tokRestart{packetIn: make(chan []byte, 1), readNext: make(chan struct{}, 1), closeCtx: context.Background()}
}

func (t *tokRestart) Start() {
	go t.readLoop()
	go t.dispatch()
}

func (t *tokRestart) dispatch() {
	t.readNext <- struct{}{} // want `send on t.readNext blocks`
	for {
		select {
		case <-t.packetIn:
			t.readNext <- struct{}{} // want `send on t.readNext blocks`
		case <-t.closeCtx.Done():
			return
		}
	}
}

func (t *tokRestart) readLoop() {
	for range t.readNext {
		select {
		case t.packetIn <- nil:
		case <-t.closeCtx.Done():
			return
		}
	}
}

// Near miss: the reader closes packetIn when it stops, and every
// receive from a closed packetIn re-arms without a token taken.
type tokClosed struct {
	packetIn chan []byte
	readNext chan struct{}
	closeCtx context.Context
}

func listenClosed() *tokClosed {
	t := &tokClosed{packetIn: make(chan []byte, 1), readNext: make(chan struct{}, 1), closeCtx: context.Background()}
	go t.readLoop()
	go t.dispatch()
	return t
}

func (t *tokClosed) dispatch() {
	t.readNext <- struct{}{} // want `send on t.readNext blocks`
	for {
		select {
		case <-t.packetIn:
			t.readNext <- struct{}{} // want `send on t.readNext blocks`
		case <-t.closeCtx.Done():
			return
		}
	}
}

func (t *tokClosed) readLoop() {
	defer close(t.packetIn)
	for range t.readNext {
		select {
		case t.packetIn <- nil:
		case <-t.closeCtx.Done():
			return
		}
	}
}
