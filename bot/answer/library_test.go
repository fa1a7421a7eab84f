package answer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// newTestLibrary is the essay and two small texts of content's test
// library, in memory.
func newTestLibrary(t *testing.T, files ...string) *Library {
	t.Helper()
	dir := t.TempDir()
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join("..", "..", "content", "testdata", "library", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	lib, err := content.LoadLibrary(dir, content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	store, err := retrieval.OpenLibrary(context.Background(), lib.Texts, retrieval.Options{Embedder: retrieval.NewOffline()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLibrary(LibraryConfig{Texts: lib.Texts, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLibraryRoutes(t *testing.T) {
	l := newTestLibrary(t, "gut.md", "notiz.txt")
	ctx := context.Background()
	if l.Default().ID != content.BuiltinID {
		t.Errorf("default text %q, want the essay", l.Default().ID)
	}
	cases := []struct {
		question, text, want string
		covered              bool
	}{
		{"Was ist Technofeudalismus?", "", content.BuiltinID, true},
		{"Was steht unter dem ersten Kapitel?", "", "gut", true},
		{"Was steht im zweiten Absatz nach einer Leerzeile?", "", "notiz", true},
		{"Wie wird das Wetter morgen in Berlin?", "", content.BuiltinID, false},
		{"Was ist Technofeudalismus?", "notiz", "notiz", false},
		{"Was ist Technofeudalismus?", "GUT", "gut", false},
	}
	for _, c := range cases {
		a, err := l.Ask(ctx, bot.Request{Question: c.question}, c.text)
		if err != nil {
			t.Fatalf("%q: %v", c.question, err)
		}
		if a.Covered != c.covered {
			t.Errorf("%q (text %q): covered %v, want %v: %s", c.question, c.text, a.Covered, c.covered, a.Text)
		}
		if c.covered && len(a.Citations) == 0 {
			t.Errorf("%q: no citations: %s", c.question, a.Text)
		}
		for _, cit := range a.Citations {
			if cit.TextID != c.want || cit.TextTitle == "" {
				t.Errorf("%q (text %q): cites %s of %q (%q), want text %q", c.question, c.text, cit.Label, cit.TextID, cit.TextTitle, c.want)
			}
		}
	}

	// A follow-up stays with its conversation's text; a new topic does not.
	hist := []bot.Turn{{Question: "Was steht unter dem ersten Kapitel?", Answer: "Der erste Absatz ist kurz."}}
	for q, want := range map[string]string{"Und was steht danach?": "gut", "Und was ist DOGE?": content.BuiltinID} {
		id, err := l.Route(ctx, bot.Request{Question: q, History: hist})
		if err != nil || id != want {
			t.Errorf("follow-up %q routed to %q (%v), want %q", q, id, err, want)
		}
	}

	_, err := l.Ask(ctx, bot.Request{Question: "Was ist das?"}, "nichts")
	var ie *bot.InputError
	if !errors.As(err, &ie) || !strings.Contains(ie.Msg, "essay, gut, notiz") {
		t.Errorf("unknown text: %v, want an input error listing the texts", err)
	}

	hits, err := l.Search(ctx, "erstes Kapitel Zitat", 3, "")
	if err != nil || len(hits) == 0 || hits[0].TextID != "gut" {
		t.Errorf("library search: %+v, %v", hits, err)
	}
	qs, err := l.Quote(ctx, "Technofeudalismus", 2, "")
	if err != nil || len(qs) == 0 || qs[0].TextID != content.BuiltinID {
		t.Errorf("quote: %+v, %v", qs, err)
	}
	s, err := l.Summary(ctx, "", nil, "gut")
	if err != nil || len(s.Citations) == 0 || s.Citations[0].TextID != "gut" {
		t.Errorf("summary of gut: %+v, %v", s, err)
	}
}

// A library of one text names no text: its citations are as before.
func TestLibraryOfOne(t *testing.T) {
	l := newTestLibrary(t)
	a, err := l.Ask(context.Background(), bot.Request{Question: "Was ist Technofeudalismus?"}, "")
	if err != nil || len(a.Citations) == 0 {
		t.Fatalf("%+v, %v", a, err)
	}
	for _, c := range a.Citations {
		if c.TextID != "" || c.TextTitle != "" {
			t.Errorf("a one-text library named the text in citation %s", c.Label)
		}
	}
}

func TestRouted(t *testing.T) {
	l := newTestLibrary(t, "gut.md", "notiz.txt")
	r := l.Routed()
	ctx := context.Background()
	if r.Essay() != &l.Default().Essay || r.HasLLM() {
		t.Error("Routed is not the default text without a model")
	}
	a, err := r.Ask(ctx, bot.Request{Question: "Was steht unter dem ersten Kapitel?"})
	if err != nil || len(a.Citations) == 0 || a.Citations[0].TextID != "gut" {
		t.Errorf("ask: %+v, %v", a.Citations, err)
	}
	s, err := r.Summary(ctx, "Zweites Kapitel", nil)
	if err != nil || len(s.Citations) == 0 || s.Citations[0].TextID != "gut" {
		t.Errorf("summary of a section of gut: %+v, %v", s.Citations, err)
	}
	s, err = r.Summary(ctx, "", nil)
	if err != nil || len(s.Citations) == 0 || s.Citations[0].TextID != content.BuiltinID {
		t.Errorf("summary without a section: %+v, %v", s.Citations, err)
	}
}

// The text the asker chose wins over the router.
func TestRoutedChosenText(t *testing.T) {
	l := newTestLibrary(t, "gut.md", "notiz.txt")
	r := l.Routed()
	ctx := context.Background()
	if got := len(r.Texts()); got != 3 {
		t.Errorf("%d texts, want 3", got)
	}
	a, err := r.Ask(ctx, bot.Request{Question: "Was ist Technofeudalismus?", TextID: "gut"})
	if err != nil || len(a.Citations) != 0 && a.Citations[0].TextID != "gut" {
		t.Errorf("ask about gut: %+v, %v", a.Citations, err)
	}
	s, err := r.SummaryOf(ctx, "gut", "", nil)
	if err != nil || len(s.Citations) == 0 || s.Citations[0].TextID != "gut" {
		t.Errorf("summary of gut: %+v, %v", s.Citations, err)
	}
	qs, err := r.QuoteFrom(ctx, "gut", "¶1", 1)
	if err != nil || len(qs) != 1 || qs[0].TextID != "gut" {
		t.Errorf("quote from gut: %+v, %v", qs, err)
	}
	var in *bot.InputError
	if _, err := r.QuoteFrom(ctx, "kochbuch", "¶1", 1); !errors.As(err, &in) {
		t.Errorf("an unknown text: %v, want an InputError", err)
	}
}
