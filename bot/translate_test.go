package bot

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// tableLLM translates from a fixed table, standing in for a model that
// translates well, and records the questions it was asked to translate.
type tableLLM struct {
	table map[string]string
	asked []string
}

func (l *tableLLM) Complete(ctx context.Context, msgs []Message) (Completion, error) {
	u := msgs[len(msgs)-1].Content
	q := strings.TrimSuffix(strings.TrimPrefix(u[strings.LastIndex(u, "<question>"):], "<question>"), "</question>")
	l.asked = append(l.asked, q)
	return Completion{Text: l.table[q]}, nil
}

func (l *tableLLM) Stream(ctx context.Context, msgs []Message, onDelta func(string)) (Completion, error) {
	return l.Complete(ctx, msgs)
}

// TestTranslationRecall measures English recall@3 through the engine's
// retrieve, with and without query translation. The translations are a
// hand-written table (testdata/translations.json), so this measures what
// translation does for retrieval given a good translation, not how well a
// particular model translates.
func TestTranslationRecall(t *testing.T) {
	set := LoadEvalSet(t)
	en, table := set.English(), set.Translations
	essay := content.Load()
	ix, err := retrieval.Open(t.Context(), essay, retrieval.Options{Embedder: retrieval.NewOffline()})
	if err != nil {
		t.Fatal(err)
	}
	llm := &tableLLM{table: table}
	with, _ := New(Config{Essay: essay, Retriever: ix, LLM: llm})
	without, _ := New(Config{Essay: essay, Retriever: ix, LLM: llm, NoTranslate: true})

	recall := func(e *Engine) (at1, at3 float64, misses []string) {
		for _, q := range en {
			if table[q.Q] == "" {
				t.Fatalf("no translation for %q", q.Q)
			}
			r, err := e.retrieveFor(t.Context(), q.Q, nil)
			if err != nil {
				t.Fatal(err)
			}
			rank := slices.IndexFunc(r.hits, func(h retrieval.Hit) bool { return slices.Contains(q.Labels, h.Passage.Label) })
			switch {
			case rank == 0:
				at1++
				at3++
			case rank >= 1 && rank < 3:
				at3++
			default:
				misses = append(misses, q.Q)
			}
		}
		n := float64(len(en))
		return at1 / n, at3 / n, misses
	}
	w1, w3, wm := recall(with)
	if len(llm.asked) != len(en) {
		t.Fatalf("translated %d of %d questions", len(llm.asked), len(en))
	}
	asked := len(llm.asked)
	o1, o3, om := recall(without)
	if len(llm.asked) != asked {
		t.Error("NoTranslate still asked the model to translate")
	}
	t.Logf("English questions: %d", len(en))
	t.Logf("without translation: recall@1 %.3f  recall@3 %.3f  (misses: %q)", o1, o3, om)
	t.Logf("with translation:    recall@1 %.3f  recall@3 %.3f  (misses: %q)", w1, w3, wm)
	// Translation adds a query; fused with the original it must not make
	// retrieval worse than the original alone.
	if w3 < o3 {
		t.Errorf("translation lowered recall@3 from %.3f to %.3f", o3, w3)
	}
}
