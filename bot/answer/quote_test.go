package answer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
)

func TestQuoteByLabel(t *testing.T) {
	f := newFakeRetriever()
	e := newTestEngine(t, f)
	for _, label := range []string{"¶7", "7", "p7", "Fn1", "Kolophon"} {
		qs, err := e.Quote(context.Background(), label, 3)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		want, _ := e.Essay().Lookup(label)
		if len(qs) != 1 || qs[0].Passage.ID != want.ID || qs[0].Text != want.Text {
			t.Errorf("Quote(%q) = %+v, want the whole passage %s", label, qs, want.Label)
		}
	}
	if f.searches != 0 {
		t.Errorf("a label lookup searched the store %d times", f.searches)
	}
}

func TestQuoteUnknownLabel(t *testing.T) {
	_, err := newTestEngine(t, newFakeRetriever()).Quote(context.Background(), "¶99", 3)
	var ie *bot.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *InputError", err)
	}
	if !strings.Contains(ie.Msg, "¶1–¶17") || !strings.Contains(ie.Msg, "Fn1–Fn3") {
		t.Errorf("message does not say which labels exist: %q", ie.Msg)
	}
}

func TestQuoteByTopic(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	qs, err := e.Quote(context.Background(), "Technofeudalismus", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) == 0 || len(qs) > 2 {
		t.Fatalf("got %d quotes, want 1 or 2", len(qs))
	}
	for _, q := range qs {
		if !strings.Contains(q.Passage.Text, q.Text) {
			t.Errorf("quote %q is not verbatim from %s", q.Text, q.Passage.Label)
		}
		if !strings.Contains(q.Text, "Technofeudalismus") {
			t.Errorf("quote from %s is not the matching sentence: %q", q.Passage.Label, q.Text)
		}
		if len(q.Text) == len(q.Passage.Text) && len([]rune(q.Text)) > wholePassageRunes {
			t.Errorf("long passage %s quoted whole", q.Passage.Label)
		}
	}
}

func TestQuoteNoMatch(t *testing.T) {
	qs, err := newTestEngine(t, newFakeRetriever()).Quote(context.Background(), "Spaghetti Carbonara", 3)
	if err != nil || qs == nil || len(qs) != 0 {
		t.Fatalf("Quote = %v, %v; want an empty list", qs, err)
	}
}

func TestQuoteEmpty(t *testing.T) {
	_, err := newTestEngine(t, newFakeRetriever()).Quote(context.Background(), "  ", 3)
	var ie *bot.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *InputError", err)
	}
}
