package retrieval

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDictionaryCache(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join("testdata", "dict", "de-en-sample")
	parsed, err := OpenDictionary(path, GermanKey, EnglishKey)
	if err != nil {
		t.Fatal(err)
	}
	first, err := OpenDictionaryCached(path, dir, GermanKey, EnglishKey)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "dictionary-*.gob"))
	if len(files) != 1 {
		t.Fatalf("cache files %v, want one", files)
	}
	// The second load reads the cache: a key function that fails the test
	// shows it parses nothing.
	never := func(string) string { t.Error("the cached load parsed the file"); return "" }
	cached, err := OpenDictionaryCached(path, dir, never, never)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*Dictionary{first, cached} {
		for _, k := range parsed.de.keys {
			if !slices.Equal(d.ToEnglish(k), parsed.ToEnglish(k)) {
				t.Errorf("ToEnglish(%q) = %q, want %q", k, d.ToEnglish(k), parsed.ToEnglish(k))
			}
		}
		for _, k := range parsed.en.keys {
			if !slices.Equal(d.ToGerman(k), parsed.ToGerman(k)) {
				t.Errorf("ToGerman(%q) = %q, want %q", k, d.ToGerman(k), parsed.ToGerman(k))
			}
		}
		if d.Stats() != parsed.Stats() {
			t.Errorf("stats %+v, want %+v", d.Stats(), parsed.Stats())
		}
	}
	// A corrupt cache costs a parse, not the dictionary.
	if err := os.WriteFile(files[0], []byte("not a gob"), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := OpenDictionaryCached(path, dir, GermanKey, EnglishKey)
	if err != nil || again.Stats() != parsed.Stats() {
		t.Fatalf("after a corrupt cache: %v, stats %+v", err, again.Stats())
	}
	// A cache directory that cannot be written to is only slower.
	blocked := filepath.Join(dir, "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDictionaryCached(path, filepath.Join(blocked, "sub"), GermanKey, EnglishKey); err != nil {
		t.Fatalf("unwritable cache: %v", err)
	}
	if _, err := OpenDictionaryCached(filepath.Join(dir, "missing"), dir, GermanKey, EnglishKey); err == nil || !strings.Contains(err.Error(), "dictionary") {
		t.Fatalf("missing file: %v", err)
	}
}
