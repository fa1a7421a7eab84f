package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/leviathan-bot/leviathan/content"
)

// libraryDir copies two small texts of content's test library into a
// fresh texts folder.
func libraryDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"gut.md", "notiz.txt"} {
		b, err := os.ReadFile(filepath.Join("..", "content", "testdata", "library", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadTexts(t *testing.T, dir string) []*content.Text {
	t.Helper()
	lib, err := content.LoadLibrary(dir, content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return lib.Texts
}

func openLibT(t *testing.T, texts []*content.Text, opts Options) *Library {
	t.Helper()
	l, err := OpenLibrary(context.Background(), texts, opts)
	if err != nil {
		t.Fatalf("OpenLibrary: %v", err)
	}
	return l
}

func passagesOf(texts []*content.Text, ids ...string) int {
	n := 0
	for _, t := range texts {
		for _, id := range ids {
			if t.ID == id {
				n += len(t.Passages)
			}
		}
	}
	return n
}

func TestLibraryStore(t *testing.T) {
	src, data := libraryDir(t), t.TempDir()
	texts := loadTexts(t, src)
	if len(texts) != 3 {
		t.Fatalf("%d texts, want the essay and 2 files", len(texts))
	}

	cold := newCounting("")
	openLibT(t, texts, Options{Dir: data, Embedder: cold})
	if all := passagesOf(texts, "essay", "gut", "notiz"); cold.embedded() != all {
		t.Fatalf("cold start embedded %d passages, want all %d", cold.embedded(), all)
	}

	warm := newCounting("")
	l := openLibT(t, texts, Options{Dir: data, Embedder: warm})
	if warm.embedded() != 0 {
		t.Fatalf("warm start embedded %d passages, want none", warm.embedded())
	}
	for _, id := range l.IDs() {
		if st, _ := l.Stats(id); st.Built || !StoreCurrent(data, textByID(t, texts, id), warm) {
			t.Errorf("%s: warm start built it (%s) or its store is not current", id, st.Reason)
		}
	}

	// A changed file rebuilds its own store and no other.
	if err := os.WriteFile(filepath.Join(src, "notiz.txt"), []byte("Ein neuer Absatz über Leuchttürme.\n\nUnd noch einer über Möwen.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	texts = loadTexts(t, src)
	changed := newCounting("")
	l = openLibT(t, texts, Options{Dir: data, Embedder: changed})
	if changed.embedded() != 2 {
		t.Errorf("after changing notiz.txt, embedded %d passages, want its 2", changed.embedded())
	}
	hits, err := l.Search(context.Background(), "Leuchttürme", 1)
	if err != nil || len(hits) != 1 || hits[0].TextID != "notiz" || !hits[0].Relevant {
		t.Fatalf("search for the changed text's word: %+v, %v", hits, err)
	}

	// A removed file's store goes.
	if err := os.Remove(filepath.Join(src, "gut.md")); err != nil {
		t.Fatal(err)
	}
	texts = loadTexts(t, src)
	removed := newCounting("")
	openLibT(t, texts, Options{Dir: data, Embedder: removed})
	if removed.embedded() != 0 {
		t.Errorf("after removing gut.md, embedded %d passages, want none", removed.embedded())
	}
	if _, err := os.Stat(filepath.Join(data, textsDir, "gut")); !os.IsNotExist(err) {
		t.Errorf("the removed text's store is still there: %v", err)
	}

	// A corrupt store (a passage file replaced by garbage) is rebuilt, and
	// only it.
	corruptOneFile(t, filepath.Join(data, textsDir, "notiz", chromemDir))
	fixed := newCounting("")
	l = openLibT(t, texts, Options{Dir: data, Embedder: fixed})
	if fixed.embedded() != 2 {
		t.Errorf("after corrupting notiz's store, embedded %d passages, want its 2", fixed.embedded())
	}
	if st, _ := l.Stats("notiz"); !st.Built {
		t.Errorf("the corrupt store was not rebuilt: %+v", st)
	}

	// An interrupted build (no manifest: it is written last) is rebuilt.
	if err := os.Remove(filepath.Join(data, textsDir, "notiz", manifestFile)); err != nil {
		t.Fatal(err)
	}
	again := newCounting("")
	openLibT(t, texts, Options{Dir: data, Embedder: again})
	if again.embedded() != 2 {
		t.Errorf("after an interrupted build, embedded %d passages, want notiz's 2", again.embedded())
	}
}

func textByID(t *testing.T, texts []*content.Text, id string) *content.Text {
	t.Helper()
	for _, tx := range texts {
		if tx.ID == id {
			return tx
		}
	}
	t.Fatalf("no text %q", id)
	return nil
}

// corruptOneFile overwrites the first regular file under dir with garbage.
func corruptOneFile(t *testing.T, dir string) {
	t.Helper()
	var victim string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && victim == "" && filepath.Ext(path) == ".gob" {
			victim = path
		}
		return err
	})
	if err != nil || victim == "" {
		t.Fatalf("no store file under %s: %v", dir, err)
	}
	if err := os.WriteFile(victim, []byte("not a gob"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLibrarySearchNamesTexts(t *testing.T) {
	texts := loadTexts(t, libraryDir(t))
	l := openLibT(t, texts, Options{Embedder: NewOffline()})
	ctx := context.Background()

	hits, err := l.Search(ctx, "Technofeudalismus Cloud-Kapital", 3)
	if err != nil || len(hits) != 3 {
		t.Fatalf("%d hits, %v", len(hits), err)
	}
	for _, h := range hits {
		if h.TextID != content.BuiltinID || h.TextTitle == "" || !h.Relevant {
			t.Errorf("hit %s from %q (%q), relevant %v; want the essay's", h.Passage.Label, h.TextID, h.TextTitle, h.Relevant)
		}
	}
	hits, err = l.Search(ctx, "Wo steht das Zitat unter dem ersten Kapitel?", 1)
	if err != nil || len(hits) != 1 || hits[0].TextID != "gut" || hits[0].TextTitle != "Ein kleines Buch" {
		t.Fatalf("search for the small book: %+v, %v", hits, err)
	}

	ix, ok := l.ForText("NOTIZ")
	if !ok {
		t.Fatal("ForText: no notiz")
	}
	hits, err = ix.Search(ctx, "Technofeudalismus", 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.TextID != "notiz" || h.Relevant {
			t.Errorf("the notes' own search returned %s of %q, relevant %v", h.Passage.Label, h.TextID, h.Relevant)
		}
	}
	if _, ok := l.ForText("nichts"); ok {
		t.Error("ForText found a text that is not there")
	}
}

func TestOpenLibraryRejects(t *testing.T) {
	ctx := context.Background()
	a := content.Builtin()
	if _, err := OpenLibrary(ctx, []*content.Text{a, a}, Options{Embedder: NewOffline()}); err == nil {
		t.Error("two texts with one ID were accepted")
	}
	bad := *a
	bad.ID = ".."
	if _, err := OpenLibrary(ctx, []*content.Text{&bad}, Options{Embedder: NewOffline()}); err == nil {
		t.Error("the ID .. was accepted")
	}
	if _, err := OpenLibrary(ctx, nil, Options{Embedder: NewOffline()}); err == nil {
		t.Error("an empty library was accepted")
	}
}

// A data directory that cannot be used (here a file) costs only the reuse
// of the stores: the library opens in memory.
func TestLibraryUnusableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	l := openLibT(t, loadTexts(t, libraryDir(t)), Options{Dir: file, Embedder: NewOffline()})
	for _, id := range l.IDs() {
		if st, _ := l.Stats(id); !st.Memory {
			t.Errorf("%s: %+v, want an in-memory store", id, st)
		}
	}
	if hits, err := l.Search(context.Background(), "Kapitel", 1); err != nil || len(hits) != 1 {
		t.Errorf("search: %v, %v", hits, err)
	}
}
