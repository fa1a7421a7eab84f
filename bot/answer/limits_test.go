package answer_test

import (
	"strings"
	"testing"
	"time"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/answer"
	"github.com/leviathan-bot/leviathan/bot/llm"
	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
)

// A backend that sends empty keep-alive chunks for longer than the time
// limit, and only then text, is stalled: the answer falls back to the
// extractive one instead of waiting (it waited for minutes).
func TestAskLLMKeepAlivesFallBackWithinTheStallLimit(t *testing.T) {
	for _, comments := range []bool{false, true} {
		s := newSetup(t, llm.Config{Timeout: 300 * time.Millisecond})
		s.fake.Push(llmtest.Reply{Text: "Zu spät [1].", KeepAlive: 100, KeepAliveEvery: 20 * time.Millisecond, KeepAliveComments: comments})
		a, err := s.eng.Ask(t.Context(), bot.Request{Question: question, OnText: func(string) {}})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := s.plain.Ask(t.Context(), bot.Request{Question: question})
		if a.Mode != bot.ModeExtractive || a.Fallback != bot.ReasonTimeout || a.Text != want.Text {
			t.Errorf("comments=%v: mode %s, fallback %q, text %q", comments, a.Mode, a.Fallback, a.Text)
		}
	}
}

// A model that ignores its token limit (Ollama) and writes 200,000
// characters is stopped at the answer's cap; what came is kept, marked as
// cut, with a notice. Without a stream the same cap applies.
func TestAskLLMLongAnswerIsCapped(t *testing.T) {
	long := strings.Repeat("Die Plattformen sind die neuen Lehnsherren [1]. ", 200_000/48+1)
	for _, stream := range []bool{true, false} {
		s := newSetupWith(t, llm.Config{}, answer.ModelOptions{MaxAnswerChars: 5000})
		s.fake.Push(llmtest.Reply{Text: long, IgnoreMaxTokens: true})
		req := bot.Request{Question: question}
		var previews int
		if stream {
			req.OnText = func(string) { previews++ }
		}
		a, err := s.eng.Ask(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if a.Mode != bot.ModeLLM || len(a.Text) > 5000 || len(a.Text) < 4000 || !strings.HasSuffix(a.Text, "…") {
			t.Errorf("stream=%v: mode %s, %d bytes, ends %q", stream, a.Mode, len(a.Text), a.Text[max(len(a.Text)-20, 0):])
		}
		if !strings.Contains(a.Notice, "gekürzt") {
			t.Errorf("stream=%v: notice %q", stream, a.Notice)
		}
		if stream && previews > 120 {
			t.Errorf("%d previews of a 5,000-character answer: past the first 512 bytes, they wait for a quarter more", previews)
		}
	}
}

// A backend that honours the token limit stops with finish reason
// "length"; the answer says it was cut.
func TestAskLLMTokenLimitIsSentAndReported(t *testing.T) {
	s := newSetup(t, llm.Config{MaxCompletionTokens: 20})
	s.fake.Push(llmtest.Reply{Text: strings.Repeat("Die Plattformen sind die neuen Lehnsherren [1]. ", 20)})
	a, err := s.eng.Ask(t.Context(), bot.Request{Question: question})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.fake.ChatRequests()[0]; r.MaxCompletionTokens != 20 {
		t.Errorf("max_completion_tokens = %d", r.MaxCompletionTokens)
	}
	if a.Mode != bot.ModeLLM || len(a.Text) > 80 || !strings.Contains(a.Notice, "gekürzt") {
		t.Errorf("mode %s, text %q, notice %q", a.Mode, a.Text, a.Notice)
	}
}
