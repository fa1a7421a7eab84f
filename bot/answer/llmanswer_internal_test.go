package answer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

// scriptLLM answers with fixed text (or error) and records what it was sent.
type scriptLLM struct {
	text string
	err  error
	sent [][]bot.Message
}

func (s *scriptLLM) Complete(ctx context.Context, msgs []bot.Message) (bot.Completion, error) {
	s.sent = append(s.sent, msgs)
	return bot.Completion{Text: s.text, Usage: bot.Usage{PromptTokens: 10, CompletionTokens: 5, TotalTokens: 15}}, s.err
}

func (s *scriptLLM) Stream(ctx context.Context, msgs []bot.Message, onDelta func(string)) (bot.Completion, error) {
	c, err := s.Complete(ctx, msgs)
	for _, w := range strings.SplitAfter(c.Text, " ") {
		onDelta(w)
	}
	return c, err
}

func TestSummarizeLLM(t *testing.T) {
	essay := content.Load()
	var heading string
	var ps []content.Passage
	for _, sec := range essay.Sections {
		if heading, ps = essay.Section(sec); len(ps) >= 3 && heading != content.NotesSection {
			break
		}
	}
	llm := &scriptLLM{text: "Die Tech-Oligarchen regieren mit [1], gestützt auf [3] und [99]."}
	e, err := New(Config{Essay: essay, Retriever: newFakeRetriever(), LLM: llm})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	a, err := e.summarizeLLM(t.Context(), heading, ps, func(s string) { seen = append(seen, s) })
	if err != nil {
		t.Fatal(err)
	}
	if a.Mode != bot.ModeLLM || a.Text != "Die Tech-Oligarchen regieren mit [1], gestützt auf [3] und." {
		t.Errorf("got %q (%s)", a.Text, a.Mode)
	}
	if len(a.Citations) != 2 || a.Citations[0].Label != ps[0].Label || a.Citations[1].Label != ps[2].Label {
		t.Errorf("citations = %+v", a.Citations)
	}
	if len(seen) == 0 || seen[len(seen)-1] != a.Text {
		t.Errorf("streamed %q", seen)
	}
	user := llm.sent[0][1].Content
	if !strings.Contains(user, heading) || strings.Count(user, "<passage n=") != len(ps) ||
		!strings.Contains(user, `label="`+ps[len(ps)-1].Label+`"`) || !strings.Contains(llm.sent[0][0].Content, "Cite") {
		t.Errorf("summary prompt:\n%s", user)
	}
}

func TestSummarizeLLMFailure(t *testing.T) {
	essay := content.Load()
	llm := &scriptLLM{err: &bot.LLMError{Reason: bot.ReasonServerError, Err: errors.New("500")}}
	e, _ := New(Config{Essay: essay, Retriever: newFakeRetriever(), LLM: llm})
	_, err := e.summarizeLLM(t.Context(), "", essay.Passages, nil)
	if fallbackReason(err) != bot.ReasonServerError {
		t.Errorf("err = %v", err)
	}
	// Summary, which owns the fallback, still answers.
	a, err := e.Summary(t.Context(), "", nil)
	if err != nil || a.Mode != bot.ModeExtractive || a.Text == "" {
		t.Errorf("Summary after a model failure = %+v, %v", a, err)
	}
}

func TestWholeEssayPromptSize(t *testing.T) {
	essay := content.Load()
	// The issue puts the whole essay at about 4,100 tokens; the whole-text
	// prompts must stay near that and within the default budget, or
	// whole-text questions would always take the map-reduce path.
	for _, q := range []string{wholeSummary, "What is the main thesis of the text?"} {
		msgs := wholeMessages(essay, q, nil, essay.Passages)
		if n := estimateTokens(msgs); n > 6000 {
			t.Errorf("whole-text prompt for %q is about %d tokens, over the default budget", q, n)
		}
		t.Logf("whole-text prompt for %q: about %d tokens (chars/4)", q, estimateTokens(msgs))
	}
}

func TestFallbackReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&bot.LLMError{Reason: bot.ReasonStreamCut, Err: errors.New("x")}, bot.ReasonStreamCut},
		{context.DeadlineExceeded, bot.ReasonTimeout},
		{context.Canceled, bot.ReasonCanceled},
		{errors.New("odd"), bot.ReasonBadResponse},
	}
	for _, tc := range tests {
		if got := fallbackReason(tc.err); got != tc.want {
			t.Errorf("fallbackReason(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}
