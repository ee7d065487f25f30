package bounded

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"testing"
)

// FrameReader benchmark: 1 KiB frames with a 4-byte prefix over loopback
// TCP, against bufio.Reader + io.ReadFull into a reused buffer (the code a
// FrameReader replaces), both with 4096-byte buffers.
//
//	go test -run '^$' -bench 'ReadFrameTCP' -count 8 ./bounded > f.txt
//	benchstat -col /impl f.txt
func BenchmarkReadFrameTCP(b *testing.B) {
	const frameSize = 1024
	b.Run("impl=bufio", func(b *testing.B) {
		benchFramesTCP(b, frameSize, func(c net.Conn, n int) error {
			br := bufio.NewReader(c)
			var hdr [4]byte
			buf := make([]byte, DefaultMaxFrameSize)
			for i := 0; i < n; i++ {
				if _, err := io.ReadFull(br, hdr[:]); err != nil {
					return err
				}
				sz := binary.BigEndian.Uint32(hdr[:])
				if sz > DefaultMaxFrameSize {
					return ErrFrameTooLarge
				}
				if _, err := io.ReadFull(br, buf[:sz]); err != nil {
					return err
				}
			}
			return nil
		})
	})
	b.Run("impl=framereader", func(b *testing.B) {
		benchFramesTCP(b, frameSize, func(c net.Conn, n int) error {
			fr := NewFrameReader(c)
			for i := 0; i < n; i++ {
				if _, err := fr.ReadFrame(); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func benchFramesTCP(b *testing.B, frameSize int, read func(net.Conn, int) error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Skip("no loopback TCP:", err)
	}
	defer ln.Close()
	// One chunk of 64 encoded frames, written repeatedly.
	const perChunk = 64
	var chunk []byte
	payload := make([]byte, frameSize)
	for i := 0; i < perChunk; i++ {
		chunk = binary.BigEndian.AppendUint32(chunk, uint32(frameSize))
		chunk = append(chunk, payload...)
	}
	n := b.N
	werr := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			werr <- err
			return
		}
		defer c.Close()
		for sent := 0; sent < n; sent += perChunk {
			k := min(perChunk, n-sent)
			if _, err := c.Write(chunk[:k*(4+frameSize)]); err != nil {
				werr <- err
				return
			}
		}
		werr <- nil
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(int64(4 + frameSize))
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	if err := read(c, n); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if err := <-werr; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWriteFrame compares FrameWriter.WriteFrame with bufio.Writer
// writing a 4-byte prefix and the payload, 1 KiB frames to io.Discard.
func BenchmarkWriteFrame(b *testing.B) {
	payload := make([]byte, 1024)
	b.Run("impl=bufio", func(b *testing.B) {
		bw := bufio.NewWriter(io.Discard)
		var hdr [4]byte
		b.SetBytes(int64(4 + len(payload)))
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			binary.BigEndian.PutUint32(hdr[:], uint32(len(payload)))
			_, _ = bw.Write(hdr[:])
			_, _ = bw.Write(payload)
		}
		_ = bw.Flush()
	})
	b.Run("impl=framewriter", func(b *testing.B) {
		fw := NewFrameWriter(io.Discard)
		b.SetBytes(int64(4 + len(payload)))
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			_ = fw.WriteFrame(payload)
		}
		_ = fw.Flush()
	})
}

// repeatReader serves the same bytes forever.
type repeatReader struct {
	data []byte
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := copy(p, r.data[r.off:])
	r.off = (r.off + n) % len(r.data)
	return n, nil
}

// BenchmarkReadFrameMem is BenchmarkReadFrameTCP without the network: it
// isolates the CPU cost per frame (1 KiB frames from memory).
func BenchmarkReadFrameMem(b *testing.B) {
	var chunk []byte
	payload := make([]byte, 1024)
	for i := 0; i < 64; i++ {
		chunk = binary.BigEndian.AppendUint32(chunk, uint32(len(payload)))
		chunk = append(chunk, payload...)
	}
	b.Run("impl=bufio", func(b *testing.B) {
		br := bufio.NewReader(&repeatReader{data: chunk})
		var hdr [4]byte
		buf := make([]byte, DefaultMaxFrameSize)
		b.SetBytes(int64(4 + len(payload)))
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			if _, err := io.ReadFull(br, hdr[:]); err != nil {
				b.Fatal(err)
			}
			if _, err := io.ReadFull(br, buf[:binary.BigEndian.Uint32(hdr[:])]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=framereader", func(b *testing.B) {
		fr := NewFrameReader(&repeatReader{data: chunk})
		b.SetBytes(int64(4 + len(payload)))
		b.ReportAllocs()
		defer reportCPU(b)()
		for i := 0; i < b.N; i++ {
			if _, err := fr.ReadFrame(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
