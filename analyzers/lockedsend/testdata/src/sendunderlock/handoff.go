package sendunderlock

import "sync"

// A goroutine signals on an unbuffered channel that it holds the mutex
// (sync's cond tests): the function that started it takes that first
// value before it ever locks the mutex, so the send under the mutex
// does not wait for anyone who needs it; the receive after the Lock
// takes the second value, sent without the mutex.
func handoffFirst() {
	var m sync.Mutex
	cond := sync.NewCond(&m)
	ch := make(chan struct{})
	go func() {
		m.Lock()
		ch <- struct{}{}
		cond.Wait()
		m.Unlock()
		ch <- struct{}{}
	}()
	<-ch
	m.Lock()
	cond.Signal()
	m.Unlock()
	<-ch
}

// Near misses: the first receive comes after the function locks the
// mutex; the goroutine sends twice under the mutex, and the second value
// is taken after the Lock; a second goroutine sends too.
func handoffLockedFirst() {
	var m sync.Mutex
	ch := make(chan struct{})
	go func() {
		m.Lock()
		defer m.Unlock()
		ch <- struct{}{} // want `send on ch while m is locked .*locks m too`
	}()
	m.Lock()
	m.Unlock()
	<-ch
}

func handoffTwice() {
	var m sync.Mutex
	ch := make(chan int)
	go func() {
		m.Lock()
		defer m.Unlock()
		ch <- 1
		ch <- 2 // want `send on ch while m is locked .*locks m too`
	}()
	<-ch
	m.Lock()
	m.Unlock()
	<-ch
}

func handoffTwoSenders() {
	var m sync.Mutex
	ch := make(chan int)
	go func() {
		ch <- 0
	}()
	go func() {
		m.Lock()
		defer m.Unlock()
		ch <- 1 // want `send on ch while m is locked .*locks m too`
	}()
	<-ch
	m.Lock()
	m.Unlock()
	<-ch
}
