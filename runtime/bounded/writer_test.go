package bounded

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a sink that records batches.
type recorder[T any] struct {
	mu      sync.Mutex
	batches [][]T
	items   []T
}

func (r *recorder[T]) sink(ctx context.Context, batch []T) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, append([]T(nil), batch...))
	r.items = append(r.items, batch...)
	return nil
}

func (r *recorder[T]) snapshot() ([][]T, []T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]T(nil), r.batches...), append([]T(nil), r.items...)
}

func TestNewWriterPanics(t *testing.T) {
	sink := func(context.Context, []int) error { return nil }
	mustPanic(t, "nil sink", func() { NewWriter[int](nil) })
	mustPanic(t, "WithQueueSize: size must be at least 1", func() { WithQueueSize(0) })
	mustPanic(t, "WithMaxBatch: batch size must be at least 1", func() { WithMaxBatch(0) })
	mustPanic(t, "WithMaxInFlight: must be at least 1", func() { WithMaxInFlight(0) })
	mustPanic(t, "WithFlushInterval: negative interval", func() { WithFlushInterval(-1) })
	mustPanic(t, "WithBatchBytes: byte limit must be at least 1", func() { WithBatchBytes(0, func(int) int64 { return 0 }) })
	mustPanic(t, "WithBatchBytes: nil size function", func() { WithBatchBytes[int](1, nil) })
	mustPanic(t, "WithBatchBytes got a size function func(string) int64, want a func(int) int64", func() {
		NewWriter(sink, WithBatchBytes(10, func(string) int64 { return 1 }))
	})
}

func TestWriterOrderAndBatches(t *testing.T) {
	checkLeaks(t)
	ctx := context.Background()
	var rec recorder[int]
	w := NewWriter(rec.sink, WithMaxBatch(7), WithQueueSize(5))
	const n = 1000
	for i := 0; i < n; i++ {
		if err := w.Write(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	batches, items := rec.snapshot()
	if len(items) != n {
		t.Fatalf("sink got %d items", len(items))
	}
	for i, v := range items {
		if v != i {
			t.Fatalf("item %d is %d: order not kept", i, v)
		}
	}
	for _, b := range batches {
		if len(b) < 1 || len(b) > 7 {
			t.Fatalf("batch of %d", len(b))
		}
	}
	s := w.Stats()
	want := WriterStats{Enqueued: n, Written: n, Batches: uint64(len(batches)), HighWater: s.HighWater}
	if s != want || s.HighWater > 5 {
		t.Fatalf("Stats = %+v, want %+v", s, want)
	}
	if !strings.Contains(s.String(), "written=1000") {
		t.Fatal(s.String())
	}
	if err := w.Write(ctx, 1); err != ErrClosed {
		t.Fatalf("Write after Close: %v", err)
	}
	if err := w.TryWrite(1); err != ErrClosed {
		t.Fatalf("TryWrite after Close: %v", err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("Flush after Close: %v", err)
	}
}

func TestWriterBatchBytes(t *testing.T) {
	checkLeaks(t)
	ctx := context.Background()
	var rec recorder[string]
	gate := make(chan struct{})
	sink := func(ctx context.Context, b []string) error {
		<-gate
		return rec.sink(ctx, b)
	}
	size := func(s string) int64 { return int64(len(s)) }
	w := NewWriter(sink, WithMaxBatch(100), WithBatchBytes(10, size))
	in := []string{"aaaa", "bbbb", "cc", "dddddddddddd", "e", "fffff", "ggggg", "h"}
	for _, s := range in {
		_ = w.Write(ctx, s)
	}
	close(gate)
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	batches, _ := rec.snapshot()
	var joined []string
	for _, b := range batches {
		var total int64
		for _, s := range b {
			total += size(s)
		}
		if total > 10 && len(b) > 1 {
			t.Fatalf("batch %q has %d bytes", b, total)
		}
		joined = append(joined, strings.Join(b, ","))
	}
	// The first batch may be taken before the rest was queued; after
	// that, batches are greedy.
	got := strings.Join(joined, " | ")
	if !strings.HasSuffix(got, "dddddddddddd | e,fffff | ggggg,h") {
		t.Fatalf("batches: %s", got)
	}
}

func TestWriterFlushInterval(t *testing.T) {
	checkLeaks(t)
	ctx := context.Background()
	var rec recorder[int]
	w := NewWriter(rec.sink, WithMaxBatch(4), WithFlushInterval(time.Hour))
	for i := 0; i < 6; i++ {
		_ = w.Write(ctx, i)
	}
	// One full batch goes out at once; the remaining 2 wait for the
	// interval, until Flush cuts it short.
	waitFor(t, func() bool { b, _ := rec.snapshot(); return len(b) == 1 })
	time.Sleep(10 * time.Millisecond)
	if b, _ := rec.snapshot(); len(b) != 1 || len(b[0]) != 4 {
		t.Fatalf("batches before Flush: %v", b)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if b, _ := rec.snapshot(); len(b) != 2 || fmt.Sprint(b[1]) != "[4 5]" {
		t.Fatalf("batches after Flush: %v", b)
	}
	// Close also cuts lingering short.
	_ = w.Write(ctx, 6)
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, items := rec.snapshot(); len(items) != 7 {
		t.Fatalf("items: %v", items)
	}

	// A short interval sends partial batches by itself.
	var rec2 recorder[int]
	w2 := NewWriter(rec2.sink, WithMaxBatch(100), WithFlushInterval(time.Millisecond))
	defer w2.Close(ctx)
	_ = w2.Write(ctx, 1)
	waitFor(t, func() bool { _, items := rec2.snapshot(); return len(items) == 1 })
}

func TestWriterFlushErrors(t *testing.T) {
	checkLeaks(t)
	ctx := context.Background()
	errBad := errors.New("bad value")
	var handled atomic.Int64
	sink := func(ctx context.Context, b []int) error {
		for _, v := range b {
			if v < 0 {
				return fmt.Errorf("batch with %d: %w", v, errBad)
			}
		}
		return nil
	}
	w := NewWriter(sink, WithMaxBatch(1), WithErrorHandler(func(err error) { handled.Add(1) }))
	for _, v := range []int{1, -1, 2, -2} {
		_ = w.Write(ctx, v)
	}
	err := w.Flush(ctx)
	if !errors.Is(err, errBad) || !strings.Contains(err.Error(), "-1") || !strings.Contains(err.Error(), "-2") {
		t.Fatalf("Flush = %v", err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("errors not consumed: %v", err)
	}
	for i := 0; i < maxKeptErrors+5; i++ {
		_ = w.Write(ctx, -10-i)
	}
	err = w.Close(ctx)
	if !errors.Is(err, errBad) || !strings.Contains(err.Error(), "5 more sink errors omitted") {
		t.Fatalf("Close = %v", err)
	}
	if handled.Load() != int64(2+maxKeptErrors+5) {
		t.Fatalf("handler called %d times", handled.Load())
	}
	s := w.Stats()
	if s.Failed != uint64(2+maxKeptErrors+5) || s.Written != 2 || s.Enqueued != s.Failed+s.Written {
		t.Fatalf("Stats = %+v", s)
	}
}

func TestWriterOverload(t *testing.T) {
	checkLeaks(t)
	gate := make(chan struct{})
	var calls atomic.Int64
	sink := func(ctx context.Context, b []int) error {
		calls.Add(1)
		<-gate
		return nil
	}
	w := NewWriter(sink, WithQueueSize(3), WithMaxBatch(2))
	ctx := context.Background()
	_ = w.Write(ctx, 0)
	waitFor(t, func() bool { return calls.Load() == 1 }) // sink holds [0]
	for i := 1; i <= 3; i++ {
		if err := w.TryWrite(i); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.TryWrite(4); err != ErrOverloaded {
		t.Fatalf("TryWrite when full: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := w.Write(tctx, 5); err != context.DeadlineExceeded {
		t.Fatalf("Write when full: %v", err)
	}
	res := make(chan error, 1)
	go func() { res <- w.Write(ctx, 6) }() // blocks, then gets room
	close(gate)
	if err := <-res; err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	s := w.Stats()
	if s.Rejected != 2 || s.Written != 5 || s.Enqueued != 5 || s.HighWater != 3 {
		t.Fatalf("Stats = %+v", s)
	}
}

func TestWriterCloseWakesBlockedWrite(t *testing.T) {
	checkLeaks(t)
	gate := make(chan struct{})
	w := NewWriter(func(ctx context.Context, b []int) error { <-gate; return nil }, WithQueueSize(1), WithMaxBatch(1))
	ctx := context.Background()
	_ = w.Write(ctx, 0)
	waitFor(t, func() bool { return w.Stats().InFlight == 1 })
	_ = w.Write(ctx, 1)
	res := make(chan error, 1)
	go func() { res <- w.Write(ctx, 2) }()
	waitFor(t, func() bool { return waiters(&w.q.mu, &w.q.sendq) == 1 })
	closed := make(chan error, 1)
	go func() { closed <- w.Close(ctx) }()
	if err := <-res; err != ErrClosed {
		t.Fatalf("blocked Write: %v", err)
	}
	close(gate)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if s := w.Stats(); s.Written != 2 {
		t.Fatalf("Stats = %+v", s)
	}
}

func TestWriterCloseTimeoutDrops(t *testing.T) {
	checkLeaks(t)
	started := make(chan struct{}, 1)
	sink := func(ctx context.Context, b []int) error {
		started <- struct{}{}
		<-ctx.Done() // a sink that honours its context
		return ctx.Err()
	}
	w := NewWriter(sink, WithQueueSize(10), WithMaxBatch(2))
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		_ = w.Write(ctx, i)
	}
	<-started
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	err := w.Close(cctx)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Close = %v", err)
	}
	s := w.Stats()
	if s.Dropped == 0 || s.Enqueued != s.Written+s.Failed+s.Dropped || s.Queued != 0 || s.InFlight != 0 {
		t.Fatalf("Stats = %+v", s)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("%d values dropped", s.Dropped)) {
		t.Fatalf("Close = %v", err)
	}
	// Later Close calls return the same result.
	if err2 := w.Close(ctx); err2 != err {
		t.Fatalf("second Close = %v", err2)
	}
}

func TestWriterMaxInFlight(t *testing.T) {
	checkLeaks(t)
	var cur, peak atomic.Int64
	var total atomic.Int64
	sink := func(ctx context.Context, b []int) error {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(200 * time.Microsecond)
		total.Add(int64(len(b)))
		cur.Add(-1)
		return nil
	}
	w := NewWriter(sink, WithMaxInFlight(3), WithMaxBatch(4), WithQueueSize(8))
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				_ = w.Write(ctx, i)
			}
		}()
	}
	wg.Wait()
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if peak.Load() > 3 || peak.Load() < 2 {
		t.Fatalf("peak concurrency %d, want 2..3", peak.Load())
	}
	if total.Load() != 800 {
		t.Fatalf("total %d", total.Load())
	}
}

// TestWriterStress races writers, Flush and Close (with and without an
// expiring context) and checks exactly-once delivery of accepted values
// and the Stats invariant.
func TestWriterStress(t *testing.T) {
	for _, inflight := range []int{1, 3} {
		for _, interval := range []time.Duration{0, 50 * time.Microsecond} {
			for _, closeTimeout := range []bool{false, true} {
				name := fmt.Sprintf("inflight=%d/interval=%v/closeTimeout=%v", inflight, interval, closeTimeout)
				t.Run(name, func(t *testing.T) {
					checkLeaks(t)
					stressWriter(t, inflight, interval, closeTimeout)
				})
			}
		}
	}
}

func stressWriter(t *testing.T, inflight int, interval time.Duration, closeTimeout bool) {
	const producers, per = 4, 2000
	var mu sync.Mutex
	seen := map[int]int{}
	var failedItems atomic.Int64
	sink := func(ctx context.Context, b []int) error {
		if len(b) == 0 {
			t.Error("empty batch")
		}
		if ctx.Err() != nil {
			failedItems.Add(int64(len(b)))
			return ctx.Err()
		}
		mu.Lock()
		for _, v := range b {
			seen[v]++
		}
		mu.Unlock()
		if b[0]%7 == 0 {
			time.Sleep(20 * time.Microsecond)
		}
		return nil
	}
	opts := []WriterOption{WithMaxInFlight(inflight), WithMaxBatch(16), WithQueueSize(32)}
	if interval > 0 {
		opts = append(opts, WithFlushInterval(interval), WithBatchBytes(40, func(v int) int64 { return int64(v % 9) }))
	}
	w := NewWriter(sink, opts...)
	accepted := make([][]int, producers)
	var wg sync.WaitGroup
	var ops atomic.Int64
	closeErr := make(chan error, 1)
	for g := 0; g < producers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(g)))
			for i := 0; i < per; i++ {
				v := g*per + i
				var err error
				switch r.Intn(5) {
				case 0:
					err = w.TryWrite(v)
				case 1:
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.Intn(30))*time.Microsecond)
					err = w.Write(ctx, v)
					cancel()
				case 2:
					if r.Intn(20) == 0 {
						ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.Intn(200))*time.Microsecond)
						_ = w.Flush(ctx)
						cancel()
					}
					err = w.Write(context.Background(), v)
				default:
					err = w.Write(context.Background(), v)
				}
				if err == nil {
					accepted[g] = append(accepted[g], v)
				} else if err != ErrClosed && err != ErrOverloaded && err != context.DeadlineExceeded {
					t.Errorf("write: %v", err)
				}
				if ops.Add(1) == producers*per*3/4 {
					go func() {
						ctx := context.Background()
						if closeTimeout {
							var cancel context.CancelFunc
							ctx, cancel = context.WithTimeout(ctx, 100*time.Microsecond)
							defer cancel()
						}
						closeErr <- w.Close(ctx)
					}()
				}
			}
		}(g)
	}
	wg.Wait()
	err := <-closeErr
	s := w.Stats()
	if !closeTimeout && err != nil {
		t.Fatalf("Close = %v", err)
	}
	if closeTimeout && err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close = %v", err)
	}
	n := 0
	for _, as := range accepted {
		for _, v := range as {
			n++
			if seen[v] > 1 {
				t.Fatalf("value %d written %d times", v, seen[v])
			}
			delete(seen, v)
		}
	}
	if len(seen) != 0 {
		t.Fatalf("%d values written but not accepted", len(seen))
	}
	if s.Enqueued != uint64(n) || s.Enqueued != s.Written+s.Failed+s.Dropped || s.Queued != 0 || s.InFlight != 0 {
		t.Fatalf("Stats = %+v, accepted %d", s, n)
	}
	if !closeTimeout && (s.Failed != 0 || s.Dropped != 0) {
		t.Fatalf("Stats = %+v", s)
	}
	if s.Failed != uint64(failedItems.Load()) {
		t.Fatalf("Stats.Failed = %d, sink failed %d", s.Failed, failedItems.Load())
	}
}

func TestWriterFlushConcurrentWithWrites(t *testing.T) {
	checkLeaks(t)
	var written atomic.Int64
	w := NewWriter(func(ctx context.Context, b []int) error {
		written.Add(int64(len(b)))
		return nil
	}, WithMaxInFlight(2), WithMaxBatch(3), WithFlushInterval(time.Hour))
	ctx := context.Background()
	for round := 1; round <= 50; round++ {
		for i := 0; i < round%7+1; i++ {
			_ = w.Write(ctx, i)
		}
		want := int64(w.Stats().Enqueued)
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got := written.Load(); got < want {
			t.Fatalf("after Flush %d written, want >= %d", got, want)
		}
	}
	fctx, cancel := context.WithCancel(ctx)
	cancel()
	_ = w.Flush(fctx) // nothing pending: returns nil even with a done ctx
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestWriterFlushContext(t *testing.T) {
	checkLeaks(t)
	gate := make(chan struct{})
	w := NewWriter(func(ctx context.Context, b []int) error { <-gate; return nil })
	ctx := context.Background()
	_ = w.Write(ctx, 1)
	fctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := w.Flush(fctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Flush = %v", err)
	}
	close(gate)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestWriterZeroAllocs(t *testing.T) {
	w := NewWriter(func(ctx context.Context, b []int) error { return nil })
	defer w.Close(context.Background())
	ctx := context.Background()
	// Warm up the waiter pool.
	for i := 0; i < 10000; i++ {
		_ = w.Write(ctx, i)
	}
	if a := testing.AllocsPerRun(10000, func() { _ = w.Write(ctx, 1) }); a > 0.01 {
		t.Fatalf("Write: %v allocs", a)
	}
}
