package answer

import (
	"context"
	"fmt"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

// A passage this short is quoted whole; from a longer one, only the
// sentence that best matches the topic, which is what someone asking for a
// quote wants to paste.
const wholePassageRunes = 320

// Quote returns up to n verbatim quotes for a topic, best first, or the one
// passage a label names ("¶12", "Fn1"). Quotes are never generated: the text
// comes from the store. An unknown label is an *InputError; a topic that
// nothing in the essay matches gives an empty list, not an error.
func (e *Engine) Quote(ctx context.Context, topic string, n int) ([]bot.Quote, error) {
	t, _, err := CleanQuestion(topic)
	if err != nil {
		return nil, &bot.InputError{Msg: "Name a topic or a passage label to quote, for example \"Technofeudalismus\" or \"¶7\"."}
	}
	if n <= 0 {
		n = bot.DefaultQuotes
	}
	if content.LooksLikeLabel(t) {
		if later, ok := e.later(t); ok {
			return nil, &bot.InputError{Msg: e.laterPart(t, later).Text}
		}
		p, ok := e.essay.Lookup(t)
		if !ok {
			return nil, &bot.InputError{Msg: fmt.Sprintf("There is no passage %q. Labels run %s; 'leviathan passages' lists them.", t, e.essay.LabelRange())}
		}
		return []bot.Quote{{Passage: p, Text: p.Text, Score: 1}}, nil
	}
	hits, err := e.retriever.Search(ctx, t, max(n, e.topK))
	if err != nil {
		return nil, fmt.Errorf("couldn't search the essay: %w", err)
	}
	quotes := []bot.Quote{}
	for _, h := range hits {
		if len(quotes) == n {
			break
		}
		if !h.Relevant {
			continue
		}
		q := bot.Quote{Passage: h.Passage, Text: h.Passage.Text, Score: h.Score}
		if len([]rune(h.Passage.Text)) > wholePassageRunes && len(h.Evidence) > 0 {
			// The evidence sentences are verbatim and in order; the
			// best-scoring one is the quote.
			best := h.Sentences[0]
			for _, s := range h.Sentences {
				if s.Score > best.Score {
					best = s
				}
			}
			q.Text = best.Text
		}
		quotes = append(quotes, q)
	}
	return quotes, nil
}
