package read

import "net"

// Test files do not change what production fields hold.
func newTestBroker() *broker {
	c, _ := net.Pipe()
	return &broker{conn: c}
}
