package answer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

// upTo is where the tests' reading group has read to: ¶5 is the last
// passage of it.
const upTo = "Tech-Oligarchen an der Macht"

func TestUpToLaterPart(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	for _, tc := range []struct{ q, want string }{
		{"Was ist eine blockfreie Digitalpolitik?", "Das steht in einem späteren Teil („Dynamik der Abhängigkeit und verschärfter Ungleichheit“), den ihr noch nicht gelesen habt"},
		{"What would a front against technofeudalism include?", "That comes in a later part (“Dynamik der Abhängigkeit und verschärfter Ungleichheit”) the group hasn't read yet"},
	} {
		// Without a limit, ¶15 answers it: the test is about the limit.
		a, err := e.Ask(context.Background(), bot.Request{Question: tc.q})
		if err != nil {
			t.Fatal(err)
		}
		if !a.Covered || len(a.Citations) == 0 || a.Citations[0].Label != "¶15" {
			t.Fatalf("%q without a limit: covered %v, citations %v; want ¶15 first", tc.q, a.Covered, a.Citations)
		}
		a, err = e.Ask(context.Background(), bot.Request{Question: tc.q, UpTo: upTo})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(a.Text, tc.want) {
			t.Errorf("%q up to %q:\n%s\nwant it to start %q", tc.q, upTo, a.Text, tc.want)
		}
		if a.Covered || len(a.Citations) != 0 || a.Citations == nil {
			t.Errorf("%q: a later-part answer is not covered and cites nothing (empty, not nil): covered %v, %v", tc.q, a.Covered, a.Citations)
		}
	}
}

func TestUpToNamedLaterPart(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	for _, q := range []string{"Was sagt ¶15?", "Worum geht es in „Dynamik der Abhängigkeit und verschärfter Ungleichheit“?"} {
		a, err := e.Ask(context.Background(), bot.Request{Question: q, UpTo: upTo})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(a.Text, "Das steht in einem späteren Teil („Dynamik") || len(a.Citations) != 0 {
			t.Errorf("%q up to %q:\n%s\n%v", q, upTo, a.Text, a.Citations)
		}
	}
	a, err := e.Ask(context.Background(), bot.Request{Question: "Was sagt ¶4?", UpTo: upTo})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Citations) == 0 || a.Citations[0].Label != "¶4" {
		t.Errorf("¶4 up to %q:\n%s", upTo, a.Text)
	}
}

func TestUpToEarlierPartAnswers(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	a, err := e.Ask(context.Background(), bot.Request{Question: "Welche Dekrete hat Trump am Tag seiner Amtseinführung unterzeichnet?", UpTo: "tech-oligarchen"})
	if err != nil {
		t.Fatal(err)
	}
	checkCited(t, a)
	if !a.Covered || len(a.Citations) == 0 || a.Citations[0].Label != "¶4" {
		t.Fatalf("covered %v, citations %v; want ¶4 first:\n%s", a.Covered, a.Citations, a.Text)
	}
	checkNothingAfter(t, a.Citations)
}

func TestUpToOverviewAndSummary(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	a, err := e.Ask(context.Background(), bot.Request{Question: "Worum geht es im Text?", UpTo: upTo})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Citations) == 0 {
		t.Fatalf("the overview cites nothing:\n%s", a.Text)
	}
	checkNothingAfter(t, a.Citations)

	l, err := e.Limited(upTo)
	if err != nil {
		t.Fatal(err)
	}
	s, err := l.Summary(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Citations) == 0 {
		t.Fatalf("the summary cites nothing:\n%s", s.Text)
	}
	checkNothingAfter(t, s.Citations)
	_, err = l.Summary(context.Background(), "Dynamik", nil)
	var ie *bot.InputError
	if !errors.As(err, &ie) || !strings.Contains(ie.Msg, "späteren Teil") {
		t.Errorf("summary of a later section: err %v, want an InputError about a later part", err)
	}
}

func TestUpToQuote(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	l, err := e.Limited(upTo)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := l.Quote(context.Background(), "Technologieunternehmen", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) == 0 {
		t.Fatal("no quotes from the part read")
	}
	for _, q := range qs {
		if q.Passage.Order > 4 {
			t.Errorf("quote from %s (%s), after where the group has read", q.Passage.Label, q.Passage.Section)
		}
	}
	if _, err := l.Quote(context.Background(), "¶15", 1); err == nil {
		t.Error("quoting ¶15 up to ¶5 should be refused")
	}
	if qs, err := l.Quote(context.Background(), "¶4", 1); err != nil || len(qs) != 1 || qs[0].Passage.Label != "¶4" {
		t.Errorf("quoting ¶4: %v, %v", qs, err)
	}
	if _, err := e.Limited("Kapitel 99"); err == nil {
		t.Error("an unknown section to read up to should be an error")
	}
}

// checkNothingAfter fails for a citation after ¶5, the last passage of
// upTo (the colophon, where the text appeared, is allowed).
func checkNothingAfter(t *testing.T, cs []bot.Citation) {
	t.Helper()
	for _, c := range cs {
		p, _ := content.Load().Lookup(c.ID)
		if p.Order > 4 && p.Kind != content.KindColophon {
			t.Errorf("cites %s (%s), after where the group has read", c.Label, c.Section)
		}
	}
}

func TestLibraryUpTo(t *testing.T) {
	l := newTestLibrary(t, "gut.md", "notiz.txt")
	r := l.Routed()
	ctx := context.Background()
	// Without a chosen text, the question is about the text the reading
	// position is in, and keeps to it.
	a, err := r.Ask(ctx, bot.Request{Question: "Was ist eine blockfreie Digitalpolitik?", UpTo: upTo})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Text, "Das steht in einem späteren Teil") {
		t.Errorf("routed question up to %q:\n%s", upTo, a.Text)
	}
	// Another text chosen by name has no such section: not limited.
	if _, err := r.Ask(ctx, bot.Request{Question: "Was steht unter dem ersten Kapitel?", TextID: "gut", UpTo: upTo}); err != nil {
		t.Errorf("a text without the section: %v", err)
	}
	s, err := r.SummaryUpTo(ctx, "", "", upTo, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkNothingAfter(t, s.Citations)
	if _, err := r.QuoteUpTo(ctx, "", "¶15", 1, upTo); err == nil {
		t.Error("quoting ¶15 up to ¶5 should be refused")
	}
	qs, err := r.QuoteUpTo(ctx, "", "¶15", 1, "")
	if err != nil || len(qs) != 1 {
		t.Errorf("quoting ¶15 without a limit: %v, %v", qs, err)
	}
}
