package corpusfp

import (
	"context"
	"errors"
)

// A request/reply pair (minio-go Object): the worker ranges over reqCh
// and answers each request once on resCh; the requester sends on
// o.reqCh (or returns on ctx.Done() before) and then waits on o.resCh.
type getRequest struct{ n int }

type getResponse struct {
	n   int
	err error
}

type object struct {
	ctx   context.Context
	reqCh chan<- getRequest
	resCh <-chan getResponse
}

func openObject(ctx context.Context, fetch func(int) (int, error)) *object {
	reqCh := make(chan getRequest)
	resCh := make(chan getResponse)
	go func() {
		defer close(resCh)
		for req := range reqCh {
			n, err := fetch(req.n)
			if err != nil {
				resCh <- getResponse{err: err}
				if errors.Is(err, context.Canceled) {
					continue
				}
				return
			}
			if n == 0 {
				resCh <- getResponse{}
				continue
			}
			resCh <- getResponse{n: n}
		}
	}()
	return newObject(ctx, reqCh, resCh)
}

func newObject(ctx context.Context, reqCh chan<- getRequest, resCh <-chan getResponse) *object {
	return &object{ctx: ctx, reqCh: reqCh, resCh: resCh}
}

func (o *object) do(req getRequest) (getResponse, error) {
	select {
	case <-o.ctx.Done():
		return getResponse{}, o.ctx.Err()
	case o.reqCh <- req:
	}
	res := <-o.resCh
	return res, res.err
}

// The requester may leave between its request and the reply: the
// worker's reply then waits forever.
type leaver struct {
	reqCh chan<- int
	resCh <-chan int
}

func openLeaver(ctx context.Context) *leaver {
	reqCh := make(chan int)
	resCh := make(chan int)
	go func() {
		for req := range reqCh {
			resCh <- req * 2 // want `send on resCh blocks`
		}
	}()
	return newLeaver(reqCh, resCh)
}

func newLeaver(reqCh chan<- int, resCh <-chan int) *leaver {
	return &leaver{reqCh: reqCh, resCh: resCh}
}

func (l *leaver) do(ctx context.Context, v int) (int, error) {
	l.reqCh <- v // want `send on l.reqCh blocks`
	select {
	case r := <-l.resCh:
		return r, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// The worker may answer twice: the second reply has no one waiting.
func openTwice(ctx context.Context) (chan<- int, <-chan int) {
	reqCh := make(chan int)
	resCh := make(chan int)
	go func() {
		for req := range reqCh {
			if req > 0 {
				resCh <- 1 // want `send on resCh blocks`
			}
			resCh <- req // want `send on resCh blocks`
		}
	}()
	return reqCh, resCh
}

// A worker that may skip the reply (and does not close resCh): the
// requester's receive is reported, the reply send is not.
type skipper struct {
	n     int
	ctx   context.Context
	reqCh chan<- int
	resCh <-chan int
}

func openSkipper(ctx context.Context) *skipper {
	reqCh := make(chan int)
	resCh := make(chan int)
	go func() {
		for req := range reqCh {
			if req < 0 {
				continue
			}
			resCh <- req
		}
	}()
	return &skipper{ctx: ctx, reqCh: reqCh, resCh: resCh}
}

func (s *skipper) do(v int) (int, error) {
	select {
	case <-s.ctx.Done():
		return 0, s.ctx.Err()
	case s.reqCh <- v:
	}
	r := <-s.resCh // want `receive from s.resCh blocks`
	s.n += r
	return r, nil
}
