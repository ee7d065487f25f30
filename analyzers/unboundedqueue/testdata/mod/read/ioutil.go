package read

import "io/ioutil"

import "net"

func slurpTCP(c *net.TCPConn) ([]byte, error) {
	return ioutil.ReadAll(c) // want `ioutil.ReadAll reads everything from a network connection`
}
