package answer

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// fakeRetriever is the real offline index over the essay, in memory (it
// builds in milliseconds), with a switch that fails every search as a
// broken store would and a count of searches, so tests can tell a label
// lookup from a search. The engine's tests thus see retrieval's real
// evidence and relevance verdicts.
type fakeRetriever struct {
	*retrieval.Index
	err      error
	searches int
}

var _ Retriever = (*fakeRetriever)(nil)

var (
	sharedIndexOnce sync.Once
	sharedIndex     *retrieval.Index
)

// testDictionary is Debian's German-English dictionary as the bot loads it
// (cached, since parsing it under the race detector takes half a minute),
// or nil where it is not installed.
func testDictionary() *retrieval.Dictionary {
	d, err := retrieval.OpenDictionaryCached(retrieval.DefaultDictionaryPath, filepath.Join(os.TempDir(), "leviathan-test-cache"),
		retrieval.GermanKey, retrieval.EnglishKey)
	if err != nil {
		return nil
	}
	return d
}

func newFakeRetriever() *fakeRetriever {
	sharedIndexOnce.Do(func() {
		ix, err := retrieval.Open(context.Background(), content.Load(), retrieval.Options{Embedder: retrieval.NewOffline(), Dictionary: testDictionary()})
		if err != nil {
			panic(err)
		}
		sharedIndex = ix
	})
	return &fakeRetriever{Index: sharedIndex}
}

func (f *fakeRetriever) Search(ctx context.Context, query string, k int) ([]retrieval.Hit, error) {
	f.searches++
	if f.err != nil {
		return nil, f.err
	}
	return f.Index.Search(ctx, query, k)
}

func (f *fakeRetriever) SearchAll(ctx context.Context, queries []string, k int) ([]retrieval.Hit, error) {
	f.searches++
	if f.err != nil {
		return nil, f.err
	}
	return f.Index.SearchAll(ctx, queries, k)
}
