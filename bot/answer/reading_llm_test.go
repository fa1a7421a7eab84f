package answer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/llm"
	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
	"github.com/leviathan-bot/leviathan/content"
)

// The model is given nothing after where the group has read to.
func TestUpToLLMSeesNothingLater(t *testing.T) {
	const q = "Was sagt der Text über die Kontrolle der Technologieriesen?"
	prompt := func(upTo string) string {
		s := newSetup(t, llm.Config{})
		s.fake.Push(llmtest.Reply{Text: "Sie entziehen sich der Kontrolle [1]."})
		if _, err := s.eng.Ask(context.Background(), bot.Request{Question: q, UpTo: upTo}); err != nil {
			t.Fatal(err)
		}
		chats := s.fake.ChatRequests()
		if len(chats) == 0 {
			t.Fatal("the model was not asked")
		}
		var b strings.Builder
		for _, m := range chats[len(chats)-1].Messages {
			b.WriteString(m.Content)
		}
		return b.String()
	}
	later := func(p string) []string {
		var out []string
		for _, ps := range content.Load().Passages {
			if ps.Order > 4 && ps.Kind == content.KindBody && strings.Contains(p, ps.Text[:60]) {
				out = append(out, ps.Label)
			}
		}
		return out
	}
	if got := later(prompt("")); len(got) == 0 {
		t.Fatal("without a limit, the prompt has no later passage: the test proves nothing")
	}
	if got := later(prompt("Tech-Oligarchen an der Macht")); len(got) != 0 {
		t.Errorf("up to ¶5, the model was given %v", got)
	}
}
