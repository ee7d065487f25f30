// Package ignoredsend defines an Analyzer (TODO).
// to send on a channel that can be left without a receiver.
//
// # Analyzer ignoredsend
//
// ignoredsend: report goroutines that block forever sending on a channel whose receiver has left
//
// A goroutine that sends on a channel blocks until someone receives.
// When the function that made the channel stops receiving early (a
// timeout, a cancelled context, an error return), every sender still
// waiting is leaked, with everything it references. The channel must
// have room for every sender that can be left behind, or the receiver
// must keep draining.
//
// # Rule timeout-leak
//
// A goroutine sends on a local unbuffered channel while the receiver
// waits in a select that can leave by another case.
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
// RIGHT:
//
//	ch := make(chan result, 1) // the send always completes
//
// # Suppressing findings
//
// A finding is suppressed by a comment on its line or the line above:
//
//	//bplint:ignore ignoredsend/timeout-leak the caller always drains ch
//
// The reason is required.
package ignoredsend
