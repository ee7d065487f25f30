package chat

import (
	"context"
	"sync"
	"time"
)

// A Store keeps the history of the room.
type Store interface {
	Save(ctx context.Context, m Message) error
	Recent(ctx context.Context, n int) ([]Message, error)
}

// MemoryStore is a Store that takes Latency for every call, like a
// database across a network.
type MemoryStore struct {
	Latency time.Duration

	mu   sync.Mutex
	msgs []Message
}

// Save appends m to the history.
func (st *MemoryStore) Save(ctx context.Context, m Message) error {
	if err := st.wait(ctx); err != nil {
		return err
	}
	st.mu.Lock()
	st.msgs = append(st.msgs, m)
	st.mu.Unlock()
	return nil
}

// Recent returns the last n messages.
func (st *MemoryStore) Recent(ctx context.Context, n int) ([]Message, error) {
	if err := st.wait(ctx); err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if n > len(st.msgs) {
		n = len(st.msgs)
	}
	return append([]Message(nil), st.msgs[len(st.msgs)-n:]...), nil
}

func (st *MemoryStore) wait(ctx context.Context) error {
	t := time.NewTimer(st.Latency)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
