// Package ignoredsend defines an Analyzer that reports channel sends
// whose outcome gets lost: sends that can wait forever, values dropped
// without a trace, and discarded results of send-like calls.
//
// # Analyzer ignoredsend
//
// ignoredsend: report sends that can block forever, drop values silently, or discard their result
//
// A send must either wait and be cancellable, or its failure must be
// handled; dropping a value is fine only as an explicit, visible
// decision. Go has no result on a channel send, so the outcome gets
// lost in three ways: a blocking send that nothing can cancel, a
// non-blocking send whose empty default drops the value unseen, and a
// call of a send-like method whose error or "accepted" result is
// thrown away.
//
// # Rule uncancellable-send
//
// A blocking send (a send statement, or a select made only of sends)
// in a function where a context.Context is in scope (a parameter, a
// captured variable; else the context of a request parameter,
// r.Context() for r *http.Request and stream.Context() for a gRPC
// stream, in code that runs while the handler runs; else a field of
// the receiver that the method reads), with no case on ctx.Done(). When
// the receiver stops first, the goroutine blocks forever, with
// everything it references. A context variable that a callback handed
// to time.AfterFunc, context.AfterFunc, runtime.SetFinalizer or
// runtime.AddCleanup captures from the function registering it is not
// in scope in the callback: the callback runs after that function has
// returned, when its context says nothing about the callback's
// receiver, and waiting on it could skip a signal a waiter needs (pgx's
// slowWriteTimer callback signals bgReaderStarted to whoever stops the
// timer too late). A context field of the receiver still counts there. An HTTP handler that does s.queue <- job
// blocks forever on a full queue once the worker is gone.
//
// WRONG:
//
//	func worker(ctx context.Context, in <-chan job, out chan<- result) {
//		for j := range in {
//			out <- run(j) // blocks forever once the consumer has left
//		}
//	}
//
// RIGHT:
//
//	func worker(ctx context.Context, in <-chan job, out chan<- result) {
//		for j := range in {
//			select {
//			case out <- run(j):
//			case <-ctx.Done():
//				return
//			}
//		}
//	}
//
// The fix rewrites the send to that select. The case on ctx.Done()
// returns (ctx.Err() after zero values for the other results when the
// enclosing function returns an error; nothing from a function that
// returns nothing) only when returning there skips nothing the function
// still does: what follows the send on its way out of the blocks around
// it is a return whose results do no work (no calls but conversions,
// len, ctx.Err(), errors.Is, ...), an if that only chooses to return
// so, a select whose case on ctx.Done() only returns so, the end of the
// function, or the end of a loop body (or a continue) when what follows
// the loop is the same; and no enclosing select in a loop has a stop
// case that cleans up (the shutdown path of an event loop). Deferred
// calls run either way. Otherwise, when cleanup follows the send
// (stream.cancel(), delete(m, k), tr.Close()), the case is empty: the
// send is given up and the code after it runs (under an event loop's
// select, the loop comes back to its stop case); that fix is offered
// only in a function that returns no error (it would report success)
// and outside endless loops (it would spin; a loop that also waits in a
// select leaving on ctx.Done() is fine), unless the stop case of an
// enclosing select takes over. Otherwise there is no fix. Before:
//
//	lrs.finalSendRequest <- struct{}{}
//	... // wait for the final send, then
//	lrs.cancelStream()
//	tr.Close()
//
// After:
//
//	select {
//	case lrs.finalSendRequest <- struct{}{}:
//	case <-ctx.Done():
//	}
//	... // the cleanup still runs
//
// Not reported, because the send cannot be left waiting or nothing can
// cancel it:
//   - a select with any receive, ctx.Done(), timer or default case;
//   - a channel the function makes itself (a variable, or a field of a
//     struct literal it builds) whose buffer holds every send it can
//     make: make(chan error, len(xs)) filled once per element of xs,
//     make(chan T, 1) and one send per path (sends that each end their
//     goroutine, or each return before the others start, count once);
//     a buffer with a capacity that is not constant, for a channel that
//     does not escape, is taken as sized for the work;
//   - a channel the function makes and a receiver certainly drains: a
//     range over it that does not stop early (in a goroutine, or on
//     every path after the send), a loop receiving once per send, or,
//     for a single send (or one per start of a goroutine), a receive on
//     every path after it; callbacks handed to a call or sent on a
//     channel are taken to run once;
//   - a send guarded by len(ch) < cap(ch) (or the capacity); right
//     after a non-blocking receive from the same channel (keep latest);
//     among the first sends into a channel made just before with room
//     for them, also on each path of a goroutine started right after
//     the make (ch := make(chan T, 1); go func() { if err != nil { ch
//     <- T{Err: err}; return } ... }()), outside loops; or followed by
//     close(ch) on a channel that every make buffers (a one-shot
//     result);
//   - a reply channel: received from a channel (reqc = <-reqs), the
//     field of a request received or ranged over (req.reply), or the
//     field of a request handed in whose every make in the package is
//     buffered (op.resp);
//   - a token put back: a value sent on a channel the function took it
//     from before (a channel used as a mutex), or a signal value sent on
//     a semaphore the function also takes from;
//   - a send on a channel parameter of an unexported function (used
//     only in calls) when every non-test caller passes a channel that a
//     goroutine drains until it is closed (a range without early exit,
//     or a loop on v, ok := <-ch that leaves only when !ok, possibly in
//     the function it is passed to with go): a pipeline stage whose
//     owner closes the channel after the senders' WaitGroup; or one
//     whose buffer holds every send made on it, the callee's included
//     (errc := make(chan error, 1); go reader(errc) sending once), or a
//     parameter of its own for which the same holds;
//   - a request/reply pair: a worker ranges over a request channel Q
//     and sends on a reply channel R at most once per request on every
//     path, all sends on R being those replies; every send on Q is a
//     statement, or the send case of a select whose other cases return,
//     followed in its block, with no way out in between, by a plain
//     receive from R (the variable of R in the same function, or the
//     field stored next to Q's in the same struct literal, on the same
//     object); Q and R are made by a function and go only to parameters
//     of the package's functions and into unexported fields of that
//     struct literal, and nothing else receives from Q. The requester whose request the
//     worker took is waiting for the reply (minio-go's Object: the
//     worker goroutine answers doGetRequest on resCh). A requester that
//     can leave between its send and its receive (a select on R and
//     ctx.Done()), or a goto in the worker, keeps the worker's reply
//     reported;
//   - a pool's put: in a method of a type or on a field named like a
//     pool (StickyConnPool, idleConns), a send of a parameter (the
//     object handed back) on a field of the receiver that every make
//     buffers and that a method of the type also takes from: the object
//     was handed out before and left its room behind (the contract of a
//     pool; go-redis's one-slot sticky pool). A pool method that sends
//     an object it makes itself, sends in a loop, or assigns the
//     parameter, or that the package calls with an object it makes
//     (p.Put(ctx, &conn{})), stays reported;
//   - a channel field whose every receive (in non-test code; no range,
//     the field goes nowhere else) lies in an endless loop, for { ... }
//     with no return, no break or goto out of it, no runtime.Goexit (in
//     a literal called there too; a panic counts only when the function
//     recovers, itself or in a function it defers), in a function
//     started with go, which comes to the loop (a statement of its body,
//     after no statement that can return): the receiver comes back to
//     the receive forever
//     (a chat hub's run loop registering clients). If that loop blocks
//     for good elsewhere, that operation is the one to report;
//   - a token passed in a ping-pong: a field T, unexported, set only in
//     struct literals to make(chan X, k) with a constant k >= 1 and
//     going nowhere else, whose every send is either a re-arm, after a
//     receive from a field P of the same variable (the body of case p
//     := <-t.P, or the statements after <-t.P in a block; no loop,
//     literal, go or defer in between; one send on T per such
//     receive), or one arm, outside loops in a method called at one
//     place only, on a local just set to a new object (go t.dispatch()
//     after t, err := newT(...) returning &T{...}); and where P,
//     unexported, made in struct literals and never closed, is sent on
//     only after a receive from T on the same variable (in a range over
//     T, a case receiving from T, or after a receive statement from T,
//     possibly in an unexported method called there), once per receive.
//     Each token sent on T was then taken before the next is sent: the
//     buffer is empty at each send (go-ethereum's UDPv5, whose dispatch
//     arms readNextCh and re-arms it after each packet that readLoop,
//     ranging over readNextCh, hands to packetInCh). A second sender of
//     T, two sends on P per token, an unbuffered T, a re-arm after
//     anything but a receive from P, or an arm whose method may run twice
//     on one object keeps the sends reported;
//   - a send counted against its channel's capacity, as lockedsend
//     counts it: the channel is made buffered in the same function, a
//     counter incremented after each send bounds the loop by the
//     capacity, or by the room left after a first fill (budget :=
//     batch - len(res.msgs)), and nothing else sends on it (nats.go's
//     Fetch, which asks the server for exactly the room left);
//   - a one-shot request on a channel field that every make buffers,
//     sent at one place outside any loop and received only by cases
//     that take one value and return (grpc's finalSendRequest);
//   - a reply on a buffered field in the body of the select case that
//     has just handed a value over an unbuffered field of the same
//     object (a write lock: case c.reqInit <- op: ...; c.reqSent <- err);
//   - a send that only the goroutine counting a shared counter down to
//     zero makes (x--; if x == 0 { ch <- v }, or atomic Add(-1) == 0):
//     it counts once;
//   - a local channel that the fanout analyzer models (made in an
//     enclosing function, not escaping, sent on by goroutines that
//     function starts and received only in its own body): fanout
//     reports that leak with the receiver's paths and a buffer fix;
//   - a channel named like a test hook (rangeLogsTestHook);
//   - a send in the body of the ctx.Done() (or stop) case itself;
//   - code in tests, in test-helper packages (a path element test,
//     testing, testutil(s), testhelper(s), ..., or a name ending in test
//     like httptest) and in func main; functions with no context in
//     scope.
//
// # Rule uncancellable-recv
//
// A receive whose value is needed (v := <-ch, v = <-ch) with a
// context.Context in scope and no case on ctx.Done(). When the sender
// stops first, the goroutine blocks forever.
//
// WRONG:
//
//	func (c *client) call(ctx context.Context, req request) (reply, error) {
//		c.requests <- req // see uncancellable-send
//		r := <-req.reply
//		return r, nil
//	}
//
// RIGHT:
//
//	var r reply
//	select {
//	case r = <-req.reply:
//	case <-ctx.Done():
//		return reply{}, ctx.Err()
//	}
//
// The fix returns on ctx.Done() under the same condition as for
// uncancellable-send; a receive whose value is needed cannot be given
// up, so when code follows it there is no fix.
//
// Not reported: for v := range ch and v, ok := <-ch (they wait for the
// owner to close the channel); a plain <-ch or _ = <-ch (an explicit
// wait); receives from ctx.Done(), timers and tickers; receives from a
// channel the function makes and sends on, closes or hands to a
// goroutine it starts; a token taken from a channel that the function
// puts back later (a lock); the receive of the reply to a request just
// sent, in a request/reply pair (see uncancellable-send) whose worker
// replies on every path of an iteration or returns with a deferred
// close of the reply channel (without that close, only behind an
// unbuffered request channel; and nothing else receives from the reply
// channel); a receive in the body of the ctx.Done()
// case itself (draining after the stop); tests and func main.
//
// # Rule send-in-default
//
// A blocking send in the default case of a select that polls a stop
// channel (<-ctx.Done(), or a bare receive from a signal channel or a
// channel named like done, stop, quit, closing). The select checks the
// stop once, then the send waits without watching it.
//
// WRONG:
//
//	for {
//		select {
//		case <-w.quit:
//			return
//		default:
//			w.out <- w.next() // waits forever once the reader is gone
//		}
//	}
//
// RIGHT:
//
//	for {
//		select {
//		case <-w.quit:
//			return
//		default:
//			select {
//			case w.out <- w.next():
//			case <-w.quit:
//				return
//			}
//		}
//	}
//
// The fix copies the stop case when its body ends in a return and means
// the same at the send; otherwise it selects on ctx.Done() as for
// uncancellable-send when a context is in scope.
//
// # Rule silent-drop
//
// A non-blocking send, select { case ch <- v: default: }, whose default
// case is empty and carries no comment, on a channel whose values carry
// data. When the channel is full the value is dropped and nobody can
// tell.
//
// WRONG:
//
//	select {
//	case s.events <- ev:
//	default:
//	}
//
// RIGHT (count the drop):
//
//	select {
//	case s.events <- ev:
//	default:
//		s.dropped.Add(1)
//	}
//
// RIGHT (a visible decision):
//
//	select {
//	case s.events <- ev:
//	default:
//		// The consumer only needs the latest state; a full buffer
//		// already holds a newer event.
//	}
//
// A bounded.Queue with the DropNewest policy does the counting for
// you (see its Stats). Not reported:
//   - signal channels (chan struct{}) and constant values (a wake-up
//     token such as true);
//   - a default that does anything, or holds a comment; a comment on
//     the line above default:, above the select, or above the statement
//     or case the select opens; a doc comment of the function that
//     speaks of dropping (drop, discard, non-blocking, unless full, ...);
//   - a value that is not lost: the send case leaves (return, continue)
//     and code after the select handles the failure (append to a
//     backlog, return false); the value stays where it is stored (an
//     element of a slice or map, a field of the receiver); or the
//     variable sent is used after the select;
//   - pools and free lists (a channel named like a pool, a function
//     named put, release, recycle, free, or a field the package also
//     takes from without waiting): the garbage collector takes what is
//     dropped;
//   - a local channel whose buffer holds every send;
//   - a one-slot mailbox: every make of the channel (a local or a
//     field) has a capacity of one, so a value is pending whenever one
//     is dropped, and a receiver that re-reads the state it signals
//     loses nothing (a coalescing wake-up);
//   - first error wins: a buffered channel of errors keeps the first
//     ones, later ones add nothing to a failure being handled;
//   - a send in the body of an if whose condition wins a
//     CompareAndSwap: one pending wake-up at a time;
//   - a per-request reply channel: a channel parameter of a function
//     the package only calls, for which every caller passes a channel
//     it makes itself, buffered, hands to that one call (not again in a
//     loop) and receives from (memberlist's ackCh, made with capacity
//     IndirectChecks+1 for each probe and handed to setProbeChannels):
//     when the buffer is full, answers to the same request are pending
//     and the waiter, which reads the first ones, loses nothing; the
//     default only keeps the answering side from blocking once the
//     waiter has timed out and left;
//   - tests and test-helper packages.
//
// Two alternative fixes, offered when they apply: "Count the dropped
// value" increments the one obvious drop counter (a field of the
// method's pointer receiver or a package variable, named like dropped,
// with an Inc() or Add(n) method: atomic.Int64, expvar.Int, a
// Prometheus counter), and "Wait for the receiver or ctx.Done()" turns
// the default into a case on ctx.Done() when a context is in scope
// (returning when that skips nothing, as for uncancellable-send, else
// empty: the value is given up and the code after the select runs). No
// fix only adds a comment: that would hide the problem instead of
// deciding it.
//
// # Rule ignored-result
//
// The result of a send-like call is discarded in an expression, go or
// defer statement. Send-like calls are: every method of
// github.com/bplint/bplint/runtime/bounded that returns an error;
// methods named Send, SendMsg, TrySend, TryPush, Offer, Publish or
// Enqueue (and those of the methods flag) whose last result is an
// error; methods whose only result is a bool when their name promises
// that false means "refused" (Try..., Offer) or is one of the methods
// flag (a bool from a method named Send can mean anything: a blocking
// reflect send always returns true, a connection's send returns false
// while it closes); and every function or method whose declaration
// carries the marker
//
//	//bplint:mustcheck [reason]
//
// in its doc comment (interface methods too). With -cross-package, the
// marker is exported as an object fact, so calls from other packages
// are checked; without it, markers count in their own package. Tests
// and test-helper packages are not checked.
//
// WRONG:
//
//	q.TrySend(v)
//	stream.Send(resp)
//
// RIGHT:
//
//	if err := q.TrySend(v); err != nil {
//		return err
//	}
//	_ = stream.Send(resp) // an explicit decision
//	// Best effort: the peer asks again after a timeout.
//	stream.Send(resp)
//
// A comment on its own line just above the call that says the result
// is ignored on purpose (ignore, don't care, doesn't matter, best
// effort, harmless, discard, on purpose...) is an explicit decision too;
// one that only describes the call ("Send the error to the client"), or
// a TODO, is not.
//
// The fix wraps the call in `if err := call; err != nil { return ...,
// err }` when the enclosing function returns an error; a bool result
// has no fix. Nor is it offered in a function that some caller hands a
// value it has taken off a channel (msg, ok = <-ch; process(msg)): the
// new error return would make that caller give up a value nobody can
// receive again (nats.go's processNextMsgDelivered).
//
// Cost of the fact: a declared fact type makes the standalone driver
// (bplint ./...) type-check and analyze every dependency from source,
// several times the memory and time of the analysis itself. The bplint
// command therefore runs standalone with -ignoredsend.cross-package=false
// unless the flag is given: //bplint:mustcheck markers then count in
// their own package only. Under go vet, golangci-lint and nogo, facts
// travel with the build, no dependency is analyzed twice, and the flag
// stays on.
//
// # Suppressing findings
//
// A finding is suppressed by a comment on its line or the line above:
//
//	//bplint:ignore ignoredsend/uncancellable-send the consumer drains out until it is closed
//
// The reason is required. A whole file: //bplint:file-ignore ignoredsend <reason>.
//
// # Flags
//
//	-ignoredsend.methods=Name1,Name2
//
// Adds method names to the send-like methods of ignored-result (their
// bool results are checked too). The value is a comma-separated list of
// Go identifiers; anything else is rejected with an error.
//
//	-ignoredsend.cross-package
//
// Carries //bplint:mustcheck markers to importing packages as facts
// (the standalone driver then analyzes every dependency from source).
package ignoredsend
