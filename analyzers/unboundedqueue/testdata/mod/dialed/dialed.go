package dialed

import (
	"bufio"
	"io"
	"net"
)

// With -dialed-conns, reads from connections this code dialed count too.
type dialer struct {
	conn net.Conn
	br   *bufio.Reader
}

func connect(addr string) (*dialer, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &dialer{conn: c, br: bufio.NewReader(c)}, nil
}

func (d *dialer) readProto() (string, error) {
	return d.br.ReadString('\n') // want `d.br.ReadString buffers a line of any length from a network connection`
}

func (d *dialer) slurp() ([]byte, error) {
	return io.ReadAll(d.conn) // want `io.ReadAll reads everything from a network connection`
}
