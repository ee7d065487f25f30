package read

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
)

// Positive cases.

func readFrame(conn net.Conn) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(conn, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	buf := make([]byte, n) // want `make\(\[\]byte, n\) is sized by a length decoded from bytes read from a network connection, with no upper bound checked before it: the peer decides how much memory it takes; reject lengths above a maximum first, or read frames with bounded.FrameReader`
	_, err := io.ReadFull(conn, buf)
	return buf, err
}

type peer struct {
	conn net.Conn
	br   *bufio.Reader
}

func newPeer(c net.Conn) *peer { return &peer{conn: c, br: bufio.NewReader(c)} }

func (p *peer) identify() (string, int, error) {
	var size int32
	if err := binary.Read(p.br, binary.BigEndian, &size); err != nil {
		return "", 0, fmt.Errorf("reading size: %w", err)
	}
	body := make([]byte, size) // want `^make\(\[\]byte, size\) is sized by a length read from a network connection, with no upper bound checked before it: the peer decides how much memory it takes; reject lengths above a maximum first, or read frames with bounded.FrameReader \(unboundedqueue/unbounded-read\)$`
	if _, err := io.ReadFull(p.br, body); err != nil {
		return "", 0, err
	}
	return string(body), len(body), nil
}

func (p *peer) uvarint() ([]byte, error) {
	n, err := binary.ReadUvarint(p.br)
	if err != nil {
		return nil, err
	}
	return make([]byte, int(n)+1), nil // want `a varint read from a network connection`
}

type header struct {
	Kind uint8
	Len  uint32
}

func readHeader(conn net.Conn) (*header, []byte, error) {
	var h header
	if err := binary.Read(conn, binary.LittleEndian, &h); err != nil {
		return nil, nil, err
	}
	return &h, make([]byte, h.Len), nil // want `make\(\[\]byte, h.Len\) is sized by`
}

func noErrorResult(conn net.Conn) []byte {
	var hdr [8]byte
	conn.Read(hdr[:])
	n := binary.LittleEndian.Uint64(hdr[:])
	return make([]byte, n) // want `reads everything from|copies everything from|buffers a line of any length|is sized by`
}

func readMsg(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	size := int(binary.BigEndian.Uint32(hdr[:]))
	msg := make([]byte, size) // want `reads everything from|copies everything from|buffers a line of any length|is sized by`
	_, err := io.ReadFull(r, msg)
	return msg, err
}

func serveMsgs(c net.Conn) {
	for {
		if _, err := readMsg(c); err != nil {
			return
		}
	}
}

// Negative cases.

const maxFrame = 1 << 20

var errTooBig = errors.New("frame too big")

func checked(conn net.Conn) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(conn, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return nil, errTooBig
	}
	return make([]byte, n), nil
}

func checkedInt(conn net.Conn) ([]byte, error) {
	var size int32
	if err := binary.Read(conn, binary.BigEndian, &size); err != nil {
		return nil, err
	}
	if size <= 0 || size >= maxFrame {
		return nil, errTooBig
	}
	return make([]byte, size), nil
}

func short(conn net.Conn) []byte {
	var hdr [2]byte
	io.ReadFull(conn, hdr[:])
	return make([]byte, binary.BigEndian.Uint16(hdr[:]))
}

func fromFile(f *os.File) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return nil, err
	}
	return make([]byte, binary.BigEndian.Uint32(hdr[:])), nil
}

func clamped(conn net.Conn) []byte {
	var hdr [4]byte
	io.ReadFull(conn, hdr[:])
	n := binary.BigEndian.Uint32(hdr[:])
	return make([]byte, min(n, maxFrame))
}

func limitedConn(conn net.Conn) ([]byte, error) {
	r := io.LimitReader(conn, maxFrame)
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	return make([]byte, binary.BigEndian.Uint32(hdr[:])), nil
}

// The comparison picks a buffer: it bounds nothing.
type decoder struct {
	r   io.Reader
	buf []byte
}

func (d *decoder) reuse(conn net.Conn) ([]byte, error) {
	var size uint64
	if err := binary.Read(conn, binary.BigEndian, &size); err != nil {
		return nil, err
	}
	var buf []byte
	if size < uint64(len(d.buf)) {
		buf = d.buf[:size]
	} else {
		buf = make([]byte, int(size)) // want `make\(\[\]byte, int\(size\)\) is sized by`
	}
	_, err := io.ReadFull(conn, buf)
	return buf, err
}

func grow(conn net.Conn, buf []byte) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(conn, hdr[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint32(hdr[:]))
	if n > cap(buf) {
		buf = make([]byte, n) // want `reads everything from|copies everything from|buffers a line of any length|is sized by`
	}
	return buf[:n], nil
}

// Negative: the else branch of a small-size test.
func (d *decoder) reuseChecked(conn net.Conn) ([]byte, error) {
	var size uint64
	if err := binary.Read(conn, binary.BigEndian, &size); err != nil {
		return nil, err
	}
	if size <= maxFrame {
		return make([]byte, size), nil
	}
	return nil, errTooBig
}

func clampedAssign(conn net.Conn) []byte {
	var hdr [4]byte
	io.ReadFull(conn, hdr[:])
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		n = maxFrame
	}
	return make([]byte, n)
}

func switchChecked(conn net.Conn) ([]byte, error) {
	var hdr [4]byte
	io.ReadFull(conn, hdr[:])
	n := binary.BigEndian.Uint32(hdr[:])
	switch {
	case n == 0:
		return nil, nil
	case n > maxFrame:
		return nil, errTooBig
	}
	return make([]byte, n), nil
}

// A connection this code dialed: its peer is a server it chose
// (reported with -dialed-conns).
func dialAndRead(addr string) ([]byte, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	var hdr [4]byte
	if _, err := io.ReadFull(conn, hdr[:]); err != nil {
		return nil, err
	}
	return make([]byte, binary.BigEndian.Uint32(hdr[:])), nil
}
