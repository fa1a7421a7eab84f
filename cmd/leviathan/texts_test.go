package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// textsDir is a texts folder with two small texts of content's test
// library and a file the library skips.
func textsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"gut.md", "notiz.txt", "notizen.docx"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "content", "testdata", "library", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type textsOut struct {
	Texts []struct {
		ID, Title, Author, Language string
		Passages                    int
		Current                     bool
	} `json:"texts"`
	Skipped []struct{ File, Reason string } `json:"skipped"`
}

func TestTextsCommand(t *testing.T) {
	texts, data := textsDir(t), t.TempDir()
	listed := func() textsOut {
		t.Helper()
		code, stdout, stderr := run(t, data, "texts", "--json", "--texts", texts)
		if code != exitOK {
			t.Fatalf("texts --json: exit %d: %s", code, stderr)
		}
		var out textsOut
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("texts --json: %v\n%s", err, stdout)
		}
		var raw struct{ Texts []json.RawMessage }
		if err := json.Unmarshal([]byte(stdout), &raw); err != nil || len(raw.Texts) == 0 {
			t.Fatalf("texts --json: %v", err)
		}
		if got, want := keysOf(t, raw.Texts[0]), []string{"author", "current", "id", "language", "passages", "title"}; !slices.Equal(got, want) {
			t.Errorf("text keys %q, want %q", got, want)
		}
		return out
	}
	out := listed()
	var ids []string
	for _, tx := range out.Texts {
		ids = append(ids, tx.ID)
		if tx.Current || tx.Passages == 0 || tx.Title == "" {
			t.Errorf("before indexing: %+v", tx)
		}
	}
	if !slices.Equal(ids, []string{"essay", "gut", "notiz"}) {
		t.Errorf("texts %v", ids)
	}
	if len(out.Skipped) != 1 || out.Skipped[0].File != "notizen.docx" || out.Skipped[0].Reason == "" {
		t.Errorf("skipped %+v, want notizen.docx with a reason", out.Skipped)
	}
	if code, _, stderr := run(t, data, "index", "--texts", texts); code != exitOK {
		t.Fatalf("index: exit %d: %s", code, stderr)
	}
	for _, tx := range listed().Texts {
		if !tx.Current {
			t.Errorf("after indexing, %s is not current", tx.ID)
		}
	}
	code, stdout, _ := run(t, data, "texts", "--texts", texts)
	if code != exitOK || !strings.Contains(stdout, "Ein kleines Buch") || !strings.Contains(stdout, "notizen.docx") {
		t.Errorf("texts table: exit %d\n%s", code, stdout)
	}

	// The skipped file is logged at start, and nothing crashes.
	_, _, stderr := runWith(t, data, []string{"LEVIATHAN_TEXTS=" + texts}, "search", "Kapitel")
	if !strings.Contains(stderr, "notizen.docx") {
		t.Errorf("the skipped file was not logged: %s", stderr)
	}
}

func TestTextFlag(t *testing.T) {
	texts, data := textsDir(t), t.TempDir()
	env := []string{"LEVIATHAN_TEXTS=" + texts}

	code, stdout, stderr := runWith(t, data, env, "ask", "--json", "Was steht unter dem ersten Kapitel?")
	if code != exitOK {
		t.Fatalf("ask: exit %d: %s", code, stderr)
	}
	var a struct {
		Citations []struct {
			Label     string `json:"label"`
			TextID    string `json:"text_id"`
			TextTitle string `json:"text_title"`
		} `json:"citations"`
	}
	if err := json.Unmarshal([]byte(stdout), &a); err != nil || len(a.Citations) == 0 {
		t.Fatalf("ask --json: %v\n%s", err, stdout)
	}
	for _, c := range a.Citations {
		if c.TextID != "gut" || c.TextTitle != "Ein kleines Buch" {
			t.Errorf("citation %s of %q (%q), want the small book", c.Label, c.TextID, c.TextTitle)
		}
	}

	code, stdout, stderr = runWith(t, data, env, "search", "--json", "--text", "notiz", "Kapitel")
	if code != exitOK {
		t.Fatalf("search --text: exit %d: %s", code, stderr)
	}
	var s struct {
		Passages []struct {
			TextID string `json:"text_id"`
		} `json:"passages"`
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil || len(s.Passages) == 0 {
		t.Fatalf("search --json: %v\n%s", err, stdout)
	}
	for _, p := range s.Passages {
		if p.TextID != "notiz" {
			t.Errorf("search --text notiz returned a passage of %q", p.TextID)
		}
	}

	code, stdout, stderr = runWith(t, data, env, "passages", "--json", "--text", "GUT")
	if code != exitOK || !strings.Contains(stdout, `"text_id": "gut"`) {
		t.Errorf("passages --text GUT: exit %d: %s%s", code, stderr, stdout)
	}

	for _, cmd := range [][]string{
		{"ask", "--text", "nichts", "Was ist das?"},
		{"search", "--text", "nichts", "Kapitel"},
		{"quote", "--text", "nichts", "Kapitel"},
		{"summary", "--text", "nichts"},
		{"passages", "--text", "nichts"},
	} {
		code, _, stderr := runWith(t, data, env, cmd...)
		if code != exitUsage || !strings.Contains(stderr, "essay, gut, notiz") {
			t.Errorf("%s --text nichts: exit %d, %q; want a usage error listing the texts", cmd[0], code, stderr)
		}
	}

	// Without the built-in essay and without texts there is nothing to
	// answer about: a clear error, not a crash.
	code, _, stderr = runWith(t, data, []string{"LEVIATHAN_BUILTIN=false"}, "ask", "Was ist das?")
	if code != exitError || !strings.Contains(stderr, "no texts") {
		t.Errorf("an empty library: exit %d, %q", code, stderr)
	}
}

// TestChatRoutesAcrossTheLibrary: the console (like Discord) answers each
// question from the text it is about and names the text in the sources.
func TestChatRoutesAcrossTheLibrary(t *testing.T) {
	var out, errOut strings.Builder
	m := &Main{
		Stdin:  strings.NewReader("Was steht unter dem ersten Kapitel?\nWas ist DOGE?\n/quit\n"),
		Stdout: &out, Stderr: &errOut,
		Environ: []string{"LEVIATHAN_DATA_DIR=" + t.TempDir(), "LEVIATHAN_LOG_LEVEL=warn", "LEVIATHAN_TEXTS=" + textsDir(t)},
	}
	if code := m.Run(context.Background(), []string{"chat"}); code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
	}
	for _, want := range []string{"] gut ¶1 · Erstes Kapitel", "] essay ¶4 · "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestChatTextCommand: `/text ID` makes the console answer about that text
// alone, `/text` about the whole library again, an unknown ID is named.
func TestChatTextCommand(t *testing.T) {
	var out, errOut strings.Builder
	m := &Main{
		Stdin:  strings.NewReader("/text notiz\nWas ist DOGE?\n/text nichts\n/text\nWas ist DOGE?\n/quit\n"),
		Stdout: &out, Stderr: &errOut,
		Environ: []string{"LEVIATHAN_DATA_DIR=" + t.TempDir(), "LEVIATHAN_LOG_LEVEL=warn", "LEVIATHAN_TEXTS=" + textsDir(t)},
	}
	if code := m.Run(context.Background(), []string{"chat"}); code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
	}
	o := out.String()
	i := strings.Index(o, "(Alle Texte")
	if !strings.Contains(o, "(Text: notiz") || !strings.Contains(o, `There is no text "nichts"`) || i < 0 {
		t.Fatalf("output:\n%s", o)
	}
	if strings.Contains(o[:i], "Government Efficiency") || !strings.Contains(o[i:], "essay ¶4") {
		t.Errorf("DOGE was answered from the essay while notiz was chosen, or not after /text:\n%s", o)
	}
}
