package retrieval

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	testDictOnce sync.Once
	testDict     *Dictionary
)

// realDictionary returns Debian's German-English dictionary, loaded once
// per test binary, or nil when it is not installed (the project's test
// script installs it; a machine without apt runs the figures without it,
// against their own floors).
func realDictionary(t testing.TB) *Dictionary {
	t.Helper()
	testDictOnce.Do(func() {
		// LEVIATHAN_TEST_NO_DICTIONARY=1 measures the figures without it
		// on a machine that has it.
		if os.Getenv("LEVIATHAN_TEST_NO_DICTIONARY") == "1" {
			return
		}
		// Parsing takes over 30 s under the race detector; the cache
		// makes that once per machine, not once per test binary.
		d, err := OpenDictionaryCached(DefaultDictionaryPath, filepath.Join(os.TempDir(), "leviathan-test-cache"), GermanKey, EnglishKey)
		if err == nil {
			testDict = d
		}
	})
	if testDict == nil {
		t.Logf("no dictionary at %s: English figures are without it", DefaultDictionaryPath)
	}
	return testDict
}
