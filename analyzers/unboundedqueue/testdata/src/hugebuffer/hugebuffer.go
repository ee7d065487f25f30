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

var jobs = make(chan Job, 1000000) // want `huge buffer: make\(chan Job, 1000000\) is a buffer of 1000000 elements, at or above -unboundedqueue.max-buffer=10000`

func huge() {
	a := make(chan Job, math.MaxInt32) // want `is a buffer of math.MaxInt32 elements`
	b := make(chan int, queueSize)     // want `is a buffer of 1048576 elements`
	c := make(chan []byte, 10000)      // want `huge buffer`
	d := make(chan struct{}, 1e6)      // want `huge buffer`
	_, _, _, _ = a, b, c, d
}

func fromRequest(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil {
		return
	}
	results := make(chan Job, n) // want `the capacity of make\(chan Job, n\) comes from a request parameter and no upper bound is checked`
	_ = results
}

func fromWire(conn net.Conn) error {
	var hdr [4]byte
	if _, err := io.ReadFull(conn, hdr[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	ch := make(chan []byte, n) // want `comes from a length decoded from bytes read from a network connection`
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
