package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode"

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

// Message is one chat message sent to a language model.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Usage counts the tokens of one or more model calls.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Completion is what a model answered.
type Completion struct {
	Text  string
	Usage Usage
}

// LLM is the language model the engine talks to. bot/llm implements it over
// any OpenAI-compatible backend; tests pass fakes.
type LLM interface {
	// Complete returns the whole answer at once.
	Complete(ctx context.Context, msgs []Message) (Completion, error)
	// Stream calls onDelta with each piece of text as it arrives and returns
	// the whole answer at the end. An error after some deltas means the
	// stream was cut.
	Stream(ctx context.Context, msgs []Message, onDelta func(delta string)) (Completion, error)
}

// Mode says how an answer was made.
type Mode string

// The modes of an answer.
const (
	ModeExtractive Mode = "extractive"
	ModeLLM        Mode = "llm"
)

// MaxTurns is the conversation memory: how many earlier turns a follow-up
// carries. The engine uses at most this many, and the front ends (the
// console, a Discord reply chain or thread) keep this many, so that no
// layer forgets what another promises.
const MaxTurns = 8

// Turn is an earlier question and its answer in a conversation.
type Turn struct {
	Question string
	Answer   string
}

// Request is a question to the engine.
type Request struct {
	Question string
	// History holds the earlier turns, oldest first, so that follow-ups
	// ("und was meint er damit?") can be understood.
	History []Turn
	// OnText, if set, is called with the answer text so far each time it
	// grows (LLM streaming), so front ends can show it as it is written.
	// The text passed may still contain unchecked citations; the returned
	// Answer is the final, checked one.
	OnText func(textSoFar string)
}

// Citation maps an [n] in an answer to the passage it points to.
type Citation struct {
	N       int          `json:"n"`
	ID      string       `json:"id"`
	Label   string       `json:"label"`
	Section string       `json:"section"`
	Kind    content.Kind `json:"kind"`
	Text    string       `json:"text"`
}

// Answer is the engine's reply to a Request.
type Answer struct {
	Question string `json:"question"`
	Text     string `json:"answer"`
	Mode     Mode   `json:"mode"`
	// Citations lists exactly the passages Text cites, by number. Empty
	// (not nil) when the essay does not cover the question.
	Citations []Citation `json:"citations"`
	// Covered is false when nothing in the essay is relevant to the question.
	Covered bool `json:"-"`
	// Notice is a one-line remark for the user: the question was cut, the
	// language model failed and this answer is extractive, and the like.
	Notice string `json:"notice,omitempty"`
	// Fallback names why an LLM answer fell back to extractive ("timeout",
	// "server_error", "empty_answer", ...); empty otherwise. For logs and
	// metrics.
	Fallback string `json:"-"`
	Usage    *Usage `json:"usage,omitempty"`
}

// Quote is a verbatim piece of the essay.
type Quote struct {
	Passage content.Passage
	// Text is the whole passage or a verbatim sentence of it.
	Text  string
	Score float64
}

// Config configures an Engine.
type Config struct {
	Essay     *content.Essay
	Retriever Retriever
	// LLM is optional: nil means extractive answers only.
	LLM    LLM
	Logger *slog.Logger
	// TopK is how many passages are retrieved for a question (default 5).
	TopK int
	// Translate lets the engine translate non-German questions into German
	// with the LLM and retrieve with both (default on when an LLM is set;
	// see NoTranslate).
	NoTranslate bool
}

// Engine answers questions about the essay. It is safe for concurrent use.
type Engine struct {
	essay       *content.Essay
	retriever   Retriever
	llm         LLM
	log         *slog.Logger
	topK        int
	noTranslate bool
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
func (e *Engine) Ask(ctx context.Context, req Request) (Answer, error) {
	q, notice, err := CleanQuestion(req.Question)
	if err != nil {
		return Answer{}, err
	}
	r, err := e.retrieveFor(ctx, q, req.History)
	if err != nil {
		return Answer{}, fmt.Errorf("couldn't search the essay: %w", err)
	}
	hits := r.hits
	var a Answer
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
		a.Citations = []Citation{}
	}
	if notice != "" {
		a.Notice = joinNotices(notice, a.Notice)
	}
	return a, nil
}

// addUsage adds u to *sum; nil stands for nothing used.
func addUsage(sum *Usage, u Usage) *Usage {
	if u == (Usage{}) {
		return sum
	}
	if sum == nil {
		return &u
	}
	return &Usage{
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

// InputError is bad user input. Its message is meant for the user: it says
// what is wrong and what to do, and front ends show it as it is (a usage
// error on the command line, an ephemeral reply on Discord). Any other error
// is internal and reaches users only as a short apology.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

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
