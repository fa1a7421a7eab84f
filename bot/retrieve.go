package bot

import (
	"context"
	"fmt"

	"github.com/leviathan-bot/leviathan/retrieval"
)

// retrieved is what retrieveFor found, and with which phrasings.
type retrieved struct {
	hits []retrieval.Hit
	// german is the model's German rewrite of a non-German question, ""
	// when there is none (German question, no model, or it failed).
	german string
	// usage counts the tokens the rewrite cost.
	usage Usage
}

// retrieveFor finds the passages for a question. The essay is German, so
// with a model a non-German question is also searched as its German
// rewrite; in a conversation the previous question is searched too, so that
// a follow-up ("und was meint er damit?") finds what it refers to.
func (e *Engine) retrieveFor(ctx context.Context, q string, history []Turn) (retrieved, error) {
	var r retrieved
	queries := []string{q}
	prev := ""
	if len(history) > 0 {
		prev = history[len(history)-1].Question
	}
	if e.llm != nil && !e.noTranslate && !isGerman(q) {
		de, u := e.translateQuery(ctx, q, prev)
		r.usage = u
		if de != "" && de != q {
			queries = append(queries, de)
			r.german = de
		}
	}
	if prev != "" && prev != q {
		queries = append(queries, prev)
	}
	// Look deeper than the passages kept: a passage that carries evidence
	// (Relevant) can rank below weak likenesses, as ¶3, the only one with
	// »Kartellrichtlinien«, ranks seventh for "Welche Richtlinie wurde
	// erwähnt?", and must not be cut off for them. And "Was ist X?" is best
	// answered where the essay introduces X, which need not be where X is
	// mentioned most: there the passages that define a term lead.
	definition := definitionQuestion.MatchString(q)
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
	if definition {
		hits = e.definitionsFirst(queries, hits)
	}
	hits = relevantFirst(hits)
	r.hits = hits[:min(len(hits), e.topK)]
	return r, nil
}

// grounded reports whether a sentence of the relevant hits shares a word
// with the question or its German rewrite, the check the extractive answer
// makes before quoting. Retrieval can call a passage relevant on a faint
// likeness (a character n-gram, a vague vector); the model must not be
// asked to answer from such noise, because it would improvise. A follow-up
// that refers back is read with the previous question, as the extractive
// answer reads it.
//
// A non-German question with a German rewrite is judged by the rewrite,
// and by its own words only where they are the essay's very words (names,
// "Technofeudalismus"): English words meet German sentences otherwise only
// as cognates, which is how "the capital of Australia" finds "Kapital". An
// English question without a rewrite is left to retrieval, whose bilingual
// vocabulary has already judged it.
func (e *Engine) grounded(q string, r retrieved, history []Turn) bool {
	german := isGerman(q)
	if r.german == "" && !german {
		return true
	}
	ix := indexOf(e.essay)
	type phrasing struct {
		q     query
		exact bool // only the same stem counts, no cognate
	}
	ps := []phrasing{{ix.query(q), !german}}
	if r.german != "" {
		ps = append(ps, phrasing{q: ix.query(r.german)})
	}
	if len(history) > 0 && refersBack(q) {
		ps = append(ps, phrasing{q: ix.query(history[len(history)-1].Question + " " + q), exact: !german})
	}
	for _, h := range r.hits {
		if !h.Relevant {
			continue
		}
		for _, s := range ix.sentences(h.Passage) {
			for _, p := range ps {
				if p.exact && sharesStem(p.q, s) || !p.exact && ix.score(p.q, s) > 0 {
					return true
				}
			}
		}
	}
	return false
}

// sharesStem reports whether the sentence contains a word of the query
// with the very same stem.
func sharesStem(q query, s analyzed) bool {
	for _, qt := range q.terms {
		for _, t := range s.Terms {
			if qt.stem == t.stem {
				return true
			}
		}
	}
	return false
}

// definitionsFirst moves the relevant passages with a sentence that names
// or defines a term of the question (»…« bezeichnet, nannte, …) to the
// front, keeping the retrieval order otherwise.
func (e *Engine) definitionsFirst(queries []string, hits []retrieval.Hit) []retrieval.Hit {
	ix := indexOf(e.essay)
	analyzed := make([]query, len(queries))
	for i, q := range queries {
		analyzed[i] = ix.query(q)
	}
	defines := func(h retrieval.Hit) bool {
		if !h.Relevant {
			return false
		}
		for _, s := range ix.sentences(h.Passage) {
			if !s.Defines {
				continue
			}
			for _, q := range analyzed {
				if ix.score(q, s) > 0 {
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
