package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/leviathan-bot/leviathan/bot"
)

// maxRetryWait caps how long one Retry-After is honoured: a backend asking
// for minutes is as good as down for someone waiting on an answer.
const maxRetryWait = 30 * time.Second

// retryTransport retries requests that got 429 or a 5xx status, waiting as
// Retry-After says (or backing off exponentially when it says nothing).
// It works below go-openai, so a stream is only ever retried before its
// first byte of content: once a 200 comes back, the response is the
// caller's.
type retryTransport struct {
	next    http.RoundTripper
	retries int
	base    time.Duration // first backoff without Retry-After
	log     *slog.Logger
	// onError, if set, hears of every request that got no usable response
	// (see Config.OnRequestError).
	onError func(reason string)
	// sleep waits d or until ctx is done; tests replace it to record the
	// waits instead of sitting through them.
	sleep func(ctx context.Context, d time.Duration) error
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.Body != nil {
			// The first attempt consumed the body; go-openai builds requests
			// from a bytes.Buffer, for which net/http sets GetBody.
			if req.GetBody == nil {
				return nil, fmt.Errorf("couldn't retry %s: the request body cannot be replayed", req.URL.Path)
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("couldn't replay the request body: %w", err)
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		resp, err := t.next.RoundTrip(req)
		t.report(req.Context(), resp, err)
		if err != nil || !retryable(resp.StatusCode) || attempt >= t.retries {
			return resp, err
		}
		wait, ok := t.backoff(resp.Header.Get("Retry-After"), attempt)
		if dl, has := req.Context().Deadline(); has && time.Until(dl) < wait {
			// Waiting would outlast the caller's deadline: hand back the
			// error now, so the caller can fall back while it still has time.
			ok = false
		}
		if !ok {
			return resp, nil
		}
		t.log.LogAttrs(req.Context(), slog.LevelWarn, "llm request failed, retrying",
			slog.String("path", req.URL.Path), slog.Int("status", resp.StatusCode),
			slog.Int("attempt", attempt+1), slog.Duration("wait", wait))
		// Drain a little so the connection can be reused, then let it go.
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
		resp.Body.Close()
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, fmt.Errorf("couldn't wait to retry: %w", err)
		}
	}
}

// report tells onError about a failed attempt: a 429 or 5xx answer, or no
// answer at all (a deadline that passed is a timeout; a caller that gave up
// is not the backend's failure and is not reported).
func (t *retryTransport) report(ctx context.Context, resp *http.Response, err error) {
	if t.onError == nil {
		return
	}
	switch {
	case err != nil && errors.Is(err, context.DeadlineExceeded):
		t.onError(bot.ReasonTimeout)
	case err != nil && ctx.Err() != nil:
	case err != nil:
		t.onError(bot.ReasonUnreachable)
	case resp.StatusCode == http.StatusTooManyRequests:
		t.onError(bot.ReasonRateLimited)
	case resp.StatusCode >= 500:
		t.onError(bot.ReasonServerError)
	}
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// backoff returns how long to wait before retry attempt+1, and false when
// the server asked for longer than maxRetryWait.
func (t *retryTransport) backoff(retryAfter string, attempt int) (time.Duration, bool) {
	if retryAfter != "" {
		if secs, err := strconv.Atoi(retryAfter); err == nil && secs >= 0 {
			d := time.Duration(secs) * time.Second
			return d, d <= maxRetryWait
		}
		if at, err := http.ParseTime(retryAfter); err == nil {
			d := max(time.Until(at), 0)
			return d, d <= maxRetryWait
		}
	}
	d := t.base << attempt
	// Jitter spreads out clients that failed together.
	return d/2 + rand.N(d/2+1), true
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
