package bounded

import (
	"context"
	"strconv"
	"sync"
	"testing"
)

// Writer benchmarks: Writer.Write with a no-op sink against a raw channel
// send drained by one consumer goroutine (the code a Writer replaces).
//
//	go test -run '^$' -bench 'Write' -count 8 ./bounded > w.txt
//	benchstat -col /impl w.txt
func BenchmarkWrite(b *testing.B) {
	for _, p := range []int{1, 4} {
		b.Run("impl=chan/producers="+strconv.Itoa(p), func(b *testing.B) {
			ch := make(chan int, DefaultWriterQueueSize)
			done := make(chan struct{})
			go func() {
				for range ch {
				}
				close(done)
			}()
			b.ReportAllocs()
			benchWriters(b, p, func(i int) { ch <- i })
			close(ch)
			<-done
		})
		b.Run("impl=writer/producers="+strconv.Itoa(p), func(b *testing.B) {
			w := NewWriter(func(ctx context.Context, batch []int) error { return nil })
			ctx := context.Background()
			b.ReportAllocs()
			benchWriters(b, p, func(i int) { _ = w.Write(ctx, i) })
			_ = w.Close(ctx)
		})
	}
}

func benchWriters(b *testing.B, p int, write func(int)) {
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
				write(i)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
}
