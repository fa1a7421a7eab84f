package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/leviathan-bot/leviathan/bot/nettest"
)

func TestHealthURL(t *testing.T) {
	tests := []struct {
		addr, want, err string
	}{
		{":8080", "http://127.0.0.1:8080/healthz", ""},
		{"0.0.0.0:9000", "http://127.0.0.1:9000/healthz", ""},
		{"127.0.0.1:8080", "http://127.0.0.1:8080/healthz", ""},
		{"[::]:8080", "http://[::1]:8080/healthz", ""},
		{"[::1]:81", "http://[::1]:81/healthz", ""},
		{"bot.internal:8080", "http://bot.internal:8080/healthz", ""},
		{"", "", "health server is off"},
		{"8080", "", "couldn't read LEVIATHAN_HTTP_ADDR"},
	}
	for _, tt := range tests {
		got, err := healthURL(tt.addr)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("healthURL(%q) error = %v, want one containing %q", tt.addr, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("healthURL(%q) = %q, %v; want %q", tt.addr, got, err, tt.want)
		}
	}
}

func TestHTTPAddrFrom(t *testing.T) {
	if got := httpAddrFrom(nil); got != "127.0.0.1:8080" {
		t.Errorf("default = %q, want the settings default 127.0.0.1:8080", got)
	}
	if got := httpAddrFrom([]string{"LEVIATHAN_HTTP_ADDR= :9090 "}); got != ":9090" {
		t.Errorf("from env = %q, want :9090", got)
	}
	if got := httpAddrFrom([]string{"LEVIATHAN_HTTP_ADDR="}); got != "" {
		t.Errorf("empty env = %q, want empty (server off)", got)
	}
}

func runHC(t *testing.T, environ []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Environ: environ}
	code := m.Run(context.Background(), append([]string{"healthcheck"}, args...))
	return code, out.String(), errb.String()
}

func TestHealthcheck(t *testing.T) {
	// The handler runs on the server's goroutines: share through atomics.
	var status atomic.Int32
	var path atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path.Store(r.URL.Path)
		w.WriteHeader(int(status.Load()))
		w.Write([]byte("gateway: connecting\n"))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	env := []string{"LEVIATHAN_HTTP_ADDR=" + addr}

	status.Store(200)
	code, out, _ := runHC(t, env)
	if code != 0 || !strings.Contains(out, "healthy") || path.Load() != "/healthz" {
		t.Errorf("200: code %d, out %q, path %q; want 0, healthy, /healthz", code, out, path.Load())
	}

	status.Store(503)
	code, _, errs := runHC(t, env)
	if code != 1 || !strings.Contains(errs, "503") || !strings.Contains(errs, "gateway: connecting") {
		t.Errorf("503: code %d, stderr %q; want 1 and the status with the reason", code, errs)
	}

	status.Store(200)
	code, _, _ = runHC(t, nil, "--url", srv.URL+"/readyz")
	if code != 0 || path.Load() != "/readyz" {
		t.Errorf("--url: code %d, path %q; want 0, /readyz", code, path.Load())
	}
}

func TestHealthcheckUnreachable(t *testing.T) {
	code, _, errs := runHC(t, []string{"LEVIATHAN_HTTP_ADDR=" + nettest.RefusedAddr(t)})
	if code != 1 || !strings.Contains(errs, "couldn't reach") {
		t.Errorf("code %d, stderr %q; want 1 and couldn't reach", code, errs)
	}
}

func TestHealthcheckTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Hang until the client gives up (or the test ends).
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	code, _, errs := runHC(t, nil, "--url", srv.URL+"/healthz", "--timeout", "50ms")
	if code != 1 || !strings.Contains(errs, "did not answer within 50ms") {
		t.Errorf("code %d, stderr %q; want 1 and a timeout message", code, errs)
	}
}

func TestHealthcheckServerOff(t *testing.T) {
	code, _, errs := runHC(t, []string{"LEVIATHAN_HTTP_ADDR="})
	if code != 1 || !strings.Contains(errs, "off") {
		t.Errorf("code %d, stderr %q; want 1 and that the server is off", code, errs)
	}
}

func TestHealthcheckUsage(t *testing.T) {
	if code, _, _ := runHC(t, nil, "extra"); code != exitUsage {
		t.Errorf("extra argument: code %d, want %d", code, exitUsage)
	}
	if code, _, _ := runHC(t, nil, "--nope"); code != exitUsage {
		t.Errorf("unknown flag: code %d, want %d", code, exitUsage)
	}
	if code, _, errs := runHC(t, nil, "-h"); code != exitOK || !strings.Contains(errs, "--url") && !strings.Contains(errs, "-url") {
		t.Errorf("-h: code %d, stderr %q", code, errs)
	}
}
