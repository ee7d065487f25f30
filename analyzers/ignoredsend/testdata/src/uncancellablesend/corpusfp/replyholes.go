package corpusfp

import "context"

// Exported request and reply fields: code outside the package may send
// a request and never wait for its reply.
type ExportedObject struct {
	n     int
	ReqCh chan int
	ResCh chan int
}

func OpenExportedObject(ctx context.Context) *ExportedObject {
	reqCh := make(chan int)
	resCh := make(chan int)
	go func() {
		for req := range reqCh {
			resCh <- req // want `send on resCh blocks`
		}
	}()
	return &ExportedObject{ReqCh: reqCh, ResCh: resCh}
}

func (o *ExportedObject) Do(ctx context.Context, v int) int {
	select {
	case <-ctx.Done():
		return 0
	case o.ReqCh <- v:
	}
	r := <-o.ResCh // want `receive from o.ResCh blocks`
	o.n += r
	return o.n
}

// A labeled break out of a select leads to a second reply (the
// requester has no context: it shows only the worker's findings).
type breakReplier struct {
	n     int
	reqCh chan int
	resCh chan int
}

func openBreakReplier(ctx context.Context, flush chan int) *breakReplier {
	reqCh := make(chan int)
	resCh := make(chan int)
	go func() {
		for req := range reqCh {
		sel:
			select {
			case n := <-flush:
				resCh <- n // want `send on resCh blocks`
				break sel
			default:
			}
			resCh <- req // want `send on resCh blocks`
		}
	}()
	return &breakReplier{reqCh: reqCh, resCh: resCh}
}

func (o *breakReplier) do(v int) int {
	o.reqCh <- v
	r := <-o.resCh
	o.n += r
	return o.n
}

// A goto back to the reply answers twice.
type gotoReplier struct {
	n     int
	reqCh chan int
	resCh chan int
}

func openGotoReplier(ctx context.Context) *gotoReplier {
	reqCh := make(chan int)
	resCh := make(chan int)
	go func() {
		for req := range reqCh {
		again:
			resCh <- req // want `send on resCh blocks`
			if req > 0 {
				req--
				goto again
			}
		}
	}()
	return &gotoReplier{reqCh: reqCh, resCh: resCh}
}

func (o *gotoReplier) do(ctx context.Context, v int) int {
	select {
	case <-ctx.Done():
		return 0
	case o.reqCh <- v:
	}
	r := <-o.resCh // want `receive from o.resCh blocks`
	o.n += r
	return o.n
}

// A worker that returns without closing resCh, behind a buffered
// request channel: a request the buffer takes after it has returned is
// never answered.
type quittingWorker struct {
	n     int
	reqCh chan int
	resCh chan int
}

func openQuittingWorker(ctx context.Context) *quittingWorker {
	reqCh := make(chan int, 1)
	resCh := make(chan int)
	go func() {
		for req := range reqCh {
			resCh <- req
			if req < 0 {
				return
			}
		}
	}()
	return &quittingWorker{reqCh: reqCh, resCh: resCh}
}

func (o *quittingWorker) do(ctx context.Context, v int) int {
	select {
	case <-ctx.Done():
		return 0
	case o.reqCh <- v:
	}
	r := <-o.resCh // want `receive from o.resCh blocks`
	o.n += r
	return o.n
}

// Another receiver may take the reply the requester waits for.
type stolenReply struct {
	n     int
	reqCh chan int
	resCh chan int
}

func openStolenReply(ctx context.Context) *stolenReply {
	reqCh := make(chan int)
	resCh := make(chan int)
	go func() {
		for req := range reqCh {
			resCh <- req
		}
	}()
	return &stolenReply{reqCh: reqCh, resCh: resCh}
}

func (o *stolenReply) do(ctx context.Context, v int) int {
	select {
	case <-ctx.Done():
		return 0
	case o.reqCh <- v:
	}
	r := <-o.resCh // want `receive from o.resCh blocks`
	o.n += r
	return o.n
}

func (o *stolenReply) drain() {
	for {
		<-o.resCh
	}
}
