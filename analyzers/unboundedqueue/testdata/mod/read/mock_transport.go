package read

import (
	"bytes"
	"io"
	"net"
)

// Test doubles stand in for the network; the test feeds them. A file
// named mock_*.go is one (memberlist's MockTransport).
type memTransport struct{ packets chan []byte }

func (t *memTransport) IngestPacket(conn net.Conn) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, conn); err != nil {
		return err
	}
	t.packets <- buf.Bytes()
	return nil
}
