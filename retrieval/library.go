package retrieval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/leviathan-bot/leviathan/content"
)

// textsDir is where a Library keeps its texts' stores, one directory per
// text ID, each with its own manifest and chromem collection: a changed
// text rebuilds its own store and no other.
const textsDir = "texts"

// Library is the passage store of a library of texts: one Index per text
// (its own vectors, lexicon and manifest), and a search over all of them.
// It is safe for concurrent use.
type Library struct {
	emb   Embedder
	texts []*Index
	byID  map[string]*Index
	// df and n are document frequencies over every passage of the
	// library, for a BM25 whose scores compare across texts.
	df map[string]int
	n  int
}

// OpenLibrary opens the store of every text under opts.Dir/texts/<ID>,
// building only those whose manifest does not match (the text, the
// embedder or the store format changed, or a build was interrupted: the
// manifest is written last), and removes the stores of texts no longer in
// the library. It holds the data directory's lock throughout, like Open.
// When the directory cannot be used, every store is kept in memory for the
// run, with a warning.
func OpenLibrary(ctx context.Context, texts []*content.Text, opts Options) (*Library, error) {
	if len(texts) == 0 {
		return nil, errors.New("couldn't open the library's store: no texts")
	}
	if opts.Embedder == nil {
		return nil, errors.New("couldn't open the library's store: no embedder")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	seen := map[string]bool{}
	for _, t := range texts {
		if !validID(t.ID) {
			return nil, fmt.Errorf("couldn't open the library's store: text ID %q cannot name a directory", t.ID)
		}
		if seen[t.ID] {
			return nil, fmt.Errorf("couldn't open the library's store: two texts are called %q", t.ID)
		}
		seen[t.ID] = true
	}

	root := opts.Dir
	if root != "" {
		unlock, err := lockRoot(ctx, root, log)
		if err != nil {
			var se *storageError
			if !errors.As(err, &se) || ctx.Err() != nil {
				return nil, err
			}
			log.Warn("couldn't use the data directory; keeping the passage stores in memory for this run", "dir", root, "err", err)
			root = ""
		} else {
			defer unlock()
		}
	}

	l := &Library{emb: opts.Embedder, byID: map[string]*Index{}, df: map[string]int{}}
	for _, t := range texts {
		dir := ""
		if root != "" {
			dir = filepath.Join(root, textsDir, t.ID)
		}
		ix, err := openIndex(ctx, &t.Essay, opts, dir, false, t.ID)
		if err != nil {
			return nil, fmt.Errorf("couldn't open the store of text %q: %w", t.ID, err)
		}
		ix.title = t.Title()
		l.texts = append(l.texts, ix)
		l.byID[t.ID] = ix
		for term, df := range ix.lex.df {
			l.df[term] += df
		}
		l.n += ix.lex.n
	}
	if root != "" {
		dropStale(root, seen, log)
	}
	return l, nil
}

// validID reports whether a text ID can name its store's directory.
func validID(id string) bool {
	return id != "" && id != "." && id != ".." && !strings.ContainsAny(id, `/\`) && !strings.ContainsRune(id, 0)
}

// lockRoot creates the data directory and takes its lock.
func lockRoot(ctx context.Context, root string, log *slog.Logger) (func(), error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, &storageError{fmt.Errorf("couldn't create the data directory: %w", err)}
	}
	return lockDir(ctx, root, log)
}

// dropStale removes the stores of texts that left the library, and the
// single store Open keeps at the top of the data directory (a library
// replaces it). A failure only costs disk space, so it is logged.
func dropStale(root string, keep map[string]bool, log *slog.Logger) {
	entries, err := os.ReadDir(filepath.Join(root, textsDir))
	if err != nil {
		log.Warn("couldn't list the text stores", "dir", root, "err", err)
	}
	for _, e := range entries {
		if keep[e.Name()] {
			continue
		}
		dir := filepath.Join(root, textsDir, e.Name())
		log.Info("removing the store of a text that left the library", "text", e.Name(), "dir", dir)
		if err := os.RemoveAll(dir); err != nil {
			log.Warn("couldn't remove a text's store", "dir", dir, "err", err)
		}
	}
	for _, name := range []string{manifestFile, chromemDir} {
		path := filepath.Join(root, name)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		log.Info("removing the single-text store; the library keeps one per text", "path", path)
		if err := os.RemoveAll(path); err != nil {
			log.Warn("couldn't remove the single-text store", "path", path, "err", err)
		}
	}
}

// StoreCurrent reports whether the store of text t in the data directory
// dir is current for the embedder (without opening it: it reads the
// manifest), as `leviathan texts` shows.
func StoreCurrent(dir string, t *content.Text, emb Embedder) bool {
	if dir == "" || t == nil || emb == nil {
		return false
	}
	m, err := readManifest(filepath.Join(dir, textsDir, t.ID))
	if err != nil {
		return false
	}
	return m.mismatch(manifest{
		Format: storeFormat, ContentHash: t.Hash, Embedder: emb.Name(),
		Dimensions: emb.Dimensions(), Passages: len(t.Passages),
	}) == ""
}

// ForText returns the index of one text (case is ignored): it searches,
// reads and scores that text alone, and implements what the answering
// engine needs of a retriever.
func (l *Library) ForText(id string) (*Index, bool) {
	ix, ok := l.byID[strings.ToLower(strings.TrimSpace(id))]
	return ix, ok
}

// IDs lists the texts' IDs in library order.
func (l *Library) IDs() []string {
	out := make([]string, len(l.texts))
	for i, ix := range l.texts {
		out[i] = ix.id
	}
	return out
}

// Stats says what opening did for one text.
func (l *Library) Stats(id string) (Stats, bool) {
	ix, ok := l.ForText(id)
	if !ok {
		return Stats{}, false
	}
	return ix.Stats(), true
}

// idf is BM25's inverse document frequency over the whole library.
func (l *Library) idf(term string) float64 {
	df := float64(l.df[term])
	return math.Log(1 + (float64(l.n)-df+0.5)/(df+0.5))
}

// Search returns up to k passages of the whole library for the query, best
// first, each naming its text (Hit.TextID) and annotated as Index.Search
// annotates. Scores compare across texts
// because nothing is scaled per text: the dense score is the cosine
// similarity of one embedder's vectors, BM25 uses the library's document
// frequencies (a text's own would weigh a word by the size of the text it
// is in: a word in one of 5 paragraphs would weigh less than one in one of
// 3,000), and both are scaled by their best over the library before they
// are fused, as Index.Search scales them over one text.
func (l *Library) Search(ctx context.Context, text string, k int) ([]Hit, error) {
	type scored struct {
		ix           *Index
		q            query
		dense, lexic []float64
	}
	per := make([]scored, len(l.texts))
	var dmax, lmax float64
	for i, ix := range l.texts {
		q := ix.lex.newQuery(text, ix.dict, ix.lang)
		// Each text's own dense query: translations join it toward that
		// text's language (see denseQuery).
		vec, err := embedQuery(ctx, l.emb, ix.denseQuery(text, q))
		if err != nil {
			return nil, err
		}
		dense, err := ix.dense(ctx, vec)
		if err != nil {
			return nil, err
		}
		lexic := ix.lex.bm25With(q, l.idf)
		dmax, lmax = max(dmax, maxOf(dense)), max(lmax, maxOf(lexic))
		per[i] = scored{ix: ix, q: q, dense: dense, lexic: lexic}
	}
	type ref struct {
		text, passage int
		score         float64
	}
	// The k best, kept in order by insertion: k is a handful and the
	// library thousands of passages, so sorting them all would cost more
	// than the search.
	k = clamp(k, l.n)
	all := make([]ref, 0, k+1)
	for t, s := range per {
		for p := range s.dense {
			score := 0.0
			if dmax > 0 {
				score += fuseDense * s.dense[p] / dmax
			}
			if lmax > 0 {
				score += fuseLexical * s.lexic[p] / lmax
			}
			if len(all) == k && (k == 0 || score <= all[k-1].score) {
				continue
			}
			i := sort.Search(len(all), func(i int) bool { return all[i].score < score })
			all = slices.Insert(all, i, ref{text: t, passage: p, score: score})
			if len(all) > k {
				all = all[:k]
			}
		}
	}
	hits := make([]Hit, len(all))
	for i, r := range all {
		s := per[r.text]
		hits[i] = Hit{Passage: s.ix.passages[r.passage], Score: r.score, dense: s.dense[r.passage]}
		s.ix.annotate(&hits[i], s.q)
	}
	return hits, nil
}
