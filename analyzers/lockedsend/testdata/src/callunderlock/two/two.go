// Package two is checked with -depth 2.
package two

import (
	"sync"

	"callunderlock/a"
)

type T struct {
	mu sync.Mutex
	b  *a.Broker
	n  int
}

func (t *T) via(m string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.PublishVia(m) // want `call to t.b.PublishVia while t.mu is locked \(line 17\): t.b.PublishVia may block on a channel: it calls Broker.Publish, which sends on b.out \(a.go:16\)`
	t.b.Deep(m)
}

func (t *T) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}
