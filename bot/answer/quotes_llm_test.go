package answer_test

import (
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/answer"
	"github.com/leviathan-bot/leviathan/bot/llm"
	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
)

const (
	realQuote     = "Indem große Unternehmen Wissen und Daten monopolisieren, zentralisieren sie die algorithmischen Mittel zur Koordinierung menschlicher Aktivitäten"
	inventedQuote = "Die Plattformen sind die neuen Lehnsherren des digitalen Kapitals"
)

// A model that invents a quotation: it never reaches the user as a
// quotation, neither in the answer nor in a streamed preview; a verbatim
// one passes untouched, and the answer counts and says what was marked.
func TestAskLLMInventedQuotesAreMarked(t *testing.T) {
	var counted []int
	s := newSetupWith(t, llm.Config{}, answer.ModelOptions{OnUnverifiedQuotes: func(n int) { counted = append(counted, n) }})
	reply := "Durand schreibt: „" + realQuote + "“ [1]. Er sagt auch »" + inventedQuote + "« [2]."
	for _, stream := range []bool{false, true} {
		s.fake.Push(llmtest.Reply{Text: reply})
		var previews []string
		req := bot.Request{Question: question}
		if stream {
			req.OnText = func(t string) { previews = append(previews, t) }
		}
		a, err := s.eng.Ask(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if a.Mode != bot.ModeLLM || a.UnverifiedQuotes != 1 {
			t.Fatalf("stream=%v: mode %s, %d unverified: %q", stream, a.Mode, a.UnverifiedQuotes, a.Text)
		}
		if !strings.Contains(a.Text, "„"+realQuote+"“ [1]") {
			t.Errorf("the verbatim quotation was changed: %q", a.Text)
		}
		if !strings.Contains(a.Text, "*[nicht im Text: "+inventedQuote+"]*") {
			t.Errorf("the invented quotation is not marked: %q", a.Text)
		}
		if !strings.Contains(a.Notice, "Zitat") {
			t.Errorf("notice %q", a.Notice)
		}
		for _, p := range append(previews, a.Text) {
			if strings.Contains(p, "»Die Plattformen") {
				t.Errorf("stream=%v: the invented quotation was shown unmarked: %q", stream, p)
			}
		}
		if stream && len(previews) < 3 {
			t.Errorf("only %d previews", len(previews))
		}
	}
	if len(counted) != 2 || counted[0] != 1 || counted[1] != 1 {
		t.Errorf("OnUnverifiedQuotes heard %v", counted)
	}
}

// An English question: German quotations stay verbatim, a translation in
// brackets after them is fine, and the notice is English.
func TestAskLLMEnglishAnswerWithGermanQuote(t *testing.T) {
	s := newSetup(t, llm.Config{})
	s.fake.Respond = translateOr(map[string]string{}, "Durand writes „"+realQuote+"“ (“By monopolizing knowledge and data, large companies centralize the algorithmic means of coordinating human activity”) [1]. He also says \""+inventedQuote+"\" [2].")
	a, err := s.eng.Ask(t.Context(), bot.Request{Question: "What does the author mean by technofeudalism?"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Mode != bot.ModeLLM || a.UnverifiedQuotes != 1 || !strings.Contains(a.Text, "(“By monopolizing") ||
		!strings.Contains(a.Text, "*[not in the text: "+inventedQuote+"]*") || !strings.HasPrefix(a.Notice, "Note:") {
		t.Errorf("mode %s, %d unverified, text %q, notice %q", a.Mode, a.UnverifiedQuotes, a.Text, a.Notice)
	}
}

// A quotation the model leaves open at the end is checked all the same,
// and the last preview a front end gets is the checked answer.
func TestAskLLMUnclosedQuoteAtTheEnd(t *testing.T) {
	s := newSetup(t, llm.Config{})
	s.fake.Push(llmtest.Reply{Text: "Durand schreibt [1]: „" + inventedQuote})
	var previews []string
	a, err := s.eng.Ask(t.Context(), bot.Request{Question: question, OnText: func(t string) { previews = append(previews, t) }})
	if err != nil {
		t.Fatal(err)
	}
	if a.UnverifiedQuotes != 1 || !strings.Contains(a.Text, "*[nicht im Text: "+inventedQuote+"]*") {
		t.Errorf("%d unverified: %q", a.UnverifiedQuotes, a.Text)
	}
	if len(previews) == 0 || previews[len(previews)-1] != a.Text {
		t.Errorf("last preview %q, answer %q", previews[len(previews)-1:], a.Text)
	}
	for _, p := range previews {
		if strings.Contains(p, "„Die") {
			t.Errorf("preview shows the open quotation: %q", p)
		}
	}
}
