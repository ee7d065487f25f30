package sendunderlock

import "sync"

type index struct {
	mu   sync.Mutex
	m    map[string]int
	hits int
}

// Quiet: waiting for the function's own workers, which never lock
// ix.mu, is slow work under the mutex, not backpressure.
func (ix *index) rebuild(keys []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	work := make(chan string)
	done := make(chan int)
	for range 4 {
		go func() {
			n := 0
			for k := range work {
				n += len(k)
			}
			done <- n
		}()
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	for range 4 {
		ix.hits += <-done
	}
}

// The workers lock ix.mu: the send waits for a worker that waits for
// the mutex.
func (ix *index) count(keys []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	work := make(chan string)
	go func() {
		for k := range work {
			ix.mu.Lock()
			ix.m[k]++
			ix.mu.Unlock()
		}
	}()
	for _, k := range keys {
		work <- k // want `send on work while ix.mu is locked \(line 39\): until a receiver takes the value, every goroutine that needs ix.mu waits, and the function literal at local.go:42, which ranges over work, locks ix.mu too \(local.go:44\): they can deadlock`
	}
	close(work)
}

// A waiter registers its channel in a map and waits on it; on quit it
// takes the mutex the sender holds (go-ethereum's peerset).
type peerSet struct {
	lock  sync.Mutex
	waits map[string]chan int
	quit  chan struct{}
}

func (ps *peerSet) wait(id string) int { // want wait:"mayBlock"
	ps.lock.Lock()
	w := make(chan int)
	ps.waits[id] = w
	ps.lock.Unlock()
	select {
	case v := <-w:
		return v
	case <-ps.quit:
		ps.lock.Lock()
		delete(ps.waits, id)
		ps.lock.Unlock()
		return 0
	}
}

func (ps *peerSet) register(id string, v int) { // want register:"mayBlock"
	ps.lock.Lock()
	defer ps.lock.Unlock()
	if w, ok := ps.waits[id]; ok {
		delete(ps.waits, id)
		w <- v // want `send on w while ps.lock is locked \(line 80\): until a receiver takes the value, every goroutine that needs ps.lock waits, and peerSet.wait, which receives from w, locks ps.lock too \(local.go:64\): they can deadlock`
	}
}

// A channel of lock tokens: taken and put back under the mutex, and
// copied from one struct to another (the fuzzing worker's memMu).
type worker struct {
	mu    sync.Mutex
	memMu chan []byte
}

type comm struct{ memMu chan []byte }

func newWorker() *worker {
	memMu := make(chan []byte, 1)
	memMu <- make([]byte, 1024)
	return &worker{memMu: memMu}
}

func (w *worker) comm() comm { return comm{memMu: w.memMu} }

type client struct {
	mu sync.Mutex
	comm
}

func (c *client) call() {
	c.mu.Lock()
	defer c.mu.Unlock()
	mem := <-c.memMu
	mem[1]++
	c.memMu <- mem
}

func (w *worker) call() {
	w.mu.Lock()
	defer w.mu.Unlock()
	mem := <-w.memMu
	defer func() { w.memMu <- mem }()
	mem[0]++
}

func (w *worker) peek() byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	mem := <-w.memMu
	b := mem[0]
	w.memMu <- mem
	return b
}

// A lock made of a channel, filled when made (go-ethereum's Feed).
type feed struct {
	mu       sync.Mutex
	sendLock chan struct{}
	n        int
}

func (f *feed) init() {
	f.sendLock = make(chan struct{}, 1)
	f.sendLock <- struct{}{}
}

func (f *feed) send() {
	f.mu.Lock()
	defer f.mu.Unlock()
	<-f.sendLock
	f.n++
	f.sendLock <- struct{}{}
}
