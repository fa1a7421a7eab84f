package bot

import (
	"errors"

	"context"
	"github.com/leviathan-bot/leviathan/content"

	"github.com/leviathan-bot/leviathan/retrieval"
)

// answerLLM answers from the model, falling back to extractive (stub: see issue 3).
func (e *Engine) answerLLM(ctx context.Context, q string, req Request, hits []retrieval.Hit) Answer {
	return e.answerExtractive(q, hits)
}

// summarizeLLM summarizes passages under heading ("" = the whole essay) with
// the model, citing passage labels (stub: issue 3). An error means the caller
// falls back to the extractive summary.
func (e *Engine) summarizeLLM(ctx context.Context, heading string, passages []content.Passage, onText func(string)) (Answer, error) {
	return Answer{}, errors.New("not implemented")
}
