package main

import (
	"log/slog"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// newBackend builds the language model and, with LEVIATHAN_EMBEDDER=openai,
// the remote embedder. Both are nil when no backend is configured.
// (stub: issue 3)
func newBackend(cfg Config, log *slog.Logger) (bot.LLM, retrieval.Embedder, error) {
	return nil, nil, nil
}
