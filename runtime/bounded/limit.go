package bounded

import (
	"io"
	"math"
)

// ReadAll reads from r until io.EOF or an error, like io.ReadAll, but
// refuses inputs larger than max bytes instead of growing without bound:
// it then returns the first max bytes and a *LimitError (errors.Is
// ErrTooLarge). It reads at most max+1 bytes from r, never more, and does
// not preallocate max: the buffer grows with the data, so memory use is
// bounded by min(input size, max+1) plus growth slack, at most 2*max bytes
// allocated in total. On another read error it returns the data read so far
// and the error; io.EOF is not an error. A negative max is treated as 0.
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	if max < 0 {
		max = 0
	}
	limit := max // bytes wanted: max+1, saturated
	if limit < math.MaxInt64 {
		limit++
	}
	if uint64(limit) > uint64(math.MaxInt) {
		limit = math.MaxInt
	}
	lim := int(limit)
	b := make([]byte, 0, min(512, lim))
	for {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), min(max2(2*cap(b), 512), lim))
			copy(nb, b)
			b = nb
		}
		n, err := r.Read(b[len(b):cap(b)])
		if n < 0 || n > cap(b)-len(b) {
			panic("bounded: ReadAll: invalid Read count")
		}
		b = b[:len(b)+n]
		if int64(len(b)) > max {
			return b[:max], &LimitError{Limit: max}
		}
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
	}
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// LimitedReader reads from an underlying reader but fails with a
// *LimitError (errors.Is ErrTooLarge) instead of reporting io.EOF when the
// input is longer than its limit: the replacement for io.LimitReader where
// silent truncation would be a bug. Created by NewLimitedReader.
//
// It delivers the first max bytes normally. To tell "exactly max bytes"
// from "more", it reads (and keeps to itself) at most one byte beyond the
// limit. The error is sticky. Not safe for concurrent use.
type LimitedReader struct {
	r    io.Reader
	max  int64
	read int64 // bytes delivered
	err  error
}

// NewLimitedReader returns a reader delivering at most max bytes of r. A
// negative max is treated as 0.
func NewLimitedReader(r io.Reader, max int64) *LimitedReader {
	if max < 0 {
		max = 0
	}
	return &LimitedReader{r: r, max: max}
}

// Read reads up to len(p) bytes. Once the input proves longer than the
// limit it returns the remaining allowed bytes (possibly 0) together with a
// *LimitError, and the same error on every later call; at the end of an
// input within the limit it returns the underlying reader's io.EOF.
func (l *LimitedReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	remaining := l.max - l.read
	if remaining < math.MaxInt64 && int64(len(p)) > remaining+1 {
		p = p[:remaining+1] // one byte more to detect overflow
	}
	n, err := l.r.Read(p)
	if n < 0 || n > len(p) {
		panic("bounded: LimitedReader: invalid Read count")
	}
	if int64(n) > remaining {
		l.read = l.max
		l.err = &LimitError{Limit: l.max}
		return int(remaining), l.err
	}
	l.read += int64(n)
	return n, err
}

// Remaining returns how many more bytes may be delivered.
func (l *LimitedReader) Remaining() int64 { return l.max - l.read }
