package ops

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, method, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestRoutes(t *testing.T) {
	r := NewReadiness("index", "gateway")
	srv := httptest.NewServer(NewServer("", NewMetrics(), r.Check, nil).srv.Handler)
	defer srv.Close()

	tests := []struct {
		method, path string
		code         int
		body         string
	}{
		{"GET", "/healthz", 200, "ok"},
		{"HEAD", "/healthz", 200, ""},
		{"POST", "/healthz", 405, ""},
		{"GET", "/readyz", 503, "index: not ready yet; gateway: not ready yet"},
		{"GET", "/nope", 404, ""},
	}
	for _, tt := range tests {
		code, body := get(t, tt.method, srv.URL+tt.path)
		if code != tt.code {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, code, tt.code)
		}
		if tt.body != "" && body != tt.body {
			t.Errorf("%s %s body = %q, want %q", tt.method, tt.path, body, tt.body)
		}
	}
}

func TestReadyzFollowsReadiness(t *testing.T) {
	r := NewReadiness("index", "gateway")
	srv := httptest.NewServer(NewServer("", nil, r.Check, nil).srv.Handler)
	defer srv.Close()
	var gw struct {
		ok  bool
		why string
	}
	gateway := func() (bool, string) { return gw.ok, gw.why }

	steps := []struct {
		do   func()
		code int
		body string
	}{
		{func() {}, 503, "index: not ready yet; gateway: not ready yet"},
		{func() { r.OK("index") }, 503, "gateway: not ready yet"},
		{func() { gw.why = "couldn't reach Discord: connection refused"; r.Track("gateway", gateway) }, 503, "gateway: couldn't reach Discord: connection refused"},
		{func() { gw.ok, gw.why = true, "connected" }, 200, "ready"},
		{func() { gw.ok, gw.why = false, "" }, 503, "gateway: not ready"},
	}
	for i, s := range steps {
		s.do()
		code, body := get(t, "GET", srv.URL+"/readyz")
		if code != s.code || body != s.body {
			t.Errorf("step %d: /readyz = %d %q, want %d %q", i, code, body, s.code, s.body)
		}
		// Liveness never depends on readiness.
		if code, _ := get(t, "GET", srv.URL+"/healthz"); code != 200 {
			t.Errorf("step %d: /healthz = %d, want 200", i, code)
		}
	}
}

func TestReadinessTrack(t *testing.T) {
	r := NewReadiness("index", "gateway")
	r.OK("index")
	gw := struct {
		ok  bool
		why string
	}{false, "connecting to the Discord gateway"}
	r.Track("gateway", func() (bool, string) { return gw.ok, gw.why })

	steps := []struct {
		do   func()
		ok   bool
		want string
	}{
		{func() {}, false, "gateway: connecting to the Discord gateway"},
		{func() { gw.ok, gw.why = true, "connected" }, true, ""},
		{func() { gw.ok, gw.why = false, "" }, false, "gateway: not ready"},
		// A fixed state replaces the tracked function.
		{func() { r.OK("gateway") }, true, ""},
	}
	for i, s := range steps {
		s.do()
		if ok, why := r.Check(); ok != s.ok || why != s.want {
			t.Errorf("step %d: Check() = %v %q, want %v %q", i, ok, why, s.ok, s.want)
		}
	}
}

func TestNoMetricsRouteWithoutMetrics(t *testing.T) {
	srv := httptest.NewServer(NewServer("", nil, nil, nil).srv.Handler)
	defer srv.Close()
	if code, _ := get(t, "GET", srv.URL+"/metrics"); code != 404 {
		t.Errorf("/metrics without Metrics = %d, want 404", code)
	}
	if code, body := get(t, "GET", srv.URL+"/readyz"); code != 200 || body != "ready" {
		t.Errorf("/readyz with nil ready = %d %q, want 200 ready", code, body)
	}
}

func TestStartServesAndShutdownStops(t *testing.T) {
	s := NewServer("127.0.0.1:0", NewMetrics(), nil, nil)
	if s.Addr() != "" {
		t.Fatalf("Addr before Start = %q, want empty", s.Addr())
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	base := "http://" + s.Addr()
	if code, _ := get(t, "GET", base+"/healthz"); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	if err := s.Start(); err == nil {
		t.Error("second Start succeeded, want an error")
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after Shutdown")
	}
}

func TestStartReportsAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := NewServer(ln.Addr().String(), nil, nil, nil)
	if err := s.Start(); err == nil {
		s.Shutdown(context.Background())
		t.Fatal("Start on a busy port succeeded")
	}
	if err := NewServer("", nil, nil, nil).Start(); err == nil {
		t.Error("Start with no address succeeded")
	}
}

func TestShutdownBeforeStart(t *testing.T) {
	if err := NewServer("127.0.0.1:0", nil, nil, nil).Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown of a server never started: %v", err)
	}
}

func TestShutdownWaitsForRequestInFlight(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	slow := func() (bool, string) {
		close(entered)
		<-release
		return true, ""
	}
	s := NewServer("127.0.0.1:0", nil, slow, nil)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	got := make(chan int, 1)
	go func() {
		resp, err := http.Get("http://" + s.Addr() + "/readyz")
		if err != nil {
			got <- -1
			return
		}
		resp.Body.Close()
		got <- resp.StatusCode
	}()
	<-entered

	// A shutdown whose deadline has passed gives up on the request...
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Shutdown(expired); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown with a cancelled context = %v, want context.Canceled", err)
	}
	// ...and one with time lets it finish with its answer.
	close(release)
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if code := <-got; code != 200 {
		t.Errorf("request in flight got %d, want 200", code)
	}
}
