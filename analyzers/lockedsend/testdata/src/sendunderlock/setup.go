package sendunderlock

import "sync"

// A setup method makes a buffered channel for the requests the next
// calls queue, under the same mutex, before its consumer runs
// (go-ethereum's p2p.Server.Start: setupPortMapping makes
// portMappingRegister with room for two, setupListening and
// setupDiscovery send once each).
type portServer struct {
	mu       sync.Mutex
	register chan int
	listen   bool
	running  bool
	quit     chan struct{}
}

func (s *portServer) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running = true
	s.setupPorts()
	if s.listen {
		s.setupListening()
	}
	s.setupDiscovery()
}

func (s *portServer) setupPorts() {
	s.register = make(chan int, 2)
	go s.portLoop()
}

func (s *portServer) portLoop() {
	for {
		select {
		case <-s.register:
		case <-s.quit:
			return
		}
	}
}

func (s *portServer) Stop() { close(s.quit) }

func (s *portServer) setupListening() { // want setupListening:"mayBlock\\(sends on s.register"
	if s.listen {
		s.register <- 1
	}
}

func (s *portServer) setupDiscovery() { // want setupDiscovery:"mayBlock\\(sends on s.register"
	s.register <- 2
}

func (s *portServer) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// Near misses: room for two and three sends; a setup that makes the
// channel only on some paths; a callee that sends in a loop.
type smallServer struct {
	mu       sync.Mutex
	register chan int
	ports    []int
	nat      bool
}

func (s *smallServer) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setup()
	s.first()
	s.second()
	s.third() // want `call to s.third while s.mu is locked`
}

func (s *smallServer) StartMaybe() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setupIfNAT()
	s.first() // want `call to s.first while s.mu is locked`
}

func (s *smallServer) StartAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setup()
	s.all() // want `call to s.all while s.mu is locked`
}

func (s *smallServer) setup() { s.register = make(chan int, 2) }

func (s *smallServer) setupIfNAT() {
	if s.nat {
		s.register = make(chan int, 2)
	}
}

func (s *smallServer) first() { s.register <- 1 } // want first:"mayBlock\\(sends on s.register"

func (s *smallServer) second() { s.register <- 2 } // want second:"mayBlock\\(sends on s.register"

func (s *smallServer) third() { s.register <- 3 } // want third:"mayBlock\\(sends on s.register"

func (s *smallServer) all() { // want all:"mayBlock\\(sends on s.register"
	for _, p := range s.ports {
		s.register <- p
	}
}

func (s *smallServer) Ports() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ports
}
