package answer

import (
	"context"
	"fmt"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// A reading group that has read up to a section must not have the rest of
// the book told to them: Limited gives an engine that sees the text only
// as far as that, and says so when a question is about a later part.

// Limited returns an engine that answers, quotes and summarizes from the
// text only up to the end of a section (see content.Essay.Through); ""
// returns e itself. An unknown section is an *InputError naming the
// sections there are.
func (e *Engine) Limited(section string) (*Engine, error) {
	if section == "" {
		return e, nil
	}
	lim, heading := e.essay.Through(section)
	if lim == nil {
		return nil, &bot.InputError{Msg: fmt.Sprintf("There is no section %q to read up to. The sections are: %s.", section, e.sectionList())}
	}
	full := e.essay
	if e.full != nil {
		full = e.full
	}
	l := *e
	l.essay, l.full, l.upTo = lim, full, heading
	l.retriever = &limitedRetriever{Retriever: e.retriever, essay: lim, hidden: len(full.Passages) - len(lim.Passages)}
	m := *e.model
	m.quotes = newQuoteChecker(lim)
	l.model = &m
	return &l, nil
}

// limitedRetriever drops the passages a limited engine must not see from
// what the store finds, and remembers whether a relevant one was among
// them. A limited engine is made per request, so it needs no lock.
type limitedRetriever struct {
	Retriever
	essay *content.Essay
	// hidden is how many passages are dropped: searching that many more
	// still yields k that are kept, when there are.
	hidden int
	// later is the best relevant hit that was dropped, kept the best
	// score of a relevant hit that was not.
	later *retrieval.Hit
	kept  float64
}

func (r *limitedRetriever) Search(ctx context.Context, query string, k int) ([]retrieval.Hit, error) {
	hits, err := r.Retriever.Search(ctx, query, r.deeper(k))
	return r.keep(hits, k), err
}

func (r *limitedRetriever) SearchAll(ctx context.Context, queries []string, k int) ([]retrieval.Hit, error) {
	hits, err := r.Retriever.SearchAll(ctx, queries, r.deeper(k))
	return r.keep(hits, k), err
}

// deeper is how many passages to search for so that k remain after the
// hidden ones are dropped: never more than the text has.
func (r *limitedRetriever) deeper(k int) int {
	return min(k+r.hidden, max(k, r.hidden+len(r.essay.Passages)))
}

func (r *limitedRetriever) keep(hits []retrieval.Hit, k int) []retrieval.Hit {
	out := hits[:0:0]
	for _, h := range hits {
		if _, ok := r.essay.Lookup(h.Passage.ID); !ok {
			if h.Relevant && (r.later == nil || h.Score > r.later.Score) {
				r.later = &h
			}
			continue
		}
		if h.Relevant {
			r.kept = max(r.kept, h.Score)
		}
		if len(out) < k {
			out = append(out, h)
		}
	}
	return out
}

// laterPart is the answer to a question whose evidence lies only after
// where the group has read: it says so, names the part, and cites nothing.
func (e *Engine) laterPart(q string, p content.Passage) bot.Answer {
	text := fmt.Sprintf("That comes in a later part (“%s”) the group hasn't read yet; you've read up to “%s”.", p.Section, e.upTo)
	if isGerman(q) {
		text = fmt.Sprintf("Das steht in einem späteren Teil („%s“), den ihr noch nicht gelesen habt; ihr seid bis „%s“ gekommen.", p.Section, e.upTo)
	}
	return bot.Answer{Question: q, Text: text, Mode: bot.ModeExtractive, Citations: []bot.Citation{}}
}

// later reports whether s names something that exists in the whole text
// but lies after where the group has read: a section or a passage label.
func (e *Engine) later(s string) (content.Passage, bool) {
	if e.full == nil {
		return content.Passage{}, false
	}
	if p, ok := e.full.Lookup(s); ok {
		if _, seen := e.essay.Lookup(p.ID); !seen {
			return p, true
		}
	}
	if h, ps := e.full.Section(s); h != "" && len(ps) > 0 {
		if own, _ := e.essay.Section(s); own != h {
			return ps[0], true
		}
	}
	return content.Passage{}, false
}

// laterEvidence is the best evidence a limited engine's retrieval dropped
// when the question is about a later part: nothing before the limit is
// relevant, or only weakly next to it (below routeMargin of its score, as
// a word the question shares with an early passage). Nil otherwise, and
// when the engine is not limited.
func (e *Engine) laterEvidence() *retrieval.Hit {
	r, ok := e.retriever.(*limitedRetriever)
	if !ok || r.later == nil || r.kept >= routeMargin*r.later.Score {
		return nil
	}
	return r.later
}

// namesLater reports whether a question names a passage (by label) or a
// section that the group has not read yet, and the first such passage.
func (e *Engine) namesLater(q string) (content.Passage, bool) {
	if e.full == nil {
		return content.Passage{}, false
	}
	ps, _ := namedPassages(q, e.full)
	if len(ps) == 0 {
		return content.Passage{}, false
	}
	if _, seen := e.essay.Lookup(ps[0].ID); seen {
		return content.Passage{}, false
	}
	return ps[0], true
}
