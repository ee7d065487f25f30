package read

import (
	"bufio"
	"net"
)

func greeting(conn net.Conn) (string, error) {
	r := bufio.NewReader(conn)
	return r.ReadString('\n') // want `r.ReadString buffers a line of any length`
}
