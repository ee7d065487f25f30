// Package fanout defines an Analyzer that reports goroutines fanned out
// to send on a channel that can be left without a receiver.
//
// # Analyzer fanout
//
// fanout: report goroutines that block forever sending on a channel whose receiver has left
//
// A goroutine that sends on a channel blocks until someone receives.
// When the function that made the channel stops receiving early (a
// timeout, a cancelled context, an error return), every sender still
// waiting is leaked, with everything it references. The channel must
// have room for every sender that can be left behind, or the receiver
// must keep draining.
//
// The analyzer looks at channels made in a function and kept there (not
// stored, returned or handed to code it cannot see). Senders are
// goroutines started in that function (go func(){...}(), go f(ch, x)
// with f declared in the package, errgroup's g.Go, sync.WaitGroup.Go)
// that send one value each; a send in a select that can leave (a
// ctx.Done, stop channel, timer or default case) never strands its
// goroutine and does not count. The receiver's paths are followed on the
// function's control-flow graph: a leak is a path from the senders'
// start to a return on which fewer values are received than were sent,
// minus what the buffer holds. Paths that end in a test failure
// (t.Fatal, t.Errorf) do not count: the test failed already.
//
// # Rule timeout-leak
//
// A goroutine sends one value on a local unbuffered channel, and the
// function can return without receiving it: the select it waits in has
// another case that leaves (time.After, a timer, ctx.Done(), a stop
// channel, default), or it returns before it reaches the receive.
//
// WRONG:
//
//	ch := make(chan result)
//	go func() { ch <- fetch() }()
//	select {
//	case r := <-ch:
//		return r, nil
//	case <-ctx.Done():
//		return result{}, ctx.Err() // the sender blocks forever
//	}
//
//	go func() { ch <- compute() }()
//	if err := check(); err != nil {
//		return err // the sender blocks forever
//	}
//	return use(<-ch)
//
// RIGHT:
//
//	ch := make(chan result, 1) // the send always completes
//
// The suggested fix gives the channel a buffer of one.
//
// # Rule early-return
//
// Goroutines started in a loop (for _, x := range xs, for i := 0; i < n;
// i++, for range n) send on a local channel whose buffer is smaller than
// the number of iterations, and the receiving loop can return or break
// before it has received them all (the classic errc leak), or the
// function can return before it starts receiving.
//
// WRONG:
//
//	errc := make(chan error)
//	for _, x := range xs {
//		go func() { errc <- process(x) }()
//	}
//	for range xs {
//		if err := <-errc; err != nil {
//			return err // the senders not yet received block forever
//		}
//	}
//
// RIGHT:
//
//	errc := make(chan error, len(xs)) // every sender can finish
//
// The suggested fix buffers the channel for every sender: len(xs), n,
// or the loop's constant count, when that expression means the same at
// the make call (declared before it, not assigned in between). When it
// does not, there is no fix and the message says what to do: buffer for
// every sender, or keep receiving until all have sent. Exits after
// which the function receives again (a drain loop), exits guarded by a
// counter of received values (if got == len(xs)), and continue do not
// count.
//
// # Rule ncast
//
// Several goroutines (two go statements, or one in a loop) send on a
// local channel and the function receives fewer values than they send,
// typically once: "first answer wins". The others block forever.
//
// WRONG:
//
//	ch := make(chan string)
//	for _, s := range servers {
//		go func() { ch <- query(s) }()
//	}
//	return <-ch // len(servers)-1 senders block forever
//
// RIGHT:
//
//	ch := make(chan string, len(servers))
//
// The suggested fix buffers the channel for every sender. A buffer that
// already holds everyone left behind (two io.Copy goroutines, one
// receive, make(chan error, 1)) is fine.
//
// # Rule unclosed-range
//
// A for ... range over a channel that the function makes, where nothing
// closes it: not the function, not a closure in it, not a function of
// the package it is passed to. After the last value the loop blocks
// forever. A channel handed to a call whose body cannot be seen (another
// package, a function value) may be closed there, and is not reported;
// neither is a range whose body can leave by itself (return, break, a
// counted break, t.Fatal).
//
// WRONG:
//
//	var wg sync.WaitGroup
//	for _, x := range xs {
//		wg.Add(1)
//		go func() { defer wg.Done(); results <- process(x) }()
//	}
//	for r := range results { // never ends
//		total += r
//	}
//
// RIGHT:
//
//	go func() {
//		wg.Wait()
//		close(results)
//	}()
//	for r := range results {
//		total += r
//	}
//
// When every sender is tracked by one sync.WaitGroup of the function,
// the suggested fix starts that closer goroutine just before the loop,
// or closes the channel right after a wg.Wait() that precedes the loop.
//
// # Suppressing findings
//
// A finding is suppressed by a comment on its line or the line above:
//
//	//bplint:ignore fanout/timeout-leak the caller always drains ch
//
// The reason is required.
package fanout
