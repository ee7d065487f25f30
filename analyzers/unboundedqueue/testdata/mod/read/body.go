package read

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

type Payload struct{ Name string }

// Positive cases.

func handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body) // want `io.ReadAll reads everything from the request body into memory with no size limit: the peer decides how much is allocated; wrap r.Body in http.MaxBytesReader, or read with bounded.ReadAll\(r.Body, max\)`
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var p Payload
	_ = json.Unmarshal(body, &p)
}

func decode(req *http.Request, v any) error {
	data, err := io.ReadAll(req.Body) // want `io.ReadAll reads everything from the request body.*wrap req.Body in http.MaxBytesReader`
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

func readBody(rd io.Reader) ([]byte, error) {
	return io.ReadAll(rd) // want `io.ReadAll reads everything from the request body`
}

func viaHelper(w http.ResponseWriter, r *http.Request) {
	b, _ := readBody(r.Body)
	_, _ = w.Write(b)
}

// Negative cases.

func limited(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	body, _ := io.ReadAll(r.Body)
	_, _ = w.Write(body)
}

func limitReader(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	_, _ = w.Write(body)
}

func wrapped(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, 4096))
	_, _ = w.Write(body)
}

func fetch(url string) ([]byte, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body) // response bodies need -response-bodies
}

type transport struct{}

func (transport) RoundTrip(req *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(req.Body) // an outgoing request: its body is ours
	_ = b
	return nil, nil
}

func requestOfResponse(resp *http.Response) {
	b, _ := io.ReadAll(resp.Request.Body)
	_ = b
}

func suppressed(r *http.Request) {
	//bplint:ignore unboundedqueue/unbounded-read the proxy in front limits bodies to 1 MiB
	_, _ = io.ReadAll(r.Body)
}

// The limit idiom of net/http's parsePostForm.
func parseForm(r *http.Request) ([]byte, error) {
	var reader io.Reader = r.Body
	if r.ContentLength < 0 {
		reader = io.LimitReader(r.Body, 10<<20)
	}
	return io.ReadAll(reader)
}

// Test support code outside a _test.go file.

func executeRequest(t *testing.T, r *http.Request) []byte {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
