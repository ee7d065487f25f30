package sendunderlock

import "sync"

// Per-request reply channels of capacity 1 kept in a set type of the
// package, taken out (once) by the one who answers (database/sql's
// connRequestSet, putConnDBLocked).
type connRequest struct{ conn int }

type reqAndIndex struct {
	req    chan connRequest
	curIdx *int
}

type reqSet struct{ s []reqAndIndex }

func (s *reqSet) Add(v chan connRequest) *int {
	idx := len(s.s)
	s.s = append(s.s, reqAndIndex{v, &idx})
	return &idx
}

func (s *reqSet) TakeRandom() (v chan connRequest, ok bool) {
	if len(s.s) == 0 {
		return nil, false
	}
	e := s.s[0]
	s.s = s.s[1:]
	return e.req, true
}

type DB struct {
	mu       sync.Mutex
	requests reqSet
	free     []int
}

func (db *DB) conn() connRequest { // want conn:"mayBlock"
	req := make(chan connRequest, 1)
	db.mu.Lock()
	db.requests.Add(req)
	db.mu.Unlock()
	return <-req
}

// putConnLocked sends on a reply channel taken from the set: it has
// room for the one answer.
func (db *DB) putConnLocked(c int) bool {
	if req, ok := db.requests.TakeRandom(); ok {
		req <- connRequest{conn: c}
		return true
	}
	db.free = append(db.free, c)
	return false
}

func (db *DB) putConn(c int) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.putConnLocked(c)
}

// A queue taken from a set of the same shape still blocks.
type queueSet struct{ qs []chan int }

func (s *queueSet) add(q chan int) { s.qs = append(s.qs, q) }

func (s *queueSet) first() chan int { return s.qs[0] }

type hub struct {
	mu     sync.Mutex
	queues queueSet
}

func (h *hub) subscribe() chan int {
	q := make(chan int)
	h.mu.Lock()
	h.queues.add(q)
	h.mu.Unlock()
	return q
}

func (h *hub) publish(v int) { // want publish:"mayBlock"
	h.mu.Lock()
	defer h.mu.Unlock()
	h.queues.first() <- v // want `send on h.queues.first\(\) while h.mu is locked`
}
