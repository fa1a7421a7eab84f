package main

import (
	"fmt"
	"log/slog"
	"net/url"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/llm"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// newBackend builds the language model and, with LEVIATHAN_EMBEDDER=openai,
// the remote embedder, both on one client (one base URL, key, time limit
// and retry policy). Both are nil when no backend is configured. It makes
// no request: a backend that is down is noticed on the first answer, which
// then falls back to extractive.
func newBackend(cfg Config, log *slog.Logger, h hooks) (bot.LLM, retrieval.Embedder, error) {
	if !cfg.UseLLM() {
		return nil, nil, nil
	}
	c, err := llm.New(llm.Config{
		APIKey: cfg.APIKey, BaseURL: cfg.BaseURL, Model: cfg.Model,
		Timeout: cfg.LLMTimeout, Retries: cfg.LLMRetries, MaxCompletionTokens: cfg.LLMMaxTokens, Logger: log,
		OnRequestError: h.llmRequestError,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("couldn't set up the language model: %w", err)
	}
	log.Debug("language model configured", slog.String("model", cfg.Model), slog.String("base_url", baseURLForLog(cfg.BaseURL)),
		slog.Duration("timeout", cfg.LLMTimeout), slog.Int("retries", cfg.LLMRetries), slog.Bool("translate", cfg.Translate))
	var emb retrieval.Embedder
	if cfg.Embedder == "openai" {
		emb = retrieval.NewOpenAIEmbedder(c, cfg.EmbeddingModel)
	}
	return c, emb, nil
}

// baseURLForLog hides a password in the URL: secrets never reach a log.
func baseURLForLog(v string) string {
	if v == "" {
		return "https://api.openai.com/v1"
	}
	u, err := url.Parse(v)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}
