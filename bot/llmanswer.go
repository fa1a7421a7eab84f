package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// Why an LLM answer fell back to extractive (Answer.Fallback, logs,
// metrics).
const (
	ReasonTimeout     = "timeout"      // the model took longer than its time limit
	ReasonRateLimited = "rate_limited" // 429, retries exhausted
	ReasonServerError = "server_error" // 5xx, retries exhausted
	ReasonBadResponse = "bad_response" // not a chat completion (garbage, 4xx)
	ReasonStreamCut   = "stream_cut"   // the stream ended before the answer did
	ReasonEmptyAnswer = "empty_answer" // the model answered nothing
	ReasonUnreachable = "unreachable"  // no connection to the backend
	ReasonCanceled    = "canceled"     // the caller gave up
)

// LLMError is a failed model call, classified so that the engine can say
// why it fell back. bot/llm returns it; other LLM implementations may too.
type LLMError struct {
	Reason string // one of the Reason constants
	Err    error
}

func (e *LLMError) Error() string { return fmt.Sprintf("llm %s: %v", e.Reason, e.Err) }
func (e *LLMError) Unwrap() error { return e.Err }

// fallbackReason names why err ended an LLM answer.
func fallbackReason(err error) string {
	var le *LLMError
	switch {
	case errors.As(err, &le):
		return le.Reason
	case errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	case errors.Is(err, context.Canceled):
		return ReasonCanceled
	}
	return ReasonBadResponse
}

// answerLLM answers from the model, grounded in the retrieved passages;
// on any failure it returns the extractive answer with a notice saying why.
func (e *Engine) answerLLM(ctx context.Context, q string, req Request, hits []retrieval.Hit) Answer {
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
		a := e.answerExtractive(q, hits)
		a.Mode = ModeExtractive
		a.Fallback = reason
		a.Notice = joinNotices(a.Notice, fallbackNotice(q, reason))
		a.Usage = usagePtr(c.Usage)
		return a
	}
	text, cited := checkCitations(c.Text, len(ps))
	a := Answer{Mode: ModeLLM, Text: text, Covered: true, Citations: citationsFor(cited, ps), Usage: usagePtr(c.Usage)}
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
func (e *Engine) complete(ctx context.Context, msgs []Message, n int, onText func(string)) (Completion, error) {
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
func (e *Engine) summarizeLLM(ctx context.Context, heading string, passages []content.Passage, onText func(string)) (Answer, error) {
	if len(passages) == 0 {
		return Answer{}, errors.New("couldn't summarize: no passages")
	}
	msgs := summaryMessages(heading, passages)
	start := time.Now()
	c, err := e.complete(ctx, msgs, len(passages), onText)
	if err != nil {
		e.log.WarnContext(ctx, "llm summary failed", slog.String("section", heading),
			slog.String("reason", fallbackReason(err)), slog.Any("err", err))
		return Answer{}, fmt.Errorf("couldn't summarize with the model: %w", err)
	}
	text, cited := checkCitations(c.Text, len(passages))
	a := Answer{Mode: ModeLLM, Text: text, Covered: true, Citations: citationsFor(cited, passages), Usage: usagePtr(c.Usage)}
	if len(cited) == 0 {
		a.Notice = noSourceNotice("")
	}
	e.log.InfoContext(ctx, "llm summary", slog.String("section", heading), slog.Int("passages", len(passages)),
		slog.Int("cited", len(cited)), slog.Int("prompt_chars", promptChars(msgs)), slog.Duration("took", time.Since(start)),
		slog.Int("prompt_tokens", c.Usage.PromptTokens), slog.Int("completion_tokens", c.Usage.CompletionTokens))
	return a, nil
}

func usagePtr(u Usage) *Usage {
	if u == (Usage{}) {
		return nil
	}
	return &u
}

func promptChars(msgs []Message) int {
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
		ReasonTimeout:     {"hat nicht rechtzeitig geantwortet", "did not answer in time"},
		ReasonRateLimited: {"ist gerade überlastet", "is rate-limited right now"},
		ReasonServerError: {"hatte einen Fehler", "had an error"},
		ReasonUnreachable: {"ist nicht erreichbar", "is unreachable"},
		ReasonStreamCut:   {"hat mitten in der Antwort abgebrochen", "stopped mid-answer"},
		ReasonEmptyAnswer: {"hat nichts geantwortet", "gave an empty answer"},
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
