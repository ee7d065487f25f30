package sendunderlock

import "testing"

// A test that exercises the set with an unbuffered channel does not
// change what the package itself stores there.
func TestReqSet(t *testing.T) {
	var s reqSet
	s.Add(make(chan connRequest))
	if _, ok := s.TakeRandom(); !ok {
		t.Fatal("empty")
	}
}
