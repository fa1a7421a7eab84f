package retrieval

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/leviathan-bot/leviathan/content"
)

// debianBook is a German book of about 138,000 words (CC BY-SA 4.0) that
// Debian's package debian-paketmanagement-buch installs.
const debianBook = "/usr/share/doc/debian-paketmanagement-buch/debian-paketmanagement.epub"

// bookLibrary is the essay and the Debian book, plus the 24 XQuAD articles
// when withXQuAD; it skips when the book is not installed.
func bookLibrary(b *testing.B, withXQuAD bool) []*content.Text {
	b.Helper()
	if _, err := os.Stat(debianBook); err != nil {
		b.Skipf("the Debian book is not installed (%v)", err)
	}
	book, err := content.LoadFile(debianBook, content.Options{})
	if err != nil {
		b.Fatal(err)
	}
	texts := []*content.Text{content.Builtin(), book}
	if withXQuAD {
		texts = append(texts, loadXQuADLibrary(b)...)
	}
	return texts
}

// BenchmarkLibraryOpenCold builds the stores of the essay and the book on
// disk with the offline embedder (the texts are already parsed).
func BenchmarkLibraryOpenCold(b *testing.B) {
	texts := bookLibrary(b, false)
	for b.Loop() {
		dir := b.TempDir()
		if _, err := OpenLibrary(context.Background(), texts, Options{Dir: dir, Embedder: NewOffline()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLibraryOpenWarm opens the current stores of the essay and the
// book: what a restart costs after the texts are parsed.
func BenchmarkLibraryOpenWarm(b *testing.B) {
	texts := bookLibrary(b, false)
	dir := b.TempDir()
	if _, err := OpenLibrary(context.Background(), texts, Options{Dir: dir, Embedder: NewOffline()}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		emb := newCounting("")
		if _, err := OpenLibrary(context.Background(), texts, Options{Dir: dir, Embedder: emb}); err != nil {
			b.Fatal(err)
		}
		if emb.embedded() != 0 {
			b.Fatalf("a warm open embedded %d passages", emb.embedded())
		}
	}
}

// BenchmarkLibrarySearch is one search over the whole library of the book,
// the essay and the 24 XQuAD articles, XQuAD's German and English
// questions in turn; p50-ms is the median the target is about.
func BenchmarkLibrarySearch(b *testing.B) {
	texts := bookLibrary(b, true)
	_, qs := loadXQuAD(b)
	l, err := OpenLibrary(context.Background(), texts, Options{Embedder: NewOffline()})
	if err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	i := 0
	for b.Loop() {
		q := qs[i/2%len(qs)]
		question := q.QuestionDE
		if i%2 == 1 {
			question = q.QuestionEN
		}
		i++
		start := time.Now()
		if _, err := l.Search(context.Background(), question, 5); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
}
