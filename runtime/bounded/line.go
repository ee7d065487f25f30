package bounded

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"unicode/utf8"
)

const defaultLineBufferSize = 4096

// LineReader is a bounded drop-in for the commonly used subset of
// *bufio.Reader: a fix can replace
//
//	r := bufio.NewReader(conn)
//
// by
//
//	r := bounded.NewLineReader(conn, bounded.DefaultMaxLineLength)
//
// and code calling ReadString, ReadBytes, ReadSlice, ReadLine, Read,
// ReadByte, UnreadByte, ReadRune, UnreadRune, Peek, Discard, Buffered or
// Reset keeps compiling with the same semantics (data includes the
// delimiter; a final line without delimiter is returned with io.EOF; errors
// of the underlying reader are passed through) except for the bound:
//
//   - A line may be up to maxLen bytes long, delimiter (and any '\r')
//     included; a final line without delimiter too.
//   - No method ever returns more than maxLen bytes, and the buffer never
//     grows beyond maxLen (it starts at min(maxLen, 4096) bytes and grows
//     only as long lines require). bufio.Reader's ReadBytes and ReadString
//     are unbounded.
//   - When no delimiter occurs within maxLen bytes, ReadSlice, ReadBytes,
//     ReadString and ReadLine return (nil, ErrLineTooLong) instead of
//     returning partial data (bufio's ReadSlice returns ErrBufferFull with a
//     partial line, ReadLine returns isPrefix == true, ReadBytes grows).
//   - ErrLineTooLong is sticky: the stream is poisoned, because the rest of
//     the over-long line would otherwise be parsed as a new line, and every
//     later call returns ErrLineTooLong. Close the connection (a server may
//     first reply "line too long"). Data is never silently truncated.
//   - ReadLine's isPrefix result is always false.
//   - Peek(n) with n > maxLen returns bufio.ErrBufferFull, like bufio with
//     n larger than its buffer.
//
// A LineReader is not safe for concurrent use.
type LineReader struct {
	buf          []byte
	rd           io.Reader
	r, w         int // buf read and write positions
	max          int
	err          error // pending error of the underlying reader
	tooLong      bool  // sticky ErrLineTooLong
	lastByte     int   // last byte read for UnreadByte; -1 means invalid
	lastRuneSize int   // size of last rune read by ReadRune; -1 means invalid
	probe        [1]byte
}

// NewLineReader returns a LineReader reading from r whose lines (delimiter
// included) may be at most maxLen bytes long. It panics if maxLen < 1.
func NewLineReader(r io.Reader, maxLen int) *LineReader {
	if maxLen < 1 {
		panic("bounded: NewLineReader: maxLen must be at least 1, got " + strconv.Itoa(maxLen))
	}
	return &LineReader{
		buf:          make([]byte, min(maxLen, defaultLineBufferSize)),
		rd:           r,
		max:          maxLen,
		lastByte:     -1,
		lastRuneSize: -1,
	}
}

// Reset discards buffered data and all state, including a sticky
// ErrLineTooLong, and reads from r from now on.
func (b *LineReader) Reset(r io.Reader) {
	b.rd, b.r, b.w, b.err, b.tooLong = r, 0, 0, nil, false
	b.lastByte, b.lastRuneSize = -1, -1
}

// Size returns the maximum line length (the maximum buffer size).
func (b *LineReader) Size() int { return b.max }

// Buffered returns the number of bytes that can be read from the buffer
// without reading from the underlying reader.
func (b *LineReader) Buffered() int { return b.w - b.r }

// fill slides the data to the start of the buffer and reads once (retrying
// up to 100 times on (0, nil)). The buffer must not be full.
func (b *LineReader) fill() {
	if b.r > 0 {
		copy(b.buf, b.buf[b.r:b.w])
		b.w -= b.r
		b.r = 0
	}
	for i := 0; i < maxConsecutiveEmpty; i++ {
		n, err := b.rd.Read(b.buf[b.w:])
		if n < 0 || n > len(b.buf)-b.w {
			panic("bounded: LineReader: invalid Read count " + strconv.Itoa(n))
		}
		b.w += n
		if err != nil {
			b.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	b.err = io.ErrNoProgress
}

func (b *LineReader) readErr() error {
	err := b.err
	b.err = nil
	return err
}

// grow enlarges the buffer towards max (for data that does not fit) and
// reports whether it could.
func (b *LineReader) grow(need int) bool {
	if need > b.max {
		return false
	}
	nb := make([]byte, min(max(2*len(b.buf), need), b.max))
	b.w = copy(nb, b.buf[b.r:b.w])
	b.r = 0
	b.buf = nb
	return true
}

// probeEnd is called when the buffer is full and cannot grow. It reads
// one byte more: if the underlying reader reports an error (io.EOF) instead,
// it records it and returns true; if a byte arrives, the data is too long
// and the byte is discarded with the poisoned stream.
func (b *LineReader) probeEnd() bool {
	for i := 0; i < maxConsecutiveEmpty; i++ {
		n, err := b.rd.Read(b.probe[:])
		if n > 0 {
			return false
		}
		if err != nil {
			b.err = err
			return true
		}
	}
	b.err = io.ErrNoProgress
	return true
}

func (b *LineReader) poison() {
	b.tooLong = true
	b.r, b.w = 0, 0
	b.lastByte, b.lastRuneSize = -1, -1
}

// ReadSlice reads until the first occurrence of delim and returns a slice
// of the buffer holding the data, delimiter included; it is valid only
// until the next read. If an error occurs before delim is found, it returns
// the data read so far and the error (often io.EOF). If delim does not
// occur within maxLen bytes it returns (nil, ErrLineTooLong).
func (b *LineReader) ReadSlice(delim byte) (line []byte, err error) {
	if b.tooLong {
		return nil, ErrLineTooLong
	}
	s := 0 // search start index
	for {
		if i := bytes.IndexByte(b.buf[b.r+s:b.w], delim); i >= 0 {
			i += s
			line = b.buf[b.r : b.r+i+1 : b.r+i+1]
			b.r += i + 1
			break
		}
		if b.err != nil {
			line = b.buf[b.r:b.w:b.w]
			b.r = b.w
			err = b.readErr()
			break
		}
		if b.Buffered() >= len(b.buf) && !b.grow(len(b.buf)+1) {
			// maxLen bytes without delim: too long, unless the input
			// ends right here.
			if b.probeEnd() {
				continue
			}
			b.poison()
			return nil, ErrLineTooLong
		}
		s = b.w - b.r // do not rescan
		b.fill()
	}
	if i := len(line) - 1; i >= 0 {
		b.lastByte = int(line[i])
		b.lastRuneSize = -1
	}
	return line, err
}

// ReadBytes is like ReadSlice but returns a copy of the data.
func (b *LineReader) ReadBytes(delim byte) ([]byte, error) {
	line, err := b.ReadSlice(delim)
	if line == nil {
		return nil, err
	}
	return bytes.Clone(line), err
}

// ReadString is like ReadSlice but returns the data as a string.
func (b *LineReader) ReadString(delim byte) (string, error) {
	line, err := b.ReadSlice(delim)
	return string(line), err
}

// ReadLine returns the next line without its end ("\n" or "\r\n"). It
// returns either a non-nil line or an error, never both: a final line
// without end of line is returned with a nil error and the next call
// returns io.EOF. isPrefix is always false: a line longer than maxLen
// (end of line included) returns ErrLineTooLong. The line is valid only
// until the next read.
func (b *LineReader) ReadLine() (line []byte, isPrefix bool, err error) {
	line, err = b.ReadSlice('\n')
	if len(line) == 0 {
		if err != nil {
			line = nil
		}
		return line, false, err
	}
	err = nil
	if line[len(line)-1] == '\n' {
		drop := 1
		if len(line) > 1 && line[len(line)-2] == '\r' {
			drop = 2
		}
		line = line[:len(line)-drop]
	}
	return line, false, err
}

// Read reads up to len(p) bytes into p, from the buffer or with at most one
// Read of the underlying reader, like bufio.Reader.Read.
func (b *LineReader) Read(p []byte) (n int, err error) {
	if b.tooLong {
		return 0, ErrLineTooLong
	}
	n = len(p)
	if n == 0 {
		if b.Buffered() > 0 {
			return 0, nil
		}
		return 0, b.readErr()
	}
	if b.r == b.w {
		if b.err != nil {
			return 0, b.readErr()
		}
		if len(p) >= len(b.buf) {
			// Large read, empty buffer: read directly into p.
			n, b.err = b.rd.Read(p)
			if n < 0 || n > len(p) {
				panic("bounded: LineReader: invalid Read count " + strconv.Itoa(n))
			}
			if n > 0 {
				b.lastByte = int(p[n-1])
				b.lastRuneSize = -1
			}
			return n, b.readErr()
		}
		b.r, b.w = 0, 0
		n, b.err = b.rd.Read(b.buf)
		if n < 0 || n > len(b.buf) {
			panic("bounded: LineReader: invalid Read count " + strconv.Itoa(n))
		}
		if n == 0 {
			return 0, b.readErr()
		}
		b.w += n
	}
	n = copy(p, b.buf[b.r:b.w])
	b.r += n
	b.lastByte = int(b.buf[b.r-1])
	b.lastRuneSize = -1
	return n, nil
}

// ReadByte reads and returns a single byte.
func (b *LineReader) ReadByte() (byte, error) {
	if b.tooLong {
		return 0, ErrLineTooLong
	}
	b.lastRuneSize = -1
	for b.r == b.w {
		if b.err != nil {
			return 0, b.readErr()
		}
		b.fill()
	}
	c := b.buf[b.r]
	b.r++
	b.lastByte = int(c)
	return c, nil
}

// UnreadByte unreads the last byte read by the most recent read operation
// (as bufio.Reader.UnreadByte; it returns bufio.ErrInvalidUnreadByte when
// that is not possible).
func (b *LineReader) UnreadByte() error {
	if b.tooLong {
		return ErrLineTooLong
	}
	if b.lastByte < 0 || b.r == 0 && b.w > 0 {
		return bufio.ErrInvalidUnreadByte
	}
	if b.r > 0 {
		b.r--
	} else {
		b.w = 1 // b.r == 0 && b.w == 0
	}
	b.buf[b.r] = byte(b.lastByte)
	b.lastByte = -1
	b.lastRuneSize = -1
	return nil
}

// ReadRune reads a single UTF-8 encoded rune, like bufio.Reader.ReadRune.
func (b *LineReader) ReadRune() (r rune, size int, err error) {
	if b.tooLong {
		return 0, 0, ErrLineTooLong
	}
	for b.r+utf8.UTFMax > b.w && !utf8.FullRune(b.buf[b.r:b.w]) && b.err == nil && b.w-b.r < len(b.buf) {
		b.fill()
	}
	b.lastRuneSize = -1
	if b.r == b.w {
		return 0, 0, b.readErr()
	}
	r, size = utf8.DecodeRune(b.buf[b.r:b.w])
	b.r += size
	b.lastByte = int(b.buf[b.r-1])
	b.lastRuneSize = size
	return r, size, nil
}

// UnreadRune unreads the last rune; the most recent read operation must
// have been ReadRune (else bufio.ErrInvalidUnreadRune).
func (b *LineReader) UnreadRune() error {
	if b.tooLong {
		return ErrLineTooLong
	}
	if b.lastRuneSize < 0 || b.r < b.lastRuneSize {
		return bufio.ErrInvalidUnreadRune
	}
	b.r -= b.lastRuneSize
	b.lastByte = -1
	b.lastRuneSize = -1
	return nil
}

// Peek returns the next n bytes without advancing the reader, like
// bufio.Reader.Peek; n may be up to maxLen (else bufio.ErrBufferFull).
func (b *LineReader) Peek(n int) ([]byte, error) {
	if b.tooLong {
		return nil, ErrLineTooLong
	}
	if n < 0 {
		return nil, bufio.ErrNegativeCount
	}
	b.lastByte = -1
	b.lastRuneSize = -1
	if n > len(b.buf) {
		b.grow(min(n, b.max))
	}
	for b.w-b.r < n && b.w-b.r < len(b.buf) && b.err == nil {
		b.fill()
	}
	if n > len(b.buf) {
		return b.buf[b.r:b.w:b.w], bufio.ErrBufferFull
	}
	var err error
	if avail := b.w - b.r; avail < n {
		n = avail
		err = b.readErr()
		if err == nil {
			err = bufio.ErrBufferFull
		}
	}
	return b.buf[b.r : b.r+n : b.r+n], err
}

// Discard skips the next n bytes and returns how many were skipped, like
// bufio.Reader.Discard.
func (b *LineReader) Discard(n int) (discarded int, err error) {
	if b.tooLong {
		return 0, ErrLineTooLong
	}
	if n < 0 {
		return 0, bufio.ErrNegativeCount
	}
	if n == 0 {
		return 0, nil
	}
	b.lastByte = -1
	b.lastRuneSize = -1
	remain := n
	for {
		skip := b.Buffered()
		if skip == 0 {
			b.fill()
			skip = b.Buffered()
		}
		skip = min(skip, remain)
		b.r += skip
		remain -= skip
		if remain == 0 {
			return n, nil
		}
		if b.err != nil {
			return n - remain, b.readErr()
		}
	}
}
