package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
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

var listeningAddr = regexp.MustCompile(`msg="health and metrics server listening" addr=(\S+)`)

// TestServeStaysLiveWhileDiscordFails runs the whole serve command against a
// fake Discord whose gateway lookup fails twice: /healthz must answer 200
// (a liveness probe must not restart a pod for Discord's outage), /readyz
// 503 with the reason, and serve must keep retrying until Discord answers,
// then identify and stop cleanly.
func TestServeStaysLiveWhileDiscordFails(t *testing.T) {
	srv := discordtest.New(t)
	srv.FailNext("GET", "/gateway", http.StatusServiceUnavailable, 0)
	srv.FailNext("GET", "/gateway", http.StatusServiceUnavailable, 0)
	// serve reaches the fake through a proxy that holds the third lookup
	// (the one that succeeds) until the probes below were read: otherwise
	// only the backoff's wait (2 s) would keep serve from connecting first.
	release := make(chan struct{})
	var releaseOnce sync.Once
	open := func() { releaseOnce.Do(func() { close(release) }) }
	target, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/gateway") && proxied.Add(1) > 2 {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	t.Cleanup(open) // runs first: Close waits for the held request
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var errOut syncBuffer
	env := append(serveEnv(t, srv), "DISCORD_API_URL="+proxy.URL) // the last setting wins
	m := &Main{Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &errOut, Environ: env}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan int, 1)
	go func() { done <- m.Run(runCtx, []string{"serve"}) }()

	// The second lookup comes after the first failed and was reported; the
	// third is held until open: meanwhile /readyz must give the reason.
	lookups := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Method == "GET" && r.Path == "/gateway" {
				n++
			}
		}
		return n
	}
	if err := srv.Wait(ctx, func() bool { return lookups() >= 2 }); err != nil {
		t.Fatalf("serve did not retry the gateway lookup: %v\n%s", err, errOut.String())
	}
	// The ops server started before the engine, so its line is logged by now.
	match := listeningAddr.FindStringSubmatch(errOut.String())
	if match == nil {
		t.Fatalf("no health server address in the log:\n%s", errOut.String())
	}
	base := "http://" + match[1]
	if code, _ := getText(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz while Discord fails = %d, want 200", code)
	}
	if code, body := getText(t, base+"/readyz"); code != 503 || !strings.Contains(body, "gateway: couldn't connect to the Discord gateway") || strings.Contains(body, "index") {
		t.Errorf("/readyz while Discord fails = %d %q, want 503 naming only the gateway and why", code, body)
	}
	if _, body := getText(t, base+"/metrics"); !strings.Contains(body, "leviathan_discord_reconnects_total 0") {
		t.Errorf("/metrics lacks leviathan_discord_reconnects_total:\n%.500s", body)
	}
	if strings.Contains(errOut.String(), discordtest.Token) {
		t.Error("the token reached the log")
	}

	open()
	if _, err := srv.WaitIdentify(ctx); err != nil {
		t.Fatalf("serve never connected once Discord answered: %v\n%s", err, errOut.String())
	}
	stop()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
}

// TestServeCountsLLMRequestErrors: a 429 that the retry cures leaves the
// answer whole (no fallback) but shows on /metrics, where an operator near
// the backend's rate limit looks for it.
func TestServeCountsLLMRequestErrors(t *testing.T) {
	srv := discordtest.New(t)
	model := llmtest.New(t)
	model.Push(llmtest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "0"}, llmtest.Reply{Text: "DOGE ist eine Behörde unter Musk [1]. „Musk leitet sie ganz allein und ohne jede Aufsicht“ [1]."})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var errOut syncBuffer
	env := append(serveEnv(t, srv), "OPENAI_BASE_URL="+model.BaseURL(), "LEVIATHAN_MODEL=fake-model", "LEVIATHAN_LLM_RETRIES=2")
	m := &Main{Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &errOut, Environ: env}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan int, 1)
	go func() { done <- m.Run(runCtx, []string{"serve"}) }()
	if err := srv.Wait(ctx, func() bool { return srv.Commands(discordtest.DefaultGuildID) != nil }); err != nil {
		t.Fatalf("no registration: %v\n%s", err, errOut.String())
	}
	if got := askAndWait(ctx, t, srv, "Was ist DOGE?"); !strings.Contains(got, "Behörde unter Musk") {
		t.Errorf("answer:\n%s", got)
	}
	match := listeningAddr.FindStringSubmatch(errOut.String())
	if match == nil {
		t.Fatalf("no health server address in the log:\n%s", errOut.String())
	}
	_, body := getText(t, "http://"+match[1]+"/metrics")
	for _, want := range []string{
		`leviathan_llm_request_errors_total{reason="rate_limited"} 1`,
		`leviathan_llm_request_errors_total{reason="server_error"} 0`,
		`leviathan_llm_unverified_quotes_total 1`, // the invented quotation
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "leviathan_llm_fallbacks_total{") {
		t.Errorf("a cured 429 was counted as a fallback:\n%s", grepLines(body, "fallbacks"))
	}
	stop()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
