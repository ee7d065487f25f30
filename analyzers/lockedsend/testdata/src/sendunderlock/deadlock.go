package sendunderlock

import "sync"

// The receiver locks the mutex the sender holds: a deadlock, named in
// the message.
type Hub struct {
	mu    sync.Mutex
	in    chan int
	total int
}

func (h *Hub) add(v int) { // want add:"mayBlock"
	h.mu.Lock()
	h.total += v
	h.in <- v // want `send on h.in while h.mu is locked \(line 14\): until a receiver takes the value, every goroutine that needs h.mu waits, and Hub.loop, which ranges over h.in, locks h.mu too \(deadlock.go:22\): they can deadlock; send after h.mu.Unlock\(\)`
	h.mu.Unlock()
}

func (h *Hub) loop() { // want loop:"mayBlock"
	for v := range h.in {
		h.mu.Lock()
		h.total -= v
		h.mu.Unlock()
	}
}

// The goroutine closing done locks the mutex first.
type Worker struct {
	mu   sync.Mutex
	done chan struct{}
	n    int
}

func (w *Worker) start() {
	go func() {
		w.mu.Lock()
		w.n++
		w.mu.Unlock()
		close(w.done)
	}()
}

func (w *Worker) stop() { // want stop:"mayBlock"
	w.mu.Lock()
	defer w.mu.Unlock()
	<-w.done // want `receive from w.done while w.mu is locked \(line 45\): until a sender comes, every goroutine that needs w.mu waits, and the function literal at deadlock.go:36, which closes w.done, locks w.mu too \(deadlock.go:37\): they can deadlock`
}

// Quiet: waiting for a goroutine of the function that closes started
// before it locks the mutex.
func (w *Worker) contend() {
	started := make(chan struct{})
	w.mu.Lock()
	go func() {
		close(started)
		w.mu.Lock()
		w.n++
		w.mu.Unlock()
	}()
	<-started
	w.mu.Unlock()
}
