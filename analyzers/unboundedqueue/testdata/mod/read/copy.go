package read

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
)

func copyBody(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r.Body); err != nil { // want `io.Copy copies everything from the request body into memory`
		return
	}
	_, _ = w.Write(buf.Bytes())
}

func readFrom(conn net.Conn) string {
	var sb strings.Builder
	_, _ = io.Copy(&sb, conn) // want `io.Copy copies everything from a network connection`
	buf := new(bytes.Buffer)
	_, _ = buf.ReadFrom(conn) // want `buf.ReadFrom copies everything from a network connection into memory with no size limit: the peer decides how much is allocated; wrap conn in bounded.NewLimitedReader \(or io.LimitReader, and check the size\)`
	return sb.String() + buf.String()
}

// Negative cases.

func copyToWriter(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(w, r.Body)
}

func copyLimited(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	var buf bytes.Buffer
	_, _ = io.Copy(&buf, r.Body)
}

// Unlimited buffering is a configured choice: the other branch copies
// at most limit bytes (caddy's reverse proxy request_buffers).
func bufferBody(r *http.Request, limit int64) *bytes.Buffer {
	buf := new(bytes.Buffer)
	if limit > 0 {
		_, _ = io.CopyN(buf, r.Body, limit)
	} else {
		_, _ = io.Copy(buf, r.Body)
	}
	return buf
}

func readUpTo(r *http.Request, max int64) ([]byte, error) {
	if max <= 0 {
		return io.ReadAll(r.Body)
	}
	return io.ReadAll(io.LimitReader(r.Body, max))
}

// The condition says nothing about the limit: still unbounded.
func verboseCopy(r *http.Request, verbose bool) *bytes.Buffer {
	buf := new(bytes.Buffer)
	if verbose {
		_, _ = io.CopyN(buf, r.Body, 512)
	} else {
		_, _ = io.Copy(buf, r.Body) // want `io.Copy copies everything from the request body into memory with no size limit: the peer decides how much is allocated; wrap r.Body in http.MaxBytesReader or bounded.NewLimitedReader`
	}
	return buf
}

type proxy struct {
	verbose bool
	limit   int64
}

// The condition tests another field of the same value: still unbounded.
func (p *proxy) buffer(r *http.Request) *bytes.Buffer {
	buf := new(bytes.Buffer)
	if p.verbose {
		_, _ = io.CopyN(buf, r.Body, p.limit)
	} else {
		_, _ = io.Copy(buf, r.Body) // want `io.Copy copies everything from the request body`
	}
	return buf
}

func (p *proxy) bufferConfigured(r *http.Request) *bytes.Buffer {
	buf := new(bytes.Buffer)
	if p.limit > 0 {
		_, _ = io.CopyN(buf, r.Body, p.limit)
	} else {
		_, _ = io.Copy(buf, r.Body)
	}
	return buf
}
