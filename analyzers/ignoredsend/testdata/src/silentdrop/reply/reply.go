package reply

import (
	"sync"
	"time"
)

// Per-request reply channels (memberlist probes): every caller makes
// ackCh with room for the answers it wants and hands it to one request;
// the handlers only drop answers once the buffer is full.
type ackMessage struct {
	complete bool
	payload  []byte
}

type member struct {
	mu       sync.Mutex
	handlers map[uint32]func([]byte)
	checks   int
}

func (m *member) setProbeChannels(seq uint32, ackCh chan ackMessage, timeout time.Duration) {
	ackFn := func(payload []byte) {
		select {
		case ackCh <- ackMessage{true, payload}:
		default:
		}
	}
	time.AfterFunc(timeout, func() {
		select {
		case ackCh <- ackMessage{false, nil}:
		default:
		}
	})
	m.mu.Lock()
	m.handlers[seq] = ackFn
	m.mu.Unlock()
}

func (m *member) probe(seq uint32) bool {
	ackCh := make(chan ackMessage, m.checks+1)
	m.setProbeChannels(seq, ackCh, time.Second)
	select {
	case v := <-ackCh:
		return v.complete
	case <-time.After(time.Second):
		return false
	}
}

func (m *member) ping(seq uint32) bool {
	ackCh := make(chan ackMessage, 1)
	m.setProbeChannels(seq, ackCh, time.Second)
	v := <-ackCh
	return v.complete
}

// A caller passes an unbuffered channel: an answer that comes before
// the waiter is lost.
func (m *member) register(seq uint32, out chan ackMessage) {
	m.handlers[seq] = func(payload []byte) {
		select {
		case out <- ackMessage{true, payload}: // want `the value sent on out is dropped`
		default:
		}
	}
}

func (m *member) await(seq uint32) ackMessage {
	out := make(chan ackMessage)
	m.register(seq, out)
	return <-out
}

// A channel shared by many requests is no per-request reply channel.
func (m *member) registerShared(seq uint32, out chan ackMessage) {
	m.handlers[seq] = func(payload []byte) {
		select {
		case out <- ackMessage{true, payload}: // want `the value sent on out is dropped`
		default:
		}
	}
}

func (m *member) awaitAll(seqs []uint32) []ackMessage {
	out := make(chan ackMessage, 4)
	var res []ackMessage
	for _, s := range seqs {
		m.registerShared(s, out)
	}
	for range seqs {
		res = append(res, <-out)
	}
	return res
}
