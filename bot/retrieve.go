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
	// "Was ist X?" is best answered where the essay introduces X, which
	// need not be where X is mentioned most: look deeper, then let the
	// passages that define a term of the question lead.
	definition := definitionQuestion.MatchString(q)
	k := e.topK
	if definition {
		k *= 3
	}
	var hits []retrieval.Hit
	var err error
	if len(queries) == 1 {
		hits, err = e.retriever.Search(ctx, q, k)
	} else {
		hits, err = e.retriever.SearchAll(ctx, queries, k)
	}
	if err != nil {
		return nil, fmt.Errorf("couldn't search with %d phrasings: %w", len(queries), err)
	}
	if definition {
		hits = e.definitionsFirst(queries, hits)
	}
	return hits[:min(len(hits), e.topK)], nil
}

// definitionsFirst moves the relevant passages with a sentence that names
// or defines a term of the question (»…« bezeichnet, nannte, …) to the
// front, keeping the retrieval order otherwise.
func (e *Engine) definitionsFirst(queries []string, hits []retrieval.Hit) []retrieval.Hit {
	ix := indexOf(e.essay)
	defines := func(h retrieval.Hit) bool {
		if !h.Relevant {
			return false
		}
		for _, s := range ix.sentences(h.Passage) {
			if !s.Defines {
				continue
			}
			for _, q := range queries {
				if ix.score(ix.query(q), s) > 0 {
					return true
				}
			}
		}
		return false
	}
	var first, rest []retrieval.Hit
	for _, h := range hits {
		if defines(h) {
			first = append(first, h)
		} else {
			rest = append(rest, h)
		}
	}
	return append(first, rest...)
}
