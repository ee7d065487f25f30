package bounded

import (
	"context"
	"encoding/binary"
	"io"
	"math"
	"strconv"
	"sync/atomic"
	"time"
)

const (
	fixedHeaderLen   = 4
	uvarintHeaderMax = binary.MaxVarintLen64 // 10
	// defaultReadBufferSize is the initial read buffer size. It is twice
	// bufio's default because the buffer holds the frame being assembled
	// (frames are returned zero-copy): with 4 KiB, a partial frame would
	// shrink every read syscall.
	defaultReadBufferSize = 8192
	// defaultWriteBufferSize is the write buffer size, bufio's default.
	defaultWriteBufferSize = 4096
	minFrameBufferSize     = 16
	maxConsecutiveEmpty    = 100 // like bufio: give up on (0, nil) reads
)

// FrameOption configures NewFrameReader, NewFrameWriter and Relay.
type FrameOption struct {
	apply func(*frameConfig)
}

type frameConfig struct {
	max     int
	uvarint bool
	rbuf    int
	wbuf    int
}

func newFrameConfig(opts []FrameOption) frameConfig {
	c := frameConfig{max: DefaultMaxFrameSize, rbuf: defaultReadBufferSize, wbuf: defaultWriteBufferSize}
	for _, o := range opts {
		if o.apply != nil {
			o.apply(&c)
		}
	}
	if !c.uvarint && int64(c.max) > math.MaxUint32 {
		panic("bounded: WithMaxFrameSize: " + strconv.Itoa(c.max) + " does not fit a 4-byte length prefix (use WithUvarintLength)")
	}
	if c.max > math.MaxInt-uvarintHeaderMax {
		panic("bounded: WithMaxFrameSize: " + strconv.Itoa(c.max) + " is too large")
	}
	return c
}

func (c *frameConfig) headerMax() int {
	if c.uvarint {
		return uvarintHeaderMax
	}
	return fixedHeaderLen
}

// WithMaxFrameSize sets the maximum payload size in bytes, enforced when
// reading (before anything is allocated for the frame) and when writing
// (before anything is written). The default is DefaultMaxFrameSize. n < 0
// panics.
func WithMaxFrameSize(n int) FrameOption {
	if n < 0 {
		panic("bounded: WithMaxFrameSize: negative size " + strconv.Itoa(n))
	}
	return FrameOption{func(c *frameConfig) { c.max = n }}
}

// WithUvarintLength selects an unsigned varint length prefix
// (encoding/binary.AppendUvarint, as used by protobuf's delimited streams)
// instead of the default 4-byte big-endian prefix.
func WithUvarintLength() FrameOption {
	return FrameOption{func(c *frameConfig) { c.uvarint = true }}
}

// WithWriteBufferSize sets the FrameWriter's buffer size (default 4096
// bytes; at least 16). A frame that does not fit is written through with
// at most two writes. n < 1 panics.
func WithWriteBufferSize(n int) FrameOption {
	if n < 1 {
		panic("bounded: WithWriteBufferSize: size must be at least 1, got " + strconv.Itoa(n))
	}
	return FrameOption{func(c *frameConfig) { c.wbuf = max(n, minFrameBufferSize) }}
}

// WithReadBufferSize sets the FrameReader's initial buffer size (default
// 8192 bytes; at least 16). The buffer grows only when a larger frame
// arrives, and never beyond the maximum frame size plus the prefix. n < 1
// panics.
func WithReadBufferSize(n int) FrameOption {
	if n < 1 {
		panic("bounded: WithReadBufferSize: size must be at least 1, got " + strconv.Itoa(n))
	}
	return FrameOption{func(c *frameConfig) { c.rbuf = max(n, minFrameBufferSize) }}
}

// FrameReader reads length-prefixed frames with a bounded buffer: memory
// never exceeds the maximum frame size plus the prefix length, whatever
// length a peer announces.
//
// Errors: io.EOF only when the stream ends exactly at a frame boundary;
// io.ErrUnexpectedEOF when it ends inside a prefix or a payload; a
// *FrameSizeError (errors.Is ErrFrameTooLarge) for a prefix announcing more
// than the maximum, and ErrMalformedFrame for an invalid uvarint prefix,
// both sticky (the stream cannot be resynchronised); errors of the
// underlying reader are returned as is, and the partial frame stays
// buffered so that ReadFrame can be retried after a timeout.
//
// A FrameReader is not safe for concurrent use.
type FrameReader struct {
	r       io.Reader
	buf     []byte // data is buf[rpos:wpos]
	rpos    int
	wpos    int
	max     int
	hmax    int // prefix length bound
	uvarint bool
	err     error // sticky protocol error
	rerr    error // error of the underlying reader, returned by the next fill
}

// NewFrameReader returns a FrameReader reading from r.
func NewFrameReader(r io.Reader, opts ...FrameOption) *FrameReader {
	c := newFrameConfig(opts)
	hmax := c.headerMax()
	return &FrameReader{
		r:       r,
		buf:     make([]byte, min(c.rbuf, c.max+hmax)),
		max:     c.max,
		hmax:    hmax,
		uvarint: c.uvarint,
	}
}

// Reset discards buffered data and errors and reads from r from now on,
// keeping the buffer.
func (f *FrameReader) Reset(r io.Reader) {
	f.r, f.rpos, f.wpos, f.err, f.rerr = r, 0, 0, nil, nil
}

// Buffered returns the number of bytes read from the underlying reader but
// not yet returned as frames.
func (f *FrameReader) Buffered() int { return f.wpos - f.rpos }

// MaxFrameSize returns the maximum payload size.
func (f *FrameReader) MaxFrameSize() int { return f.max }

// fill reads once into the free space at the end of the buffer, which the
// caller guarantees is not empty.
func (f *FrameReader) fill() error {
	if f.rerr != nil {
		err := f.rerr
		f.rerr = nil
		return err
	}
	for i := 0; i < maxConsecutiveEmpty; i++ {
		n, err := f.r.Read(f.buf[f.wpos:])
		if n < 0 || n > len(f.buf)-f.wpos {
			panic("bounded: FrameReader: invalid Read count " + strconv.Itoa(n))
		}
		f.wpos += n
		if n > 0 {
			f.rerr = err
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// ReadFrame returns the next frame's payload. The slice is a view into the
// reader's buffer, valid only until the next call; use AppendFrame to keep
// a copy. It does not allocate in steady state (the buffer grows, up to the
// maximum frame size plus the prefix, only for frames larger than any seen
// before).
func (f *FrameReader) ReadFrame() ([]byte, error) {
	if f.err != nil {
		return nil, f.err
	}
	// Decode the prefix.
	var size uint64
	var hlen int
	for {
		avail := f.buf[f.rpos:f.wpos]
		if f.uvarint {
			v, n := binary.Uvarint(avail)
			if n > 0 {
				size, hlen = v, n
				break
			}
			if n < 0 || len(avail) >= uvarintHeaderMax {
				f.err = ErrMalformedFrame
				return nil, f.err
			}
		} else if len(avail) >= fixedHeaderLen {
			size, hlen = uint64(binary.BigEndian.Uint32(avail)), fixedHeaderLen
			break
		}
		if f.rpos > 0 { // make room for the largest possible read
			f.compact()
		}
		if err := f.fill(); err != nil {
			if err == io.EOF && len(avail) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	if size > uint64(f.max) {
		f.err = &FrameSizeError{Size: int64(min(size, math.MaxInt64)), Max: int64(f.max)}
		return nil, f.err
	}
	need := hlen + int(size)
	if f.wpos-f.rpos < need {
		if need > len(f.buf) {
			f.grow(need)
		} else if f.rpos > 0 {
			f.compact()
		}
		for f.wpos-f.rpos < need {
			if err := f.fill(); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return nil, err
			}
		}
	}
	start := f.rpos + hlen
	end := f.rpos + need
	f.rpos = end
	if f.rpos == f.wpos {
		f.rpos, f.wpos = 0, 0
	}
	return f.buf[start:end:end], nil
}

// frameBuffered reports whether a complete frame is buffered, so that the
// next ReadFrame will not block.
func (f *FrameReader) frameBuffered() bool {
	avail := f.buf[f.rpos:f.wpos]
	var size uint64
	var hlen int
	if f.uvarint {
		size, hlen = binary.Uvarint(avail)
		if hlen <= 0 {
			return hlen < 0 // a malformed prefix fails without blocking
		}
	} else {
		if len(avail) < fixedHeaderLen {
			return false
		}
		size, hlen = uint64(binary.BigEndian.Uint32(avail)), fixedHeaderLen
	}
	return size > uint64(f.max) || uint64(len(avail)-hlen) >= size
}

// AppendFrame reads the next frame and appends its payload to dst.
func (f *FrameReader) AppendFrame(dst []byte) ([]byte, error) {
	p, err := f.ReadFrame()
	if err != nil {
		return dst, err
	}
	return append(dst, p...), nil
}

func (f *FrameReader) compact() {
	n := copy(f.buf, f.buf[f.rpos:f.wpos])
	f.rpos, f.wpos = 0, n
}

// grow makes the buffer hold at least need bytes (need <= max+hmax).
func (f *FrameReader) grow(need int) {
	c := min(max(2*len(f.buf), need), f.max+f.hmax)
	nb := make([]byte, c)
	f.wpos = copy(nb, f.buf[f.rpos:f.wpos])
	f.rpos = 0
	f.buf = nb
}

// FrameWriter writes length-prefixed frames through a bounded buffer,
// which is flushed synchronously when full. Call Flush when done.
//
// A frame larger than the maximum is refused with a *FrameSizeError
// (errors.Is ErrFrameTooLarge) and nothing is written. An error of the
// underlying writer is sticky, like bufio.Writer's.
//
// A FrameWriter is not safe for concurrent use.
type FrameWriter struct {
	w       io.Writer
	buf     []byte // len = buffered bytes, cap = buffer size
	max     int
	uvarint bool
	err     error
}

// NewFrameWriter returns a FrameWriter writing to w.
func NewFrameWriter(w io.Writer, opts ...FrameOption) *FrameWriter {
	c := newFrameConfig(opts)
	return &FrameWriter{
		w:       w,
		buf:     make([]byte, 0, c.wbuf),
		max:     c.max,
		uvarint: c.uvarint,
	}
}

// Reset discards buffered data and errors and writes to w from now on.
func (f *FrameWriter) Reset(w io.Writer) {
	f.w, f.buf, f.err = w, f.buf[:0], nil
}

// Buffered returns the number of bytes written to the buffer but not yet
// to the underlying writer.
func (f *FrameWriter) Buffered() int { return len(f.buf) }

// MaxFrameSize returns the maximum payload size.
func (f *FrameWriter) MaxFrameSize() int { return f.max }

// WriteFrame writes p as one frame. It copies p (into the buffer, or
// through to the underlying writer when p is large), so p may be reused
// when it returns.
func (f *FrameWriter) WriteFrame(p []byte) error {
	if f.err != nil {
		return f.err
	}
	if len(p) > f.max {
		return &FrameSizeError{Size: int64(len(p)), Max: int64(f.max)}
	}
	var hdr [uvarintHeaderMax]byte
	var h []byte
	if f.uvarint {
		h = binary.AppendUvarint(hdr[:0], uint64(len(p)))
	} else {
		h = binary.BigEndian.AppendUint32(hdr[:0], uint32(len(p)))
	}
	need := len(h) + len(p)
	if need > cap(f.buf)-len(f.buf) && len(f.buf) > 0 {
		if err := f.Flush(); err != nil {
			return err
		}
	}
	if need <= cap(f.buf)-len(f.buf) {
		f.buf = append(f.buf, h...)
		f.buf = append(f.buf, p...)
		return nil
	}
	// Larger than the buffer: fill it with the prefix and the start of p,
	// flush, and write the rest of p through.
	f.buf = append(f.buf, h...)
	k := cap(f.buf) - len(f.buf)
	f.buf = append(f.buf, p[:k]...)
	if err := f.Flush(); err != nil {
		return err
	}
	rest := p[k:]
	n, err := f.w.Write(rest)
	if err == nil && n < len(rest) {
		err = io.ErrShortWrite
	}
	if err != nil {
		f.err = err
	}
	return err
}

// Flush writes the buffered frames to the underlying writer.
func (f *FrameWriter) Flush() error {
	if f.err != nil {
		return f.err
	}
	if len(f.buf) == 0 {
		return nil
	}
	n, err := f.w.Write(f.buf)
	if n < len(f.buf) && err == nil {
		err = io.ErrShortWrite
	}
	if err != nil {
		if n > 0 && n < len(f.buf) {
			copy(f.buf, f.buf[n:])
		}
		f.buf = f.buf[:len(f.buf)-max(n, 0)]
		f.err = err
		return err
	}
	f.buf = f.buf[:0]
	return nil
}

type readDeadliner interface{ SetReadDeadline(time.Time) error }
type writeDeadliner interface{ SetWriteDeadline(time.Time) error }

// Relay reads frames from src, passes each to fn, and writes fn's result
// as a frame to dst, until src ends at a frame boundary (it then flushes
// dst and returns nil), an error occurs, or ctx is done (it returns
// ctx.Err()). A nil fn relays frames unchanged; if fn returns a nil slice
// and a nil error, nothing is written for that frame (use a non-nil empty
// slice to write an empty frame). The frame passed to fn is valid only
// during the call.
//
// Read and write pressure are coupled: Relay reads the next frame only
// after the previous result is in the write buffer, so a slow dst slows
// down the reading of src, and memory stays bounded by one frame (maximum
// frame size plus prefix) plus the write buffer, plus whatever fn
// allocates. The write buffer is flushed whenever no complete frame is
// buffered on the read side, so latency stays low.
//
// Cancellation: ctx is checked between frames. A Read or Write blocked in
// src or dst is interrupted only if they implement SetReadDeadline or
// SetWriteDeadline (net.Conn, *os.File pipes): when ctx is done Relay sets
// a deadline in the past, and before returning it resets the deadline to
// the zero time (no deadline), overriding any deadline the caller had set.
// Otherwise Relay returns only after the blocked call returns by itself.
func Relay(ctx context.Context, dst io.Writer, src io.Reader, fn func(frame []byte) ([]byte, error), opts ...FrameOption) (err error) {
	fr := NewFrameReader(src, opts...)
	fw := NewFrameWriter(dst, opts...)
	if ctx.Done() != nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		fired := make(chan struct{})
		var interrupted atomic.Bool
		stop := context.AfterFunc(ctx, func() {
			defer close(fired)
			interrupted.Store(true)
			setDeadlines(src, dst, time.Unix(1, 0))
		})
		defer func() {
			if !stop() {
				<-fired
				setDeadlines(src, dst, time.Time{})
			}
			if interrupted.Load() && err != nil {
				err = ctx.Err()
			}
		}()
	}
	for {
		frame, rerr := fr.ReadFrame()
		if rerr != nil {
			ferr := fw.Flush()
			if rerr == io.EOF {
				return ferr
			}
			return rerr
		}
		out := frame
		if fn != nil {
			var ferr error
			out, ferr = fn(frame)
			if ferr != nil {
				_ = fw.Flush()
				return ferr
			}
		}
		if out != nil {
			if werr := fw.WriteFrame(out); werr != nil {
				return werr
			}
		}
		if !fr.frameBuffered() {
			if werr := fw.Flush(); werr != nil {
				return werr
			}
		}
		if cerr := ctx.Err(); cerr != nil {
			_ = fw.Flush()
			return cerr
		}
	}
}

func setDeadlines(src io.Reader, dst io.Writer, t time.Time) {
	if d, ok := src.(readDeadliner); ok {
		_ = d.SetReadDeadline(t)
	}
	if d, ok := dst.(writeDeadliner); ok {
		_ = d.SetWriteDeadline(t)
	}
}
