package bounded

import (
	"context"
	"strconv"
	"sync"
	"testing"
)

// Queue benchmarks. Every benchmark has an impl=chan (baseline) and an
// impl=queue variant in the same run so that benchstat can print ratios:
//
//	go test -run '^$' -bench 'SendRecv|RecvBatch|TrySendFull' -count 8 ./bounded > q.txt
//	benchstat -col /impl q.txt
//
// b.N values are moved from P producers to one consumer (or C consumers).

const benchCap = 1024

func BenchmarkSendRecv(b *testing.B) {
	for _, p := range []int{1, 4} {
		b.Run("impl=chan/producers="+strconv.Itoa(p), func(b *testing.B) {
			ch := make(chan int, benchCap)
			b.ReportAllocs()
			benchProducers(b, p, func(i int) { ch <- i }, func() { <-ch })
		})
		b.Run("impl=chanctx/producers="+strconv.Itoa(p), func(b *testing.B) {
			ch := make(chan int, benchCap)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			b.ReportAllocs()
			benchProducers(b, p, func(i int) {
				select {
				case ch <- i:
				case <-ctx.Done():
				}
			}, func() {
				select {
				case <-ch:
				case <-ctx.Done():
				}
			})
		})
		b.Run("impl=queue/producers="+strconv.Itoa(p), func(b *testing.B) {
			q := NewQueue[int](benchCap)
			ctx := context.Background()
			b.ReportAllocs()
			benchProducers(b, p, func(i int) { _ = q.Send(ctx, i) }, func() { _, _ = q.Recv(ctx) })
		})
		b.Run("impl=queuectx/producers="+strconv.Itoa(p), func(b *testing.B) {
			q := NewQueue[int](benchCap)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			b.ReportAllocs()
			benchProducers(b, p, func(i int) { _ = q.Send(ctx, i) }, func() { _, _ = q.Recv(ctx) })
		})
	}
}

// benchProducers runs b.N sends split over p producer goroutines and b.N
// receives on the benchmark goroutine.
func benchProducers(b *testing.B, p int, send func(int), recv func()) {
	var wg sync.WaitGroup
	per := b.N / p
	b.ResetTimer()
	defer reportCPU(b)()
	for g := 0; g < p; g++ {
		n := per
		if g == 0 {
			n += b.N - per*p
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				send(i)
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		recv()
	}
	wg.Wait()
}

func BenchmarkRecvBatch64(b *testing.B) {
	b.Run("impl=chan", func(b *testing.B) {
		ch := make(chan int, benchCap)
		b.ReportAllocs()
		benchProducers(b, 1, func(i int) { ch <- i }, func() { <-ch })
	})
	b.Run("impl=queue", func(b *testing.B) {
		q := NewQueue[int](benchCap)
		ctx := context.Background()
		b.ReportAllocs()
		var wg sync.WaitGroup
		wg.Add(1)
		b.ResetTimer()
		defer reportCPU(b)()
		go func() {
			defer wg.Done()
			for i := 0; i < b.N; i++ {
				_ = q.Send(ctx, i)
			}
		}()
		var dst [64]int
		for got := 0; got < b.N; {
			n, _ := q.RecvBatch(ctx, dst[:])
			got += n
		}
		wg.Wait()
	})
}

func BenchmarkTrySendFull(b *testing.B) {
	b.Run("impl=chan", func(b *testing.B) {
		ch := make(chan int, 1)
		ch <- 0
		b.ReportAllocs()
		b.ResetTimer()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			select {
			case ch <- i:
			default:
			}
		}
	})
	b.Run("impl=queue", func(b *testing.B) {
		q := NewQueue[int](1)
		_ = q.TrySend(0)
		b.ReportAllocs()
		b.ResetTimer()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			if q.TrySend(i) != ErrFull {
				b.Fatal("not full")
			}
		}
	})
}

// BenchmarkPingPong measures hand-off latency: every operation has to wake
// a parked goroutine (the worst case for a queue built on a mutex and
// per-waiter channels, compared with the runtime's direct hand-off).
func BenchmarkPingPong(b *testing.B) {
	b.Run("impl=chan", func(b *testing.B) {
		ping, pong := make(chan int, 1), make(chan int, 1)
		go func() {
			for v := range ping {
				pong <- v
			}
			close(pong)
		}()
		b.ReportAllocs()
		b.ResetTimer()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			ping <- i
			<-pong
		}
		close(ping)
		<-pong
	})
	b.Run("impl=queue", benchQueuePingPong)
}

func benchQueuePingPong(b *testing.B) {
	{
		ctx := context.Background()
		ping, pong := NewQueue[int](1), NewQueue[int](1)
		go func() {
			for v := range ping.All(ctx) {
				_ = pong.Send(ctx, v)
			}
			pong.Close()
		}()
		b.ReportAllocs()
		b.ResetTimer()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			_ = ping.Send(ctx, i)
			_, _ = pong.Recv(ctx)
		}
		ping.Close()
		_, _ = pong.Recv(ctx)
	}
}
