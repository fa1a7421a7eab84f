package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is the health and metrics HTTP server.
type Server struct {
	addr  string
	log   *slog.Logger
	srv   *http.Server
	mu    sync.Mutex
	ln    net.Listener
	serve chan error // the result of http.Server.Serve, once started
}

// NewServer returns a server for addr (host:port; ":8080" listens on every
// interface) with /healthz, /readyz (from ready; nil means always ready)
// and /metrics (from m; nil means no /metrics). It does not listen until
// Start.
func NewServer(addr string, m *Metrics, ready func() (bool, string), log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if ready == nil {
		ready = func() (bool, string) { return true, "" }
	}
	mux := http.NewServeMux()
	// "GET" patterns also answer HEAD, which some probes use.
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeText(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ok, why := ready()
		if !ok {
			if why == "" {
				why = "not ready"
			}
			writeText(w, http.StatusServiceUnavailable, why)
			return
		}
		writeText(w, http.StatusOK, "ready")
	})
	if m != nil {
		mux.Handle("GET /metrics", m.Handler())
	}
	return &Server{
		addr: addr,
		log:  log,
		srv: &http.Server{
			Handler: mux,
			// Probes and scrapers are local and quick; bound everything so a
			// stuck client cannot hold a connection open forever.
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       60 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
	}
}

func writeText(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	fmt.Fprintln(w, msg)
}

// Start listens and serves in the background. It returns once the address
// is bound, so a port already in use is reported here rather than lost in a
// goroutine.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("ops: server already started")
	}
	if s.addr == "" {
		return errors.New("ops: no address to listen on")
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("couldn't listen on %s for health and metrics: %w", s.addr, err)
	}
	s.ln = ln
	s.serve = make(chan error, 1)
	s.log.Info("health and metrics server listening", "addr", ln.Addr().String())
	go func() { s.serve <- s.srv.Serve(ln) }()
	return nil
}

// Addr returns the address the server listens on (useful with port 0), or
// "" before Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Shutdown stops listening and waits, until ctx is done, for requests in
// flight to finish.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	started := s.ln != nil
	s.mu.Unlock()
	if !started {
		return nil
	}
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("couldn't shut the health server down cleanly: %w", err)
	}
	if err := <-s.serve; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("health server failed: %w", err)
	}
	s.log.Info("health and metrics server stopped")
	return nil
}
