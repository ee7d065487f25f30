package read

import "io/ioutil"

import "net"

func slurpTCP(c *net.TCPConn) ([]byte, error) {
	return ioutil.ReadAll(c) // want `unbounded read: ioutil.ReadAll\(c\) reads a network connection`
}
