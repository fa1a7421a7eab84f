package retrieval

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/leviathan-bot/leviathan/content"
)

// BenchmarkBuild builds the in-memory store with the offline embedder:
// tokenizing, embedding and storing every passage.
func BenchmarkBuild(b *testing.B) {
	essay := content.Load()
	for b.Loop() {
		if _, err := Open(context.Background(), essay, Options{Embedder: NewOffline()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildOnDisk is a cold start in a fresh data directory.
func BenchmarkBuildOnDisk(b *testing.B) {
	essay := content.Load()
	for b.Loop() {
		if _, err := Open(context.Background(), essay, Options{Dir: b.TempDir(), Embedder: NewOffline()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWarmOpen reopens a current store on disk.
func BenchmarkWarmOpen(b *testing.B) {
	essay := content.Load()
	dir := b.TempDir()
	if _, err := Open(context.Background(), essay, Options{Dir: dir, Embedder: NewOffline()}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ix, err := Open(context.Background(), essay, Options{Dir: dir, Embedder: NewOffline()})
		if err != nil || ix.Stats().Built {
			b.Fatal(err, ix.Stats())
		}
	}
}

// BenchmarkSearch is one question end to end over the essay: analysis,
// translation (with the dictionary where installed), the dense query,
// BM25, fusion, and evidence and relevance for the hits; German and English
// questions in turn. It reports the median as p50-ms.
func BenchmarkSearch(b *testing.B) {
	ix, err := Open(context.Background(), content.Load(), Options{Embedder: NewOffline(), Dictionary: realDictionary(b)})
	if err != nil {
		b.Fatal(err)
	}
	qs := []string{"Was versteht der Autor unter Technofeudalismus?", "What did Trump forbid the central banks to do?"}
	var took []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := ix.Search(context.Background(), qs[i%len(qs)], 5); err != nil {
			b.Fatal(err)
		}
		i++
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkEmbedQuery is the offline embedding of one question.
func BenchmarkEmbedQuery(b *testing.B) {
	e := NewOffline()
	q := []string{"Why might American technofeudalism prove to be a fragile Leviathan?"}
	for b.Loop() {
		if _, err := e.Embed(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}
