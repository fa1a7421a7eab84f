package answer

import (
	"context"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// BenchmarkAnswerExtractive measures the extractive engine alone: sentence
// scoring and selection over hits already retrieved.
func BenchmarkAnswerExtractive(b *testing.B) {
	e := newTestEngine(b, newFakeRetriever())
	q := "Was versteht der Autor unter Technofeudalismus?"
	hits, err := e.retriever.Search(context.Background(), q, e.topK)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if a := e.answerExtractive(q, Understand(q, nil, e.essay), hits, nil); !a.Covered {
			b.Fatal("not covered")
		}
	}
}

// BenchmarkAskExtractive measures one whole extractive Ask over the real
// store (in memory, offline embedder): cleaning, retrieval and answer.
func BenchmarkAskExtractive(b *testing.B) {
	ix, err := retrieval.Open(context.Background(), content.Load(), retrieval.Options{Embedder: retrieval.NewOffline()})
	if err != nil {
		b.Fatal(err)
	}
	e := newTestEngine(b, ix)
	req := bot.Request{Question: "Was versteht der Autor unter Technofeudalismus?"}
	for b.Loop() {
		if _, err := e.Ask(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSummaryExtractive(b *testing.B) {
	e := newTestEngine(b, newFakeRetriever())
	for b.Loop() {
		if _, err := e.Summary(context.Background(), "", nil); err != nil {
			b.Fatal(err)
		}
	}
}
