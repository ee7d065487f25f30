package sendunderlock

import (
	"errors"
	"fmt"
	"sync"
)

// Sends counted against the capacity the channel was made with (nats.go
// fetches): the loop stops once it has sent as many values as the
// buffer holds, so no send waits for the consumer.

type fetchReq struct {
	Batch int
}

type resExit struct {
	sync.Mutex
	msgs chan int
	done bool
}

func (r *resExit) Messages() <-chan int { return r.msgs }

type resBudget struct {
	sync.Mutex
	msgs chan int
	done bool
}

func (r *resBudget) Messages() <-chan int { return r.msgs }

type resOtherBound struct {
	sync.Mutex
	msgs chan int
	done bool
}

func (r *resOtherBound) Messages() <-chan int { return r.msgs }

type resSkip struct {
	sync.Mutex
	msgs chan int
	done bool
}

func (r *resSkip) Messages() <-chan int { return r.msgs }

type resMaybeZero struct {
	sync.Mutex
	msgs chan int
	done bool
}

func (r *resMaybeZero) Messages() <-chan int { return r.msgs }

type resReset struct {
	sync.Mutex
	msgs chan int
	done bool
}

func (r *resReset) Messages() <-chan int { return r.msgs }

type resLateSend struct {
	sync.Mutex
	msgs chan int
	done bool
}

func (r *resLateSend) Messages() <-chan int { return r.msgs }

type resShared struct {
	sync.Mutex
	msgs chan int
	done bool
}

func (r *resShared) Messages() <-chan int { return r.msgs }

var errClosed = errors.New("closed")

func validate(closed bool, req *fetchReq) error {
	if closed {
		return errClosed
	}
	if req.Batch < 1 {
		return fmt.Errorf("batch %d", req.Batch)
	}
	return nil
}

// The exit check after the increment: the batch is at least one, as
// validate proves.
func fetchExit(req *fetchReq, in chan int) (*resExit, error) {
	res := &resExit{msgs: make(chan int, req.Batch)}
	if err := validate(false, req); err != nil {
		return nil, err
	}
	var received int
	go func(res *resExit) {
		defer close(res.msgs)
		for {
			m := <-in
			res.Lock()
			if m < 0 {
				res.Unlock()
				continue
			}
			res.msgs <- m
			received++
			if received == req.Batch || m == 0 {
				res.done = true
				res.Unlock()
				return
			}
			res.Unlock()
		}
	}(res)
	return res, nil
}

// The loop condition, on a budget measured after a first fill.
func fetchBudget(batch int, in chan int) *resBudget {
	if batch < 1 {
		return nil
	}
	result := &resBudget{msgs: make(chan int, batch)}
	for len(result.msgs) < batch && len(in) > 0 {
		result.msgs <- <-in
	}
	budget := batch - len(result.msgs)
	go func() {
		var sent int
		for sent < budget {
			m := <-in
			if m < 0 {
				continue
			}
			result.Lock()
			result.msgs <- m
			result.Unlock()
			sent++
		}
		close(result.msgs)
	}()
	return result
}

// Near misses: the exit check compares with another bound than the
// capacity; the counter skips its increment on continue; the batch may
// be zero (an unbuffered channel: the first send waits); the counter is
// reset; the budget is measured before another send; the counted loop
// is started once per goroutine of a loop (they share the room).
func fetchOtherBound(req *fetchReq, limit int, in chan int) *resOtherBound {
	if req.Batch < 1 {
		return nil
	}
	res := &resOtherBound{msgs: make(chan int, req.Batch)}
	go func() {
		n := 0
		for {
			m := <-in
			res.Lock()
			res.msgs <- m // want `send on res.msgs while res is locked`
			n++
			if n == limit {
				res.Unlock()
				return
			}
			res.Unlock()
		}
	}()
	return res
}

func fetchSkip(req *fetchReq, in chan int) *resSkip {
	if req.Batch < 1 {
		return nil
	}
	res := &resSkip{msgs: make(chan int, req.Batch)}
	go func() {
		n := 0
		for n < req.Batch {
			m := <-in
			res.Lock()
			res.msgs <- m // want `send on res.msgs while res is locked`
			if m == 0 {
				res.Unlock()
				continue
			}
			n++
			res.Unlock()
		}
	}()
	return res
}

func fetchMaybeZero(req *fetchReq, in chan int) *resMaybeZero {
	res := &resMaybeZero{msgs: make(chan int, req.Batch)}
	go func() {
		n := 0
		for {
			m := <-in
			res.Lock()
			res.msgs <- m // want `send on res.msgs while res is locked`
			n++
			if n == req.Batch {
				res.Unlock()
				return
			}
			res.Unlock()
		}
	}()
	return res
}

func fetchReset(batch int, in chan int) *resReset {
	res := &resReset{msgs: make(chan int, batch)}
	go func() {
		n := 0
		for n < batch {
			m := <-in
			res.Lock()
			res.msgs <- m // want `send on res.msgs while res is locked`
			n++
			if m == 0 {
				n = 0
			}
			res.Unlock()
		}
	}()
	return res
}

func fetchLateSend(batch int, in chan int) *resLateSend {
	res := &resLateSend{msgs: make(chan int, batch)}
	budget := batch - len(res.msgs)
	res.msgs <- 0
	go func() {
		n := 0
		for n < budget {
			res.Lock()
			res.msgs <- <-in // want `send on res.msgs while res is locked`
			res.Unlock()
			n++
		}
	}()
	return res
}

func fetchShared(batch int, in chan int) *resShared {
	res := &resShared{msgs: make(chan int, batch)}
	for range 2 {
		go func() {
			n := 0
			for n < batch {
				res.Lock()
				res.msgs <- <-in // want `send on res.msgs while res is locked`
				res.Unlock()
				n++
			}
		}()
	}
	return res
}

// Another function sends on the field: the room is not this loop's.
func fetchShared2(batch int, in chan int) *otherRes {
	res := &otherRes{msgs: make(chan int, batch)}
	go func() {
		n := 0
		for n < batch {
			res.mu.Lock()
			res.msgs <- <-in // want `send on res.msgs while res.mu is locked`
			res.mu.Unlock()
			n++
		}
	}()
	return res
}

type otherRes struct {
	mu   sync.Mutex
	msgs chan int
}

func (o *otherRes) push(v int) { // want push:"mayBlock\\(sends on o.msgs"
	o.msgs <- v
}

// Uses of the mutexes that do not block, so that they do not only
// serialize sends.

func (o *otherRes) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.msgs)
}
