package read

import (
	"bufio"
	"net"
	"strings"
)

// Positive cases.

func serveLines(conn net.Conn) error {
	br := bufio.NewReader(conn)
	for {
		line, err := br.ReadString('\n') // want `br.ReadString buffers a line of any length from a network connection: a peer that never sends the delimiter grows it without limit; read lines with bounded.NewLineReader\(r, max\) or a bufio.Scanner, whose buffers are bounded`
		if err != nil {
			return err
		}
		if strings.TrimSpace(line) == "QUIT" {
			return nil
		}
		b, err := br.ReadByte()
		if err != nil {
			return err
		}
		_ = b
	}
}

type client struct {
	conn net.Conn
	r    *bufio.Reader
}

func newClient(c net.Conn) *client {
	return &client{conn: c, r: bufio.NewReaderSize(c, 4096)}
}

func (c *client) readCommand() ([]byte, error) {
	return c.r.ReadBytes('\n') // want `c.r.ReadBytes buffers a line of any length from a network connection`
}

func passed(conn net.Conn) {
	br := bufio.NewReader(conn)
	line, _ := br.ReadString('\n') // want `reads everything from|copies everything from|buffers a line of any length|is sized by`
	consume(br, line)
}

func consume(br *bufio.Reader, line string) {}

func declared(conn net.Conn) {
	var br *bufio.Reader = bufio.NewReader(conn)
	_, _ = br.ReadString('\n') // want `reads everything from|copies everything from|buffers a line of any length|is sized by`
}

func writeTo(conn net.Conn) {
	br := bufio.NewReader(conn)
	_, _ = br.ReadString('\n') // want `reads everything from|copies everything from|buffers a line of any length|is sized by`
	_, _ = br.WriteTo(conn)
}

// Negative cases.

func scanner(conn net.Conn) {
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		_ = sc.Text()
	}
}

func fromString(s string) {
	br := bufio.NewReader(strings.NewReader(s))
	_, _ = br.ReadString('\n')
}

func readLine(conn net.Conn) {
	br := bufio.NewReader(conn)
	line, isPrefix, _ := br.ReadLine() // bounded by the buffer size
	_, _ = line, isPrefix
}
