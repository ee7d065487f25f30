package corpusfp

import "net/http"

// A hub whose run loop never stops (gorilla/websocket chat): every
// receive of register is in for { select { ... } } with no way out, in
// a function started with go.
type client struct {
	hub  *hub
	send chan []byte
}

type hub struct {
	clients    map[*client]bool
	register   chan *client
	unregister chan *client
	broadcast  chan []byte
}

func newHub() *hub {
	return &hub{
		clients:    make(map[*client]bool),
		register:   make(chan *client),
		unregister: make(chan *client),
		broadcast:  make(chan []byte),
	}
}

func (h *hub) run() {
	for {
		select {
		case c := <-h.register:
			h.clients[c] = true
		case c := <-h.unregister:
			if _, ok := h.clients[c]; ok {
				delete(h.clients, c)
				close(c.send)
			}
		case m := <-h.broadcast:
			for c := range h.clients {
				select {
				case c.send <- m:
				default:
					break // leaves the select only
				}
			}
		}
	}
}

func startHub() *hub {
	h := newHub()
	go h.run()
	return h
}

func serveWs(h *hub, w http.ResponseWriter, r *http.Request) {
	c := &client{hub: h, send: make(chan []byte, 256)}
	c.hub.register <- c
	c.hub.broadcast <- []byte("joined")
}

// A run loop that stops: its receiver can be gone.
type stoppingHub struct {
	register chan *client
	quit     chan struct{}
}

func (h *stoppingHub) run() {
	for {
		select {
		case <-h.register:
		case <-h.quit:
			return
		}
	}
}

func startStoppingHub() *stoppingHub {
	h := &stoppingHub{register: make(chan *client), quit: make(chan struct{})}
	go h.run()
	return h
}

func joinStopping(h *stoppingHub, r *http.Request, c *client) {
	h.register <- c // want `send on h.register blocks`
}

// A labeled break out of the loop is a way out too.
type breakingHub struct {
	register chan *client
}

func (h *breakingHub) run() {
loop:
	for {
		select {
		case c := <-h.register:
			if c == nil {
				break loop
			}
		}
	}
}

func startBreakingHub() *breakingHub {
	h := &breakingHub{register: make(chan *client)}
	go h.run()
	return h
}

func joinBreaking(h *breakingHub, r *http.Request, c *client) {
	h.register <- c // want `send on h.register blocks`
}

// A loop that is never started as a goroutine is no receiver to count on.
type idleHub struct {
	register chan *client
}

func (h *idleHub) run() {
	for {
		<-h.register
	}
}

func joinIdle(h *idleHub, r *http.Request, c *client) {
	h.register <- c // want `send on h.register blocks`
}
