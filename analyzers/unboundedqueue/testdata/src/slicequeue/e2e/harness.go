// Package e2e is a test harness (go-redis's maintnotifications/e2e): its
// lists grow by the test's own actions. Quiet unless -tests.
package e2e

import "sync"

type topology struct {
	mu    sync.Mutex
	nodes []string
}

func (t *topology) add(n string) {
	t.mu.Lock()
	t.nodes = append(t.nodes, n)
	t.mu.Unlock()
}

func (t *topology) removeFirst() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.nodes[0]
	t.nodes = t.nodes[1:]
	return n
}
