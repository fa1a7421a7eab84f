package answer

import (
	"context"
	"fmt"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// retrieved is what retrieval found for a question, and with which
// phrasings.
type retrieved struct {
	hits []retrieval.Hit
	// german is the model's German rewrite of a non-German question, ""
	// when there is none (German question, no model, or it failed).
	german string
	// usage counts the tokens the rewrite cost.
	usage bot.Usage
}

// retrieve finds the passages for a question. With a model, a non-German
// question is also searched as its German rewrite; a follow-up is also
// searched together with the previous question, so that "und wer leitet
// es?" finds what "es" is. Retrieval alone decides what is relevant: the
// engine does not second-guess its verdict.
func (e *Engine) retrieve(ctx context.Context, q string, u Understanding, history []bot.Turn) (retrieved, error) {
	var r retrieved
	if u.Query != "" {
		q = u.Query
	}
	queries := []string{q}
	prev := ""
	if len(history) > 0 {
		prev = history[len(history)-1].Question
	}
	if e.llm != nil && !e.noTranslate && !isGerman(q) {
		de, usage := e.translateQuery(ctx, q, prev)
		r.usage = usage
		if de != "" && de != q {
			queries = append(queries, de)
			r.german = de
		}
	}
	if u.FollowUp && prev != "" && prev != q {
		queries = append(queries, prev+" "+q)
	}
	// Look deeper than the passages kept: a passage with evidence can rank
	// below weak likenesses and must not be cut off for them.
	k := 3 * e.topK
	var hits []retrieval.Hit
	var err error
	if len(queries) == 1 {
		hits, err = e.retriever.Search(ctx, q, k)
	} else {
		hits, err = e.retriever.SearchAll(ctx, queries, k)
	}
	if err != nil {
		return r, fmt.Errorf("couldn't search with %d phrasings: %w", len(queries), err)
	}
	if u.Intent == IntentDefinition {
		hits = definitionsFirst(hits)
	}
	hits = relevantFirst(hits)
	r.hits = hits[:min(len(hits), e.topK)]
	return r, nil
}

// definitionsFirst moves the relevant passages with a sentence that both
// matches the question and names or defines something (»…« bezeichnet,
// "is called") to the front, keeping the retrieval order otherwise: "Was
// ist X?" is best answered where the text introduces X, which need not be
// where X is mentioned most.
func definitionsFirst(hits []retrieval.Hit) []retrieval.Hit {
	defines := func(h retrieval.Hit) bool {
		if !h.Relevant {
			return false
		}
		for _, s := range h.Sentences {
			if s.Defines && s.Score > 0 {
				return true
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

// relevantFirst moves the hits that carry evidence for the question ahead
// of the others, keeping the order within each group.
func relevantFirst(hits []retrieval.Hit) []retrieval.Hit {
	out := make([]retrieval.Hit, 0, len(hits))
	for _, h := range hits {
		if h.Relevant {
			out = append(out, h)
		}
	}
	for _, h := range hits {
		if !h.Relevant {
			out = append(out, h)
		}
	}
	return out
}
