package answer

import (
	"context"
	"slices"

	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// fakeRetriever ranks the essay's passages by the words they share with the
// query, like a lexical store would, and marks a hit relevant only when a
// rare-enough word matches, so off-topic questions get hits that are all
// irrelevant (as *retrieval.Index reports them). err, if set, fails every
// search, as a broken store would.
type fakeRetriever struct {
	essay *content.Essay
	err   error
	// searches counts calls, so tests can tell a label lookup from a search.
	searches int
}

var _ Retriever = (*fakeRetriever)(nil)

func newFakeRetriever() *fakeRetriever { return &fakeRetriever{essay: content.Load()} }

func (f *fakeRetriever) Search(ctx context.Context, query string, k int) ([]retrieval.Hit, error) {
	f.searches++
	if f.err != nil {
		return nil, f.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix := indexOf(f.essay)
	q := ix.query(query)
	hits := make([]retrieval.Hit, 0, len(f.essay.Passages))
	for _, p := range f.essay.Passages {
		s := 0.0
		pt := terms(p.Text)
		for i, qt := range q.terms {
			best := 0.0
			for _, t := range pt {
				best = max(best, match(qt, t))
			}
			s += best * q.weights[i]
		}
		hits = append(hits, retrieval.Hit{Passage: p, Score: s, Relevant: s >= 2})
	}
	slices.SortStableFunc(hits, func(a, b retrieval.Hit) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return hits[:min(max(k, 0), len(hits))], nil
}

func (f *fakeRetriever) SearchAll(ctx context.Context, queries []string, k int) ([]retrieval.Hit, error) {
	if len(queries) == 0 {
		return nil, nil
	}
	return f.Search(ctx, queries[0], k)
}
