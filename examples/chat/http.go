package chat

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// Handler serves the room over HTTP: POST /send posts a line, GET
// /history returns recent messages, waiting at most a second for the
// store.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /send", s.send)
	mux.HandleFunc("GET /history", s.history)
	return mux
}

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	msg := Message{From: r.URL.Query().Get("from"), Text: strings.TrimSpace(string(body)), At: time.Now()}
	s.inbox <- msg
	w.WriteHeader(http.StatusAccepted)
}

func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	type result struct {
		msgs []Message
		err  error
	}
	done := make(chan result)
	go func() {
		msgs, err := s.store.Recent(r.Context(), 50)
		done <- result{msgs, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			http.Error(w, res.err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(res.msgs)
	case <-time.After(time.Second):
		http.Error(w, "store too slow", http.StatusGatewayTimeout)
	}
}
