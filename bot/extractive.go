package bot

import (
	"context"
	"errors"

	"github.com/leviathan-bot/leviathan/retrieval"
)

// CleanQuestion validates and normalizes user text (stub: see issue 2).
func CleanQuestion(s string) (q, notice string, err error) {
	if s == "" {
		return "", "", errors.New("empty question")
	}
	return s, "", nil
}

// retrieve finds the passages for a question (stub).
func (e *Engine) retrieve(ctx context.Context, q string, history []Turn) ([]retrieval.Hit, error) {
	return e.retriever.Search(ctx, q, e.topK)
}

func (e *Engine) notCovered(q string) Answer {
	return Answer{Mode: ModeExtractive, Text: "Dazu steht nichts im Essay."}
}

func (e *Engine) answerExtractive(q string, hits []retrieval.Hit) Answer {
	return Answer{Mode: ModeExtractive, Covered: true}
}
