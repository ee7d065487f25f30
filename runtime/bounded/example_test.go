package bounded_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/bplint/bplint/runtime/bounded"
)

// A producer and a consumer connected by a bounded queue: Send blocks
// while the queue is full, Close lets the consumer drain and stop.
func ExampleQueue() {
	ctx := context.Background()
	q := bounded.NewQueue[int](2)

	go func() {
		defer q.Close()
		for i := 1; i <= 5; i++ {
			if err := q.Send(ctx, i); err != nil {
				return // ctx done or queue closed
			}
		}
	}()

	sum := 0
	for v := range q.All(ctx) {
		sum += v
	}
	fmt.Println("sum:", sum)
	fmt.Println("HighWater <= Cap:", q.Stats().HighWater <= q.Cap())
	// Output:
	// sum: 15
	// HighWater <= Cap: true
}

// DropOldest keeps the freshest values and counts what it discards.
func ExampleQueue_dropOldest() {
	ctx := context.Background()
	q := bounded.NewQueue[string](3,
		bounded.WithPolicy(bounded.DropOldest),
		bounded.WithDropHandler(func(v string) { fmt.Println("dropped", v) }),
	)
	for _, v := range []string{"a", "b", "c", "d", "e"} {
		_ = q.Send(ctx, v) // never blocks; nil even when something was dropped
	}
	q.Close()
	for v := range q.All(ctx) {
		fmt.Println("got", v)
	}
	fmt.Println(q.Stats())
	// Output:
	// dropped a
	// dropped b
	// got c
	// got d
	// got e
	// sent=5 received=3 dropped=2 rejected=0 len=0/3 highwater=3 bytes=0/0
}

// RecvBatch takes everything available (up to len(dst)) in one call.
func ExampleQueue_RecvBatch() {
	ctx := context.Background()
	q := bounded.NewQueue[int](100)
	for i := 0; i < 10; i++ {
		_ = q.TrySend(i)
	}
	buf := make([]int, 4)
	for q.Len() > 0 {
		n, _ := q.RecvBatch(ctx, buf)
		fmt.Println(buf[:n])
	}
	// Output:
	// [0 1 2 3]
	// [4 5 6 7]
	// [8 9]
}

// chatClient is one connected chat user. Its outgoing messages go through
// a bounded DropOldest queue drained by one goroutine, so a slow client
// loses old messages instead of stalling the room or growing memory.
type chatClient struct {
	name string
	out  *bounded.Queue[string]
	conn net.Conn
	done chan struct{}
}

func newChatClient(name string, conn net.Conn) *chatClient {
	c := &chatClient{
		name: name,
		out:  bounded.NewQueue[string](3, bounded.WithPolicy(bounded.DropOldest)),
		conn: conn,
		done: make(chan struct{}),
	}
	go c.pump()
	return c
}

func (c *chatClient) pump() {
	defer close(c.done)
	defer c.conn.Close()
	for msg := range c.out.All(context.Background()) {
		if _, err := io.WriteString(c.conn, msg+"\n"); err != nil {
			c.out.Close() // client gone: stop queueing for it
			return
		}
	}
}

type chatRoom struct {
	mu      sync.Mutex
	clients []*chatClient
}

func (r *chatRoom) broadcast(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.clients {
		_ = c.out.Send(context.Background(), msg) // DropOldest: never blocks
	}
}

// A chat server whose per-client queues are bounded: one client that
// stops reading neither blocks the broadcast nor grows memory; it just
// misses old messages (counted in Stats().Dropped). To disconnect slow
// clients instead, use the Block policy with TrySend and close the client
// on ErrFull.
func Example_chatServer() {
	room := &chatRoom{}
	var readers []net.Conn
	for _, name := range []string{"fast", "slow"} {
		server, client := net.Pipe()
		room.clients = append(room.clients, newChatClient(name, server))
		readers = append(readers, client)
	}

	// The fast client reads every message as it arrives.
	fastLines := make(chan string)
	go func() {
		defer close(fastLines)
		sc := bufio.NewScanner(readers[0])
		for sc.Scan() {
			fastLines <- sc.Text()
		}
	}()
	var fastGot []string

	room.broadcast("m1")
	fastGot = append(fastGot, <-fastLines)
	// The slow client does not read: its pump takes m1 and blocks writing
	// it. Wait for that so that the output is deterministic.
	for room.clients[1].out.Len() != 0 {
		time.Sleep(time.Millisecond)
	}
	for i := 2; i <= 10; i++ {
		room.broadcast(fmt.Sprintf("m%d", i)) // never blocks on the slow client
		fastGot = append(fastGot, <-fastLines)
	}
	for _, c := range room.clients {
		c.out.Close() // deliver what is queued, then hang up
	}

	slow, _ := io.ReadAll(readers[1]) // the slow client finally reads
	for range fastLines {
	}
	for _, c := range room.clients {
		<-c.done
	}
	fmt.Println("fast got:", fastGot)
	fmt.Println("slow got:", strings.Fields(string(slow)))
	fmt.Println("slow dropped:", room.clients[1].out.Stats().Dropped)
	// Output:
	// fast got: [m1 m2 m3 m4 m5 m6 m7 m8 m9 m10]
	// slow got: [m1 m8 m9 m10]
	// slow dropped: 6
}

// An echo server using the framed codec: Relay reads a frame, transforms
// it and writes the reply, with memory bounded by one frame plus the write
// buffer, and refuses frames over the maximum before allocating them.
func Example_echoServer() {
	serverConn, clientConn := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	serverErr := make(chan error, 1)
	go func() {
		defer serverConn.Close()
		serverErr <- bounded.Relay(ctx, serverConn, serverConn, func(frame []byte) ([]byte, error) {
			return []byte(strings.ToUpper(string(frame))), nil
		}, bounded.WithMaxFrameSize(64))
	}()

	fw := bounded.NewFrameWriter(clientConn, bounded.WithMaxFrameSize(1024))
	fr := bounded.NewFrameReader(clientConn, bounded.WithMaxFrameSize(64))
	for _, msg := range []string{"hello", "framed world"} {
		_ = fw.WriteFrame([]byte(msg))
		_ = fw.Flush()
		reply, err := fr.ReadFrame()
		fmt.Printf("%s -> %s %v\n", msg, reply, err)
	}

	// A frame larger than the server's maximum: the server stops before
	// reading (let alone allocating) the payload.
	go func() {
		_ = fw.WriteFrame(make([]byte, 100))
		_ = fw.Flush()
	}()
	err := <-serverErr
	fmt.Println("server:", err, errors.Is(err, bounded.ErrFrameTooLarge))
	clientConn.Close()
	// Output:
	// hello -> HELLO <nil>
	// framed world -> FRAMED WORLD <nil>
	// server: bounded: frame of 100 bytes exceeds the maximum of 64 bytes true
}

type event struct {
	User   string
	Action string
}

// A database writer behind an HTTP handler: events are batched into bulk
// inserts by a Writer with a bounded queue, and when the database cannot
// keep up the handler answers 503 at once (TryWrite returns ErrOverloaded)
// instead of piling up requests and memory.
func Example_databaseWriter() {
	dbBusy := make(chan struct{}, 1)
	release := make(chan struct{})
	var inserted []event
	insert := func(ctx context.Context, batch []event) error {
		select {
		case dbBusy <- struct{}{}:
		default:
		}
		select {
		case <-release: // a slow database
		case <-ctx.Done():
			return ctx.Err()
		}
		inserted = append(inserted, batch...) // copy: batch is reused
		return nil
	}
	w := bounded.NewWriter(insert, bounded.WithQueueSize(2), bounded.WithMaxBatch(100))

	handler := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		ev := event{User: r.URL.Query().Get("user"), Action: "click"}
		switch err := w.TryWrite(ev); {
		case errors.Is(err, bounded.ErrOverloaded):
			rw.Header().Set("Retry-After", "1")
			http.Error(rw, "overloaded, retry later", http.StatusServiceUnavailable)
		case err != nil:
			http.Error(rw, err.Error(), http.StatusInternalServerError)
		default:
			rw.WriteHeader(http.StatusAccepted)
		}
	})
	srv := httptest.NewServer(handler)
	defer srv.Close()

	for i, user := range []string{"ann", "bob", "cid", "dan", "eve"} {
		resp, err := http.Post(srv.URL+"?user="+user, "text/plain", nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(user, resp.StatusCode)
		if i == 0 {
			<-dbBusy // the first insert is running: the queue holds 2 more
		}
	}
	close(release)
	if err := w.Close(context.Background()); err != nil {
		fmt.Println(err)
	}
	fmt.Println("inserted:", len(inserted))
	s := w.Stats()
	fmt.Println("written:", s.Written, "rejected:", s.Rejected)
	// Output:
	// ann 202
	// bob 202
	// cid 202
	// dan 503
	// eve 503
	// inserted: 3
	// written: 3 rejected: 2
}

// ReadAll refuses, with a typed error, inputs larger than the limit.
func ExampleReadAll() {
	body, err := bounded.ReadAll(strings.NewReader("small body"), 1<<10)
	fmt.Printf("%q %v\n", body, err)

	_, err = bounded.ReadAll(strings.NewReader(strings.Repeat("x", 5000)), 1<<10)
	var le *bounded.LimitError
	fmt.Println(err, errors.Is(err, bounded.ErrTooLarge), errors.As(err, &le) && le.Limit == 1024)
	// Output:
	// "small body" <nil>
	// bounded: input exceeds the limit of 1024 bytes true true
}

// NewLimitedReader reports an over-long input instead of truncating it.
func ExampleNewLimitedReader() {
	r := bounded.NewLimitedReader(strings.NewReader("0123456789"), 4)
	b, err := io.ReadAll(r)
	fmt.Printf("%q %v\n", b, err)
	// Output:
	// "0123" bounded: input exceeds the limit of 4 bytes
}

// LineReader replaces bufio.NewReader(conn) with a bound on line length.
func ExampleLineReader() {
	input := "HELO example.org\r\nMAIL FROM:<" + strings.Repeat("a", 100) + ">\r\nQUIT\r\n"
	r := bounded.NewLineReader(strings.NewReader(input), 64)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Printf("%q\n", line)
	}
	// The stream is poisoned: the rest of the long line is never parsed
	// as a command.
	_, err := r.ReadString('\n')
	fmt.Println("again:", err == bounded.ErrLineTooLong)
	// Output:
	// "HELO example.org\r\n"
	// error: bounded: line too long
	// again: true
}

// A Writer batching rows with a flush interval; Flush waits for what was
// written before it and reports sink errors.
func ExampleWriter() {
	ctx := context.Background()
	var mu sync.Mutex
	var batches []int
	w := bounded.NewWriter(func(ctx context.Context, rows []string) error {
		mu.Lock()
		batches = append(batches, len(rows))
		mu.Unlock()
		return nil
	}, bounded.WithMaxBatch(4), bounded.WithFlushInterval(time.Hour))

	for i := 0; i < 10; i++ {
		if err := w.Write(ctx, fmt.Sprint("row", i)); err != nil {
			fmt.Println(err)
		}
	}
	if err := w.Flush(ctx); err != nil { // sends the partial batch now
		fmt.Println(err)
	}
	if err := w.Close(ctx); err != nil {
		fmt.Println(err)
	}
	fmt.Println("batch sizes:", batches)
	s := w.Stats()
	fmt.Println("written:", s.Written, "batches:", s.Batches)
	// Output:
	// batch sizes: [4 4 2]
	// written: 10 batches: 3
}
