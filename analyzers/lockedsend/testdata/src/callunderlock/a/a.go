// Package a declares functions that may block on a channel, and
// look-alikes that may not. It does not import sync.
package a

import (
	"context"
	"time"
)

type Broker struct {
	out  chan string
	done chan struct{}
}

func (b *Broker) Publish(m string) { // want Publish:`mayBlock\(sends on b.out at a.go:16\)`
	b.out <- m
}

// One call from the channel operation: beyond the default depth.
func (b *Broker) PublishVia(m string) {
	b.Publish(m)
}

// Two calls from the channel operation.
func (b *Broker) Deep(m string) {
	b.PublishVia(m)
}

func (b *Broker) TryPublish(m string) bool {
	select {
	case b.out <- m:
		return true
	default:
		return false
	}
}

func (b *Broker) PublishCtx(ctx context.Context, m string) error {
	select {
	case b.out <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *Broker) PublishTimeout(m string) bool {
	select {
	case b.out <- m:
		return true
	case <-time.After(time.Second):
		return false
	}
}

func (b *Broker) Async(m string) {
	go func() { b.out <- m }()
}

func (b *Broker) Close() { close(b.done) }

func Wait(done <-chan struct{}) { // want Wait:"mayBlock.wait: receives from done"
	<-done
}

func Sleep() { time.Sleep(time.Millisecond) }

func Result() int {
	ch := make(chan int, 1)
	ch <- 1
	return len(ch)
}

func Send[T any](ch chan<- T, v T) { // want Send:"mayBlock.sends on ch"
	ch <- v
}

type Queue[T any] struct{ ch chan T }

func (q *Queue[T]) Put(v T) { // want Put:"mayBlock.sends on q.ch"
	q.ch <- v
}

func Drain(ch <-chan int) (n int) { // want Drain:"mayBlock.ranges over ch"
	for range ch {
		n++
	}
	return n
}
