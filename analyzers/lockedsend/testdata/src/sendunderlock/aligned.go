package sendunderlock

// Trailing comments aligned with the send's: gofmt realigns them after
// the move.
func (s *Server) aligned() { // want aligned:"mayBlock"
	s.mu.Lock()
	s.seq++
	ev := event{seq: s.seq} // copied under the lock
	s.events <- ev          // want `send on s.events while s.mu is locked`
	s.closed = true         // a flag
	s.mu.Unlock()
}
