package answer

import (
	"context"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// A follow-up that cannot stand alone borrows the previous question; a new,
// unrelated question does not, even in the middle of a conversation.
func TestExtractiveFollowUp(t *testing.T) {
	ctx := context.Background()
	essay := content.Load()
	ix, err := retrieval.Open(ctx, essay, retrieval.Options{Embedder: retrieval.NewOffline()})
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Config{Essay: essay, Retriever: ix})
	if err != nil {
		t.Fatal(err)
	}
	first, err := e.Ask(ctx, bot.Request{Question: "Was ist DOGE?"})
	if err != nil || !first.Covered {
		t.Fatalf("first answer: %+v, %v", first, err)
	}
	history := []bot.Turn{{Question: "Was ist DOGE?", Answer: first.Text}}

	alone, err := e.Ask(ctx, bot.Request{Question: "und wer leitet es?"})
	if err != nil {
		t.Fatal(err)
	}
	if alone.Covered {
		t.Fatalf("without history the follow-up should not be answerable, got %q", alone.Text)
	}
	follow, err := e.Ask(ctx, bot.Request{Question: "und wer leitet es?", History: history})
	if err != nil {
		t.Fatal(err)
	}
	if !follow.Covered || len(follow.Citations) == 0 || follow.Citations[0].Label != "¶4" {
		t.Fatalf("follow-up answer = %q, citations %+v; want ¶4 (DOGE under Musk's lead)", follow.Text, follow.Citations)
	}
	// It answers the new part: the sentence that names who leads DOGE, and
	// of the first answer at most that one sentence again, no context the
	// reader has already seen.
	if !strings.Contains(follow.Text, "unter der Leitung von Elon Musk") {
		t.Errorf("the follow-up does not say who leads it: %q", follow.Text)
	}
	repeated := 0
	for _, s := range retrieval.SplitSentences(citeRe.ReplaceAllString(follow.Text, "")) {
		if strings.Contains(first.Text, s.Text) {
			repeated++
		}
	}
	if repeated > 1 {
		t.Errorf("the follow-up repeats %d sentences of the first answer:\n%s\nfirst:\n%s", repeated, follow.Text, first.Text)
	}
	unrelated, err := e.Ask(ctx, bot.Request{Question: "Wie koche ich Spaghetti?", History: history})
	if err != nil {
		t.Fatal(err)
	}
	if unrelated.Covered || len(unrelated.Citations) != 0 {
		t.Fatalf("an unrelated question was answered from the earlier topic: %q", unrelated.Text)
	}
}
