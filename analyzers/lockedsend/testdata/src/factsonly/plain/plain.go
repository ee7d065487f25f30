// Package plain has no channel and calls nothing that may block: a
// pass for facts only exports none without walking a file.
package plain

import (
	"strings"
	"sync"
)

type T struct {
	mu sync.Mutex
	s  []string
}

func (t *T) Add(v string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s = append(t.s, strings.ToUpper(v))
}
