package answer

import (
	"encoding/json"
	"os"
	"testing"
)

// EvalQuestion is one question of the evaluation set with the labels of
// the passages that answer it.
type EvalQuestion struct {
	Lang   string   `json:"lang"`
	Q      string   `json:"q"`
	Labels []string `json:"labels"`
}

// EvalSet is the retrieval evaluation set (../../retrieval/testdata/eval.json)
// with hand-written German rewrites of its English questions
// (testdata/translations.json), which stand in for a model's translation.
// It is exported (from a test file) so the bot_test files share the loader.
type EvalSet struct {
	Questions    []EvalQuestion
	Offtopic     []EvalQuestion
	Translations map[string]string
}

// LoadEvalSet reads the evaluation set and the translations.
func LoadEvalSet(t testing.TB) EvalSet {
	t.Helper()
	var set EvalSet
	var tr struct{ Translations map[string]string }
	for path, v := range map[string]any{"../../retrieval/testdata/eval.json": &set, "testdata/translations.json": &tr} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	set.Translations = tr.Translations
	if len(set.Questions) < 40 {
		t.Fatalf("evaluation set has %d questions, want at least 40", len(set.Questions))
	}
	return set
}

// English returns the English questions.
func (s EvalSet) English() []EvalQuestion {
	var en []EvalQuestion
	for _, q := range s.Questions {
		if q.Lang == "en" {
			en = append(en, q)
		}
	}
	return en
}
