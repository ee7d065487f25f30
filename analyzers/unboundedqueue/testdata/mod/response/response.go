package response

import (
	"io"
	"net/http"
)

func fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body) // want `io.ReadAll reads everything from the response body into memory`
}

func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
}
