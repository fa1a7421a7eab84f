package answer

import (
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// Sentences that follow one another in one passage are quoted as one run
// with one citation, and the run is itself verbatim.
func TestConsecutiveSentencesShareACitation(t *testing.T) {
	essay := content.Load()
	ix, err := retrieval.Open(t.Context(), essay, retrieval.Options{Embedder: retrieval.NewOffline()})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := New(Config{Essay: essay, Retriever: ix})
	a, err := e.Ask(t.Context(), bot.Request{Question: "Was ist DOGE?"})
	if err != nil {
		t.Fatal(err)
	}
	checkCited(t, a)
	if got := len(citeRe.FindAllString(a.Text, -1)); got != 1 || len(retrieval.SplitSentences(a.Text)) < 2 {
		t.Errorf("want one citation after a run of sentences from ¶4, got %d citations:\n%s", got, a.Text)
	}
}

// A passage with evidence for the question is answered from even when weak
// likenesses outrank it: for "Welche Richtlinie wurde erwähnt?", ¶3 (the
// one with »Kartellrichtlinien«) ranks below the top five, and the engine
// must not cut it off and call the question off-topic.
func TestRelevantPassageBelowTheTopIsKept(t *testing.T) {
	essay := content.Load()
	ix, err := retrieval.Open(t.Context(), essay, retrieval.Options{Embedder: retrieval.NewOffline()})
	if err != nil {
		t.Fatal(err)
	}
	const q = "Welche Richtlinie wurde erwähnt?"
	hits, err := ix.Search(t.Context(), q, len(essay.Passages))
	if err != nil {
		t.Fatal(err)
	}
	rank := -1
	for i, h := range hits {
		if h.Passage.Label == "¶3" && h.Relevant {
			rank = i
		}
	}
	e, _ := New(Config{Essay: essay, Retriever: ix})
	if rank < e.topK {
		t.Logf("¶3 ranks %d now, within the top %d: this test no longer shows the cut-off", rank+1, e.topK)
	}
	a, err := e.Ask(t.Context(), bot.Request{Question: q})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Covered || len(a.Citations) == 0 || a.Citations[0].Label != "¶3" || !strings.Contains(a.Text, "Kartellrichtlinien") {
		t.Errorf("answer %q cites %+v; want ¶3 with »Kartellrichtlinien«", a.Text, a.Citations)
	}
}
