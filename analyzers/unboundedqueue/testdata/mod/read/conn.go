package read

import (
	"io"
	"net"
)

func slurp(conn net.Conn) ([]byte, error) {
	defer conn.Close()
	return io.ReadAll(conn) // want `io.ReadAll reads everything from a network connection into memory with no size limit: the peer decides how much is allocated; read with bounded.ReadAll\(conn, max\), or use a framed protocol with a maximum message size`
}

// A test double's methods are test support, whatever their file is
// named.
type FakeConn struct{ net.Conn }

func (f *FakeConn) Drain() ([]byte, error) { return io.ReadAll(f.Conn) }

// A type whose name only starts like one is not.
type Mockingbird struct{ conn net.Conn }

func (m *Mockingbird) Sing() ([]byte, error) {
	return io.ReadAll(m.conn) // want `io.ReadAll reads everything from a network connection`
}
