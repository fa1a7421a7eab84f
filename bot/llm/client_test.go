package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
	"github.com/leviathan-bot/leviathan/bot/nettest"
)

// newClient returns a client of the fake whose retry waits are recorded,
// not slept.
func newClient(t *testing.T, s *llmtest.Server, cfg Config) (*Client, *[]time.Duration) {
	t.Helper()
	cfg.BaseURL = s.BaseURL()
	if cfg.Model == "" {
		cfg.Model = "fake-model"
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	waits := &[]time.Duration{}
	c.retry.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		*waits = append(*waits, d)
		return ctx.Err()
	}
	return c, waits
}

var msgs = []bot.Message{{Role: "system", Content: "sys"}, {Role: "user", Content: "Was ist Technofeudalismus?"}}

func reason(err error) string {
	var le *bot.LLMError
	if errors.As(err, &le) {
		return le.Reason
	}
	return "not an LLMError: " + err.Error()
}

func TestNewRejectsMalformedBaseURL(t *testing.T) {
	for _, u := range []string{"localhost:11434", "ftp://x/v1", "http://host/api", "http://%zz/v1"} {
		if _, err := New(Config{Model: "m", BaseURL: u}); err == nil || !strings.Contains(err.Error(), "base URL") {
			t.Errorf("New(%q) = %v, want a base URL error", u, err)
		}
	}
	if _, err := New(Config{Model: "m", BaseURL: "http://localhost:11434/v1/"}); err != nil {
		t.Errorf("a good base URL: %v", err)
	}
}

func TestCompleteSendsTheRequestAndReadsUsage(t *testing.T) {
	s := llmtest.New(t)
	s.Push(llmtest.Reply{Text: "Eine Antwort [1]."})
	c, _ := newClient(t, s, Config{APIKey: "sk-test", MaxCompletionTokens: 321})
	got, err := c.Complete(t.Context(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "Eine Antwort [1]." || got.Usage.PromptTokens == 0 || got.Usage.TotalTokens != got.Usage.PromptTokens+got.Usage.CompletionTokens {
		t.Errorf("got %+v", got)
	}
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Header.Get("Authorization") != "Bearer sk-test" {
		t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
	}
	if r.Chat.Model != "fake-model" || r.Chat.MaxCompletionTokens != 321 || r.Chat.Stream || len(r.Chat.Messages) != 2 ||
		r.Chat.Messages[1].Content != msgs[1].Content || r.Chat.Messages[0].Role != "system" {
		t.Errorf("request = %+v", r.Chat)
	}
}

func TestStreamDeliversDeltasAndUsage(t *testing.T) {
	s := llmtest.New(t)
	s.Push(llmtest.Reply{Text: "Der Autor meint damit eine neue Ordnung [2]."})
	c, _ := newClient(t, s, Config{})
	var deltas []string
	got, err := c.Stream(t.Context(), msgs, func(d string) { deltas = append(deltas, d) })
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "Der Autor meint damit eine neue Ordnung [2]." || strings.Join(deltas, "") != got.Text || len(deltas) < 5 {
		t.Errorf("text %q from %d deltas %q", got.Text, len(deltas), deltas)
	}
	if got.Usage.PromptTokens == 0 || got.Usage.CompletionTokens == 0 {
		t.Errorf("usage = %+v, want the stream's usage chunk", got.Usage)
	}
	chat := s.ChatRequests()[0]
	if !chat.Stream || chat.StreamOptions == nil || !chat.StreamOptions.IncludeUsage {
		t.Errorf("stream request = %+v, want stream with include_usage", chat)
	}
}

func TestStreamWithoutStreamOptionsSupport(t *testing.T) {
	s := llmtest.New(t)
	s.Push(llmtest.Reply{Status: 400, Body: `{"error":{"message":"unknown field: stream_options","type":"invalid_request_error"}}`},
		llmtest.Reply{Text: "ok [1]", NoUsage: true}, llmtest.Reply{Text: "again [1]", NoUsage: true})
	c, _ := newClient(t, s, Config{})
	for range 2 {
		if got, err := c.Stream(t.Context(), msgs, nil); err != nil || !strings.HasSuffix(got.Text, "[1]") {
			t.Fatalf("Stream = %+v, %v", got, err)
		}
	}
	chats := s.ChatRequests()
	if len(chats) != 3 || chats[0].StreamOptions == nil || chats[1].StreamOptions != nil || chats[2].StreamOptions != nil {
		t.Errorf("want stream_options asked once, then never: %d requests", len(chats))
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		retries    int
		replies    []llmtest.Reply
		wantErr    string // reason; "" = success
		wantCalls  int
		wantWaits  []time.Duration // nil: do not check exact values
		checkWaits int
	}{
		{"429 then success honours Retry-After", 2,
			[]llmtest.Reply{{Status: 429, RetryAfter: "3"}, {Text: "ok [1]"}}, "", 2, []time.Duration{3 * time.Second}, 1},
		{"500 twice then success backs off", 2,
			[]llmtest.Reply{{Status: 500}, {Status: 503}, {Text: "ok [1]"}}, "", 3, nil, 2},
		{"429 exhausted", 1,
			[]llmtest.Reply{{Status: 429, RetryAfter: "1"}, {Status: 429, RetryAfter: "1"}}, bot.ReasonRateLimited, 2, nil, 1},
		{"500 exhausted", 2,
			[]llmtest.Reply{{Status: 500}, {Status: 500}, {Status: 500}}, bot.ReasonServerError, 3, nil, 2},
		{"Retry-After too long gives up at once", 2,
			[]llmtest.Reply{{Status: 429, RetryAfter: "3600"}}, bot.ReasonRateLimited, 1, nil, 0},
		{"no retries", 0,
			[]llmtest.Reply{{Status: 502}}, bot.ReasonServerError, 1, nil, 0},
		{"400 is not retried", 3,
			[]llmtest.Reply{{Status: 400}}, bot.ReasonBadResponse, 1, nil, 0},
	}
	for _, tc := range tests {
		for _, stream := range []bool{false, true} {
			name := tc.name
			if stream {
				name += " (stream)"
			}
			t.Run(name, func(t *testing.T) {
				s := llmtest.New(t)
				s.Push(tc.replies...)
				rec := &reasons{}
				c, waits := newClient(t, s, Config{Retries: tc.retries, OnRequestError: rec.add})
				var err error
				if stream {
					_, err = c.Stream(t.Context(), msgs, nil)
				} else {
					_, err = c.Complete(t.Context(), msgs)
				}
				switch {
				case tc.wantErr == "" && err != nil:
					t.Fatalf("err = %v", err)
				case tc.wantErr != "" && (err == nil || reason(err) != tc.wantErr):
					t.Fatalf("err = %v, want reason %s", err, tc.wantErr)
				}
				if n := len(s.ChatRequests()); n != tc.wantCalls {
					t.Errorf("%d calls, want %d", n, tc.wantCalls)
				}
				if len(*waits) != tc.checkWaits {
					t.Errorf("waits %v, want %d", *waits, tc.checkWaits)
				}
				if tc.wantWaits != nil && !equalDurations(*waits, tc.wantWaits) {
					t.Errorf("waits %v, want %v", *waits, tc.wantWaits)
				}
				for _, w := range *waits {
					if w <= 0 || w > maxRetryWait {
						t.Errorf("wait %v out of range", w)
					}
				}
				// Every failed attempt is reported, the retried ones too.
				var want []string
				for _, r := range tc.replies[:tc.wantCalls] {
					switch {
					case r.Status == 429:
						want = append(want, bot.ReasonRateLimited)
					case r.Status >= 500:
						want = append(want, bot.ReasonServerError)
					}
				}
				if got := rec.get(); !slices.Equal(got, want) {
					t.Errorf("reported %v, want %v", got, want)
				}
				// Every attempt sent the same body.
				reqs := s.Requests()
				for _, r := range reqs[1:] {
					if string(r.Body) != string(reqs[0].Body) {
						t.Errorf("a retry sent another body")
					}
				}
			})
		}
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFailuresAreClassified(t *testing.T) {
	tests := []struct {
		name  string
		reply llmtest.Reply
		want  string
	}{
		{"garbage JSON", llmtest.Reply{Body: `{"choices": [{"message": {"content": "unterminated`}, bot.ReasonBadResponse},
		{"HTML error page", llmtest.Reply{Status: 502, Body: "<html>Bad Gateway</html>"}, bot.ReasonServerError},
		{"empty answer", llmtest.Reply{Text: ""}, bot.ReasonEmptyAnswer},
		{"blank answer", llmtest.Reply{Text: "  \n"}, bot.ReasonEmptyAnswer},
		{"no choices", llmtest.Reply{Body: `{"id":"x","object":"chat.completion","choices":[]}`}, bot.ReasonBadResponse},
		{"hang past the timeout", llmtest.Reply{Hang: true}, bot.ReasonTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := llmtest.New(t)
			s.Push(tc.reply)
			c, _ := newClient(t, s, Config{Timeout: 300 * time.Millisecond})
			_, err := c.Complete(t.Context(), msgs)
			if err == nil || reason(err) != tc.want {
				t.Fatalf("err = %v, want %s", err, tc.want)
			}
		})
	}
}

func TestStreamFailuresAreClassified(t *testing.T) {
	tests := []struct {
		name      string
		reply     llmtest.Reply
		want      string
		wantDelta bool
	}{
		{"cut mid-answer", llmtest.Reply{Text: "Der Autor sagt, dass die Plattformen", CutAfter: 3}, bot.ReasonStreamCut, true},
		{"garbage chunk", llmtest.Reply{Status: 200, Body: "data: {\"choices\": [ garbage\n\n"}, bot.ReasonBadResponse, false},
		{"empty answer", llmtest.Reply{Text: ""}, bot.ReasonEmptyAnswer, false},
		{"hang past the timeout", llmtest.Reply{Hang: true}, bot.ReasonTimeout, false},
		{"stall mid-answer", llmtest.Reply{Text: "Der Autor sagt, dass die Plattformen", StallAfter: 2}, bot.ReasonTimeout, true},
		{"server error", llmtest.Reply{Status: 500}, bot.ReasonServerError, false},
		{"error event before any text", llmtest.Reply{Text: "Der Autor sagt", ErrorAfter: 1}, bot.ReasonServerError, false},
		{"error event mid-answer", llmtest.Reply{Text: "Der Autor sagt, dass die Plattformen", ErrorAfter: 3}, bot.ReasonStreamCut, true},
		{"keep-alives past the timeout", llmtest.Reply{Text: "Zu spät", KeepAlive: 50, KeepAliveEvery: 20 * time.Millisecond}, bot.ReasonTimeout, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := llmtest.New(t)
			s.Push(tc.reply)
			c, _ := newClient(t, s, Config{Timeout: 300 * time.Millisecond})
			var got strings.Builder
			_, err := c.Stream(t.Context(), msgs, func(d string) { got.WriteString(d) })
			if err == nil || reason(err) != tc.want {
				t.Fatalf("err = %v, want %s", err, tc.want)
			}
			if tc.wantDelta != (got.Len() > 0) {
				t.Errorf("deltas %q", got.String())
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	addr := nettest.RefusedAddr(t)
	c, err := New(Config{Model: "m", BaseURL: "http://" + addr + "/v1", Retries: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Complete(t.Context(), msgs)
	if reason(err) != bot.ReasonUnreachable {
		t.Errorf("Complete: %v, want unreachable", err)
	}
	_, err = c.Stream(t.Context(), msgs, nil)
	if reason(err) != bot.ReasonUnreachable {
		t.Errorf("Stream: %v, want unreachable", err)
	}
}

// reasons records what Config.OnRequestError hears.
type reasons struct {
	mu  sync.Mutex
	got []string
}

func (r *reasons) add(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, reason)
}

func (r *reasons) get() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// TestRequestErrorsAreReported: failures with no response are reported
// too, by what went wrong; a caller that gives up and an answer the
// backend did give (a 400, garbage) are not the backend failing.
func TestRequestErrorsAreReported(t *testing.T) {
	refused := "http://" + nettest.RefusedAddr(t) + "/v1"
	tests := []struct {
		name    string
		reply   *llmtest.Reply // nil: the backend is down
		cancel  bool
		timeout time.Duration
		want    []string
	}{
		{"down", nil, false, 0, []string{bot.ReasonUnreachable}},
		{"hang past the timeout", &llmtest.Reply{Hang: true}, false, 200 * time.Millisecond, []string{bot.ReasonTimeout}},
		{"caller gave up", &llmtest.Reply{Hang: true}, true, 0, nil},
		{"400", &llmtest.Reply{Status: 400}, false, 0, nil},
		{"garbage", &llmtest.Reply{Body: `{"choices": [`}, false, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &reasons{}
			cfg := Config{Model: "m", Retries: 2, Timeout: tc.timeout, OnRequestError: rec.add}
			var c *Client
			if tc.reply == nil {
				cfg.BaseURL = refused
				var err error
				if c, err = New(cfg); err != nil {
					t.Fatal(err)
				}
			} else {
				s := llmtest.New(t)
				s.Push(*tc.reply)
				c, _ = newClient(t, s, cfg)
			}
			ctx, cancel := context.WithCancel(t.Context())
			if tc.cancel {
				cancel()
			}
			defer cancel()
			if _, err := c.Complete(ctx, msgs); err == nil {
				t.Fatal("Complete succeeded")
			}
			if got := rec.get(); !slices.Equal(got, tc.want) {
				t.Errorf("reported %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCallerCancellation(t *testing.T) {
	s := llmtest.New(t)
	s.Push(llmtest.Reply{Hang: true})
	c, _ := newClient(t, s, Config{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Complete(ctx, msgs); reason(err) != bot.ReasonCanceled {
		t.Errorf("err = %v, want canceled", err)
	}
}

func TestHTTPClientIsNotModified(t *testing.T) {
	hc := &http.Client{Timeout: time.Minute}
	if _, err := New(Config{Model: "m", HTTPClient: hc}); err != nil {
		t.Fatal(err)
	}
	if hc.Transport != nil {
		t.Error("New changed the caller's http.Client")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// pacedBackend serves a stream whose pieces come gap apart, on fake time.
func pacedBackend(gaps []time.Duration) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		pr, pw := io.Pipe()
		go func() {
			for i, g := range gaps {
				select {
				case <-time.After(g):
				case <-r.Context().Done():
					// net/http ends a response body when the request's
					// context is done; so does this fake.
					pw.CloseWithError(r.Context().Err())
					return
				}
				finish := ""
				if i == len(gaps)-1 {
					finish = "stop"
				}
				if _, err := fmt.Fprintf(pw, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w%d \"},\"finish_reason\":%q}]}\n\n", i, finish); err != nil {
					return // the client gave up and closed the body
				}
			}
			_, _ = io.WriteString(pw, "data: [DONE]\n\n")
			pw.Close()
		}()
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: pr, Request: r}, nil
	})}
}

// The time limit bounds the wait for each piece of a stream, not the whole
// answer: a slow model that keeps writing is not cut off, one that stalls is.
func TestStreamTimeLimitIsPerGap(t *testing.T) {
	tests := []struct {
		name   string
		gaps   []time.Duration
		reason string
		pieces int
	}{
		{"slow but steady: 10 × 150ms under a 500ms limit", slices.Repeat([]time.Duration{150 * time.Millisecond}, 10), "", 10},
		{"stalls for 600ms after 3 pieces", []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 600 * time.Millisecond, 0}, bot.ReasonTimeout, 3},
		{"slow first piece", []time.Duration{time.Second}, bot.ReasonTimeout, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, err := New(Config{Model: "m", BaseURL: "http://fake.invalid/v1", Timeout: 500 * time.Millisecond, HTTPClient: pacedBackend(tc.gaps)})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				got, err := c.Stream(t.Context(), msgs, func(string) { n++ })
				if tc.reason == "" && err != nil || tc.reason != "" && (err == nil || reason(err) != tc.reason) {
					t.Fatalf("err = %v, want %q", err, tc.reason)
				}
				if n != tc.pieces {
					t.Errorf("%d pieces (%q), want %d", n, got.Text, tc.pieces)
				}
				synctest.Wait() // the writer has seen the end of the request
			})
		})
	}
}

// TestNewHidesTheBaseURLPassword: an error about the base URL repeats it
// without its password.
func TestNewHidesTheBaseURLPassword(t *testing.T) {
	_, err := New(Config{Model: "m", BaseURL: "http://me:hunter2-pw@llm.local/api"})
	if err == nil || strings.Contains(err.Error(), "hunter2-pw") || !strings.Contains(err.Error(), "llm.local") {
		t.Errorf("err = %v; want one that names the URL without its password", err)
	}
}

// keepAliveBackend sends n chunks without answer text, every apart on fake
// time (empty deltas, SSE comments or reasoning deltas), then the answer.
func keepAliveBackend(n int, every time.Duration, kind string) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		pr, pw := io.Pipe()
		go func() {
			for i := range n + 1 {
				select {
				case <-time.After(every):
				case <-r.Context().Done():
					pw.CloseWithError(r.Context().Err())
					return
				}
				line := ""
				switch {
				case i == n:
					line = `data: {"choices":[{"index":0,"delta":{"content":"Antwort [1]"},"finish_reason":"stop"}]}`
				case kind == "comment":
					line = ": keep-alive"
				case kind == "reasoning":
					line = `data: {"choices":[{"index":0,"delta":{"reasoning_content":"hmm "},"finish_reason":null}]}`
				default:
					line = `data: {"choices":[{"index":0,"delta":{"content":""},"finish_reason":null}]}`
				}
				if _, err := io.WriteString(pw, line+"\n\n"); err != nil {
					return
				}
			}
			_, _ = io.WriteString(pw, "data: [DONE]\n\n")
			pw.Close()
		}()
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: pr, Request: r}, nil
	})}
}

// A stall is timed by text received: keep-alive chunks without text do
// not hold an answer past the time limit (they held one for minutes),
// while a reasoning model's thinking is progress.
func TestStreamKeepAlivesDoNotResetTheStallTimer(t *testing.T) {
	tests := []struct {
		kind   string
		reason string
	}{
		{"empty", bot.ReasonTimeout},
		{"comment", bot.ReasonTimeout},
		{"reasoning", ""},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, err := New(Config{Model: "m", BaseURL: "http://fake.invalid/v1", Timeout: 500 * time.Millisecond,
					HTTPClient: keepAliveBackend(100, 100*time.Millisecond, tc.kind)})
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				got, err := c.Stream(t.Context(), msgs, func(string) {})
				took := time.Since(start)
				switch {
				case tc.reason == "" && err != nil:
					t.Fatalf("err = %v, want the answer", err)
				case tc.reason == "" && got.Text != "Antwort [1]":
					t.Errorf("text %q", got.Text)
				case tc.reason != "" && (err == nil || reason(err) != tc.reason):
					t.Fatalf("err = %v (text %q), want %s", err, got.Text, tc.reason)
				case tc.reason != "" && took > 500*time.Millisecond:
					t.Errorf("gave up after %v, want the 500ms limit", took)
				}
				synctest.Wait()
			})
		})
	}
}

// The fake honours max_completion_tokens as OpenAI does, and the client
// reports an answer cut there as truncated, streamed or not.
func TestLengthLimitIsReported(t *testing.T) {
	s := llmtest.New(t)
	c, _ := newClient(t, s, Config{MaxCompletionTokens: 10})
	long := strings.Repeat("Wort ", 100)
	s.Push(llmtest.Reply{Text: long}, llmtest.Reply{Text: long}, llmtest.Reply{Text: "kurz"})
	got, err := c.Complete(t.Context(), msgs)
	if err != nil || !got.Truncated || len(got.Text) > 40 {
		t.Errorf("Complete = %q truncated=%v, %v", got.Text, got.Truncated, err)
	}
	got, err = c.Stream(t.Context(), msgs, nil)
	if err != nil || !got.Truncated || len(got.Text) > 40 {
		t.Errorf("Stream = %q truncated=%v, %v", got.Text, got.Truncated, err)
	}
	if got, err = c.Stream(t.Context(), msgs, nil); err != nil || got.Truncated {
		t.Errorf("a short answer: %q truncated=%v, %v", got.Text, got.Truncated, err)
	}
	if r := s.ChatRequests()[0]; r.MaxCompletionTokens != 10 {
		t.Errorf("max_completion_tokens = %d", r.MaxCompletionTokens)
	}
}
