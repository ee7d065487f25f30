package hugebuffer

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
)

type Job struct{ ID int }

const queueSize = 1 << 20

// Positive cases (the test sets -max-buffer=10000).

var jobs = make(chan Job, 1000000) // want `make\(chan Job, 1000000\) is at or above the -unboundedqueue.max-buffer capacity \(10000\): a buffer this large fills at the producer's rate and in practice never pushes back; size it to how far consumers may fall behind, and make producers block, drop or fail when it is full`

func huge() {
	a := make(chan Job, math.MaxInt32) // want `make\(chan Job, math.MaxInt32\), a buffer of 2147483647 values, is at or above`
	b := make(chan int, queueSize)     // want `make\(chan int, queueSize\), a buffer of 1048576 values, is at or above`
	c := make(chan []byte, 10000)      // want `is at or above the -unboundedqueue.max-buffer capacity`
	d := make(chan struct{}, 1e6)      // want `is at or above the -unboundedqueue.max-buffer capacity`
	_, _, _, _ = a, b, c, d
}

func fromRequest(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil {
		return
	}
	results := make(chan Job, n) // want `make\(chan Job, n\) is sized by an integer parsed from a request parameter, with no upper bound checked before it: the peer decides how much memory the buffer may hold; cap it with min\(n, max\) or reject larger values`
	_ = results
}

func fromWire(conn net.Conn) error {
	var hdr [4]byte
	if _, err := io.ReadFull(conn, hdr[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	ch := make(chan []byte, n) // want `is sized by a length decoded from bytes read from a network connection`
	_ = ch
	return nil
}

// Negative cases.

func small() {
	a := make(chan Job, 100)
	b := make(chan Job)
	c := make(chan Job, 9999)
	_, _, _ = a, b, c
}

func checked(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.FormValue("n"))
	if err != nil || n > 100 {
		return
	}
	_ = make(chan Job, n)
}

func clamped(r *http.Request) {
	n, _ := strconv.Atoi(r.FormValue("n"))
	_ = make(chan Job, min(n, 64))
}

func narrow(br *bufio.Reader, conn net.Conn) {
	var hdr [2]byte
	io.ReadFull(conn, hdr[:])
	n := binary.BigEndian.Uint16(hdr[:])
	_ = make(chan []byte, n)
}

func configured(size int) {
	_ = make(chan Job, size)
}

func bitSize(r *http.Request) {
	n, _ := strconv.ParseInt(r.FormValue("n"), 10, 16)
	_ = make(chan Job, n)
}

func suppressed() {
	//bplint:ignore unboundedqueue/huge-buffer benchmark harness, sized to the run
	_ = make(chan Job, 1<<21)
}
