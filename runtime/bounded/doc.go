// Package bounded provides backpressure primitives with bounded memory:
// the code that bplint's suggested fixes rewrite unbounded constructs to.
//
//   - Queue: a bounded, closable, context-aware MPMC FIFO with a Block,
//     DropNewest or DropOldest policy, optional byte budget, batch receive,
//     range-over-func iteration and statistics. Replaces unbounded slices,
//     lists, a goroutine per message, and channels that need a drop policy
//     or a panic-free Close.
//   - Writer: a batching writer ("DB writer") calling a sink function with
//     batches, from a fixed number of goroutines, with blocking Write and
//     fail-fast TryWrite (ErrOverloaded).
//   - FrameReader, FrameWriter, Relay: a length-delimited codec (4-byte
//     big-endian or uvarint prefix) that refuses oversized frames before
//     allocating them.
//   - LineReader: a bounded drop-in for the common subset of *bufio.Reader.
//   - ReadAll, LimitedReader: io.ReadAll and io.LimitReader with a limit
//     that is an error (ErrTooLarge), not a silent truncation.
//
// The package has no dependencies outside the standard library.
//
// # Block, reject or drop?
//
// When a producer outruns its consumer, something has to give. Choose it
// explicitly:
//
//	Situation                                  Use                                  On overload
//	-----------------------------------------  -----------------------------------  ------------------------------------
//	Producer can wait (pipeline stage, batch   Queue Block + Send(ctx, v);          producer slows down (backpressure);
//	job, worker pool), loss is not acceptable  Writer.Write(ctx, v)                 ctx bounds the wait
//	Producer must not wait but has a caller    Queue Block + TrySend (ErrFull);     caller gets 503 / 429 / RESOURCE_
//	who can retry (HTTP or RPC handler)        Writer.TryWrite (ErrOverloaded)      EXHAUSTED and retries later
//	Only the latest data matters (state        Queue DropOldest                     oldest values evicted, counted,
//	updates, metrics, chat to slow clients)                                         drop handler called
//	The earliest data matters (first errors    Queue DropNewest                     new values discarded, counted,
//	of a burst, audit samples)                                                      drop handler called
//	One slow consumer must not stall others    per-consumer Queue DropOldest, or    that consumer loses data, or is
//	(fan-out, broadcast)                       TrySend and disconnect on ErrFull    disconnected
//	Untrusted peer sends lengths/lines/bodies  FrameReader, LineReader, ReadAll,    ErrFrameTooLarge, ErrLineTooLong,
//	                                           LimitedReader                        ErrTooLarge: close the connection
//
// Blocking is the default because it loses nothing, but a blocked
// producer must always be able to give up: pass a context with a deadline,
// or use TrySend/TryWrite where the caller is a request that can be
// refused. Dropping is right only where values are replaceable; the drop
// counters and handler make sure it is never silent.
//
// # Memory bounds
//
//   - Queue[T]: the ring of Cap values is allocated by NewQueue; with
//     WithMaxBytes the queued values also never total more than the budget.
//     Blocked senders hold only their own value.
//   - Writer[T]: at most QueueSize + MaxInFlight*MaxBatch values, all
//     buffers allocated by NewWriter, exactly MaxInFlight goroutines.
//   - FrameReader: one buffer of at most MaxFrameSize + prefix length (4,
//     or 10 for uvarint) bytes, grown only when a frame needs it; an
//     oversized prefix is refused before anything is allocated or read for
//     the frame.
//   - FrameWriter: the write buffer (default 4096 bytes); larger frames are
//     written through.
//   - Relay: one frame plus the write buffer.
//   - LineReader: at most maxLen bytes of buffer.
//   - ReadAll: at most max+1 bytes are read; the slice grows with the data.
//
// # Error contract
//
// Errors are sentinels or typed errors to be tested with errors.Is:
// ErrClosed (after Close), ErrFull (TrySend, Block policy), ErrEmpty
// (TryRecv), ErrOverloaded (TryWrite), ErrFrameTooLarge (*FrameSizeError),
// ErrMalformedFrame, ErrLineTooLong, ErrTooLarge (*LimitError). Context
// errors are returned as ctx.Err(), unwrapped, so errors.Is(err,
// context.DeadlineExceeded) and err == ctx.Err() both work, except from
// Writer.Flush and Writer.Close, which join or wrap them with sink errors.
// Errors of the caller's io.Reader, io.Writer and sink are passed through.
// Protocol errors of the codecs (too large, malformed) are sticky: the
// stream cannot be resynchronised and must be closed.
//
// No function of this package panics on input data or on a race with
// Close. Constructors and options panic on invalid arguments (capacity < 1,
// mismatched option types) with a message starting with "bounded:", since
// those are programming errors.
//
// # Contexts
//
// Blocking operations take a context and follow the channel-select rule:
// an operation that can complete immediately does so even if the context
// is already done; the context is only consulted when the operation would
// wait. Cancellation leaves the data structure consistent: a cancelled Send
// enqueued nothing, a cancelled Recv removed nothing.
package bounded
