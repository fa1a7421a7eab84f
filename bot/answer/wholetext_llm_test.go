package answer_test

import (
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/llm"
	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
)

// Through the fake backend, the whole-text summary is one request holding
// every passage, and its prompt stays within the default budget.
func TestSummaryWholeTextThroughTheFakeBackend(t *testing.T) {
	s := newSetup(t, llm.Config{})
	s.fake.Push(llmtest.Reply{Text: "Die These [7], der Schluss [17]."})
	a, err := s.eng.Summary(t.Context(), "", nil)
	if err != nil || a.Mode != bot.ModeLLM || a.Usage == nil {
		t.Fatalf("Summary = %+v, %v", a, err)
	}
	reqs := s.fake.ChatRequests()
	if len(reqs) != 1 || strings.Count(lastUser(reqs[0]), "<passage n=") != len(s.ret.essay.Passages) {
		t.Fatalf("%d requests; want one with all %d passages", len(reqs), len(s.ret.essay.Passages))
	}
	t.Logf("whole-text summary: %d prompt tokens (the fake counts four bytes a token)", a.Usage.PromptTokens)
	if a.Usage.PromptTokens > 6000 {
		t.Errorf("%d prompt tokens, over the default budget of 6,000", a.Usage.PromptTokens)
	}
}
