// Package chantest is a test helper by its name, like httptest.
package chantest

import "context"

func Feed(ctx context.Context, ch chan<- int, n int) {
	ch <- n
}
