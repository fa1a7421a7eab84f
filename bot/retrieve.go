package bot

import (
	"context"

	"github.com/leviathan-bot/leviathan/retrieval"
)

// retrieve finds the passages for a question (stub: issue 3 adds query
// translation and the conversation's context).
func (e *Engine) retrieve(ctx context.Context, q string, history []Turn) ([]retrieval.Hit, error) {
	return e.retriever.Search(ctx, q, e.topK)
}
