package answer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

func TestSummaryWholeEssay(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	a, err := e.Summary(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	checkCited(t, a)
	// The overview states the argument: thesis, key term, steps,
	// conclusion, from across the text.
	for _, label := range []string{"**These:**", "**Begriff:**", "**Argument:**", "**Schluss:**"} {
		if !strings.Contains(a.Text, label) {
			t.Errorf("the summary has no %s line:\n%s", label, a.Text)
		}
	}
	sections := map[string]bool{}
	for _, c := range a.Citations {
		sections[c.Section] = true
	}
	if len(sections) < 3 {
		t.Errorf("the summary cites %d sections, want at least 3: %v", len(sections), sections)
	}
	for _, c := range a.Citations {
		if c.Kind != content.KindBody {
			t.Errorf("summary cites %s (%s): only the argument's own text is summarized", c.Label, c.Kind)
		}
	}
}

func TestSummarySection(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	a, err := e.Summary(context.Background(), "tech-oligarchen", nil)
	if err != nil {
		t.Fatal(err)
	}
	checkCited(t, a)
	if a.Question != "Tech-Oligarchen an der Macht" {
		t.Errorf("Question = %q, want the heading as written", a.Question)
	}
	if !strings.HasPrefix(a.Text, "**Tech-Oligarchen an der Macht**\n") {
		t.Errorf("a section summary should name the section it matched first:\n%s", a.Text)
	}
	if len(a.Citations) == 0 {
		t.Fatal("no citations")
	}
	for _, c := range a.Citations {
		if c.Section != "Tech-Oligarchen an der Macht" {
			t.Errorf("section summary cites %s from %q", c.Label, c.Section)
		}
	}
	if n := len(citeRe.FindAllString(a.Text, -1)); n < 3 {
		t.Errorf("section summary has %d sentences, want at least 3", n)
	}
}

func TestSummaryUnknownSection(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	for _, s := range []string{"Fußball", "Anmerkungen"} {
		_, err := e.Summary(context.Background(), s, nil)
		var ie *bot.InputError
		if !errors.As(err, &ie) {
			t.Fatalf("%s: err = %v, want *InputError", s, err)
		}
		if !strings.Contains(ie.Msg, "Tech-Oligarchen an der Macht") {
			t.Errorf("%s: message does not list the sections: %q", s, ie.Msg)
		}
	}
}
