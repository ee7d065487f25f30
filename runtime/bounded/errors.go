package bounded

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error returned by this package either is one of
// these values, wraps one of them (test with [errors.Is]), is a context
// error (context.Canceled / context.DeadlineExceeded, returned unwrapped), or
// comes unchanged from the caller's io.Reader, io.Writer or sink function.
var (
	// ErrClosed is returned by Queue and Writer operations after Close: by
	// every send, and by receives once the queue is closed and drained.
	ErrClosed = errors.New("bounded: closed")

	// ErrFull is returned by Queue.TrySend under the Block policy when the
	// queue has no room. The value was not enqueued.
	ErrFull = errors.New("bounded: queue full")

	// ErrEmpty is returned by Queue.TryRecv when nothing is queued.
	ErrEmpty = errors.New("bounded: queue empty")

	// ErrOverloaded is returned by Writer.TryWrite when the writer's queue is
	// full. It is the error to translate into "503 Service Unavailable",
	// "429 Too Many Requests" or a retry-later reply.
	ErrOverloaded = errors.New("bounded: overloaded")

	// ErrFrameTooLarge is matched (via errors.Is) by *FrameSizeError, returned
	// when a frame read or written exceeds the configured maximum.
	ErrFrameTooLarge = errors.New("bounded: frame too large")

	// ErrMalformedFrame is returned by FrameReader when a uvarint length
	// prefix is longer than 10 bytes or overflows 64 bits. It is sticky.
	ErrMalformedFrame = errors.New("bounded: malformed frame length prefix")

	// ErrLineTooLong is returned by LineReader when no delimiter occurs
	// within the maximum line length. It is sticky: the reader is poisoned
	// and returns it from every later call; data is never silently truncated.
	ErrLineTooLong = errors.New("bounded: line too long")

	// ErrTooLarge is matched (via errors.Is) by *LimitError, returned by
	// ReadAll, LimitedReader, and by Queue sends of a value larger than the
	// whole byte budget.
	ErrTooLarge = errors.New("bounded: input too large")
)

// Defaults used by the analyzers' suggested fixes.
const (
	// DefaultMaxFrameSize is the default maximum payload size of a frame
	// (FrameReader, FrameWriter, Relay): 1 MiB.
	DefaultMaxFrameSize = 1 << 20

	// DefaultMaxLineLength is the default maximum line length for
	// LineReader, 64 KiB, the same as bufio.MaxScanTokenSize.
	DefaultMaxLineLength = 64 << 10

	// DefaultMaxReadSize is the default limit for ReadAll fixes: 1 MiB.
	DefaultMaxReadSize = 1 << 20
)

// FrameSizeError reports a frame whose payload length exceeds the maximum.
// Size is the announced (reading) or attempted (writing) payload length.
// It matches ErrFrameTooLarge with errors.Is.
type FrameSizeError struct {
	Size, Max int64
}

// Error implements error.
func (e *FrameSizeError) Error() string {
	return "bounded: frame of " + strconv.FormatInt(e.Size, 10) +
		" bytes exceeds the maximum of " + strconv.FormatInt(e.Max, 10) + " bytes"
}

// Is reports whether target is ErrFrameTooLarge.
func (e *FrameSizeError) Is(target error) bool { return target == ErrFrameTooLarge }

// LimitError reports that an input exceeded Limit bytes, or that a queued
// value is larger than a queue's whole byte budget. It matches ErrTooLarge
// with errors.Is.
type LimitError struct {
	Limit int64
}

// Error implements error.
func (e *LimitError) Error() string {
	return "bounded: input exceeds the limit of " + strconv.FormatInt(e.Limit, 10) + " bytes"
}

// Is reports whether target is ErrTooLarge.
func (e *LimitError) Is(target error) bool { return target == ErrTooLarge }
