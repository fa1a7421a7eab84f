package answer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// Retriever is what the engine needs from the store; *retrieval.Index
// implements it.
type Retriever interface {
	Search(ctx context.Context, query string, k int) ([]retrieval.Hit, error)
	SearchAll(ctx context.Context, queries []string, k int) ([]retrieval.Hit, error)
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
func (e *Engine) Search(ctx context.Context, query string, k int) ([]retrieval.Hit, error) {
	q, _, err := CleanQuestion(query)
	if err != nil {
		return nil, err
	}
	hits, err := e.retriever.Search(ctx, q, k)
	if err != nil {
		return nil, fmt.Errorf("couldn't search the essay: %w", err)
	}
	return hits, nil
}

// Ask answers a question. Bad input (empty, nothing but control characters)
// is an error the front end shows as a usage message; everything after that
// — an unreachable model, a cut stream, a model citing passages it was not
// given — still yields an answer, extractive if need be, with a Notice.
func (e *Engine) Ask(ctx context.Context, req bot.Request) (bot.Answer, error) {
	q, notice, err := CleanQuestion(req.Question)
	if err != nil {
		return bot.Answer{}, err
	}
	r, err := e.retrieveFor(ctx, q, req.History)
	if err != nil {
		return bot.Answer{}, fmt.Errorf("couldn't search the essay: %w", err)
	}
	hits := r.hits
	var a bot.Answer
	switch {
	case !anyRelevant(hits):
		a = e.notCovered(q)
	case e.llm != nil && !e.grounded(q, r, req.History):
		e.log.InfoContext(ctx, "no sentence of the retrieved passages matches the question; not asking the model",
			slog.Bool("translated", r.german != ""))
		a = e.notCovered(q)
	case e.llm != nil:
		a = e.answerLLM(ctx, q, req, hits)
	default:
		a = e.answerExtractive(q, hits)
		// A follow-up often cannot stand alone ("und wer leitet es?"): when
		// its own words find nothing, read it together with the previous
		// question, as a person in the conversation would.
		if !a.Covered && len(req.History) > 0 && refersBack(q) {
			prev := req.History[len(req.History)-1].Question
			if b := e.answerExtractive(prev+" "+q, hits); b.Covered {
				a = b
			}
		}
	}
	a.Question = q
	// The rewrite for retrieval is part of what this answer cost.
	a.Usage = addUsage(a.Usage, r.usage)
	if a.Citations == nil {
		a.Citations = []bot.Citation{}
	}
	if notice != "" {
		a.Notice = joinNotices(notice, a.Notice)
	}
	return a, nil
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

// backRefs are words that point back into a conversation: pronouns and
// adverbs that mean nothing without the previous turn.
var backRefs = map[string]bool{
	"und": true, "aber": true, "es": true, "er": true, "ihn": true, "ihm": true, "sie": true, "ihr": true,
	"damit": true, "dazu": true, "davon": true, "darüber": true, "dabei": true, "dafür": true, "dagegen": true,
	"das": true, "dies": true, "diese": true, "dieser": true, "dieses": true, "dort": true, "denn": true,
	"and": true, "but": true, "it": true, "he": true, "him": true, "she": true, "her": true, "they": true,
	"them": true, "that": true, "this": true, "these": true, "those": true, "there": true, "so": true,
}

// refersBack reports whether a question leans on the previous turn, so
// that an unrelated new question ("Wie koche ich Spaghetti?") is not read
// as a follow-up and answered from the earlier topic.
func refersBack(q string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r)
	}) {
		if backRefs[w] {
			return true
		}
	}
	return false
}
