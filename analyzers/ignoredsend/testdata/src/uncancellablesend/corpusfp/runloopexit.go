package corpusfp

import (
	"context"
	"runtime"
)

// A run loop that the goroutine may never reach: run returns before it,
// and a send on register then waits forever.
type lazyHub struct {
	register chan int
	disabled bool
}

func (h *lazyHub) run() {
	if h.disabled {
		return
	}
	for {
		<-h.register
	}
}

func startLazyHub(disabled bool) *lazyHub {
	h := &lazyHub{register: make(chan int), disabled: disabled}
	go h.run()
	return h
}

func joinLazy(ctx context.Context, h *lazyHub) {
	h.register <- 1 // want `send on h.register blocks`
}

// A run loop under an if may be skipped as well.
type condHub struct {
	register chan int
}

func (h *condHub) run(on bool) {
	if on {
		for {
			<-h.register
		}
	}
}

func startCondHub(on bool) *condHub {
	h := &condHub{register: make(chan int)}
	go h.run(on)
	return h
}

func joinCond(ctx context.Context, h *condHub) {
	h.register <- 1 // want `send on h.register blocks`
}

// A deferred method that recovers: the panic in the loop ends the
// goroutine.
type recoveringHub struct {
	register chan int
}

func (h *recoveringHub) recoverPanic() { _ = recover() }

func (h *recoveringHub) run() {
	defer h.recoverPanic()
	for {
		if v := <-h.register; v < 0 {
			panic("negative")
		}
	}
}

func startRecoveringHub() *recoveringHub {
	h := &recoveringHub{register: make(chan int)}
	go h.run()
	return h
}

func joinRecovering(ctx context.Context, h *recoveringHub) {
	h.register <- 1 // want `send on h.register blocks`
}

// runtime.Goexit in a literal called in the loop ends the goroutine.
type exitingHub struct {
	register chan int
}

func (h *exitingHub) run() {
	for {
		v := <-h.register
		func() {
			if v < 0 {
				runtime.Goexit()
			}
		}()
	}
}

func startExitingHub() *exitingHub {
	h := &exitingHub{register: make(chan int)}
	go h.run()
	return h
}

func joinExiting(ctx context.Context, h *exitingHub) {
	h.register <- 1 // want `send on h.register blocks`
}

// A recover in a deferred helper does not stop a loop without panics,
// and a return inside a literal before the loop is the literal's own.
type steadyHub struct {
	register chan int
}

func (h *steadyHub) recoverPanic() { _ = recover() }

func (h *steadyHub) run() {
	defer h.recoverPanic()
	check := func() bool { return h.register != nil }
	_ = check()
	for {
		<-h.register
	}
}

func startSteadyHub() *steadyHub {
	h := &steadyHub{register: make(chan int)}
	go h.run()
	return h
}

func joinSteady(ctx context.Context, h *steadyHub) {
	h.register <- 1
}
