// Package chat is a small line-based chat server, written the way such
// servers often are: it works in a demo and falls over under load. It is
// the example bplint runs on (see the repository README).
package chat

import (
	"bufio"
	"context"
	"log"
	"net"
	"strings"
	"sync"
	"time"
)

// A Message is one line a client said.
type Message struct {
	From string
	Text string
	At   time.Time
}

// Server relays every line a client sends to every other client, and
// saves it in a Store.
type Server struct {
	store Store

	mu      sync.Mutex
	clients map[*client]bool

	inbox chan Message // lines from all clients, to the broadcaster and the store
	saves chan Message // messages on their way to the store
}

type client struct {
	name string
	conn net.Conn
	out  chan Message // per-client queue, drained by the client's writer
}

// NewServer returns a server that saves messages in store.
func NewServer(store Store) *Server {
	return &Server{
		store:   store,
		clients: make(map[*client]bool),
		inbox:   make(chan Message, 1024),
		saves:   make(chan Message, 1024),
	}
}

// Serve accepts connections on ln until ctx is done.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	go s.broadcast(ctx)
	go s.persist(ctx)
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		go s.handle(ctx, conn)
	}
}

// handle reads the client's name, then its lines, until it leaves.
func (s *Server) handle(ctx context.Context, conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	name, err := r.ReadString('\n')
	if err != nil {
		return
	}
	c := &client{
		name: strings.TrimSpace(name),
		conn: conn,
		out:  make(chan Message, 1<<20), // "big enough"
	}
	s.join(c)
	defer s.leave(c)
	go c.write()

	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		msg := Message{From: c.name, Text: strings.TrimSpace(line), At: time.Now()}
		s.inbox <- msg
	}
}

func (s *Server) join(c *client) {
	s.mu.Lock()
	s.clients[c] = true
	s.mu.Unlock()
}

func (s *Server) leave(c *client) {
	s.mu.Lock()
	delete(s.clients, c)
	s.mu.Unlock()
	close(c.out)
}

// write sends queued messages to the client's connection.
func (c *client) write() {
	w := bufio.NewWriter(c.conn)
	for msg := range c.out {
		w.WriteString(msg.From + ": " + msg.Text + "\n")
		if len(c.out) == 0 {
			if err := w.Flush(); err != nil {
				return
			}
		}
	}
}

// broadcast hands every message to every client but its sender, and to
// the store.
func (s *Server) broadcast(ctx context.Context) {
	for {
		select {
		case msg := <-s.inbox:
			s.mu.Lock()
			for c := range s.clients {
				if c.name != msg.From {
					c.out <- msg
				}
			}
			s.mu.Unlock()
			select {
			case s.saves <- msg:
			default:
			}
		case <-ctx.Done():
			return
		}
	}
}

// persist saves each message without holding up the broadcaster.
func (s *Server) persist(ctx context.Context) {
	for msg := range s.saves {
		go func() {
			if err := s.store.Save(ctx, msg); err != nil {
				log.Printf("chat: save: %v", err)
			}
		}()
	}
}
