package bounded

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// Fuzz targets. Seed corpora live in testdata/fuzz/<FuzzName>/ and run as
// normal tests; to fuzz:
//
//	go test -run '^$' -fuzz '^FuzzFrameReader$' -fuzztime 60s ./bounded
//	go test -run '^$' -fuzz '^FuzzFrameReaderUvarint$' -fuzztime 60s ./bounded
//	go test -run '^$' -fuzz '^FuzzLineReader$' -fuzztime 60s ./bounded

// chunkReader returns the data in chunks whose sizes cycle through 1..n,
// to exercise every buffer boundary.
type chunkReader struct {
	data []byte
	n, i int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	r.i = r.i%r.n + 1
	k := copy(p, r.data[:min(len(r.data), r.i)])
	r.data = r.data[k:]
	return k, nil
}

func FuzzFrameReader(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x05hello\x00\x00\x00\x00"), uint16(16), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, max uint16, chunk uint8) {
		fuzzFrames(t, data, int(max), int(chunk)%64+1, false)
	})
}

func FuzzFrameReaderUvarint(f *testing.F) {
	f.Add([]byte("\x05hello\x00\x80\x01"), uint16(200), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, max uint16, chunk uint8) {
		fuzzFrames(t, data, int(max), int(chunk)%64+1, true)
	})
}

// fuzzFrames reads frames until an error and checks that memory stays
// bounded by max + prefix whatever the input announces, that every frame
// is what the prefix announced, and that the error is a documented one.
func fuzzFrames(t *testing.T, data []byte, max, chunk int, uvarint bool) {
	opts := []FrameOption{WithMaxFrameSize(max), WithReadBufferSize(chunk * 3)}
	hmax := fixedHeaderLen
	if uvarint {
		opts = append(opts, WithUvarintLength())
		hmax = uvarintHeaderMax
	}
	fr := NewFrameReader(&chunkReader{data: data, n: chunk}, opts...)
	rest := data // the input not yet consumed by frames read so far
	for {
		p, err := fr.ReadFrame()
		if cap(fr.buf) > max+hmax {
			t.Fatalf("buffer capacity %d > max %d + %d", cap(fr.buf), max, hmax)
		}
		if err != nil {
			var fse *FrameSizeError
			switch {
			case err == io.EOF:
				if len(rest) != 0 {
					t.Fatalf("io.EOF with %d bytes left", len(rest))
				}
			case err == io.ErrUnexpectedEOF, err == ErrMalformedFrame:
			case errors.As(err, &fse):
				if fse.Size <= int64(max) || fse.Max != int64(max) {
					t.Fatalf("bad FrameSizeError %+v", fse)
				}
			default:
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(p) > max {
			t.Fatalf("frame of %d bytes > max %d", len(p), max)
		}
		// The frame must be exactly what the consumed prefix announced.
		var size uint64
		var h int
		if uvarint {
			size, h = binary.Uvarint(rest)
		} else {
			size, h = uint64(binary.BigEndian.Uint32(rest)), 4
		}
		if h <= 0 || size != uint64(len(p)) || !bytes.Equal(rest[h:h+len(p)], p) {
			t.Fatalf("frame %q does not match input %q", p, rest[:min(len(rest), 20)])
		}
		rest = rest[h+len(p):]
	}
}

func FuzzLineReader(f *testing.F) {
	f.Add([]byte("hello\nworld\r\nlast"), uint16(8), byte('\n'), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, maxLen uint16, delim byte, chunk uint8) {
		max := int(maxLen)%512 + 1
		lr := NewLineReader(&chunkReader{data: data, n: int(chunk)%32 + 1}, max)
		var got []byte
		for {
			line, err := lr.ReadSlice(delim)
			if len(lr.buf) > max {
				t.Fatalf("buffer %d > max %d", len(lr.buf), max)
			}
			if len(line) > max {
				t.Fatalf("line of %d bytes > max %d", len(line), max)
			}
			if err == nil && (len(line) == 0 || line[len(line)-1] != delim) {
				t.Fatalf("line %q without delimiter", line)
			}
			if i := bytes.IndexByte(line, delim); i >= 0 && i != len(line)-1 {
				t.Fatalf("line %q has an inner delimiter", line)
			}
			got = append(got, line...)
			if !bytes.HasPrefix(data, got) {
				t.Fatalf("lines do not reproduce the input")
			}
			switch err {
			case nil:
				continue
			case io.EOF:
				if !bytes.Equal(got, data) {
					t.Fatalf("io.EOF after %d of %d bytes", len(got), len(data))
				}
			case ErrLineTooLong:
				rest := data[len(got):]
				if i := bytes.IndexByte(rest, delim); len(rest) <= max || (i >= 0 && i < max) {
					t.Fatalf("ErrLineTooLong but the next line fits: %q", rest[:min(len(rest), max+1)])
				}
				if _, err := lr.ReadSlice(delim); err != ErrLineTooLong {
					t.Fatal("ErrLineTooLong not sticky")
				}
			default:
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
	})
}
