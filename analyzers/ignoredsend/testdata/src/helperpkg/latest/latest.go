// Package latest ends in "test" but is a word, not a test helper.
package latest

import "context"

func Feed(ctx context.Context, ch chan<- int, n int) {
	ch <- n // want `send on ch blocks`
}
