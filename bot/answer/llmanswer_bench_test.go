package answer_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/answer"
	"github.com/leviathan-bot/leviathan/bot/llm"
	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// instantLLM answers at once, so that a benchmark measures the engine
// around the model. It records the size of each prompt.
type instantLLM struct {
	mu      sync.Mutex
	prompts []int // characters
}

func (l *instantLLM) Complete(ctx context.Context, msgs []bot.Message) (bot.Completion, error) {
	n := 0
	for _, m := range msgs {
		n += len(m.Content)
	}
	l.mu.Lock()
	// A question about the whole text sends the whole text by design
	// (every passage, where an ordinary question gets the top five); the
	// budget is for ordinary questions.
	passages := 0
	for _, m := range msgs {
		passages += strings.Count(m.Content, "<passage ")
	}
	if passages <= 6 {
		l.prompts = append(l.prompts, n)
	}
	l.mu.Unlock()
	return bot.Completion{Text: "Der Autor beschreibt eine neue Ordnung [1], in der Plattformen Renten abschöpfen [2][3]."}, nil
}

func (l *instantLLM) Stream(ctx context.Context, msgs []bot.Message, onDelta func(string)) (bot.Completion, error) {
	c, err := l.Complete(ctx, msgs)
	onDelta(c.Text)
	return c, err
}

func openIndex(tb testing.TB) *retrieval.Index {
	tb.Helper()
	ix, err := retrieval.Open(context.Background(), content.Load(), retrieval.Options{Embedder: retrieval.NewOffline()})
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

// TestPromptTokensPerAsk reports the prompt size of an answer over the
// evaluation questions (German ones, so no translation call), estimated at
// four characters a token, and holds it to the budget of 2,500.
func TestPromptTokensPerAsk(t *testing.T) {
	eval := answer.LoadEvalSet(t)
	l := &instantLLM{}
	eng, _ := answer.New(answer.Config{Essay: content.Load(), Retriever: openIndex(t), LLM: l, NoTranslate: true})
	for _, q := range eval.Questions {
		// Ordinary questions only: one about the whole text sends the
		// whole text, by design.
		if answer.Understand(q.Q, nil, content.Load()).Intent == answer.IntentWhole {
			continue
		}
		if _, err := eng.Ask(t.Context(), bot.Request{Question: q.Q}); err != nil {
			t.Fatal(err)
		}
	}
	if len(l.prompts) == 0 {
		t.Fatal("no question reached the model")
	}
	sum, most := 0, 0
	for _, n := range l.prompts {
		sum += n
		most = max(most, n)
	}
	whole := len(content.Load().Source)
	t.Logf("%d answers: prompt tokens mean %d, max %d (chars/4); whole essay %d", len(l.prompts), sum/len(l.prompts)/4, most/4, whole/4)
	if most/4 > 2500 {
		t.Errorf("largest prompt is about %d tokens, over the 2,500 budget", most/4)
	}
}

// BenchmarkAskLLMInstant is a whole Ask with a model that answers at once:
// retrieval, prompt, citation check.
func BenchmarkAskLLMInstant(b *testing.B) {
	eng, _ := answer.New(answer.Config{Essay: content.Load(), Retriever: openIndex(b), LLM: &instantLLM{}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := eng.Ask(b.Context(), bot.Request{Question: question}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAskExtractiveBaseline is the same Ask without a model, so that
// the difference to BenchmarkAskLLMInstant is what the LLM path adds.
func BenchmarkAskExtractiveBaseline(b *testing.B) {
	eng, _ := answer.New(answer.Config{Essay: content.Load(), Retriever: openIndex(b)})
	for b.Loop() {
		if _, err := eng.Ask(b.Context(), bot.Request{Question: question}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchOnly is retrieval alone.
func BenchmarkSearchOnly(b *testing.B) {
	ix := openIndex(b)
	for b.Loop() {
		if _, err := ix.Search(b.Context(), question, 5); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAskLLMHTTP goes through go-openai and the fake backend on
// loopback, streamed: everything but the model's own time.
func BenchmarkAskLLMHTTP(b *testing.B) {
	fake := llmtest.New(b)
	fake.Respond = func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Text: "Der Autor beschreibt eine neue Ordnung [1], in der Plattformen Renten abschöpfen [2][3]."}
	}
	c, err := llm.New(llm.Config{BaseURL: fake.BaseURL(), Model: "m"})
	if err != nil {
		b.Fatal(err)
	}
	eng, _ := answer.New(answer.Config{Essay: content.Load(), Retriever: openIndex(b), LLM: c})
	b.ReportAllocs()
	for b.Loop() {
		a, err := eng.Ask(b.Context(), bot.Request{Question: question, OnText: func(string) {}})
		if err != nil || a.Mode != bot.ModeLLM {
			b.Fatal(a.Fallback, err)
		}
	}
}
