// Package deep is checked with -depth 3.
package deep

import (
	"sync"

	"callunderlock/a"
)

var mu sync.Mutex

func deep(b *a.Broker) {
	mu.Lock()
	defer mu.Unlock()
	b.Deep("x") // want `call to b.Deep while mu is locked \(line 13\): b.Deep may block on a channel: it calls Broker.PublishVia, which in turn sends on b.out \(a.go:16\)`
}

var n int

func inc() {
	mu.Lock()
	n++
	mu.Unlock()
}
