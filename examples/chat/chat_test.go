package chat

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func startServer(t *testing.T) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := NewServer(&MemoryStore{Latency: time.Millisecond})
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s, ln.Addr().String()
}

func dial(t *testing.T, addr, name string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, name+"\n"); err != nil {
		t.Fatal(err)
	}
	return c, bufio.NewReader(c)
}

func waitClients(t *testing.T, s *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		got := len(s.clients)
		s.mu.Unlock()
		if got == n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%d clients never joined", n)
}

func TestLinesReachOtherClients(t *testing.T) {
	s, addr := startServer(t)
	alice, _ := dial(t, addr, "alice")
	_, bob := dial(t, addr, "bob")
	waitClients(t, s, 2)

	if _, err := io.WriteString(alice, "hello bob\n"); err != nil {
		t.Fatal(err)
	}
	line, err := bob.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if line != "alice: hello bob\n" {
		t.Errorf("bob got %q", line)
	}
}

func TestSendAndHistory(t *testing.T) {
	s, _ := startServer(t)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	resp, err := http.Post(srv.URL+"/send?from=carol", "text/plain", strings.NewReader("hi all"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /send: %s", resp.Status)
	}

	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(srv.URL + "/history")
		if err != nil {
			t.Fatal(err)
		}
		var msgs []Message
		err = json.NewDecoder(resp.Body).Decode(&msgs)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 1 && msgs[0].From == "carol" && msgs[0].Text == "hi all" {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the message never reached the history")
}

func TestRelay(t *testing.T) {
	// The upstream answers each request with its length.
	up, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	go func() {
		c, err := up.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		n, _ := io.ReadFull(c, buf[:5])
		io.WriteString(c, "got "+string(buf[:n]))
	}()

	front, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer front.Close()
	relayed := make(chan error, 1)
	go func() {
		c, err := front.Accept()
		if err != nil {
			relayed <- err
			return
		}
		relayed <- Relay(context.Background(), c, up.Addr().String())
	}()

	c, err := net.Dial("tcp", front.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "hello")
	c.(*net.TCPConn).CloseWrite()
	answer, err := io.ReadAll(io.LimitReader(c, 1<<10))
	if err != nil {
		t.Fatal(err)
	}
	if string(answer) != "got hello" {
		t.Errorf("answer %q", answer)
	}
	if err := <-relayed; err != nil {
		t.Errorf("Relay: %v", err)
	}
}
