package answer

import (
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

// The examples are written for this test, in the ways readers ask; none is
// a question of the evaluation sets.
func TestUnderstand(t *testing.T) {
	essay := content.Load()
	history := []bot.Turn{{Question: "Was ist DOGE?", Answer: "…"}}
	tests := []struct {
		q       string
		history []bot.Turn
		intent  Intent
		field   string // metadata
		label   string // passage
		follow  bool
	}{
		{q: "Worum geht's in diesem Text eigentlich?", intent: IntentWhole},
		{q: "Fass mir bitte den Essay zusammen", intent: IntentWhole},
		{q: "Was ist die zentrale These?", intent: IntentWhole},
		{q: "Wie endet der Text?", intent: IntentWhole},
		{q: "What's this piece about?", intent: IntentWhole},
		{q: "Give me a quick summary", intent: IntentWhole},
		{q: "What is the author's main argument?", intent: IntentWhole},
		{q: "What does the essay conclude?", intent: IntentWhole},
		{q: "Fasse zusammen, was über China gesagt wird", intent: IntentEvidence},
		{q: "What does the author argue about central banks?", intent: IntentEvidence},
		{q: "Von wem stammt dieser Text?", intent: IntentMetadata, field: FieldAuthor},
		{q: "Who wrote this?", intent: IntentMetadata, field: FieldAuthor},
		{q: "Wer hat das ins Deutsche übersetzt?", intent: IntentMetadata, field: FieldTranslators},
		{q: "Who are the translators?", intent: IntentMetadata, field: FieldTranslators},
		{q: "Wann ist das erschienen?", intent: IntentMetadata, field: FieldPublished},
		{q: "Where was it first published?", intent: IntentMetadata, field: FieldPublished},
		{q: "In welcher Sprache wurde der Text geschrieben?", intent: IntentMetadata, field: FieldLanguage},
		{q: "Wie heißt der Text?", intent: IntentMetadata, field: FieldTitle},
		{q: "Erklär mir ¶9", intent: IntentPassage, label: "¶9"},
		{q: "Was steht in Absatz 4?", intent: IntentPassage, label: "¶4"},
		{q: "what does footnote 3 say", intent: IntentPassage, label: "Fn3"},
		{q: "Was steht in der Fußnote 1?", intent: IntentPassage, label: "Fn1"},
		{q: "Zeig mir das Kolophon", intent: IntentPassage, label: "Kolophon"},
		{q: "Was bedeutet Technofeudalismus?", intent: IntentDefinition},
		{q: "What does general intellect mean?", intent: IntentDefinition},
		{q: "Was meint der Autor mit blockfreier Digitalpolitik?", intent: IntentDefinition},
		{q: "Warum unterstützen die Tech-Milliardäre Trump?", intent: IntentEvidence},
		{q: "und was macht Musk dort?", history: history, intent: IntentEvidence, follow: true},
		{q: "Wer leitet es?", history: history, intent: IntentEvidence, follow: true},
		{q: "And why?", history: history, intent: IntentEvidence, follow: true},
		{q: "Warum unterstützen die Tech-Milliardäre Trump?", history: history, intent: IntentEvidence, follow: false},
		{q: "und wer leitet es?", intent: IntentEvidence, follow: false}, // no conversation yet
	}
	for _, tt := range tests {
		u := Understand(tt.q, tt.history, essay)
		if u.Intent != tt.intent || u.Field != tt.field || u.FollowUp != tt.follow {
			t.Errorf("Understand(%q) = intent %s, field %q, follow-up %v; want %s, %q, %v", tt.q, u.Intent, u.Field, u.FollowUp, tt.intent, tt.field, tt.follow)
		}
		if tt.label != "" && (len(u.Passages) != 1 || u.Passages[0].Label != tt.label) {
			t.Errorf("Understand(%q) names %v, want %s", tt.q, u.Passages, tt.label)
		}
	}
}

// A section named by its heading is a passage question over the section.
func TestUnderstandSectionHeading(t *testing.T) {
	essay := content.Load()
	u := Understand("Fasse den Abschnitt »Tech-Oligarchen an der Macht« zusammen", nil, essay)
	if u.Intent != IntentPassage || u.Section != "Tech-Oligarchen an der Macht" || len(u.Passages) == 0 {
		t.Fatalf("got %+v", u)
	}
}

// Whole-text, metadata and passage questions are never refused, with or
// without words the text contains.
func TestNeverRefused(t *testing.T) {
	e := newTestEngine(t, newFakeRetriever())
	for _, q := range []string{
		"Worum geht's in diesem Text eigentlich?", "Give me a quick summary", "Who wrote this?",
		"Wer hat das ins Deutsche übersetzt?", "Where was it first published?", "Erklär mir ¶9",
		"what does footnote 3 say", "In welcher Sprache wurde der Text geschrieben?",
	} {
		a, err := e.Ask(t.Context(), bot.Request{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		if !a.Covered || len(a.Citations) == 0 {
			t.Errorf("%q refused or uncited: %q", q, a.Text)
			continue
		}
		checkCited(t, a)
	}
}

func FuzzUnderstand(f *testing.F) {
	for _, s := range []string{"Was ist ¶12?", "Fußnote 99", "worum geht es", "", "¶", "Absatz 0", "und?"} {
		f.Add(s)
	}
	essay := content.Load()
	f.Fuzz(func(t *testing.T, q string) {
		u := Understand(q, []bot.Turn{{Question: "x"}}, essay)
		if u.Intent == IntentPassage && len(u.Passages) == 0 {
			t.Fatalf("a passage question with no passage: %q", q)
		}
	})
}
