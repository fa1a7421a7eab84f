package answer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// Retriever is what the engine needs from the store; *retrieval.Index
// implements it.
type Retriever interface {
	Search(ctx context.Context, query string, k int) ([]retrieval.Hit, error)
	SearchAll(ctx context.Context, queries []string, k int) ([]retrieval.Hit, error)
	// Read reads given passages against a query (scored sentences,
	// evidence, relevance) without ranking them.
	Read(query string, passages []content.Passage) []retrieval.Hit
	// Central scores the sentences of passages by their centrality to
	// them as a whole.
	Central(passages []content.Passage, focus string) [][]retrieval.ScoredSentence
}

var _ Retriever = (*retrieval.Index)(nil)

// Config configures an Engine.
type Config struct {
	Essay     *content.Essay
	Retriever Retriever
	// LLM is optional: nil means extractive answers only.
	LLM    bot.LLM
	Logger *slog.Logger
	// TopK is how many passages are retrieved for a question (default 5).
	TopK int
	// Translate lets the engine translate non-German questions into German
	// with the LLM and retrieve with both (default on when an LLM is set;
	// see NoTranslate).
	NoTranslate bool
	// Model configures the model path (answers, summaries, the whole text).
	Model ModelOptions
}

// Engine answers questions about the essay. It is safe for concurrent use.
type Engine struct {
	essay       *content.Essay
	retriever   Retriever
	llm         bot.LLM
	log         *slog.Logger
	topK        int
	noTranslate bool
	model       *modelPath
	// full and upTo are set on an engine Limited to a section: the whole
	// text, and the section as written.
	full *content.Essay
	upTo string
}

// New checks cfg and returns an Engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Essay == nil || cfg.Retriever == nil {
		return nil, errors.New("bot: an engine needs an essay and a retriever")
	}
	e := &Engine{
		essay: cfg.Essay, retriever: cfg.Retriever, llm: cfg.LLM, log: cfg.Logger,
		topK: cfg.TopK, noTranslate: cfg.NoTranslate,
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.topK <= 0 {
		e.topK = 5
	}
	e.model = newModelPath(cfg.Essay, cfg.Model)
	return e, nil
}

// Essay returns the essay the engine answers about.
func (e *Engine) Essay() *content.Essay { return e.essay }

// HasLLM reports whether answers come from a language model.
func (e *Engine) HasLLM() bool { return e.llm != nil }

// Search returns the k passages that best match the query.
func (e *Engine) Search(ctx context.Context, query string, k int) ([]bot.Hit, error) {
	q, _, err := CleanQuestion(query)
	if err != nil {
		return nil, err
	}
	hits, err := e.retriever.Search(ctx, q, k)
	if err != nil {
		return nil, fmt.Errorf("couldn't search the essay: %w", err)
	}
	return toBotHits(hits), nil
}

// toBotHits gives retrieval's hits the shape the front ends know.
func toBotHits(hits []retrieval.Hit) []bot.Hit {
	out := make([]bot.Hit, len(hits))
	for i, h := range hits {
		out[i] = bot.Hit{Passage: h.Passage, Score: h.Score, Relevant: h.Relevant, Evidence: h.Evidence, TextID: h.TextID, TextTitle: h.TextTitle}
	}
	return out
}

// Ask answers a question. Bad input (empty, nothing but control characters)
// is an error the front end shows as a usage message; everything after that
// — an unreachable model, a cut stream, a model citing passages it was not
// given — still yields an answer, extractive if need be, with a Notice.
//
// What the question asks for (Understand) decides how: a question about
// the whole text, its publication or a named passage is answered from
// that, never refused; any other question from the evidence retrieval
// finds, and refused only when retrieval finds none.
func (e *Engine) Ask(ctx context.Context, req bot.Request) (bot.Answer, error) {
	q, notice, err := CleanQuestion(req.Question)
	if err != nil {
		return bot.Answer{}, err
	}
	if req.UpTo != "" {
		l, err := e.Limited(req.UpTo)
		if err != nil {
			return bot.Answer{}, err
		}
		req.UpTo = ""
		return l.Ask(ctx, req)
	}
	if p, ok := e.namesLater(q); ok {
		// "Was sagt ¶15?" before the group has read ¶15.
		a := e.laterPart(q, p)
		if notice != "" {
			a.Notice = notice
		}
		return a, nil
	}
	u := Understand(q, req.History, e.essay)
	var a bot.Answer
	var usage bot.Usage
	switch u.Intent {
	case IntentWhole:
		a = e.answerWhole(ctx, q, req)
	case IntentMetadata:
		if e.llm != nil {
			// The model gets the notes; the metadata is in its prompt.
			a = e.answerLLM(ctx, q, req, e.retriever.Read(q, notePassages(e.essay)))
			break
		}
		a = e.answerMetadata(q, u)
	case IntentPassage:
		if e.llm != nil {
			hits := e.retriever.Read(q, u.Passages)
			a = e.answerLLM(ctx, q, req, hits)
			break
		}
		a = e.answerPassage(q, u)
	default:
		r, err := e.retrieve(ctx, q, u, req.History)
		if err != nil {
			return bot.Answer{}, fmt.Errorf("couldn't search the essay: %w", err)
		}
		// In a conversation, a question with a pronoun that finds nothing
		// alone ("Wer hat es blockiert?") is read as a follow-up, as a
		// person would; "Wie koche ich Spaghetti?" is not.
		if !anyRelevant(r.hits) && !u.FollowUp && len(req.History) > 0 && pronoun.MatchString(q) {
			u.FollowUp = true
			if r, err = e.retrieve(ctx, q, u, req.History); err != nil {
				return bot.Answer{}, fmt.Errorf("couldn't search the essay: %w", err)
			}
		}
		usage = r.usage
		switch {
		case e.laterEvidence() != nil:
			// The evidence is in a part the group has not read.
			a = e.laterPart(q, e.laterEvidence().Passage)
		case !anyRelevant(r.hits) && (namesDocument(q) || u.WholeCue):
			// A question about "the essay" or "the author", or asked the way
			// one asks about the whole, that finds no particular passage
			// asks about the whole text in words the patterns do not know:
			// the overview answers it, never a refusal.
			a = e.answerWhole(ctx, q, req)
		case !anyRelevant(r.hits):
			a = e.notCovered(q)
		case e.llm != nil:
			a = withEvidence(e.answerLLM(ctx, q, req, r.hits), r.hits)
		default:
			a = e.answerExtractive(q, u, r.hits, previousAnswer(req.History, u))
		}
	}
	a.Question = q
	// The rewrite for retrieval is part of what this answer cost.
	a.Usage = addUsage(a.Usage, usage)
	if a.Citations == nil {
		a.Citations = []bot.Citation{}
	}
	if notice != "" {
		a.Notice = joinNotices(notice, a.Notice)
	}
	return a, nil
}

// withEvidence gives a model's citations the evidence retrieval found in
// their passages, for the source list; citations that already have theirs
// (an extractive fallback quotes its own) keep it.
func withEvidence(a bot.Answer, hits []retrieval.Hit) bot.Answer {
	byID := map[string][]string{}
	for _, h := range hits {
		byID[h.Passage.ID] = h.Evidence
	}
	for i, c := range a.Citations {
		if len(c.Evidence) == 0 {
			a.Citations[i].Evidence = byID[c.ID]
		}
	}
	return a
}

// answerWhole answers a question about the whole text: with a model from
// the whole text, without one by the overview of its argument.
func (e *Engine) answerWhole(ctx context.Context, q string, req bot.Request) bot.Answer {
	if a, ok := e.answerWholeLLM(ctx, q, req); ok {
		return a
	}
	return e.overview(q)
}

// previousAnswer returns, for a follow-up, a test for the sentences the
// previous answer quoted, so that the new answer says something new.
func previousAnswer(history []bot.Turn, u Understanding) func(string) bool {
	if !u.FollowUp || len(history) == 0 {
		return nil
	}
	prev := history[len(history)-1].Answer
	return func(s string) bool { return strings.Contains(prev, s) }
}

// addUsage adds u to *sum; nil stands for nothing used.
func addUsage(sum *bot.Usage, u bot.Usage) *bot.Usage {
	if u == (bot.Usage{}) {
		return sum
	}
	if sum == nil {
		return &u
	}
	return &bot.Usage{
		PromptTokens:     sum.PromptTokens + u.PromptTokens,
		CompletionTokens: sum.CompletionTokens + u.CompletionTokens,
		TotalTokens:      sum.TotalTokens + u.TotalTokens,
	}
}

func anyRelevant(hits []retrieval.Hit) bool {
	for _, h := range hits {
		if h.Relevant {
			return true
		}
	}
	return false
}

func joinNotices(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
