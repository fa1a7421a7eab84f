package answer

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// TestRouteXQuAD asks XQuAD's questions of a library of the essay and the
// 24 articles without naming a text: the router must send each to its
// article. The floors sit a little below what was measured when written
// (German 0.904, English 0.611, without the dictionary; see routeMargin).
func TestRouteXQuAD(t *testing.T) {
	if testing.Short() {
		t.Skip("routes 1,224 questions")
	}
	lib, err := content.LoadLibrary("../../retrieval/testdata/xquad/texts", content.Options{})
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
	f, err := os.Open("../../retrieval/testdata/xquad/questions.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	right := map[string]int{}
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q struct {
			Text                   string
			QuestionDE, QuestionEN string
		}
		if err := json.Unmarshal(sc.Bytes(), &struct {
			Text       *string `json:"text"`
			QuestionDE *string `json:"question_de"`
			QuestionEN *string `json:"question_en"`
		}{&q.Text, &q.QuestionDE, &q.QuestionEN}); err != nil {
			t.Fatal(err)
		}
		n++
		for lang, question := range map[string]string{"de": q.QuestionDE, "en": q.QuestionEN} {
			id, err := l.Route(context.Background(), bot.Request{Question: question})
			if err != nil {
				t.Fatal(err)
			}
			if id == q.Text {
				right[lang]++
			}
		}
	}
	for lang, floor := range map[string]float64{"de": 0.88, "en": 0.59} {
		rate := float64(right[lang]) / float64(n)
		t.Logf("XQuAD, %s questions routed to their article: %.3f (%d of %d)", lang, rate, right[lang], n)
		if rate < floor {
			t.Errorf("%s: routed %.3f right, floor %.2f", lang, rate, floor)
		}
	}
}
