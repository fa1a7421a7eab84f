package bot

import (
	"context"

	"github.com/leviathan-bot/leviathan/retrieval"
)

// answerLLM answers from the model, falling back to extractive (stub: see issue 3).
func (e *Engine) answerLLM(ctx context.Context, q string, req Request, hits []retrieval.Hit) Answer {
	return e.answerExtractive(q, hits)
}
