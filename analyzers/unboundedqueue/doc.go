// Package unboundedqueue defines an Analyzer that reports queues whose
// memory grows with the producer's rate instead of being held by a bound.
//
// # Analyzer unboundedqueue
//
// unboundedqueue: report queues, goroutines and reads whose memory grows with the producer's rate
//
// A bounded queue pushes back: when the consumer falls behind, the
// producer blocks, drops, or is told to retry. Code that hides the
// queue somewhere else (in goroutines, in a huge channel buffer, in a
// slice, in a read buffer sized by the peer) loses that backpressure,
// and its memory grows with whatever rate the producer chooses until
// the process runs out.
//
// # Rule goroutine-per-message
//
// A loop receives messages from a channel and starts a goroutine for
// each one, with nothing limiting how many run at once. The channel's
// capacity no longer bounds the work in flight: every message the
// producer sends becomes a goroutine.
//
// WRONG:
//
//	for req := range requests {
//		go handle(req)
//	}
//
// RIGHT (a semaphore; the fix sizes it with -max-inflight, and passes
// as parameters the arguments that could change before the goroutine
// runs):
//
//	sem := make(chan struct{}, 64)
//	for req := range requests {
//		sem <- struct{}{}
//		go func() {
//			defer func() { <-sem }()
//			handle(req)
//		}()
//	}
//
// RIGHT (a fixed set of workers):
//
//	var wg sync.WaitGroup
//	for range 64 {
//		wg.Go(func() {
//			for req := range requests {
//				handle(req)
//			}
//		})
//	}
//	wg.Wait()
//
// Only goroutines that handle the message count: the go statement must
// use a variable declared in the loop (the message, or something derived
// from it) other than a connection. A goroutine started by a message but
// ignoring it (a shutdown, a refresh) is not one goroutine per message.
//
// A loop counts as a message loop when it ranges over a channel, or
// receives from one (v := <-ch, a select case, an if or switch
// initializer) before the go statement in the same iteration. A loop
// that reads messages with a method (msg, err := sub.Next(),
// stream.Recv(), codec.ReadRequest(), ReadMessage, NextMsg, ...) counts
// too, when the goroutine uses the message: net/rpc's ServeCodec is
// this shape. Spawns are go statements, errgroup.Group.Go (bounded by
// SetLimit anywhere in the package) and sync.WaitGroup.Go.
//
// The loop is bounded, and not reported, when its body (outside the
// goroutine) sends on a channel of struct{} or bool (a semaphore), sends
// to or receives from a channel the goroutine also uses (it waits for
// the goroutine, or takes a token the goroutine gives back), calls
// Acquire, Wait (sync.WaitGroup, errgroup, rate.Limiter, sync.Cond), a
// method of a semaphore or limiter type, or the bounded package; or when
// the go statement is guarded by an if that tests state the loop updates
// (a "running" flag, a map of requests in flight) or compares a counter
// with a limit.
//
// Not messages: channels of struct{} or bool (wake-up signals: the
// producer of a signal coalesces), timer and ticker channels, ctx.Done,
// os.Signal, time.Time, and channels of network connections. The last
// is a deliberate choice, and so is leaving accept loops alone
// (`for { c, _ := ln.Accept(); go serve(c) }`, and `for conn := range
// conns { go serve(conn) }`, an accept loop behind a channel): a
// goroutine per connection is how Go servers are written (net/http,
// net/rpc, nsq, memberlist, raft and etcd all do it), the number of
// connections is bounded at the listener (netutil.LimitListener), and
// the messages inside a connection are what this rule is about. Fixed
// worker pools (`for i := 0; i < n; i++ { go worker(ch) }`) start a
// goroutine per worker, not per message, and fan-outs over a slice are
// bounded by the slice.
//
// # Rule send-in-goroutine
//
// A goroutine whose only statement sends a value on a long-lived
// channel (a field, a parameter, a package variable), typically so that
// a handler does not block. When the receiver falls behind, each call
// leaves one more goroutine parked on the send, holding its value:
// the queue has moved into the scheduler, where nothing bounds it.
//
// WRONG:
//
//	func (s *Server) notify(ev Event) {
//		go func() { s.events <- ev }()
//	}
//
// RIGHT (block with a way out: backpressure on the caller):
//
//	func (s *Server) notify(ctx context.Context, ev Event) error {
//		select {
//		case s.events <- ev:
//		case <-ctx.Done():
//			return ctx.Err()
//		}
//		return nil
//	}
//
// RIGHT (drop when full, or use bounded.Queue's TrySend and handle
// bounded.ErrFull):
//
//	select {
//	case s.events <- ev:
//	default:
//		s.dropped.Add(1)
//	}
//
// Goroutines that do work before sending (go func() { errc <-
// srv.ListenAndServe() }()) and sends on channels the function made
// itself are not reported.
//
// # Rule huge-buffer
//
// make(chan T, N) with a constant N at or above -max-buffer (65536),
// math.MaxInt32 and the like, or a capacity taken from untrusted input
// (a request parameter, a length read from a connection) that nothing
// bounds. Such a buffer is effectively unbounded: memory grows with the
// producer's rate until it fills, and in practice it never pushes back.
// There is no automatic fix: choose the bound from how far a consumer
// may fall behind, and decide what producers do when it is full.
//
// WRONG:
//
//	events := make(chan Event, 1<<20)
//
// RIGHT:
//
//	events := make(chan Event, 256) // producers block when consumers are 256 behind
//
// # Rule slice-queue
//
// A slice field or package variable used as a FIFO between a producer
// and a consumer: a function appends to it, another takes its head
// (q = q[1:], copy(q, q[1:]) then a truncation, q = append(q[:0],
// q[1:]...), with a constant index), and the appending function never
// compares the queue's length (or a size counter of the same value)
// with a limit before appending. When the consumer falls behind, the
// slice grows with the producer's rate.
//
// The append and the consumer must reach the same value: the field
// through the same path from the receiver of the type's methods, from
// the same package variable, or from the same variable. The children
// of a syntax-tree node being built and those of another node being
// simplified share a field, not a queue.
//
// A producer must feed the queue from another goroutine: the struct
// holding it has a sync.Mutex, RWMutex or Cond, or the functions using
// it lock or signal; or the append is in a loop that receives messages
// from a channel (an event loop owning the queue, fed by the senders).
// In an event loop, the append and the consumer may be in one function
// when they are in different select cases (case m := <-in: appends,
// case out <- q[0]: consumes): an "unbounded channel".
//
// Lists that look like queues but whose length something else bounds
// are not reported:
//
//   - work lists: the function that appends also consumes (a
//     breadth-first walk), or is a helper called only by functions
//     consuming the list (the children of the node being visited);
//   - lists of channels: each entry is a caller waiting for its reply,
//     and the waiting callers bound them; so are lists of waiters that
//     carry their reply channel (a wantConn with a result channel) when
//     every function that appends one, or every caller of it, then
//     receives from that channel;
//   - pools of reusable objects, named like one (idleConns, freeList,
//     bufPool, spare): what is put back was taken out, and the pool's
//     size is bounded where objects are made;
//   - lists filled by methods that return their receiver: fluent setters
//     (a mock's Expect... calls) configure a value, they do not handle
//     events;
//   - lists whose head is removed only when it equals a given element
//     (if q[0] == b { q = q[1:] }: a configured list losing a failed
//     member, not a consumer);
//   - lists the package sorts or shuffles: a work list processed in a
//     chosen order, bounded by the work, not a stream in arrival order;
//   - lists trimmed right after: the appending function then calls one
//     that removes the head while the length exceeds a limit;
//   - single-threaded look-ahead buffers and cursors, rotations
//     (copy(q, q[1:]) without a truncation), cuts at a computed index
//     (q = q[i:] after a search), and appends putting back what the
//     consumer moved aside (q = append(q, dead...)).
//
// WRONG:
//
//	func (d *Dispatcher) Push(e Event) {
//		d.mu.Lock()
//		d.pending = append(d.pending, e)
//		d.mu.Unlock()
//	}
//
// RIGHT (the fixes declare the bound as a constant sized by
// -max-queue):
//
//	const maxDispatcherPending = 1024
//
//	if len(d.pending) < maxDispatcherPending {
//		d.pending = append(d.pending, e)
//	}
//
// RIGHT (a bounded queue with a policy and statistics):
//
//	pending *bounded.Queue[Event] // bounded.NewQueue[Event](1024, bounded.WithPolicy(bounded.DropOldest))
//
// # Rule unbounded-read
//
// Untrusted input read into memory with no limit:
//
//   - io.ReadAll or ioutil.ReadAll, io.Copy into a bytes.Buffer or
//     strings.Builder, and bytes.Buffer.ReadFrom, of a request body that
//     a server received (unless http.MaxBytesReader or io.LimitReader
//     replaced r.Body earlier in the function), of a network connection
//     (any value whose type has Read, RemoteAddr and SetReadDeadline),
//     or of a bufio.Reader over one. Variables, fields and parameters of
//     the package are followed to what is assigned to them. Bodies of
//     responses to outgoing requests are reported only with
//     -response-bodies, and connections the code dialed (net.Dial,
//     tls.Dial, Dialer.DialContext, ...) only with -dialed-conns: their
//     peer is a server the program chose.
//   - ReadString or ReadBytes of a *bufio.Reader over a connection or a
//     request body: a line of any length is buffered.
//   - make([]T, n) where n was decoded from bytes read from a
//     connection (binary.BigEndian.Uint32, binary.Uvarint, binary.Read,
//     binary.ReadUvarint) or parsed from a request parameter, with no
//     upper bound of n (or of a variable it flows into) before the
//     allocation: an if whose condition says n is too large (n > max,
//     in any && or || chain) and whose body leaves or clamps n, an else
//     of it, an if that says n is small (n <= max) around the make,
//     n = min(n, max), or n &= mask. A comparison that merely picks a
//     buffer (if n > cap(buf) { buf = make([]byte, n) }) bounds nothing.
//     Lengths of 16 bits or less are not reported.
//
// A read without a limit in one branch of an if whose other branch
// reads with a limit the condition tests is a configured choice, not
// reported: if limit > 0 { io.CopyN(buf, r, limit) } else { io.Copy(buf,
// r) }, and if max <= 0 { return io.ReadAll(r) } followed by a limited
// read.
//
// WRONG:
//
//	body, err := io.ReadAll(r.Body)
//
//	n := binary.BigEndian.Uint32(hdr[:])
//	buf := make([]byte, n)
//
// RIGHT:
//
//	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
//	data, err := bounded.ReadAll(conn, bounded.DefaultMaxReadSize)
//	br := bounded.NewLineReader(conn, bounded.DefaultMaxLineLength)
//
//	n := binary.BigEndian.Uint32(hdr[:])
//	if n > bounded.DefaultMaxFrameSize {
//		return nil, &bounded.FrameSizeError{Size: int64(n), Max: bounded.DefaultMaxFrameSize}
//	}
//	buf := make([]byte, n)
//
// Functions taking a *testing.T, *testing.B, *testing.F or testing.TB,
// methods of test doubles (types named Mock..., Fake..., Stub...) and
// files named mock.go, mocks.go, mock_*.go, *_mock.go (and the same
// with fake) are test
// support code: what they read, the test made. Packages that exist for
// tests (a path element test, testutil, e2e, ...; a name ending in test)
// are reported only with -tests, like _test.go files.
//
// The bounded.NewLineReader fix is offered only when the reader is a
// local variable of inferred type used only through methods that
// bounded.LineReader has. bufio.Scanner, io.LimitReader and
// http.MaxBytesReader are bounded and never reported.
//
// # Suppressing findings
//
// A finding is suppressed by a comment on its line or the line above:
//
//	//bplint:ignore unboundedqueue/goroutine-per-message at most one config update a minute
//
// The reason is required.
//
// # Flags
//
//	-unboundedqueue.max-buffer=65536       smallest constant channel capacity reported by huge-buffer
//	-unboundedqueue.response-bodies=false  also report unbounded reads of response bodies
//	-unboundedqueue.dialed-conns=false     also report unbounded reads of connections the code dialed
//	-unboundedqueue.tests=false            also report findings in _test.go files
//	-unboundedqueue.max-inflight=64        semaphore size and worker count of goroutine-per-message fixes
//	-unboundedqueue.max-queue=1024         length bound of slice-queue fixes
//	-unboundedqueue.max-body=1048576       byte limit of the http.MaxBytesReader fix
//
// Every numeric flag must be a positive integer. Findings in test files
// are not reported by default: a test is its own producer and peer.
package unboundedqueue
