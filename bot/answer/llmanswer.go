package answer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// fallbackReason names why err ended an LLM answer.
func fallbackReason(err error) string {
	var le *bot.LLMError
	switch {
	case errors.As(err, &le):
		return le.Reason
	case errors.Is(err, context.DeadlineExceeded):
		return bot.ReasonTimeout
	case errors.Is(err, context.Canceled):
		return bot.ReasonCanceled
	}
	return bot.ReasonBadResponse
}

// ModelOptions configure the model path.
type ModelOptions struct {
	// Name is the model's name; cached section summaries are kept per
	// model (default "model").
	Name string
	// CacheDir is where section summaries of the whole-text map-reduce are
	// kept across runs; "" keeps them in memory only.
	CacheDir string
	// ContextTokens is the prompt budget for sending the whole text at
	// once (default 6000); a longer text is summarized section by section.
	ContextTokens int
	// MaxAnswerChars caps an answer: a stream that goes past it is stopped
	// and what came is kept, with a notice (default 8000). Backends that
	// ignore the token limit (Ollama ignores max_completion_tokens) would
	// otherwise write on for as long as they like.
	MaxAnswerChars int
	// OnUnverifiedQuotes, if set, hears of every model answer with
	// quotations not in the essay, and how many (for metrics).
	OnUnverifiedQuotes func(n int)
}

// modelPath is the engine's state for answers from the model.
type modelPath struct {
	opts   ModelOptions
	quotes *quoteChecker
	cache  *summaryCache
}

func newModelPath(essay *content.Essay, o ModelOptions) *modelPath {
	if o.Name == "" {
		o.Name = "model"
	}
	if o.ContextTokens <= 0 {
		o.ContextTokens = 6000
	}
	if o.MaxAnswerChars <= 0 {
		o.MaxAnswerChars = 8000
	}
	return &modelPath{opts: o, quotes: newQuoteChecker(essay), cache: newSummaryCache(o.CacheDir)}
}

// checker returns the output checker for an answer from passages ps to
// question q.
func (e *Engine) checker(q string, ps []content.Passage) *outputChecker {
	return &outputChecker{ps: ps, essay: e.essay, quotes: e.model.quotes, question: q, german: isGerman(q)}
}

// answerLLM answers from the model, grounded in the retrieved passages;
// on any failure it returns the extractive answer with a notice saying why.
func (e *Engine) answerLLM(ctx context.Context, q string, req bot.Request, hits []retrieval.Hit) bot.Answer {
	ps := make([]content.Passage, 0, len(hits)+2)
	for _, h := range hits {
		ps = append(ps, h.Passage)
	}
	ps = e.withNamedPassages(q, ps)
	msgs := answerMessages(e.essay, q, req.History, ps)
	chk := e.checker(q, ps)
	start := time.Now()
	c, err := e.complete(ctx, msgs, chk, req.OnText)
	attrs := []slog.Attr{
		slog.Int("passages", len(ps)), slog.Int("history_turns", len(lastTurns(req.History))),
		slog.Int("prompt_chars", promptChars(msgs)), slog.Duration("took", time.Since(start)),
		slog.Int("prompt_tokens", c.Usage.PromptTokens), slog.Int("completion_tokens", c.Usage.CompletionTokens),
	}
	var a bot.Answer
	if err == nil {
		a, err = e.modelAnswer(q, c, chk)
	}
	if err != nil {
		reason := fallbackReason(err)
		e.log.LogAttrs(ctx, slog.LevelWarn, "llm answer failed; answering extractively",
			append(attrs, slog.String("reason", reason), slog.Any("err", err))...)
		a := e.answerExtractive(q, Understand(q, req.History, e.essay), hits, previousAnswer(req.History, Understand(q, req.History, e.essay)))
		a.Mode = bot.ModeExtractive
		a.Fallback = reason
		a.Notice = joinNotices(a.Notice, fallbackNotice(q, reason))
		a.Usage = usagePtr(c.Usage)
		return a
	}
	e.log.LogAttrs(ctx, slog.LevelInfo, "llm answer", append(attrs, slog.Int("cited", len(a.Citations)),
		slog.Int("unverified_quotes", a.UnverifiedQuotes), slog.Bool("truncated", c.Truncated))...)
	return a
}

// modelAnswer checks a model's text and makes it an answer citing ps (the
// checker's passages). A text with nothing left after the checks is an
// empty answer.
func (e *Engine) modelAnswer(q string, c bot.Completion, chk *outputChecker) (bot.Answer, error) {
	r := chk.check(c.Text)
	if r.Text == "" {
		return bot.Answer{}, &bot.LLMError{Reason: bot.ReasonEmptyAnswer, Err: errors.New("nothing was left of the answer after the checks")}
	}
	a := bot.Answer{
		Mode: bot.ModeLLM, Text: r.Text, Covered: true, Citations: citationsFor(r.Cited, chk.ps),
		Usage: usagePtr(c.Usage), UnverifiedQuotes: r.Unverified,
	}
	if len(r.Cited) == 0 {
		a.Notice = noSourceNotice(q)
	}
	if r.Unverified > 0 {
		a.Notice = joinNotices(a.Notice, unverifiedNotice(q, r.Unverified))
		if f := e.model.opts.OnUnverifiedQuotes; f != nil {
			f(r.Unverified)
		}
	}
	if c.Truncated {
		a.Notice = joinNotices(a.Notice, truncatedNotice(q))
	}
	return a, nil
}

// errTooLong stops a stream that went past the answer's character cap.
var errTooLong = errors.New("the answer is longer than the cap")

// previewStep is how much a streamed text must grow before it is checked
// and shown again: nothing while it is short (each word shows at once),
// then a quarter of what was shown. Checking the whole text on every delta
// was quadratic (8.7 s of CPU for 40,000 characters); growing by a
// fraction keeps the total work linear in the length, and the front ends
// cannot show edits faster anyway (Discord allows about one a second).
func previewStep(shown int) int {
	if shown < everyDeltaBelow {
		return 0
	}
	return shown / 4
}

const everyDeltaBelow = 512

// complete calls the model, streaming when the caller wants to show the
// text as it grows. Text so far is checked like the final text, so a
// citation that points nowhere is never shown, not even for a moment. An
// answer longer than the cap is cut there (the stream is stopped) and
// marked Truncated.
func (e *Engine) complete(ctx context.Context, msgs []bot.Message, chk *outputChecker, onText func(string)) (bot.Completion, error) {
	limit := e.model.opts.MaxAnswerChars
	if onText == nil {
		c, err := e.llm.Complete(ctx, msgs)
		if err == nil && len(c.Text) > limit {
			c.Text, c.Truncated = cutText(c.Text, limit), true
		}
		return c, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		sofar strings.Builder
		shown int    // bytes of sofar when last checked
		last  string // what was shown last
		over  bool
	)
	c, err := e.llm.Stream(ctx, msgs, func(delta string) {
		if over {
			return
		}
		sofar.WriteString(delta)
		n := sofar.Len()
		if n > limit {
			over = true
			cancel(errTooLong)
			return
		}
		if n-shown < previewStep(shown) {
			return
		}
		shown = n
		if t := chk.partial(sofar.String()); t != "" && t != last {
			last = t
			onText(t)
		}
	})
	if over {
		c.Text, c.Truncated, err = cutText(sofar.String(), limit), true, nil
	}
	if err == nil {
		// The last deltas may not have been shown yet, and what was held
		// back at the end is now judged: show the text as it will be
		// answered, so that the front end's last preview is the answer.
		if t := chk.check(c.Text).Text; t != "" && t != last {
			onText(t)
		}
	}
	return c, err
}

// cutText cuts s to at most n bytes, at a space where it can, and marks
// the cut.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.ToValidUTF8(s[:n], "")
	if i := strings.LastIndexAny(cut, " \n"); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \n") + " …"
}

// summarizeLLM summarizes passages under heading ("" = the whole essay)
// with the model, citing them by number; the citations carry the passage
// labels. An error means the caller falls back to the extractive summary.
// The whole essay goes through wholeText, which sends it at once when it
// fits the prompt budget and summarizes it section by section when not.
func (e *Engine) summarizeLLM(ctx context.Context, heading string, passages []content.Passage, onText func(string)) (bot.Answer, error) {
	if len(passages) == 0 {
		return bot.Answer{}, errors.New("couldn't summarize: no passages")
	}
	if heading == "" {
		a, err := e.wholeText(ctx, wholeSummary, bot.Request{OnText: onText})
		if err != nil {
			return bot.Answer{}, fmt.Errorf("couldn't summarize with the model: %w", err)
		}
		return a, nil
	}
	msgs := summaryMessages(e.essay, heading, passages)
	chk := e.checker("Zusammenfassung", passages)
	start := time.Now()
	c, err := e.complete(ctx, msgs, chk, onText)
	var a bot.Answer
	if err == nil {
		a, err = e.modelAnswer("", c, chk)
	}
	if err != nil {
		e.log.WarnContext(ctx, "llm summary failed", slog.String("section", heading),
			slog.String("reason", fallbackReason(err)), slog.Any("err", err))
		return bot.Answer{}, fmt.Errorf("couldn't summarize with the model: %w", err)
	}
	e.log.InfoContext(ctx, "llm summary", slog.String("section", heading), slog.Int("passages", len(passages)),
		slog.Int("cited", len(a.Citations)), slog.Int("prompt_chars", promptChars(msgs)), slog.Duration("took", time.Since(start)),
		slog.Int("prompt_tokens", c.Usage.PromptTokens), slog.Int("completion_tokens", c.Usage.CompletionTokens))
	return a, nil
}

func usagePtr(u bot.Usage) *bot.Usage {
	if u == (bot.Usage{}) {
		return nil
	}
	return &u
}

func promptChars(msgs []bot.Message) int {
	n := 0
	for _, m := range msgs {
		n += len(m.Content)
	}
	return n
}

// fallbackNotice is the one line that tells the user why this answer is
// extractive, in the language of the question.
func fallbackNotice(q, reason string) string {
	why := map[string][2]string{
		bot.ReasonTimeout:     {"hat nicht rechtzeitig geantwortet", "did not answer in time"},
		bot.ReasonRateLimited: {"ist gerade überlastet", "is rate-limited right now"},
		bot.ReasonServerError: {"hatte einen Fehler", "had an error"},
		bot.ReasonUnreachable: {"ist nicht erreichbar", "is unreachable"},
		bot.ReasonStreamCut:   {"hat mitten in der Antwort abgebrochen", "stopped mid-answer"},
		bot.ReasonEmptyAnswer: {"hat nichts geantwortet", "gave an empty answer"},
	}[reason]
	if why[0] == "" {
		why = [2]string{"hat eine unbrauchbare Antwort geliefert", "gave an unusable answer"}
	}
	if isGerman(q) {
		return "Hinweis: Das Sprachmodell " + why[0] + "; dies ist eine Antwort aus Zitaten des Essays."
	}
	return "Note: the language model " + why[1] + "; this answer is quoted from the essay."
}

func unverifiedNotice(q string, n int) string {
	if isGerman(q) {
		if n == 1 {
			return "Hinweis: Ein Zitat der Antwort steht so nicht im Essay; es ist markiert."
		}
		return fmt.Sprintf("Hinweis: %d Zitate der Antwort stehen so nicht im Essay; sie sind markiert.", n)
	}
	if n == 1 {
		return "Note: one quotation in this answer is not in the essay as written; it is marked."
	}
	return fmt.Sprintf("Note: %d quotations in this answer are not in the essay as written; they are marked.", n)
}

func truncatedNotice(q string) string {
	if isGerman(q) {
		return "Hinweis: Die Antwort des Sprachmodells war zu lang und ist gekürzt."
	}
	return "Note: the language model's answer was too long and is cut short."
}

func noSourceNotice(q string) string {
	if isGerman(q) {
		return "Hinweis: Diese Antwort nennt keine Quelle im Essay."
	}
	return "Note: this answer cites no source in the essay."
}
