// Package lockedsend defines an Analyzer that reports goroutines
// blocking on a channel, or waiting for other goroutines, while they
// hold a mutex.
//
// # Analyzer lockedsend
//
// lockedsend: report blocking channel operations made while a mutex is held
//
// When a consumer slows down, backpressure reaches the producer that
// sends to it. If that producer holds a mutex while it waits, every
// other goroutine that needs the mutex waits for the slow consumer too,
// and if the consumer itself needs the mutex the program deadlocks.
// This is the most common shape of real Go deadlocks that mix channels
// and locks.
//
// A mutex is held at an operation when every path from the function's
// entry to it calls Lock or RLock and no Unlock or RUnlock since (an
// Unlock deferred runs at return, so the mutex is held until then).
// Mutexes are sync.Mutex, sync.RWMutex and sync.Locker values, named by
// their access path: mu, s.mu, s.Lock() on a struct embedding a mutex.
// Function literals start with no mutex held: they run later, or in a
// goroutine of their own.
//
// What is reported by default: a finding should be worth a reviewer's
// time, so the analyzer reports a blocking operation under a mutex when
//
//   - the other side of the channel needs the mutex too: a receiver or
//     sender of the same field, a goroutine of the function, a waiter
//     that stored its channel in the collection the sender takes it
//     from, or the goroutine whose exit closes the channel (defer
//     close(done)), locks the mutex before it gets to its operation,
//     itself or through a function of the package it calls. The two
//     goroutines can deadlock, and the message names the other one; or
//   - the mutex is held while a consumer takes values: a send of a
//     value, a select that waits to send one, a range over a channel,
//     and a call of a function that does so. A slow consumer stalls
//     every goroutine that needs the mutex, and one that has gone away
//     stalls them forever.
//
// Waiting under a mutex for another goroutine to answer or to finish
// is not reported unless that goroutine needs the mutex (first case):
// a receive of one value (<-done, <-errc, a goroutine's result), a
// select that only receives, a send of a channel or of a request that
// carries one (a stop or request handshake, w.stopc <- donec,
// i.interrupt <- &signal{result: make(chan error, 1)}: the receiver
// answers on it), and calls of
// functions that block only that way (s.stop() that waits for the
// worker to exit). These are mostly shutdown paths that wait for a
// worker which never takes the mutex: a bounded wait, not a deadlock.
// The flag -shutdown-waits reports them too.
//
// The analyzer stays quiet where the wait is not backpressure:
//
//   - operations that cannot block: a select with a default case,
//     close(ch), a receive from a timer (a sleep);
//   - sends into room the code made for them: a channel made in the
//     same function (or just assigned to the field) with a capacity
//     that covers the sends before it, counted per path
//     (make(chan T, 1) and one send per branch; make(chan T, n) filled
//     by `for i := 0; i < n; i++`, make(chan T, len(xs)) by a range
//     over xs); sends counted against the capacity: a counter
//     incremented after the send, and a loop that runs only while it
//     is below the capacity (or below the room b := n - len(ch) left
//     after a first fill), or that returns once it equals the capacity
//     (n shown to be at least 1) - a fetch that asks for n values into
//     make(chan T, n), kept in a field nothing else sends on; a call,
//     under the mutex, of a method that sends on a field that a setup
//     method of the same value has just made buffered, with room for
//     every send since (counted through the package's calls, and no
//     other goroutine can send on the field meanwhile); a send
//     guarded by a test of the channel's length
//     (if len(ch) < cap(ch) { ch <- v }); a send right after draining
//     the channel with a non-blocking receive (replace the pending
//     value);
//   - channels buffered by construction: a field that the package only
//     ever assigns buffered channels of capacity 1 (one-shot results,
//     wake-up tokens) or buffered channels it also sends on with a
//     select default (notifications); channels kept in a collection
//     field (s.waiters[id], for _, ch := range s.subs) that the package
//     only fills with buffered channels (reply channels; in every
//     instantiation of a generic type); and variables,
//     parameters of unexported functions and results of the package's
//     functions that only ever hold such channels (a reply channel taken
//     from a set type of the package: req, ok := s.reqs.TakeRandom()).
//     What _test.go files store there does not count;
//   - a channel made with one slot per goroutine that sends on it: n
//     goroutines started by a loop that runs n times, each sending at
//     most once per round, on make(chan T, n);
//   - channels that are locks or semaphores: a field of struct{} values
//     made buffered (a counting semaphore), or a buffered field filled
//     when made or used take-then-put-back (a lock token, a pool):
//     taking a token under a mutex nests locks, it is not a consumer;
//   - waiting for the function's own goroutines on a channel it made and
//     shares with no one else, unless one of them locks the mutex;
//   - a select that a context, a timer or a stop channel case can end
//     (unless -bounded): the author bounded the wait. A stop channel is
//     a channel field that another function of the package closes
//     while no mutex needs to be held: the closer locks none, itself
//     or through its callees, and the package does not call it, or
//     calls it once at least with no mutex held, from another function
//     than the one that blocks (a Stop method closing s.done, a worker
//     whose exit closes it); a
//     variable that holds a context's
//     Done channel or a timer's channel when the caller asks for one
//     (nil otherwise) counts as such a case;
//   - a receive from a context's Done channel after that context was
//     cancelled on every path (cancel(), or a Cancel method of the
//     value the context comes from, or a select case that saw it done):
//     the channel is closed;
//   - a receive under `if x.done` when every sender and closer of the
//     channel holds the mutex and sets x.done: the value is there;
//   - a select that waits to send and has a case receiving from a
//     channel that whoever else needs the mutex closes before locking
//     it: the mutex only keeps the channel from being closed mid-send;
//   - a mutex that exists to serialize blocking operations: when every
//     function of the package that locks an unexported mutex blocks on a
//     channel while holding it (the writer mutex of io.Pipe), making
//     other goroutines wait is its purpose;
//   - a mutex unlocked by another goroutine (a goroutine or callback of
//     the function unlocks it): whether it is held is not a matter of
//     the function's paths.
//
// When the other side of the channel locks the same mutex (a receiver
// of the same field, a goroutine of the function, or a waiter that
// stored its channel in the collection the sender takes it from), the
// message names it: the two goroutines can deadlock. A goroutine's
// first send on a channel of its function pairs with the function's
// first receive: when the function locks the mutex only after that
// receive, the send does not wait for it (a goroutine that signals it
// holds the mutex, then waits on a sync.Cond).
//
// # Rule send-under-lock
//
// A send, or a select that waits to send, while a mutex is held: until
// a receiver takes the value, every goroutine that needs the mutex
// waits; a receiver that needs the mutex deadlocks.
//
// WRONG:
//
//	s.mu.Lock()
//	s.seq++
//	ev := event{seq: s.seq}
//	s.events <- ev // the consumer takes s.mu to read s.seq: deadlock
//	s.mu.Unlock()
//
// RIGHT:
//
//	s.mu.Lock()
//	s.seq++
//	ev := event{seq: s.seq}
//	s.mu.Unlock()
//	s.events <- ev
//
// The suggested fix moves the send after the Unlock when that is
// safe: the send and the Unlock are in the same block, the channel and
// the value are locals, constants or fields only set when the struct
// is built, and nothing between the send and the Unlock leaves the
// block, changes what the send reads, uses a channel, or waits
// (cond.Wait(), wg.Wait(), a call that may block). Concurrent
// senders may then send in another order than they held the mutex; if
// the order matters, keep a sequence number in the value. Otherwise the
// message says why no fix is offered: copy what the send needs into
// locals while the mutex is held, unlock, then send.
//
// # Rule recv-under-lock
//
// A receive, a range over a channel, or a select that waits only to
// receive, while a mutex is held: until a sender comes, every goroutine
// that needs the mutex waits; a sender that needs the mutex deadlocks.
// A range is reported by default; a receive or a receive-only select
// when the sender (or the goroutine that closes the channel) locks the
// mutex too, or with -shutdown-waits.
//
// WRONG:
//
//	func (db *DB) Close() {
//		db.mtx.Lock()
//		defer db.mtx.Unlock()
//		close(db.stopc)
//		<-db.donec // run closes donec when it returns, but first it may
//		           // call truncate, which takes db.mtx: deadlock
//	}
//
// RIGHT:
//
//	func (db *DB) Close() {
//		close(db.stopc)
//		<-db.donec
//		db.mtx.Lock()
//		defer db.mtx.Unlock()
//		...
//	}
//
// # Rule call-under-lock
//
// A call, while a mutex is held, of a function that may block on a
// channel: its body sends, receives, ranges over a channel, or waits in
// a select that only channel operations can end (a select with a
// default, a context or a timer case bounds the wait and does not
// count). The flag -depth (default 1) sets how many calls lie at most
// between the call under the mutex and the channel operation; with
// -cross-package the analysis follows calls into other packages. Calls
// through interfaces and function values are not followed. A function
// that only waits for another goroutine (s.stop() receiving from a done
// channel) is reported when the other side of that channel, in this
// package, locks the held mutex, or with -shutdown-waits.
//
// WRONG:
//
//	func (b *Broker) publish(m Msg) { b.out <- m }
//
//	b.mu.Lock()
//	b.last = m
//	b.publish(m) // blocks on b.out with b.mu held
//	b.mu.Unlock()
//
// RIGHT:
//
//	b.mu.Lock()
//	b.last = m
//	b.mu.Unlock()
//	b.publish(m)
//
// # Rule wait-under-lock
//
// A wg.Wait() (sync.WaitGroup, errgroup.Group) while a mutex is held,
// when a goroutine it waits for locks the same mutex (the same variable,
// or the same field of the same struct type), directly or through a
// function of the package it calls: that goroutine cannot finish, and
// Wait never returns.
//
// WRONG:
//
//	for _, w := range s.workers {
//		s.wg.Add(1)
//		go func() {
//			defer s.wg.Done()
//			s.mu.Lock() // waits for Stop to unlock
//			s.done++
//			s.mu.Unlock()
//		}()
//	}
//
//	func (s *Server) Stop() {
//		s.mu.Lock()
//		defer s.mu.Unlock()
//		s.wg.Wait() // waits for the workers: deadlock
//	}
//
// RIGHT:
//
//	func (s *Server) Stop() {
//		s.wg.Wait()
//		s.mu.Lock()
//		defer s.mu.Unlock()
//		...
//	}
//
// # Suppressing findings
//
// A finding is suppressed by a comment on its line or the line above:
//
//	//bplint:ignore lockedsend/send-under-lock ch is buffered for every subscriber
//
// The reason is required.
//
// # Flags
//
//	-lockedsend.depth N
//
// How many calls call-under-lock follows from a call made under a mutex
// to the channel operation that may block (default 1: functions whose
// own body blocks; 2 also reports functions that call those, and so on;
// 0 disables the rule).
//
//	-lockedsend.bounded
//
// Also report selects under a mutex that a context or timer case can
// end (send-under-lock, recv-under-lock). The goroutine holding the
// mutex gives up eventually; every other goroutine that needs the mutex
// waits as long.
//
//	-lockedsend.shutdown-waits
//
// Also report waits under a mutex for another goroutine to answer or
// finish when nothing shows that goroutine needs the mutex: receives
// of one value, receive-only selects, sends of a channel (stop and
// request handshakes), and calls of functions that block only that way
// (recv-under-lock, send-under-lock, call-under-lock). Without it they
// are reported only with deadlock evidence.
//
//	-lockedsend.cross-package
//
// Follow calls into other packages (call-under-lock) through facts. On
// by default under go vet; the bplint command turns it off when it runs
// standalone.
package lockedsend
