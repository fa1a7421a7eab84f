// Package llm implements bot.LLM over any OpenAI-compatible backend
// (OpenAI, Ollama, vLLM, llama.cpp's server, LM Studio) with go-openai.
//
// It adds what the library leaves out: a time limit on every request,
// retries with backoff on 429 and 5xx that honour Retry-After (below the
// library, so a stream is never retried once its content has started), and
// errors classified as *bot.LLMError so the engine can say why it fell back
// to an extractive answer.
package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/leviathan-bot/leviathan/bot"
)

// Config configures a Client.
type Config struct {
	APIKey string
	// BaseURL of the backend, ending in /v1; empty means OpenAI.
	BaseURL string
	Model   string
	// Timeout limits one call, retries included (default 60s).
	Timeout time.Duration
	// Retries on 429 and 5xx (0: none).
	Retries int
	// MaxCompletionTokens caps an answer's length (default 1024).
	MaxCompletionTokens int
	// HTTPClient is optional; its Transport is wrapped with the retries.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// OnRequestError, if set, is called for every request to the backend
	// that got no usable response, retried or not, with the reason
	// (bot.ReasonRateLimited, ReasonServerError, ReasonUnreachable or
	// ReasonTimeout). A 429 that a retry cures never reaches an answer's
	// fallback, but an operator near the rate limit wants to see it.
	OnRequestError func(reason string)
}

// Client talks to one OpenAI-compatible backend. It is safe for concurrent
// use.
type Client struct {
	oa        *openai.Client
	model     string
	timeout   time.Duration
	maxTokens int
	log       *slog.Logger
	// noStreamUsage is set once the backend has refused stream_options, so
	// later streams do not ask again.
	noStreamUsage atomic.Bool
	// retry is kept for tests, which replace its sleep.
	retry *retryTransport
}

var _ bot.LLM = (*Client)(nil)

// New checks cfg and returns a Client. It makes no request: a backend that
// is down shows up on the first answer, which then falls back.
func New(cfg Config) (*Client, error) {
	if cfg.Model == "" {
		return nil, errors.New("llm: a model name is needed")
	}
	if cfg.BaseURL != "" {
		if err := checkBaseURL(cfg.BaseURL); err != nil {
			return nil, fmt.Errorf("llm: base URL %q %w", redactURL(cfg.BaseURL), err)
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxCompletionTokens <= 0 {
		cfg.MaxCompletionTokens = 1024
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	rt := &retryTransport{next: next, retries: max(cfg.Retries, 0), base: 500 * time.Millisecond, log: log, sleep: sleepCtx, onError: cfg.OnRequestError}
	hc.Transport = rt

	// DefaultConfig, not a struct literal: a literal leaves
	// EmptyMessagesLimit at 0, which breaks streaming after one chunk.
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	oc.HTTPClient = hc
	return &Client{
		oa: openai.NewClientWithConfig(oc), model: cfg.Model, timeout: cfg.Timeout,
		maxTokens: cfg.MaxCompletionTokens, log: log, retry: rt,
	}, nil
}

// redactURL hides the password of a URL, which errors must not repeat.
func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func checkBaseURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("is not an http(s) URL such as http://localhost:11434/v1")
	}
	if !strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/v1") {
		return errors.New("does not end in /v1 (OpenAI-compatible servers serve under /v1)")
	}
	return nil
}

// CreateEmbeddings calls the backend's /v1/embeddings under the client's
// time limit and retries, so that a *Client can serve the remote embedder
// (retrieval.EmbeddingsClient) without a start-up that hangs forever.
func (c *Client) CreateEmbeddings(ctx context.Context, conv openai.EmbeddingRequestConverter) (openai.EmbeddingResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.oa.CreateEmbeddings(ctx, conv)
	if err != nil {
		return resp, classify(ctx, "couldn't get embeddings", err)
	}
	return resp, nil
}

func (c *Client) request(msgs []bot.Message) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{
		Model:               c.model,
		MaxCompletionTokens: c.maxTokens,
		Messages:            make([]openai.ChatCompletionMessage, len(msgs)),
	}
	for i, m := range msgs {
		req.Messages[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
	}
	return req
}

// Complete asks for the whole answer at once.
func (c *Client) Complete(ctx context.Context, msgs []bot.Message) (bot.Completion, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.oa.CreateChatCompletion(ctx, c.request(msgs))
	if err != nil {
		return bot.Completion{}, classify(ctx, "couldn't get a chat completion", err)
	}
	if len(resp.Choices) == 0 {
		return bot.Completion{}, &bot.LLMError{Reason: bot.ReasonBadResponse, Err: errors.New("the completion has no choices")}
	}
	out := bot.Completion{Text: resp.Choices[0].Message.Content, Usage: usage(resp.Usage),
		Truncated: resp.Choices[0].FinishReason == openai.FinishReasonLength}
	if strings.TrimSpace(out.Text) == "" {
		return out, &bot.LLMError{Reason: bot.ReasonEmptyAnswer, Err: fmt.Errorf("finish reason %q", resp.Choices[0].FinishReason)}
	}
	return out, nil
}

// errStalled is the cause of a stream's cancellation when the backend
// sent nothing for a whole time limit.
var errStalled = errors.New("no data from the backend within the time limit")

// Stream asks for the answer as a stream, calling onDelta with each piece.
// The time limit applies to the wait for the response and to every gap
// between pieces of text, not to the whole answer: a slow local model that
// keeps writing is not cut off, one that stalls is. Only text counts
// (the answer's, or a reasoning model's thinking): a backend that sends
// empty keep-alive chunks, or SSE comments, is stalled all the same.
// A stream that ends without a finish reason counts as cut: servers send
// one with the last piece, and without it the answer may stop mid-sentence.
func (c *Client) Stream(ctx context.Context, msgs []bot.Message, onDelta func(string)) (bot.Completion, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(c.timeout, func() { cancel(errStalled) })
	defer watchdog.Stop()
	req := c.request(msgs)
	withUsage := !c.noStreamUsage.Load()
	if withUsage {
		req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}
	stream, err := c.oa.CreateChatCompletionStream(ctx, req)
	if err != nil && withUsage && refusedStreamOptions(err) {
		// Some older servers reject stream_options; ask once more without
		// and stop asking.
		c.noStreamUsage.Store(true)
		c.log.WarnContext(ctx, "llm backend refused stream_options; streaming without token counts", slog.Any("err", err))
		req.StreamOptions = nil
		stream, err = c.oa.CreateChatCompletionStream(ctx, req)
	}
	if err != nil {
		return bot.Completion{}, classify(ctx, "couldn't start a chat completion stream", err)
	}
	defer stream.Close()

	var (
		text     strings.Builder
		out      bot.Completion
		finished bool
	)
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Text = text.String()
			if text.Len() > 0 && ctx.Err() == nil && !isTimeout(ctx, err) {
				return out, &bot.LLMError{Reason: bot.ReasonStreamCut, Err: fmt.Errorf("couldn't read the stream after %d bytes: %w", text.Len(), err)}
			}
			return out, classify(ctx, "couldn't read the stream", err)
		}
		if chunk.Usage != nil {
			out.Usage = usage(*chunk.Usage)
		}
		if len(chunk.Choices) == 0 {
			continue // the usage chunk has none
		}
		ch := chunk.Choices[0]
		if ch.Delta.Content != "" || ch.Delta.ReasoningContent != "" {
			watchdog.Reset(c.timeout)
		}
		if ch.Delta.Content != "" {
			text.WriteString(ch.Delta.Content)
			if onDelta != nil {
				onDelta(ch.Delta.Content)
			}
		}
		if ch.FinishReason != "" {
			finished = true
			out.Truncated = ch.FinishReason == openai.FinishReasonLength
		}
	}
	out.Text = text.String()
	switch {
	case !finished && text.Len() > 0:
		return out, &bot.LLMError{Reason: bot.ReasonStreamCut, Err: fmt.Errorf("the stream ended after %d bytes without a finish reason", text.Len())}
	case strings.TrimSpace(out.Text) == "":
		return out, &bot.LLMError{Reason: bot.ReasonEmptyAnswer, Err: errors.New("the stream carried no text")}
	}
	return out, nil
}

func usage(u openai.Usage) bot.Usage {
	return bot.Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}
}

func refusedStreamOptions(err error) bool {
	var api *openai.APIError
	var req *openai.RequestError
	switch {
	case errors.As(err, &api):
		return api.HTTPStatusCode == http.StatusBadRequest && strings.Contains(api.Message, "stream_options")
	case errors.As(err, &req):
		return req.HTTPStatusCode == http.StatusBadRequest && strings.Contains(string(req.Body), "stream_options")
	}
	return false
}

func isTimeout(ctx context.Context, err error) bool {
	var ne net.Error
	return errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(context.Cause(ctx), errStalled) ||
		errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// classify wraps err as a *bot.LLMError with the reason the engine reports.
func classify(ctx context.Context, what string, err error) error {
	reason := bot.ReasonBadResponse
	var (
		api *openai.APIError
		req *openai.RequestError
		op  *net.OpError
		dns *net.DNSError
	)
	status := 0
	switch {
	case errors.As(err, &api):
		status = api.HTTPStatusCode
	case errors.As(err, &req):
		status = req.HTTPStatusCode
	}
	if status == 0 && api != nil {
		// An error event inside a stream carries no status, only a type.
		switch api.Type {
		case "server_error":
			status = http.StatusInternalServerError
		case "rate_limit_error":
			status = http.StatusTooManyRequests
		}
	}
	switch {
	case status == http.StatusTooManyRequests:
		reason = bot.ReasonRateLimited
	case status >= 500:
		reason = bot.ReasonServerError
	case status != 0:
		reason = bot.ReasonBadResponse
	case isTimeout(ctx, err):
		reason = bot.ReasonTimeout
	case errors.Is(err, context.Canceled):
		reason = bot.ReasonCanceled
	case errors.As(err, &op), errors.As(err, &dns):
		reason = bot.ReasonUnreachable
	}
	return &bot.LLMError{Reason: reason, Err: fmt.Errorf("%s: %w", what, err)}
}
