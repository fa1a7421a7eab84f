package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func getText(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestStartOps(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	o, err := startOps(Config{HTTPAddr: "127.0.0.1:0"}, log)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + o.Addr()

	if code, _ := getText(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz before anything is loaded = %d, want 200", code)
	}
	if code, body := getText(t, base+"/readyz"); code != 503 || body != "index: not ready yet; gateway: not ready yet" {
		t.Errorf("/readyz at start = %d %q", code, body)
	}

	// serve's sequence: the store opens, the adapter reports its gateway.
	o.Ready.OK("index")
	gateway := make(chan struct{})
	o.Ready.Track("gateway", func() (bool, string) {
		select {
		case <-gateway:
			return true, "connected"
		default:
			return false, "couldn't connect to the Discord gateway: connection refused"
		}
	})
	if code, body := getText(t, base+"/readyz"); code != 503 || !strings.Contains(body, "connection refused") {
		t.Errorf("/readyz with Discord unreachable = %d %q, want 503 with the reason", code, body)
	}
	close(gateway)
	if code, _ := getText(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz when connected = %d, want 200", code)
	}

	o.Metrics.Question("ask", "ok", 0)
	if _, body := getText(t, base+"/metrics"); !strings.Contains(body, `leviathan_questions_total{command="ask",outcome="ok"} 1`) {
		t.Error("/metrics does not show the recorded question")
	}

	o.Stop()
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after Stop")
	}
}

func TestStartOpsOff(t *testing.T) {
	o, err := startOps(Config{HTTPAddr: ""}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr() != "" || o.Metrics == nil || o.Ready == nil {
		t.Errorf("server off: Addr %q, metrics %v, ready %v; want no address but usable metrics and readiness", o.Addr(), o.Metrics, o.Ready)
	}
	o.Stop() // must not panic
}

func TestStartOpsPortInUse(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	a, err := startOps(Config{HTTPAddr: "127.0.0.1:0"}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop()
	if _, err := startOps(Config{HTTPAddr: a.Addr()}, log); err == nil {
		t.Error("a second server on the same port started")
	}
}
