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

// answerLLM answers from the model, grounded in the retrieved passages;
// on any failure it returns the extractive answer with a notice saying why.
func (e *Engine) answerLLM(ctx context.Context, q string, req bot.Request, hits []retrieval.Hit) bot.Answer {
	ps := make([]content.Passage, len(hits))
	for i, h := range hits {
		ps[i] = h.Passage
	}
	msgs := answerMessages(q, req.History, ps)
	start := time.Now()
	c, err := e.complete(ctx, msgs, len(ps), req.OnText)
	attrs := []slog.Attr{
		slog.Int("passages", len(ps)), slog.Int("history_turns", len(lastTurns(req.History))),
		slog.Int("prompt_chars", promptChars(msgs)), slog.Duration("took", time.Since(start)),
		slog.Int("prompt_tokens", c.Usage.PromptTokens), slog.Int("completion_tokens", c.Usage.CompletionTokens),
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
	text, cited := checkCitations(c.Text, len(ps))
	a := bot.Answer{Mode: bot.ModeLLM, Text: text, Covered: true, Citations: citationsFor(cited, ps), Usage: usagePtr(c.Usage)}
	if len(cited) == 0 {
		a.Notice = noSourceNotice(q)
	}
	e.log.LogAttrs(ctx, slog.LevelInfo, "llm answer", append(attrs, slog.Int("cited", len(cited)),
		slog.Int("citations_removed", countCites(c.Text)-countCites(text)))...)
	return a
}

// complete calls the model, streaming when the caller wants to show the
// text as it grows. Text so far is checked like the final text, so a
// citation that points nowhere is never shown, not even for a moment.
func (e *Engine) complete(ctx context.Context, msgs []bot.Message, n int, onText func(string)) (bot.Completion, error) {
	if onText == nil {
		return e.llm.Complete(ctx, msgs)
	}
	var sofar strings.Builder
	return e.llm.Stream(ctx, msgs, func(delta string) {
		sofar.WriteString(delta)
		if t := checkPartial(sofar.String(), n); t != "" {
			onText(t)
		}
	})
}

// summarizeLLM summarizes passages under heading ("" = the whole essay)
// with the model, citing them by number; the citations carry the passage
// labels. An error means the caller falls back to the extractive summary.
func (e *Engine) summarizeLLM(ctx context.Context, heading string, passages []content.Passage, onText func(string)) (bot.Answer, error) {
	if len(passages) == 0 {
		return bot.Answer{}, errors.New("couldn't summarize: no passages")
	}
	msgs := summaryMessages(heading, passages)
	start := time.Now()
	c, err := e.complete(ctx, msgs, len(passages), onText)
	if err != nil {
		e.log.WarnContext(ctx, "llm summary failed", slog.String("section", heading),
			slog.String("reason", fallbackReason(err)), slog.Any("err", err))
		return bot.Answer{}, fmt.Errorf("couldn't summarize with the model: %w", err)
	}
	text, cited := checkCitations(c.Text, len(passages))
	a := bot.Answer{Mode: bot.ModeLLM, Text: text, Covered: true, Citations: citationsFor(cited, passages), Usage: usagePtr(c.Usage)}
	if len(cited) == 0 {
		a.Notice = noSourceNotice("")
	}
	e.log.InfoContext(ctx, "llm summary", slog.String("section", heading), slog.Int("passages", len(passages)),
		slog.Int("cited", len(cited)), slog.Int("prompt_chars", promptChars(msgs)), slog.Duration("took", time.Since(start)),
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

func countCites(s string) int {
	return len(digits.FindAllString(strings.Join(citeGroup.FindAllString(s, -1), " "), -1))
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

func noSourceNotice(q string) string {
	if isGerman(q) {
		return "Hinweis: Diese Antwort nennt keine Quelle im Essay."
	}
	return "Note: this answer cites no source in the essay."
}
