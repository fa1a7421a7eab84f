package bot

import (
	"context"
	"fmt"

	"github.com/leviathan-bot/leviathan/retrieval"
)

// retrieve finds the passages for a question. The essay is German, so with
// a model a non-German question is also searched as its German rewrite; in
// a conversation the previous question is searched too, so that a
// follow-up ("und was meint er damit?") finds what it refers to.
func (e *Engine) retrieve(ctx context.Context, q string, history []Turn) ([]retrieval.Hit, error) {
	queries := []string{q}
	prev := ""
	if len(history) > 0 {
		prev = history[len(history)-1].Question
	}
	if e.llm != nil && !e.noTranslate && !isGerman(q) {
		if de := e.translateQuery(ctx, q, prev); de != "" && de != q {
			queries = append(queries, de)
		}
	}
	if prev != "" && prev != q {
		queries = append(queries, prev)
	}
	if len(queries) == 1 {
		return e.retriever.Search(ctx, q, e.topK)
	}
	hits, err := e.retriever.SearchAll(ctx, queries, e.topK)
	if err != nil {
		return nil, fmt.Errorf("couldn't search with %d phrasings: %w", len(queries), err)
	}
	return hits, nil
}
