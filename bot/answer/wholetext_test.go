package answer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

// recordLLM answers every request with text (per call, by what the prompt
// asks) and records the prompts; safe for the concurrent section calls.
type recordLLM struct {
	mu     sync.Mutex
	sent   [][]bot.Message
	answer func(msgs []bot.Message) (string, error)
}

func (l *recordLLM) Complete(ctx context.Context, msgs []bot.Message) (bot.Completion, error) {
	l.mu.Lock()
	l.sent = append(l.sent, msgs)
	l.mu.Unlock()
	text, err := l.answer(msgs)
	n := 0
	for _, m := range msgs {
		n += len(m.Content)
	}
	return bot.Completion{Text: text, Usage: bot.Usage{PromptTokens: (n + 3) / 4, CompletionTokens: len(text) / 4}}, err
}

func (l *recordLLM) Stream(ctx context.Context, msgs []bot.Message, onDelta func(string)) (bot.Completion, error) {
	c, err := l.Complete(ctx, msgs)
	if err == nil {
		onDelta(c.Text)
	}
	return c, err
}

func (l *recordLLM) prompts() [][]bot.Message {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([][]bot.Message(nil), l.sent...)
}

func passagesIn(msgs []bot.Message) int {
	return strings.Count(msgs[len(msgs)-1].Content, "<passage n=")
}

func TestAnswerWholeSendsTheWholeText(t *testing.T) {
	essay := content.Load()
	l := &recordLLM{answer: func([]bot.Message) (string, error) {
		return "Die These: Der Technofeudalismus ist zerbrechlich [17]; siehe auch [99].", nil
	}}
	e, _ := New(Config{Essay: essay, Retriever: newFakeRetriever(), LLM: l})
	a, ok := e.answerWholeLLM(t.Context(), "What is the main thesis of the text?", bot.Request{})
	if !ok || a.Mode != bot.ModeLLM || !a.Covered || a.Text != "Die These: Der Technofeudalismus ist zerbrechlich [17]; siehe auch." {
		t.Fatalf("answerWhole = %+v, %v", a, ok)
	}
	if len(a.Citations) != 1 || a.Citations[0].Label != essay.Passages[16].Label {
		t.Errorf("citations %+v", a.Citations)
	}
	sent := l.prompts()
	if len(sent) != 1 || passagesIn(sent[0]) != len(essay.Passages) {
		t.Fatalf("%d requests, the first with %d passages; want one with all %d", len(sent), passagesIn(sent[0]), len(essay.Passages))
	}
	sys := sent[0][0].Content
	for _, want := range []string{essay.Meta.Title, essay.Meta.Author, "Camilla Elle", essay.Meta.OriginalTitle, "German", "whole text"} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
	t.Logf("whole-text question: prompt about %d tokens (chars/4)", estimateTokens(sent[0]))
}

func TestAnswerWholeIsNeverRefused(t *testing.T) {
	l := &recordLLM{answer: func([]bot.Message) (string, error) {
		return "", &bot.LLMError{Reason: bot.ReasonServerError, Err: errors.New("500")}
	}}
	e, _ := New(Config{Essay: content.Load(), Retriever: newFakeRetriever(), LLM: l})
	a, ok := e.answerWholeLLM(t.Context(), "Worum geht es in dem Text im Kern?", bot.Request{})
	if !ok || !a.Covered || a.Mode != bot.ModeExtractive || a.Fallback != bot.ReasonServerError || a.Text == "" || len(a.Citations) == 0 ||
		!strings.Contains(a.Notice, "Sprachmodell") {
		t.Errorf("answerWhole after a model failure = %+v, %v", a, ok)
	}
	// Without a model the caller answers extractively.
	plain, _ := New(Config{Essay: content.Load(), Retriever: newFakeRetriever()})
	if _, ok := plain.answerWholeLLM(t.Context(), "Worum geht es?", bot.Request{}); ok {
		t.Error("answerWhole without a model said ok")
	}
}

// Over the budget, the whole text goes section by section: each section is
// summarized (citing the passages by their numbers in the whole text), the
// summaries are cached per text and model, in the data directory when
// there is one, and the answer is made from them.
func TestAnswerWholeMapReduce(t *testing.T) {
	essay := content.Load()
	dir := t.TempDir()
	l := &recordLLM{answer: func(msgs []bot.Message) (string, error) {
		u := msgs[len(msgs)-1].Content
		if strings.HasPrefix(u, "Summarize the section") {
			i := strings.Index(u, `<passage n="`)
			n := u[i+len(`<passage n="`) : i+strings.Index(u[i:], `" `)]
			return "Zusammenfassung des Abschnitts [" + n + "].", nil
		}
		return "Die These [1], der Schluss [17].", nil
	}}
	opts := ModelOptions{Name: "m1", CacheDir: dir, ContextTokens: 1500}
	e, _ := New(Config{Essay: essay, Retriever: newFakeRetriever(), LLM: l, Model: opts})
	a, ok := e.answerWholeLLM(t.Context(), "Was ist die Hauptthese?", bot.Request{})
	if !ok || a.Mode != bot.ModeLLM || len(a.Citations) != 2 {
		t.Fatalf("answerWhole = %+v", a)
	}
	sections := len(essay.BodySections())
	sent := l.prompts()
	if len(sent) != sections+1 {
		t.Fatalf("%d requests, want %d section summaries and one answer", len(sent), sections)
	}
	reduce := sent[len(sent)-1]
	u := reduce[len(reduce)-1].Content
	if !strings.Contains(u, "<summaries>") || strings.Count(u, "Zusammenfassung des Abschnitts") != sections ||
		!strings.Contains(u, `label="Fn1"`) || !strings.Contains(u, "Hauptthese") {
		t.Errorf("reduce prompt:\n%s", u)
	}
	if n := estimateTokens(reduce); n > 1500 {
		t.Errorf("reduce prompt about %d tokens, over the budget", n)
	}
	// Cached in memory, and in the directory for the next engine.
	if _, err := os.Stat(filepath.Join(dir, summaryFile)); err != nil {
		t.Fatal(err)
	}
	e.answerWholeLLM(t.Context(), "Was ist die Hauptthese?", bot.Request{})
	e2, _ := New(Config{Essay: essay, Retriever: newFakeRetriever(), LLM: l, Model: opts})
	e2.answerWhole(t.Context(), "Und der Schluss?", bot.Request{})
	if got := len(l.prompts()); got != sections+3 {
		t.Errorf("%d requests after two more answers, want %d (the summaries cached)", got, sections+3)
	}
	// Another model summarizes afresh.
	opts.Name = "m2"
	e3, _ := New(Config{Essay: essay, Retriever: newFakeRetriever(), LLM: l, Model: opts})
	e3.answerWhole(t.Context(), "Und der Schluss?", bot.Request{})
	if got := len(l.prompts()); got != 2*sections+4 {
		t.Errorf("%d requests, want the sections summarized again for another model", got)
	}
}

// The model path of Summary sends the whole text in one prompt.
func TestSummaryWithModelUsesTheWholeText(t *testing.T) {
	essay := content.Load()
	l := &recordLLM{answer: func([]bot.Message) (string, error) { return "Die These [1] und der Schluss [17].", nil }}
	e, _ := New(Config{Essay: essay, Retriever: newFakeRetriever(), LLM: l})
	a, err := e.Summary(t.Context(), "", nil)
	if err != nil || a.Mode != bot.ModeLLM || len(a.Citations) != 2 {
		t.Fatalf("Summary = %+v, %v", a, err)
	}
	if sent := l.prompts(); len(sent) != 1 || passagesIn(sent[0]) != len(essay.Passages) {
		t.Errorf("%d requests; want one with the whole text", len(sent))
	}
}

func TestNamedPassagesJoinThePrompt(t *testing.T) {
	essay := content.Load()
	e, _ := New(Config{Essay: essay, Retriever: newFakeRetriever()})
	p7, _ := essay.Lookup("¶7")
	tests := []struct {
		q    string
		want []string
	}{
		{"Was sagt ¶12 über Mao?", []string{"¶7", "¶12"}},
		{"What does footnote 2 say?", []string{"¶7", "Fn2"}},
		{"Erkläre Absatz 14 und Fußnote 1", []string{"¶7", "¶14", "Fn1"}},
		{"Wer steht im Kolophon?", []string{"¶7", "Kolophon"}},
		{"Was sagt ¶7?", []string{"¶7"}},
		{"Was sagt ¶99?", []string{"¶7"}},
	}
	for _, tc := range tests {
		var got []string
		for _, p := range e.withNamedPassages(tc.q, []content.Passage{p7}) {
			got = append(got, p.Label)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%q: %v, want %v", tc.q, got, tc.want)
		}
	}
}

// A question in English about the German text is answered in English,
// with quotations kept in German word for word: the prompt says so.
func TestPromptKeepsQuotationsInTheTextsLanguage(t *testing.T) {
	sys := answerSystem(content.Load())
	for _, want := range []string{"Answer in the language of the question", "Quotations from the text stay in the text's language, word for word",
		"translation in brackets", "Language: German", "Do not write a list of sources"} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
}
