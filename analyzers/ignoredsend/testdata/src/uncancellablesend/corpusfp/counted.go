package corpusfp

import (
	"context"
	"errors"
	"sync"
)

// A fetch that asks for a batch (nats.go js.go Fetch): the result
// channel is made with room for the batch, a first loop takes what is
// already there, and the goroutine sends at most the room that is left.
// No send waits, whatever the reader does.
type fetchResult struct {
	sync.Mutex
	msgs chan string
	err  error
}

func fetch(ctx context.Context, batch int, next func(context.Context) (string, error)) (*fetchResult, error) {
	if batch < 1 {
		return nil, errors.New("batch must be at least one")
	}
	result := &fetchResult{msgs: make(chan string, batch)}
	for len(result.msgs) < batch {
		m, err := next(ctx)
		if err != nil {
			break
		}
		result.msgs <- m
	}
	requestBatch := batch - len(result.msgs)
	go func() {
		var requested int
		for requested < requestBatch {
			m, err := next(ctx)
			if err != nil {
				break
			}
			result.Lock()
			result.msgs <- m
			result.Unlock()
			requested++
		}
		close(result.msgs)
	}()
	return result, nil
}

// The same without the budget: the goroutine sends as long as messages
// come, and a reader that stops leaves it blocked. (Another type: a
// second function sending on fetchResult.msgs would already keep the
// count from proving anything.)
type streamResult struct {
	msgs chan string
}

func fetchUnbounded(ctx context.Context, batch int, next func(context.Context) (string, error)) *streamResult {
	result := &streamResult{msgs: make(chan string, batch)}
	go func() {
		for {
			m, err := next(ctx)
			if err != nil {
				break
			}
			result.msgs <- m // want `send on result.msgs blocks until a receiver takes the value, but does not watch ctx.Done\(\)`
		}
		close(result.msgs)
	}()
	return result
}
