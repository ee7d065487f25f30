package bounded

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func frameFormats() map[string][]FrameOption {
	return map[string][]FrameOption{
		"fixed":   nil,
		"uvarint": {WithUvarintLength()},
	}
}

func encodeFrames(t testing.TB, opts []FrameOption, frames ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw := NewFrameWriter(&buf, opts...)
	for _, f := range frames {
		if err := fw.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFrameRoundTrip(t *testing.T) {
	for name, opts := range frameFormats() {
		t.Run(name, func(t *testing.T) {
			const max = 300
			opts := append([]FrameOption{WithMaxFrameSize(max), WithWriteBufferSize(64), WithReadBufferSize(32)}, opts...)
			var frames [][]byte
			for _, n := range []int{0, 1, 2, 31, 32, 33, 63, 64, 65, 127, 128, 129, 299, max, 0, 5} {
				frames = append(frames, bytes.Repeat([]byte{byte(n)}, n))
			}
			data := encodeFrames(t, opts, frames...)
			readers := map[string]func(io.Reader) io.Reader{
				"plain":   func(r io.Reader) io.Reader { return r },
				"onebyte": iotest.OneByteReader,
				"half":    iotest.HalfReader,
				"dataerr": iotest.DataErrReader,
			}
			for rname, wrap := range readers {
				fr := NewFrameReader(wrap(bytes.NewReader(data)), opts...)
				for i, want := range frames {
					var got []byte
					var err error
					if i%2 == 0 {
						got, err = fr.ReadFrame()
					} else {
						got, err = fr.AppendFrame([]byte("x"))
						if len(got) > 0 && got[0] == 'x' {
							got = got[1:]
						} else {
							t.Fatalf("%s: AppendFrame lost dst", rname)
						}
					}
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("%s: frame %d = %d bytes, %v; want %d bytes", rname, i, len(got), err, len(want))
					}
					if cap(fr.buf) > max+fr.hmax {
						t.Fatalf("%s: buffer grew to %d", rname, cap(fr.buf))
					}
				}
				if _, err := fr.ReadFrame(); err != io.EOF {
					t.Fatalf("%s: after last frame: %v, want io.EOF", rname, err)
				}
				if _, err := fr.ReadFrame(); err != io.EOF {
					t.Fatalf("%s: EOF not repeated: %v", rname, err)
				}
			}
		})
	}
}

func TestFrameEOF(t *testing.T) {
	for name, opts := range frameFormats() {
		t.Run(name, func(t *testing.T) {
			data := encodeFrames(t, opts, []byte("hello"), bytes.Repeat([]byte("x"), 200))
			second := len(encodeFrames(t, opts, []byte("hello")))
			for cut := 0; cut <= len(data); cut++ {
				fr := NewFrameReader(bytes.NewReader(data[:cut]), opts...)
				var err error
				n := 0
				for err == nil {
					_, err = fr.ReadFrame()
					if err == nil {
						n++
					}
				}
				atBoundary := cut == 0 || cut == second || cut == len(data)
				if atBoundary && err != io.EOF {
					t.Fatalf("cut %d at a boundary: %v, want io.EOF", cut, err)
				}
				if !atBoundary && err != io.ErrUnexpectedEOF {
					t.Fatalf("cut %d inside a frame: %v, want io.ErrUnexpectedEOF", cut, err)
				}
			}
			// Mid-prefix explicitly.
			fr := NewFrameReader(bytes.NewReader(data[second:second+1]), WithMaxFrameSize(1000))
			if _, err := fr.ReadFrame(); err != io.ErrUnexpectedEOF {
				t.Fatalf("mid-prefix: %v", err)
			}
		})
	}
}

func TestFrameZeroLength(t *testing.T) {
	for name, opts := range frameFormats() {
		t.Run(name, func(t *testing.T) {
			opts := append([]FrameOption{WithMaxFrameSize(0)}, opts...)
			data := encodeFrames(t, opts, nil, []byte{}, nil)
			fr := NewFrameReader(bytes.NewReader(data), opts...)
			for i := 0; i < 3; i++ {
				p, err := fr.ReadFrame()
				if err != nil || len(p) != 0 {
					t.Fatalf("frame %d: %q %v", i, p, err)
				}
			}
			if _, err := fr.ReadFrame(); err != io.EOF {
				t.Fatal(err)
			}
			fw := NewFrameWriter(io.Discard, opts...)
			if err := fw.WriteFrame([]byte{1}); !errors.Is(err, ErrFrameTooLarge) {
				t.Fatal(err)
			}
		})
	}
}

func TestFrameMaxBoundary(t *testing.T) {
	for name, opts := range frameFormats() {
		t.Run(name, func(t *testing.T) {
			const max = 1000
			opts := append([]FrameOption{WithMaxFrameSize(max)}, opts...)
			// Exactly max is fine on both sides.
			data := encodeFrames(t, opts, make([]byte, max))
			fr := NewFrameReader(bytes.NewReader(data), opts...)
			if p, err := fr.ReadFrame(); err != nil || len(p) != max {
				t.Fatal(len(p), err)
			}
			// max+1 is refused by the writer, and nothing is written.
			var out bytes.Buffer
			fw := NewFrameWriter(&out, opts...)
			err := fw.WriteFrame(make([]byte, max+1))
			var fse *FrameSizeError
			if !errors.As(err, &fse) || fse.Size != max+1 || fse.Max != max || !errors.Is(err, ErrFrameTooLarge) {
				t.Fatalf("WriteFrame(max+1) = %v", err)
			}
			if err := fw.Flush(); err != nil || out.Len() != 0 || fw.Buffered() != 0 {
				t.Fatalf("something was written: %d bytes, %v", out.Len(), err)
			}
			// The writer is still usable.
			if err := fw.WriteFrame([]byte("ok")); err != nil {
				t.Fatal(err)
			}
			// max+1 announced by a peer is refused by the reader before
			// anything is allocated, and the error is sticky.
			big := encodeFrames(t, []FrameOption{WithUvarintLength(), WithMaxFrameSize(max + 1)}, make([]byte, max+1))
			if name == "fixed" {
				big = encodeFrames(t, []FrameOption{WithMaxFrameSize(max + 1)}, make([]byte, max+1))
			}
			src := bytes.NewReader(big)
			fr = NewFrameReader(src, opts...)
			capBefore := cap(fr.buf)
			allocs := testing.AllocsPerRun(100, func() {
				src.Reset(big)
				fr.Reset(src)
				_, err = fr.ReadFrame()
			})
			if !errors.As(err, &fse) || fse.Size != max+1 || fse.Max != max {
				t.Fatalf("ReadFrame(max+1) = %v", err)
			}
			// The only allocation is the *FrameSizeError itself.
			if allocs > 1 || cap(fr.buf) != capBefore {
				t.Fatalf("oversized prefix: %v allocs, buffer %d -> %d", allocs, capBefore, cap(fr.buf))
			}
			if _, err2 := fr.ReadFrame(); err2 != err {
				t.Fatalf("error not sticky: %v", err2)
			}
		})
	}
}

func TestFrameHugePrefix(t *testing.T) {
	// A 4 GiB prefix and a 2^63 uvarint prefix: refused without allocation.
	fr := NewFrameReader(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff, 1, 2, 3}))
	_, err := fr.ReadFrame()
	var fse *FrameSizeError
	if !errors.As(err, &fse) || fse.Size != 1<<32-1 {
		t.Fatalf("fixed: %v", err)
	}
	if !strings.Contains(err.Error(), "4294967295") || !strings.Contains(err.Error(), "1048576") {
		t.Fatalf("message: %v", err)
	}
	huge := binary.AppendUvarint(nil, 1<<63)
	fr = NewFrameReader(bytes.NewReader(huge), WithUvarintLength())
	if _, err := fr.ReadFrame(); !errors.As(err, &fse) || fse.Size != 1<<63-1 {
		t.Fatalf("uvarint: %v (%+v)", err, fse)
	}
}

func TestFrameUvarintMalformed(t *testing.T) {
	cases := map[string]struct {
		in   []byte
		want error
	}{
		"overflow 10th byte":    {[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, ErrMalformedFrame},
		"11 continuation bytes": {bytes.Repeat([]byte{0x80}, 11), ErrMalformedFrame},
		"endless continuation":  {bytes.Repeat([]byte{0x80}, 1000), ErrMalformedFrame},
		"overlong zero":         {[]byte{0x80, 0x80, 0x00}, nil},            // non-minimal 0: accepted
		"overlong one":          {[]byte{0x81, 0x80, 0x80, 0x00, 'x'}, nil}, // non-minimal 1
		"cut continuation":      {[]byte{0x80, 0x80}, io.ErrUnexpectedEOF},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			fr := NewFrameReader(iotest.OneByteReader(bytes.NewReader(c.in)), WithUvarintLength())
			_, err := fr.ReadFrame()
			if err != c.want {
				t.Fatalf("ReadFrame = %v, want %v", err, c.want)
			}
			if c.want == ErrMalformedFrame {
				if _, err := fr.ReadFrame(); err != ErrMalformedFrame {
					t.Fatalf("not sticky: %v", err)
				}
				if fr.Buffered() > uvarintHeaderMax {
					t.Fatalf("buffered %d bytes of prefix", fr.Buffered())
				}
			}
		})
	}
}

// timeoutReader returns a timeout error once, after half of the data.
type timeoutReader struct {
	data    []byte
	failed  bool
	timeout error
}

func (r *timeoutReader) Read(p []byte) (int, error) {
	if !r.failed && len(r.data) < 10 {
		r.failed = true
		return 0, r.timeout
	}
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.data[:min(len(r.data), 3)])
	r.data = r.data[n:]
	return n, nil
}

func TestFrameRetryAfterReadError(t *testing.T) {
	errTimeout := errors.New("i/o timeout")
	data := encodeFrames(t, nil, []byte("first frame"), []byte("second frame"))
	r := &timeoutReader{data: data, timeout: errTimeout}
	fr := NewFrameReader(r)
	var got []string
	for {
		p, err := fr.ReadFrame()
		if err == errTimeout {
			continue // retry: the partial frame is kept
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(p))
	}
	if !r.failed || fmt.Sprint(got) != "[first frame second frame]" {
		t.Fatalf("got %q (failed=%v)", got, r.failed)
	}
}

func TestFrameReaderZeroAllocs(t *testing.T) {
	data := encodeFrames(t, nil, bytes.Repeat([]byte("a"), 1000), bytes.Repeat([]byte("b"), 5000), []byte("c"))
	src := bytes.NewReader(data)
	fr := NewFrameReader(src)
	allocs := testing.AllocsPerRun(200, func() {
		src.Reset(data)
		fr.Reset(src)
		for {
			if _, err := fr.ReadFrame(); err != nil {
				break
			}
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocs per 3 frames", allocs)
	}
	fw := NewFrameWriter(io.Discard)
	p := make([]byte, 100)
	big := make([]byte, 10000)
	if a := testing.AllocsPerRun(200, func() { _ = fw.WriteFrame(p); _ = fw.WriteFrame(big) }); a != 0 {
		t.Fatalf("WriteFrame: %v allocs", a)
	}
}

// errWriter fails after n bytes.
type errWriter struct {
	n   int
	out bytes.Buffer
	err error
}

func (w *errWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return w.out.Write(p)
	}
	k := w.n
	w.n = 0
	w.out.Write(p[:k])
	return k, w.err
}

func TestFrameWriterErrors(t *testing.T) {
	boom := errors.New("boom")
	w := &errWriter{n: 10, err: boom}
	fw := NewFrameWriter(w, WithWriteBufferSize(16))
	if err := fw.WriteFrame([]byte("abcdef")); err != nil { // 10 bytes, buffered
		t.Fatal(err)
	}
	if err := fw.WriteFrame([]byte("ghijkl")); err != nil { // flushes 10 OK, buffers 10
		t.Fatal(err)
	}
	if err := fw.Flush(); err != boom {
		t.Fatalf("Flush = %v", err)
	}
	if err := fw.WriteFrame([]byte("x")); err != boom {
		t.Fatalf("not sticky: %v", err)
	}
	if err := fw.Flush(); err != boom {
		t.Fatalf("not sticky: %v", err)
	}
	// Large frame written through.
	var out bytes.Buffer
	fw = NewFrameWriter(&out, WithWriteBufferSize(16))
	big := bytes.Repeat([]byte("z"), 100)
	_ = fw.WriteFrame([]byte("a"))
	if err := fw.WriteFrame(big); err != nil {
		t.Fatal(err)
	}
	_ = fw.Flush()
	fr := NewFrameReader(&out)
	if p, _ := fr.ReadFrame(); string(p) != "a" {
		t.Fatal(p)
	}
	if p, _ := fr.ReadFrame(); !bytes.Equal(p, big) {
		t.Fatal(len(p))
	}
	// Short write through.
	w = &errWriter{n: 50, err: boom}
	fw = NewFrameWriter(w, WithWriteBufferSize(16))
	if err := fw.WriteFrame(big); err != boom {
		t.Fatalf("write-through error: %v", err)
	}
	fw.Reset(io.Discard)
	if err := fw.WriteFrame(big); err != nil || fw.MaxFrameSize() != DefaultMaxFrameSize {
		t.Fatal(err)
	}
}

func TestFrameOptionPanics(t *testing.T) {
	mustPanic(t, "negative size", func() { WithMaxFrameSize(-1) })
	mustPanic(t, "WithWriteBufferSize", func() { WithWriteBufferSize(0) })
	mustPanic(t, "WithReadBufferSize", func() { WithReadBufferSize(0) })
	mustPanic(t, "does not fit a 4-byte length prefix", func() { NewFrameReader(nil, WithMaxFrameSize(1<<33)) })
	NewFrameReader(nil, WithMaxFrameSize(1<<33), WithUvarintLength())
}

func TestRelay(t *testing.T) {
	checkLeaks(t)
	for name, opts := range frameFormats() {
		t.Run(name, func(t *testing.T) {
			frames := [][]byte{[]byte("one"), {}, []byte("skip"), bytes.Repeat([]byte("x"), 5000), []byte("last")}
			in := encodeFrames(t, opts, frames...)
			var out bytes.Buffer
			err := Relay(context.Background(), &out, bytes.NewReader(in), func(f []byte) ([]byte, error) {
				if string(f) == "skip" {
					return nil, nil
				}
				return bytes.ToUpper(f), nil
			}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			fr := NewFrameReader(&out, opts...)
			var got []string
			for {
				p, err := fr.ReadFrame()
				if err != nil {
					break
				}
				got = append(got, string(p[:min(len(p), 4)]))
			}
			if fmt.Sprint(got) != "[ONE  XXXX LAST]" {
				t.Fatalf("relayed %q", got)
			}
		})
	}
	// fn errors stop the relay; oversize frames too.
	boom := errors.New("boom")
	in := encodeFrames(t, nil, []byte("a"))
	if err := Relay(context.Background(), io.Discard, bytes.NewReader(in), func([]byte) ([]byte, error) { return nil, boom }); err != boom {
		t.Fatal(err)
	}
	if err := Relay(context.Background(), io.Discard, bytes.NewReader(in), func([]byte) ([]byte, error) { return make([]byte, 10), nil }, WithMaxFrameSize(5)); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatal(err)
	}
	if err := Relay(context.Background(), io.Discard, bytes.NewReader(in[:3]), nil); err != io.ErrUnexpectedEOF {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Relay(ctx, io.Discard, bytes.NewReader(in), nil); err != context.Canceled {
		t.Fatal(err)
	}
}

func TestRelayCancelUnblocks(t *testing.T) {
	checkLeaks(t)
	// net.Pipe supports deadlines: a Relay blocked reading is interrupted.
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- Relay(ctx, b, b, nil) }()
	// Echo one frame, then block.
	fw := NewFrameWriter(a)
	_ = fw.WriteFrame([]byte("ping"))
	_ = fw.Flush()
	fr := NewFrameReader(a)
	if p, err := fr.ReadFrame(); err != nil || string(p) != "ping" {
		t.Fatal(string(p), err)
	}
	cancel()
	select {
	case err := <-res:
		if err != context.Canceled {
			t.Fatalf("Relay = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Relay not interrupted")
	}
	// Deadlines were reset: the conn is usable again.
	go func() { _, _ = a.Write([]byte("x")) }()
	buf := make([]byte, 1)
	if _, err := b.Read(buf); err != nil {
		t.Fatalf("deadline not reset: %v", err)
	}
}

func TestRelayBlockedWriterCancel(t *testing.T) {
	checkLeaks(t)
	// A peer that does not read: Relay blocks writing, and is interrupted.
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	src := bytes.NewReader(encodeFrames(t, nil, make([]byte, 100), make([]byte, 100)))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := Relay(ctx, b, src, nil); err != context.DeadlineExceeded {
		t.Fatalf("Relay = %v", err)
	}
}
