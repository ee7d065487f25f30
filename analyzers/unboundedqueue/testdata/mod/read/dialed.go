package read

import (
	"bufio"
	"io"
	"net"
)

// A client of a server it chose: not reported without -dialed-conns.
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
	return d.br.ReadString('\n')
}

func (d *dialer) slurp() ([]byte, error) {
	return io.ReadAll(d.conn)
}

type broker struct{ conn net.Conn }

func (b *broker) open(addr string) (err error) {
	b.conn, err = net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	b.conn = wrap(b.conn)
	return nil
}

type wrappedConn struct{ net.Conn }

func wrap(c net.Conn) net.Conn { return wrappedConn{c} }

func (b *broker) readAll() ([]byte, error) {
	return io.ReadAll(b.conn)
}
