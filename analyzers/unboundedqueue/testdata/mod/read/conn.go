package read

import (
	"io"
	"net"
)

func slurp(conn net.Conn) ([]byte, error) {
	defer conn.Close()
	return io.ReadAll(conn) // want `io.ReadAll reads everything from a network connection into memory with no size limit: the peer decides how much is allocated; read with bounded.ReadAll\(conn, max\), or use a framed protocol with a maximum message size`
}
