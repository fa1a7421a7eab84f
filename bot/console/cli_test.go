package console

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with what the code prints now")

// golden compares got with testdata/name.golden (or writes it with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (run go test -update if the change is meant):\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

func passage(t *testing.T, label string) content.Passage {
	t.Helper()
	p, ok := content.Load().Lookup(label)
	if !ok {
		t.Fatalf("no passage %s", label)
	}
	return p
}

func citation(t *testing.T, n int, label string) bot.Citation {
	p := passage(t, label)
	return bot.Citation{N: n, ID: p.ID, Label: p.Label, Section: p.Section, Kind: p.Kind, Text: p.Text}
}

// TestCLIGolden: the plain text of ask, summary, search, quote and
// passages.
func TestCLIGolden(t *testing.T) {
	answer := bot.Answer{Question: "Was ist DOGE?", Text: "DOGE ist das Department of Government Efficiency unter Elon Musk [1].",
		Mode: bot.ModeExtractive, Citations: []bot.Citation{citation(t, 1, "¶4")}, Covered: true}
	english := answer
	english.Question, english.Notice = "What is DOGE?", "The question was cut."
	llmNote := answer
	llmNote.Notice = "Hinweis: Das Sprachmodell war nicht erreichbar; dies ist die Antwort aus dem Text."
	uncovered := bot.Answer{Question: "Wie wird das Wetter?", Text: "Dazu sagt der Essay nichts.", Citations: []bot.Citation{}}
	hits := []bot.Hit{
		{Passage: passage(t, "¶4"), Score: 0.91234, Relevant: true},
		{Passage: passage(t, "Fn1"), Score: 0.2, Relevant: false},
	}
	quotes := []bot.Quote{
		{Passage: passage(t, "¶12"), Text: passage(t, "¶12").Text, Score: 1},
		{Passage: passage(t, "¶4"), Text: "Das zweite Dekret kündigte die Gründung des Department of Government Efficiency (DOGE) unter der Leitung von Elon Musk an.", Score: 0.5},
	}
	tests := []struct {
		name  string
		write func(*bytes.Buffer)
	}{
		{"ask", func(b *bytes.Buffer) { WriteAnswer(b, answer, "", true) }},
		{"ask_english_notice", func(b *bytes.Buffer) { WriteAnswer(b, english, "", false) }},
		{"ask_model_notice", func(b *bytes.Buffer) { WriteAnswer(b, llmNote, "", true) }},
		{"ask_not_covered", func(b *bytes.Buffer) { WriteAnswer(b, uncovered, "", true) }},
		{"ask_streamed", func(b *bytes.Buffer) { b.WriteString(answer.Text); WriteAnswer(b, answer, answer.Text, true) }},
		{"ask_streamed_revised", func(b *bytes.Buffer) {
			b.WriteString("DOGE ist eine Behörde [1] [9].")
			WriteAnswer(b, answer, "DOGE ist eine Behörde [1] [9].", true)
		}},
		{"search", func(b *bytes.Buffer) { WriteHits(b, hits) }},
		{"quote", func(b *bytes.Buffer) { WriteQuotes(b, "Mao", quotes) }},
		{"quote_nothing", func(b *bytes.Buffer) { WriteQuotes(b, strings.Repeat("Fußball ", 30), nil) }},
		{"passages", func(b *bytes.Buffer) { WritePassages(b, content.Load()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			tt.write(&b)
			golden(t, "cli_"+tt.name, b.String())
		})
	}
}
