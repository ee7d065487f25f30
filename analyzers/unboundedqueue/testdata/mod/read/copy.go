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
	if _, err := io.Copy(&buf, r.Body); err != nil { // want `unbounded read: io.Copy\(&buf, r.Body\) copies r.Body \(the request body\) into memory`
		return
	}
	_, _ = w.Write(buf.Bytes())
}

func readFrom(conn net.Conn) string {
	var sb strings.Builder
	_, _ = io.Copy(&sb, conn) // want `copies conn \(a network connection\)`
	buf := new(bytes.Buffer)
	_, _ = buf.ReadFrom(conn) // want `buf.ReadFrom\(conn\) copies conn`
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
