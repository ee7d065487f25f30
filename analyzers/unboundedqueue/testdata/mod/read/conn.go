package read

import (
	"io"
	"net"
)

func slurp(conn net.Conn) ([]byte, error) {
	defer conn.Close()
	return io.ReadAll(conn) // want `unbounded read: io.ReadAll\(conn\) reads a network connection into memory with no size limit`
}
