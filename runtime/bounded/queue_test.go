package bounded

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, want) || !strings.HasPrefix(msg, "bounded: ") {
			t.Fatalf("panic %q, want one starting with \"bounded: \" and containing %q", msg, want)
		}
	}()
	f()
}

func TestPolicyString(t *testing.T) {
	for p, want := range map[Policy]string{Block: "Block", DropNewest: "DropNewest", DropOldest: "DropOldest", 7: "Policy(7)"} {
		if got := p.String(); got != want {
			t.Errorf("Policy(%d).String() = %q, want %q", p, got, want)
		}
	}
}

func TestNewQueuePanics(t *testing.T) {
	mustPanic(t, "capacity must be at least 1", func() { NewQueue[int](0) })
	mustPanic(t, "capacity must be at least 1", func() { NewQueue[int](-3) })
	mustPanic(t, "WithDropHandler got a func(string), want a func(int)", func() {
		NewQueue[int](1, WithPolicy(DropOldest), WithDropHandler(func(string) {}))
	})
	mustPanic(t, "WithMaxBytes got a size function func(string) int64, want a func(int) int64", func() {
		NewQueue[int](1, WithMaxBytes(10, func(string) int64 { return 1 }))
	})
	mustPanic(t, "invalid Policy(3)", func() { WithPolicy(3) })
	mustPanic(t, "byte budget must be at least 1", func() { WithMaxBytes(0, func(int) int64 { return 1 }) })
	mustPanic(t, "nil size function", func() { WithMaxBytes[int](1, nil) })
	// A nil handler and a zero Option are accepted.
	NewQueue[int](1, WithDropHandler[int](nil), Option{})
}

func TestQueueFIFOAndStats(t *testing.T) {
	ctx := context.Background()
	q := NewQueue[int](3)
	if q.Cap() != 3 || q.Len() != 0 || q.Policy() != Block || q.Closed() {
		t.Fatal("bad initial state")
	}
	for i := 0; i < 3; i++ {
		if err := q.Send(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.TrySend(3); err != ErrFull {
		t.Fatalf("TrySend on full queue: %v, want ErrFull", err)
	}
	if q.Len() != 3 {
		t.Fatalf("Len = %d", q.Len())
	}
	for i := 0; i < 3; i++ {
		v, err := q.Recv(ctx)
		if err != nil || v != i {
			t.Fatalf("Recv = %d, %v; want %d", v, err, i)
		}
	}
	if _, err := q.TryRecv(); err != ErrEmpty {
		t.Fatalf("TryRecv on empty queue: %v", err)
	}
	want := QueueStats{Sent: 3, Received: 3, Rejected: 1, HighWater: 3, Cap: 3}
	if got := q.Stats(); got != want {
		t.Fatalf("Stats = %+v, want %+v", got, want)
	}
	if s := q.Stats().String(); !strings.Contains(s, "sent=3") || !strings.Contains(s, "rejected=1") {
		t.Fatalf("String = %q", s)
	}
}

func TestQueueWrapAround(t *testing.T) {
	ctx := context.Background()
	q := NewQueue[int](5)
	next, want := 0, 0
	dst := make([]int, 3)
	for round := 0; round < 50; round++ {
		for q.Len() < q.Cap() {
			if err := q.TrySend(next); err != nil {
				t.Fatal(err)
			}
			next++
		}
		switch round % 3 {
		case 0:
			n, err := q.RecvBatch(ctx, dst)
			if err != nil || n != 3 {
				t.Fatal(n, err)
			}
			for _, v := range dst[:n] {
				if v != want {
					t.Fatalf("got %d want %d", v, want)
				}
				want++
			}
		default:
			for i := 0; i < 2; i++ {
				v, err := q.TryRecv()
				if err != nil || v != want {
					t.Fatalf("got %d, %v want %d", v, err, want)
				}
				want++
			}
		}
	}
}

func TestQueueClose(t *testing.T) {
	for _, p := range []Policy{Block, DropNewest, DropOldest} {
		t.Run(p.String(), func(t *testing.T) {
			checkLeaks(t)
			ctx := context.Background()
			q := NewQueue[string](2, WithPolicy(p))
			if err := q.Send(ctx, "a"); err != nil {
				t.Fatal(err)
			}
			q.Close()
			q.Close() // idempotent
			if !q.Closed() {
				t.Fatal("not closed")
			}
			if err := q.Send(ctx, "b"); err != ErrClosed {
				t.Fatalf("Send after Close: %v", err)
			}
			if err := q.TrySend("b"); err != ErrClosed {
				t.Fatalf("TrySend after Close: %v", err)
			}
			// Accepted values are drained first.
			if v, err := q.Recv(ctx); v != "a" || err != nil {
				t.Fatalf("Recv = %q, %v", v, err)
			}
			if _, err := q.Recv(ctx); err != ErrClosed {
				t.Fatalf("Recv after drain: %v", err)
			}
			if _, err := q.TryRecv(); err != ErrClosed {
				t.Fatalf("TryRecv after drain: %v", err)
			}
			if n, err := q.RecvBatch(ctx, make([]string, 4)); n != 0 || err != ErrClosed {
				t.Fatalf("RecvBatch after drain: %d %v", n, err)
			}
			for range q.All(ctx) {
				t.Fatal("All yielded after drain")
			}
			if s := q.Stats(); s.Sent != 1 || s.Received != 1 || s.Rejected != 0 {
				t.Fatalf("Stats = %+v", s)
			}
		})
	}
}

func TestQueueCloseWakesBlocked(t *testing.T) {
	checkLeaks(t)
	ctx := context.Background()
	q := NewQueue[int](1)
	_ = q.Send(ctx, 0)
	empty := NewQueue[int](1)
	const n = 8
	errs := make(chan error, 3*n)
	for i := 0; i < n; i++ {
		go func() { errs <- q.Send(ctx, 1) }()
		go func() { _, err := empty.Recv(ctx); errs <- err }()
		go func() { _, err := empty.RecvBatch(ctx, make([]int, 2)); errs <- err }()
	}
	waitFor(t, func() bool { return waiters(&q.mu, &q.sendq) == n && waiters(&empty.mu, &empty.recvq) == 2*n })
	q.Close()
	empty.Close()
	for i := 0; i < 3*n; i++ {
		if err := <-errs; err != ErrClosed {
			t.Fatalf("blocked call returned %v, want ErrClosed", err)
		}
	}
	if v, err := q.Recv(ctx); v != 0 || err != nil {
		t.Fatalf("value accepted before Close lost: %d %v", v, err)
	}
}

func waiters(mu *sync.Mutex, l *waitList) int {
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for w := l.head; w != nil; w = w.next {
		n++
	}
	return n
}

func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestQueueContext(t *testing.T) {
	checkLeaks(t)
	q := NewQueue[int](1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := q.Recv(ctx); err != context.DeadlineExceeded {
		t.Fatalf("Recv: %v", err)
	}
	if _, err := q.RecvBatch(ctx, make([]int, 1)); err != context.DeadlineExceeded {
		t.Fatalf("RecvBatch: %v", err)
	}
	_ = q.Send(context.Background(), 1)
	// Like a channel select, an operation that can proceed does so even with
	// a done context.
	if v, err := q.Recv(ctx); v != 1 || err != nil {
		t.Fatalf("Recv with ready value and done ctx: %d %v", v, err)
	}
	_ = q.Send(ctx, 2)
	if err := q.Send(ctx, 3); err != context.DeadlineExceeded {
		t.Fatalf("Send: %v", err)
	}
	c2, cancel2 := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- q.Send(c2, 4) }()
	waitFor(t, func() bool { return waiters(&q.mu, &q.sendq) == 1 })
	cancel2()
	if err := <-res; err != context.Canceled {
		t.Fatalf("blocked Send: %v", err)
	}
	if s := q.Stats(); s.Rejected != 2 || s.Sent != 2 || s.Len != 1 {
		t.Fatalf("Stats = %+v", s)
	}
	if waiters(&q.mu, &q.sendq) != 0 || waiters(&q.mu, &q.recvq) != 0 {
		t.Fatal("cancelled waiter still listed")
	}
	for range q.All(ctx) { // ctx done: yields the queued value, then ends
	}
	if q.Len() != 0 {
		t.Fatal("All did not drain")
	}
}

func TestQueueBlockingHandoff(t *testing.T) {
	checkLeaks(t)
	ctx := context.Background()
	q := NewQueue[int](1)
	const n = 2000
	go func() {
		for i := 0; i < n; i++ {
			if err := q.Send(ctx, i); err != nil {
				panic(err)
			}
		}
		q.Close()
	}()
	want := 0
	for v := range q.All(ctx) {
		if v != want {
			t.Fatalf("got %d want %d", v, want)
		}
		want++
	}
	if want != n {
		t.Fatalf("received %d values", want)
	}
}

func TestQueueAllBreakLosesNothing(t *testing.T) {
	ctx := context.Background()
	q := NewQueue[int](10)
	for i := 0; i < 10; i++ {
		_ = q.Send(ctx, i)
	}
	for v := range q.All(ctx) {
		if v == 4 {
			break
		}
	}
	if v, _ := q.TryRecv(); v != 5 {
		t.Fatalf("after break got %d, want 5", v)
	}
}

func TestQueueDropNewest(t *testing.T) {
	ctx := context.Background()
	var dropped []int
	q := NewQueue[int](3, WithPolicy(DropNewest), WithDropHandler(func(v int) { dropped = append(dropped, v) }))
	for i := 0; i < 10; i++ {
		if err := q.Send(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.TrySend(10); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(dropped) != "[3 4 5 6 7 8 9 10]" {
		t.Fatalf("dropped %v", dropped)
	}
	got, _ := q.RecvBatch(ctx, make([]int, 10))
	if got != 3 {
		t.Fatalf("kept %d", got)
	}
	want := QueueStats{Sent: 3, Received: 3, Dropped: 8, HighWater: 3, Cap: 3}
	if s := q.Stats(); s != want {
		t.Fatalf("Stats = %+v, want %+v", s, want)
	}
}

func TestQueueDropOldest(t *testing.T) {
	ctx := context.Background()
	var dropped []int
	q := NewQueue[int](3, WithPolicy(DropOldest), WithDropHandler(func(v int) {
		dropped = append(dropped, v)
	}))
	for i := 0; i < 10; i++ {
		if err := q.Send(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(dropped) != "[0 1 2 3 4 5 6]" {
		t.Fatalf("dropped %v", dropped)
	}
	var kept []int
	for i := 0; i < 3; i++ {
		v, _ := q.Recv(ctx)
		kept = append(kept, v)
	}
	if fmt.Sprint(kept) != "[7 8 9]" {
		t.Fatalf("kept %v", kept)
	}
	want := QueueStats{Sent: 10, Received: 3, Dropped: 7, HighWater: 3, Cap: 3}
	if s := q.Stats(); s != want {
		t.Fatalf("Stats = %+v, want %+v", s, want)
	}
}

func TestQueueDropHandlerMayUseQueue(t *testing.T) {
	var q *Queue[int]
	var seen []QueueStats
	q = NewQueue[int](1, WithPolicy(DropOldest), WithDropHandler(func(v int) { seen = append(seen, q.Stats()) }))
	_ = q.TrySend(1)
	_ = q.TrySend(2) // the handler runs outside the lock: no deadlock
	if len(seen) != 1 || seen[0].Dropped != 1 {
		t.Fatalf("handler saw %+v", seen)
	}
}

func TestQueueMaxBytes(t *testing.T) {
	checkLeaks(t)
	ctx := context.Background()
	size := func(s string) int64 { return int64(len(s)) }
	q := NewQueue[string](10, WithMaxBytes(10, size))
	if err := q.Send(ctx, "aaaaaa"); err != nil { // 6
		t.Fatal(err)
	}
	if err := q.TrySend("bbbbb"); err != ErrFull { // 6+5 > 10
		t.Fatalf("TrySend over budget: %v", err)
	}
	if err := q.TrySend("cccc"); err != nil { // 10
		t.Fatal(err)
	}
	err := q.TrySend(strings.Repeat("x", 11))
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != 10 || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized TrySend: %v", err)
	}
	if err := q.Send(ctx, strings.Repeat("x", 11)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized Send: %v", err)
	}
	if s := q.Stats(); s.Bytes != 10 || s.MaxBytes != 10 || s.Rejected != 3 {
		t.Fatalf("Stats = %+v", s)
	}
	// A blocked sender waits for enough bytes, not just one slot.
	res := make(chan error, 1)
	go func() { res <- q.Send(ctx, "dddddddd") }() // 8
	waitFor(t, func() bool { return waiters(&q.mu, &q.sendq) == 1 })
	if v, _ := q.Recv(ctx); v != "aaaaaa" { // 4 left: 8 does not fit yet
		t.Fatal(v)
	}
	time.Sleep(5 * time.Millisecond)
	select {
	case err := <-res:
		t.Fatalf("Send returned %v with 4+8 > 10 bytes", err)
	default:
	}
	if v, _ := q.Recv(ctx); v != "cccc" {
		t.Fatal(v)
	}
	if err := <-res; err != nil {
		t.Fatal(err)
	}
	if s := q.Stats(); s.Bytes != 8 {
		t.Fatalf("Stats = %+v", s)
	}
	// Negative sizes count as zero.
	qn := NewQueue[int](2, WithMaxBytes(1, func(int) int64 { return -5 }))
	_ = qn.TrySend(1)
	_ = qn.TrySend(2)
	if s := qn.Stats(); s.Bytes != 0 || s.Len != 2 {
		t.Fatalf("Stats = %+v", s)
	}
}

func TestQueueMaxBytesDrop(t *testing.T) {
	ctx := context.Background()
	size := func(s string) int64 { return int64(len(s)) }
	var dropped []string
	h := WithDropHandler(func(s string) { dropped = append(dropped, s) })
	q := NewQueue[string](10, WithPolicy(DropOldest), WithMaxBytes(6, size), h)
	for _, s := range []string{"a", "b", "c", "dddd"} { // dddd evicts a
		_ = q.Send(ctx, s)
	}
	if fmt.Sprint(dropped) != "[a]" {
		t.Fatalf("dropped %v", dropped)
	}
	_ = q.Send(ctx, "eeee") // evicts b, c and dddd
	if fmt.Sprint(dropped) != "[a b c dddd]" {
		t.Fatalf("dropped %v", dropped)
	}
	if s := q.Stats(); s.Bytes != 4 || s.Len != 1 || s.Sent-s.Received-s.Dropped != uint64(s.Len) {
		t.Fatalf("Stats = %+v", s)
	}
	_ = q.Send(ctx, "too long!") // larger than the budget: dropped itself
	if dropped[len(dropped)-1] != "too long!" {
		t.Fatalf("dropped %v", dropped)
	}
	qn := NewQueue[string](10, WithPolicy(DropNewest), WithMaxBytes(6, size), h)
	dropped = nil
	for _, s := range []string{"aaa", "bbb", "c", "too long!"} {
		if err := qn.Send(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(dropped) != "[c too long!]" {
		t.Fatalf("dropped %v", dropped)
	}
	if s := qn.Stats(); s.Dropped != 2 || s.Sent != 2 || s.Bytes != 6 {
		t.Fatalf("Stats = %+v", s)
	}
}

func TestQueueRecvBatchEmptyDst(t *testing.T) {
	q := NewQueue[int](1)
	if n, err := q.RecvBatch(context.Background(), nil); n != 0 || err != nil {
		t.Fatal(n, err)
	}
}

func TestQueueZeroAllocs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := NewQueue[int](64)
	dst := make([]int, 16)
	allocs := testing.AllocsPerRun(1000, func() {
		for i := 0; i < 16; i++ {
			_ = q.Send(ctx, i)
		}
		_, _ = q.Recv(ctx)
		_, _ = q.TryRecv()
		_, _ = q.RecvBatch(ctx, dst)
	})
	if allocs != 0 {
		t.Fatalf("%v allocs per run", allocs)
	}
	full := NewQueue[int](1)
	_ = full.TrySend(1)
	if a := testing.AllocsPerRun(1000, func() { _ = full.TrySend(2) }); a != 0 {
		t.Fatalf("TrySend full: %v allocs", a)
	}
	drop := NewQueue[int](1, WithPolicy(DropOldest), WithDropHandler(func(int) {}))
	if a := testing.AllocsPerRun(1000, func() { _ = drop.Send(ctx, 2) }); a != 0 {
		t.Fatalf("DropOldest Send: %v allocs", a)
	}
}

// TestQueueStress runs several producers and consumers under every policy
// while contexts are cancelled at random and Close races everything, and
// checks that every accepted value is received or dropped exactly once and
// that no refused value is ever received.
func TestQueueStress(t *testing.T) {
	for _, p := range []Policy{Block, DropNewest, DropOldest} {
		for _, capacity := range []int{1, 7, 64} {
			t.Run(fmt.Sprintf("%v/cap=%d", p, capacity), func(t *testing.T) {
				checkLeaks(t)
				stressQueue(t, p, capacity)
			})
		}
	}
}

func stressQueue(t *testing.T, p Policy, capacity int) {
	const producers, consumers, perProducer = 4, 3, 3000
	var (
		droppedMu sync.Mutex
		dropped   = map[int]int{}
	)
	opts := []Option{WithPolicy(p), WithDropHandler(func(v int) {
		droppedMu.Lock()
		dropped[v]++
		droppedMu.Unlock()
	})}
	if capacity == 7 {
		opts = append(opts, WithMaxBytes(20, func(v int) int64 { return int64(v % 5) }))
	}
	q := NewQueue[int](capacity, opts...)

	accepted := make([][]int, producers)
	refused := make([][]int, producers)
	received := make([][]int, consumers)
	var closeAfter atomic.Int64
	closeAfter.Store(int64(producers * perProducer * 2 / 3))
	var sends atomic.Int64

	var wg sync.WaitGroup
	for g := 0; g < producers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(g)))
			for i := 0; i < perProducer; i++ {
				v := g*perProducer + i
				var err error
				switch r.Intn(4) {
				case 0:
					err = q.TrySend(v)
				case 1:
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.Intn(50))*time.Microsecond)
					err = q.Send(ctx, v)
					cancel()
				default:
					err = q.Send(context.Background(), v)
				}
				if err == nil {
					accepted[g] = append(accepted[g], v)
				} else {
					refused[g] = append(refused[g], v)
					if err != ErrClosed && (p != Block || err != ErrFull && err != context.DeadlineExceeded) {
						t.Errorf("Send(%d) under %v: %v", v, p, err)
					}
				}
				if r.Intn(8) == 0 {
					runtime.Gosched()
				}
				if sends.Add(1) == closeAfter.Load() {
					q.Close()
				}
			}
		}(g)
	}
	for c := 0; c < consumers; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(100 + c)))
			dst := make([]int, 5)
			for {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.Intn(100))*time.Microsecond)
				var err error
				switch r.Intn(4) {
				case 0:
					var v int
					if v, err = q.TryRecv(); err == nil {
						received[c] = append(received[c], v)
					} else if err == ErrEmpty {
						err = nil
					}
				case 1:
					var n int
					n, err = q.RecvBatch(ctx, dst)
					received[c] = append(received[c], dst[:n]...)
				case 2:
					for v := range q.All(ctx) {
						received[c] = append(received[c], v)
						if r.Intn(10) == 0 {
							break
						}
					}
					if ctx.Err() == nil && q.Closed() && q.Len() == 0 {
						err = ErrClosed
					}
				default:
					var v int
					if v, err = q.Recv(ctx); err == nil {
						received[c] = append(received[c], v)
					}
				}
				cancel()
				if err == ErrClosed {
					return
				}
			}
		}(c)
	}
	wg.Wait()

	seen := map[int]int{}
	for _, rs := range received {
		for _, v := range rs {
			seen[v]++
		}
	}
	for v, n := range dropped {
		seen[v] += n
	}
	nAccepted := 0
	for _, as := range accepted {
		for _, v := range as {
			nAccepted++
			if seen[v] != 1 {
				t.Fatalf("accepted value %d received/dropped %d times", v, seen[v])
			}
			delete(seen, v)
		}
	}
	for _, rs := range refused {
		for _, v := range rs {
			if seen[v] != 0 {
				t.Fatalf("refused value %d was received", v)
			}
		}
	}
	// Anything left was received or dropped without being sent.
	for v, n := range seen {
		t.Fatalf("value %d seen %d times but never sent", v, n)
	}
	s := q.Stats()
	t.Logf("%v: %v", p, s)
	nRecv := 0
	for _, rs := range received {
		nRecv += len(rs)
	}
	if s.Len != 0 || int(s.Received) != nRecv {
		t.Fatalf("Stats = %+v, received %d", s, nRecv)
	}
	nDropped := 0
	for _, n := range dropped {
		nDropped += n
	}
	if int(s.Dropped) != nDropped {
		t.Fatalf("Stats.Dropped = %d, handler saw %d", s.Dropped, nDropped)
	}
	switch p {
	case Block:
		if s.Dropped != 0 || int(s.Sent) != nAccepted {
			t.Fatalf("Stats = %+v, accepted %d", s, nAccepted)
		}
	case DropNewest:
		if int(s.Sent+s.Dropped) != nAccepted || s.Sent != s.Received {
			t.Fatalf("Stats = %+v, accepted %d", s, nAccepted)
		}
	case DropOldest:
		if int(s.Sent) != nAccepted || s.Sent != s.Received+s.Dropped {
			t.Fatalf("Stats = %+v, accepted %d", s, nAccepted)
		}
	}
	if s.HighWater > capacity {
		t.Fatalf("HighWater %d > capacity %d", s.HighWater, capacity)
	}
}
