package bounded

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"
	"testing/iotest"
)

// lineAPI is the *bufio.Reader subset that LineReader implements; the
// assignments prove that code written against it compiles with both.
type lineAPI interface {
	ReadSlice(delim byte) ([]byte, error)
	ReadBytes(delim byte) ([]byte, error)
	ReadString(delim byte) (string, error)
	ReadLine() (line []byte, isPrefix bool, err error)
	Read(p []byte) (int, error)
	ReadByte() (byte, error)
	UnreadByte() error
	ReadRune() (r rune, size int, err error)
	UnreadRune() error
	Peek(n int) ([]byte, error)
	Discard(n int) (int, error)
	Buffered() int
	Reset(r io.Reader)
	Size() int
}

var (
	_ lineAPI = (*bufio.Reader)(nil)
	_ lineAPI = (*LineReader)(nil)
)

// TestLineReaderMatchesBufio drives a bufio.Reader and a LineReader with
// the same random operations over the same random input and requires
// identical results. In "same-size" mode both have a 64-byte buffer (and
// bufio's ErrBufferFull must coincide with ErrLineTooLong); in "growing"
// mode the LineReader starts with a 16-byte buffer that must grow, and
// Read (whose chunking depends on the buffer size) is left out.
func TestLineReaderMatchesBufio(t *testing.T) {
	for _, mode := range []string{"same-size", "growing"} {
		for seed := int64(0); seed < 200; seed++ {
			r := rand.New(rand.NewSource(seed))
			input := randomLines(r, 40, 20) // lines of at most 62 bytes
			wrap := []func(io.Reader) io.Reader{
				func(r io.Reader) io.Reader { return r },
				iotest.OneByteReader, iotest.HalfReader, iotest.DataErrReader,
			}[seed%4]
			var br *bufio.Reader
			var lr *LineReader
			if mode == "same-size" {
				br = bufio.NewReaderSize(wrap(strings.NewReader(input)), 64)
				lr = NewLineReader(wrap(strings.NewReader(input)), 64)
			} else {
				br = bufio.NewReaderSize(wrap(strings.NewReader(input)), 4096)
				lr = NewLineReader(wrap(strings.NewReader(input)), 4096)
				lr.buf = make([]byte, 16)
			}
			var log []string
			for step := 0; step < 300; step++ {
				op := r.Intn(11)
				if mode == "growing" && op == 4 {
					continue
				}
				arg := r.Intn(10) + 1
				a, b := applyOp(br, op, arg), applyOp(lr, op, arg)
				log = append(log, a)
				if a != b {
					t.Fatalf("%s seed %d step %d:\nbufio:   %s\nbounded: %s\nlog: %q", mode, seed, step, a, b, log)
				}
				if a == "TOO LONG" {
					break
				}
			}
		}
	}
}

func randomLines(r *rand.Rand, lines, maxLine int) string {
	var sb strings.Builder
	for i := 0; i < lines; i++ {
		n := r.Intn(maxLine)
		for j := 0; j < n; j++ {
			sb.WriteByte("ab\r€\xffxyz"[r.Intn(9)])
		}
		if r.Intn(3) == 0 {
			sb.WriteString("\r\n")
		} else if i < lines-1 || r.Intn(2) == 0 {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// applyOp performs operation op with argument n and formats its result.
func applyOp(rd lineAPI, op int, n int) string {
	var res string
	var err error
	switch op {
	case 0:
		var s string
		s, err = rd.ReadString('\n')
		res = fmt.Sprintf("ReadString %q %v", s, err)
	case 1:
		var b []byte
		b, err = rd.ReadBytes('\n')
		res = fmt.Sprintf("ReadBytes %q %v", b, err)
	case 2:
		var b []byte
		b, err = rd.ReadSlice('b')
		res = fmt.Sprintf("ReadSlice %q %v", b, err)
	case 3:
		var b []byte
		var p bool
		b, p, err = rd.ReadLine()
		if p {
			err = bufio.ErrBufferFull
		}
		res = fmt.Sprintf("ReadLine %q %v %v", b, p, err)
	case 4:
		p := make([]byte, n)
		var k int
		k, err = rd.Read(p)
		res = fmt.Sprintf("Read %q %v", p[:k], err)
	case 5:
		var c byte
		c, err = rd.ReadByte()
		res = fmt.Sprintf("ReadByte %q %v", c, err)
	case 6:
		res = fmt.Sprintf("UnreadByte %v", rd.UnreadByte())
	case 7:
		var c rune
		var sz int
		c, sz, err = rd.ReadRune()
		res = fmt.Sprintf("ReadRune %q %d %v", c, sz, err)
	case 8:
		res = fmt.Sprintf("UnreadRune %v", rd.UnreadRune())
	case 9:
		var b []byte
		b, err = rd.Peek(n)
		res = fmt.Sprintf("Peek %q %v", b, err)
	default:
		var k int
		k, err = rd.Discard(n)
		res = fmt.Sprintf("Discard %d %v", k, err)
	}
	if err == ErrLineTooLong || (err == bufio.ErrBufferFull && op != 9) {
		return "TOO LONG"
	}
	return res
}

func TestLineReaderTooLong(t *testing.T) {
	const max = 10
	exact := strings.Repeat("a", max-1) + "\n"
	over := strings.Repeat("b", max) + "\n"
	for _, name := range []string{"ReadString", "ReadBytes", "ReadSlice", "ReadLine"} {
		t.Run(name, func(t *testing.T) {
			lr := NewLineReader(iotest.OneByteReader(strings.NewReader(exact+over+"c\n")), max)
			read := func() (string, error) {
				switch name {
				case "ReadString":
					return lr.ReadString('\n')
				case "ReadBytes":
					b, err := lr.ReadBytes('\n')
					if err == ErrLineTooLong && b != nil {
						t.Fatal("partial data with ErrLineTooLong")
					}
					return string(b), err
				case "ReadSlice":
					b, err := lr.ReadSlice('\n')
					if err == ErrLineTooLong && b != nil {
						t.Fatal("partial data with ErrLineTooLong")
					}
					return string(b), err
				default:
					b, prefix, err := lr.ReadLine()
					if prefix {
						t.Fatal("isPrefix")
					}
					if err == nil {
						b = append(b, '\n')
					}
					return string(b), err
				}
			}
			if s, err := read(); s != exact || err != nil {
				t.Fatalf("exactly max: %q %v", s, err)
			}
			if s, err := read(); s != "" || err != ErrLineTooLong {
				t.Fatalf("max+1: %q %v", s, err)
			}
			// Poisoned: every method fails from now on.
			if s, err := read(); s != "" || err != ErrLineTooLong {
				t.Fatalf("after too long: %q %v", s, err)
			}
			if _, err := lr.Read(make([]byte, 5)); err != ErrLineTooLong {
				t.Fatal(err)
			}
			if _, err := lr.ReadByte(); err != ErrLineTooLong {
				t.Fatal(err)
			}
			if err := lr.UnreadByte(); err != ErrLineTooLong {
				t.Fatal(err)
			}
			if _, _, err := lr.ReadRune(); err != ErrLineTooLong {
				t.Fatal(err)
			}
			if err := lr.UnreadRune(); err != ErrLineTooLong {
				t.Fatal(err)
			}
			if _, err := lr.Peek(1); err != ErrLineTooLong {
				t.Fatal(err)
			}
			if _, err := lr.Discard(1); err != ErrLineTooLong {
				t.Fatal(err)
			}
			if len(lr.buf) > max {
				t.Fatalf("buffer grew to %d", len(lr.buf))
			}
			// Reset clears the poison.
			lr.Reset(strings.NewReader("ok\n"))
			if s, err := lr.ReadString('\n'); s != "ok\n" || err != nil {
				t.Fatal(s, err)
			}
		})
	}
}

func TestLineReaderFinalLine(t *testing.T) {
	lr := NewLineReader(strings.NewReader("a\nlast"), 100)
	if s, err := lr.ReadString('\n'); s != "a\n" || err != nil {
		t.Fatal(s, err)
	}
	if s, err := lr.ReadString('\n'); s != "last" || err != io.EOF {
		t.Fatalf("final line: %q %v", s, err)
	}
	if s, err := lr.ReadString('\n'); s != "" || err != io.EOF {
		t.Fatalf("after EOF: %q %v", s, err)
	}
	// A final line without delimiter longer than max is too long.
	lr = NewLineReader(strings.NewReader("0123456789"), 5)
	if _, err := lr.ReadString('\n'); err != ErrLineTooLong {
		t.Fatal(err)
	}
	// A final line of exactly max bytes without delimiter fits.
	lr = NewLineReader(strings.NewReader("01234"), 5)
	if s, err := lr.ReadString('\n'); s != "01234" || err != io.EOF {
		t.Fatal(s, err)
	}
	lr = NewLineReader(iotest.OneByteReader(strings.NewReader("01234")), 5)
	if s, err := lr.ReadString('\n'); s != "01234" || err != io.EOF {
		t.Fatal(s, err)
	}
	lr = NewLineReader(strings.NewReader("x\r\nlast\r"), 5)
	for _, want := range []string{"x", "last\r"} {
		if b, _, err := lr.ReadLine(); string(b) != want || err != nil {
			t.Fatalf("ReadLine = %q %v, want %q", b, err, want)
		}
	}
	if b, _, err := lr.ReadLine(); b != nil || err != io.EOF {
		t.Fatal(b, err)
	}
}

func TestLineReaderGrowsLazily(t *testing.T) {
	lr := NewLineReader(strings.NewReader("short\n"+strings.Repeat("x", 10000)+"\n"), DefaultMaxLineLength)
	if len(lr.buf) > defaultLineBufferSize || lr.Size() != DefaultMaxLineLength {
		t.Fatalf("initial buffer %d", len(lr.buf))
	}
	_, _ = lr.ReadString('\n')
	if len(lr.buf) > defaultLineBufferSize {
		t.Fatal("grew for a short line")
	}
	s, err := lr.ReadString('\n')
	if len(s) != 10001 || err != nil || len(lr.buf) > DefaultMaxLineLength {
		t.Fatal(len(s), err, len(lr.buf))
	}
	// Peek up to max grows too; beyond max fails like bufio.
	lr = NewLineReader(strings.NewReader(strings.Repeat("p", 100)), 50)
	if p, err := lr.Peek(50); len(p) != 50 || err != nil {
		t.Fatal(len(p), err)
	}
	if _, err := lr.Peek(51); err != bufio.ErrBufferFull {
		t.Fatal(err)
	}
	if _, err := lr.Peek(-1); err != bufio.ErrNegativeCount {
		t.Fatal(err)
	}
	if _, err := lr.Discard(-1); err != bufio.ErrNegativeCount {
		t.Fatal(err)
	}
	if n, err := lr.Discard(0); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	if n, err := lr.Discard(1000); n != 100 || err != io.EOF {
		t.Fatal(n, err)
	}
}

func TestLineReaderErrors(t *testing.T) {
	mustPanic(t, "maxLen must be at least 1", func() { NewLineReader(nil, 0) })
	boom := errors.New("boom")
	lr := NewLineReader(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 10)
	if s, err := lr.ReadString('\n'); s != "abc" || err != boom {
		t.Fatalf("%q %v", s, err)
	}
	// (0, nil) forever: io.ErrNoProgress like bufio.
	lr = NewLineReader(zeroReader{}, 10)
	if _, err := lr.ReadString('\n'); err != io.ErrNoProgress {
		t.Fatal(err)
	}
	// Large reads bypass the buffer.
	lr = NewLineReader(strings.NewReader(strings.Repeat("r", 100)), 8)
	p := make([]byte, 64)
	if n, err := lr.Read(p); n != 64 || err != nil {
		t.Fatal(n, err)
	}
	if err := lr.UnreadByte(); err != nil {
		t.Fatal(err)
	}
	if n, err := lr.Read(p[:0]); n != 0 || err != nil {
		t.Fatal(n, err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestLineReaderZeroAllocs(t *testing.T) {
	data := strings.Repeat("a line of text\n", 100)
	src := strings.NewReader(data)
	lr := NewLineReader(src, 100)
	allocs := testing.AllocsPerRun(100, func() {
		src.Reset(data)
		lr.Reset(src)
		for {
			if _, err := lr.ReadSlice('\n'); err != nil {
				break
			}
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocs", allocs)
	}
}

func TestReadAll(t *testing.T) {
	for _, c := range []struct {
		in      string
		max     int64
		want    string
		tooLong bool
	}{
		{"", 0, "", false},
		{"", 10, "", false},
		{"abc", 3, "abc", false},
		{"abcd", 3, "abc", true},
		{"a", 0, "", true},
		{"abc", -5, "", true},
		{strings.Repeat("z", 5000), 5000, strings.Repeat("z", 5000), false},
		{strings.Repeat("z", 5001), 5000, strings.Repeat("z", 5000), true},
	} {
		cr := &countingReader{r: iotest.HalfReader(strings.NewReader(c.in))}
		got, err := ReadAll(cr, c.max)
		var le *LimitError
		if c.tooLong != errors.As(err, &le) || (!c.tooLong && err != nil) || string(got) != c.want {
			t.Fatalf("ReadAll(%d bytes, %d) = %d bytes, %v", len(c.in), c.max, len(got), err)
		}
		if c.tooLong && (!errors.Is(err, ErrTooLarge) || le.Limit != max(c.max, 0)) {
			t.Fatalf("error %v", err)
		}
		if cr.n > max(c.max, 0)+1 {
			t.Fatalf("read %d bytes for max %d", cr.n, c.max)
		}
	}
	// No preallocation of max.
	got, err := ReadAll(strings.NewReader("tiny"), 1<<40)
	if string(got) != "tiny" || err != nil || cap(got) > 512 {
		t.Fatalf("%q %v cap %d", got, err, cap(got))
	}
	// Errors pass through with the data read so far.
	boom := errors.New("boom")
	got, err = ReadAll(io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(boom)), 10)
	if string(got) != "ab" || err != boom {
		t.Fatal(got, err)
	}
	if !strings.Contains((&LimitError{Limit: 7}).Error(), "7 bytes") {
		t.Fatal("message")
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestLimitedReader(t *testing.T) {
	// Within the limit: plain EOF.
	lr := NewLimitedReader(strings.NewReader("hello"), 5)
	b, err := io.ReadAll(lr)
	if string(b) != "hello" || err != nil || lr.Remaining() != 0 {
		t.Fatal(string(b), err)
	}
	// Over the limit: the allowed bytes, then a sticky *LimitError.
	cr := &countingReader{r: strings.NewReader("hello world")}
	lr = NewLimitedReader(cr, 5)
	b, err = io.ReadAll(lr)
	var le *LimitError
	if string(b) != "hello" || !errors.As(err, &le) || le.Limit != 5 {
		t.Fatal(string(b), err)
	}
	if cr.n > 6 {
		t.Fatalf("read %d bytes from the source", cr.n)
	}
	if n, err2 := lr.Read(make([]byte, 10)); n != 0 || err2 != err {
		t.Fatal(n, err2)
	}
	// One byte at a time, exactly at the limit, then over.
	lr = NewLimitedReader(iotest.OneByteReader(strings.NewReader("abcd")), 3)
	p := make([]byte, 1)
	for i := 0; i < 3; i++ {
		if n, err := lr.Read(p); n != 1 || err != nil {
			t.Fatal(i, n, err)
		}
	}
	if n, err := lr.Read(p); n != 0 || !errors.Is(err, ErrTooLarge) {
		t.Fatal(n, err)
	}
	// Zero-length reads and negative limits.
	lr = NewLimitedReader(strings.NewReader("x"), -1)
	if n, err := lr.Read(nil); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	if _, err := lr.Read(p); !errors.Is(err, ErrTooLarge) {
		t.Fatal(err)
	}
	lr = NewLimitedReader(strings.NewReader(""), 0)
	if _, err := lr.Read(p); err != io.EOF {
		t.Fatal(err)
	}
}
