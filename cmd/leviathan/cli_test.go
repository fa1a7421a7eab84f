package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
)

// run runs the program in-process with a fresh data directory (unless dir
// is given) and no LLM configured, and returns the exit code and output.
func run(t testing.TB, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runWith(t, dir, nil, args...)
}

// runWith is run with extra environment variables.
func runWith(t testing.TB, dir string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	var out, errb bytes.Buffer
	m := &Main{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Environ: append([]string{"LEVIATHAN_DATA_DIR=" + dir, "LEVIATHAN_LOG_LEVEL=warn"}, env...),
	}
	code = m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

type citationJSON struct {
	N       int    `json:"n"`
	ID      string `json:"id"`
	Label   string `json:"label"`
	Section string `json:"section"`
	Text    string `json:"text"`
}

type askJSON struct {
	Question  string         `json:"question"`
	Answer    string         `json:"answer"`
	Mode      string         `json:"mode"`
	Citations []citationJSON `json:"citations"`
	Notice    string         `json:"notice"`
}

func decodeAsk(t *testing.T, stdout string) askJSON {
	t.Helper()
	var a askJSON
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatalf("ask --json printed invalid JSON: %v\n%s", err, stdout)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"question", "answer", "mode", "citations"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("ask --json lacks %q: %s", k, stdout)
		}
	}
	if string(raw["citations"]) == "null" {
		t.Errorf("citations is null, want a list")
	}
	return a
}

func TestAskJSON(t *testing.T) {
	q := "Was versteht der Autor unter Technofeudalismus?"
	code, stdout, stderr := run(t, "", "ask", "--json", q)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	a := decodeAsk(t, stdout)
	if a.Question != q || a.Mode != "extractive" {
		t.Errorf("question %q, mode %q", a.Question, a.Mode)
	}
	cited := map[string]bool{}
	for i, c := range a.Citations {
		if c.N != i+1 || c.ID == "" || c.Label == "" || c.Section == "" || c.Text == "" {
			t.Errorf("citation %d incomplete: %+v", i, c)
		}
		if !strings.Contains(a.Answer, "["+itoa(c.N)+"]") {
			t.Errorf("citation [%d] is listed but not cited in the answer", c.N)
		}
		cited[c.Label] = true
	}
	if !cited["¶7"] {
		t.Errorf("answer does not cite ¶7, where the author defines technofeudalism: %s", a.Answer)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestAskFlagAfterQuestion(t *testing.T) {
	code, stdout, stderr := run(t, "", "ask", "Was ist DOGE?", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if a := decodeAsk(t, stdout); a.Question != "Was ist DOGE?" {
		t.Errorf("question %q: the flag was taken as part of it", a.Question)
	}
}

func TestAskNotCoveredJSON(t *testing.T) {
	code, stdout, _ := run(t, "", "ask", "--json", "Wie koche ich Spaghetti Carbonara?")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	a := decodeAsk(t, stdout)
	if len(a.Citations) != 0 || strings.Contains(a.Answer, "[1]") {
		t.Errorf("off-topic question got citations: %+v", a)
	}
}

func TestAskText(t *testing.T) {
	code, stdout, _ := run(t, "", "ask", "Was ist DOGE?")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stdout, "\nQuellen:\n[1] ¶") || !strings.Contains(stdout, " — Tech-Oligarchen an der Macht") {
		t.Errorf("text output lacks the source list:\n%s", stdout)
	}
	_, stdout, _ = run(t, "", "ask", "Who translated the essay?")
	if !strings.Contains(stdout, "\nSources:\n") {
		t.Errorf("English question got no English source heading:\n%s", stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"empty question", []string{"ask", ""}, exitUsage, "no question"},
		{"no question", []string{"ask"}, exitUsage, "no question"},
		{"control characters only", []string{"ask", "\x00\x1b"}, exitUsage, "question is empty"},
		{"punctuation only", []string{"ask", "???"}, exitUsage, "has no words"},
		{"unknown flag", []string{"ask", "--bogus", "x"}, exitUsage, "bogus"},
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"bad -k", []string{"search", "-k", "0", "Musk"}, exitUsage, "-k"},
		{"unknown label", []string{"quote", "¶99"}, exitUsage, "no passage"},
		{"unknown section", []string{"summary", "Fußball"}, exitUsage, "no section"},
		{"label zero", []string{"quote", "¶0"}, exitUsage, `no passage "¶0"`},
		{"flag without value at the end", []string{"ask", "x", "--data-dir"}, exitUsage, "needs an argument"},
		{"flag without value before --", []string{"ask", "--data-dir", "--", "x"}, exitUsage, "needs an argument"},
		{"serve with arguments", []string{"serve", "extra"}, exitUsage, "takes no arguments"},
		{"chat with arguments", []string{"chat", "extra"}, exitUsage, "takes no arguments"},
		{"only flags, no command", []string{"--data-dir", "x"}, exitUsage, "flags go after the command"},
		{"help before flags", []string{"-h", "--data-dir", "x"}, exitOK, "Commands:"},
		{"help", []string{"ask", "-h"}, exitOK, "Usage: leviathan ask"},
		{"help command", []string{"help", "search"}, exitOK, "Usage: leviathan search"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d (want %d), stderr %q (want %q in it)", code, tt.code, stderr, tt.stderr)
			}
		})
	}
}

// TestFlagsBeforeTheCommand: `leviathan --data-dir X ask …` works like
// `leviathan ask --data-dir X …`.
func TestFlagsBeforeTheCommand(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := run(t, t.TempDir(), "--data-dir", dir, "--json", "ask", "Was ist DOGE?")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if a := decodeAsk(t, stdout); a.Mode != "extractive" || len(a.Citations) == 0 {
		t.Errorf("answer %+v", a)
	}
	if _, err := os.Stat(filepath.Join(dir, "texts", "essay", "manifest.json")); err != nil {
		t.Errorf("the store is not in --data-dir: %v", err)
	}
}

// TestBadInputIsNotEchoedWhole: a 100 KB section name comes back clipped.
func TestBadInputIsNotEchoedWhole(t *testing.T) {
	huge := strings.Repeat("x", 100_000)
	for _, args := range [][]string{{"summary", huge}, {huge}, {"passages", huge}, {"quote", "Fn" + strings.Repeat("9", 100_000)}} {
		code, stdout, stderr := run(t, "", args...)
		if code != exitUsage || len(stderr) > 2000 || len(stdout) > 2000 {
			t.Errorf("%s…: exit %d, %d bytes on stderr, %d on stdout; want exit 2 and a short message", clip(args[0], 10), code, len(stderr), len(stdout))
		}
	}
}

func TestAskLongQuestion(t *testing.T) {
	long := "Was versteht der Autor unter Technofeudalismus? " + strings.Repeat("Und was noch? ", 800)
	code, stdout, stderr := run(t, "", "ask", "--json", long)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	a := decodeAsk(t, stdout)
	if a.Notice == "" || len([]rune(a.Question)) > 1000 {
		t.Errorf("a 10,000-character question: notice %q, question of %d runes", a.Notice, len([]rune(a.Question)))
	}
}

func TestSearchJSON(t *testing.T) {
	code, stdout, stderr := run(t, "", "search", "--json", "-k", "3", "Kryptowährungen")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Query    string `json:"query"`
		Passages []struct {
			ID, Label, Section, Kind, Text string
			Score                          *float64
		} `json:"passages"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if out.Query != "Kryptowährungen" || len(out.Passages) != 3 {
		t.Fatalf("query %q, %d passages; want 3", out.Query, len(out.Passages))
	}
	for i, p := range out.Passages {
		if p.ID == "" || p.Label == "" || p.Section == "" || p.Kind == "" || p.Text == "" || p.Score == nil {
			t.Errorf("passage %d incomplete: %+v", i, p)
		}
		if i > 0 && *p.Score > *out.Passages[i-1].Score {
			t.Errorf("passages not best first")
		}
	}
}

func TestQuoteCommand(t *testing.T) {
	dir := t.TempDir()
	code, stdout, _ := run(t, dir, "quote", "¶7")
	if code != exitOK || !strings.HasPrefix(stdout, "¶7 — Der öffentliche Raum") || !strings.Contains(stdout, "»Technofeudalismus«") {
		t.Errorf("quote ¶7: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run(t, dir, "quote", "--json", "-n", "2", "Technofeudalismus")
	var out struct {
		Topic  string `json:"topic"`
		Quotes []struct{ Label, Text string }
	}
	if err := json.Unmarshal([]byte(stdout), &out); code != exitOK || err != nil {
		t.Fatalf("exit %d, %v\n%s", code, err, stdout)
	}
	if len(out.Quotes) == 0 || len(out.Quotes) > 2 {
		t.Errorf("got %d quotes, want 1 or 2", len(out.Quotes))
	}
}

func TestSummaryCommand(t *testing.T) {
	dir := t.TempDir()
	code, stdout, _ := run(t, dir, "summary")
	if code != exitOK || !strings.Contains(stdout, "**These:**") || !strings.Contains(stdout, "**Schluss:**") || !strings.Contains(stdout, "Quellen:") {
		t.Errorf("summary: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run(t, dir, "summary", "--json", "Tech-Oligarchen")
	a := decodeAsk(t, stdout)
	if code != exitOK || len(a.Citations) == 0 {
		t.Fatalf("exit %d, %+v", code, a)
	}
	for _, c := range a.Citations {
		if c.Section != "Tech-Oligarchen an der Macht" {
			t.Errorf("section summary cites %s from %q", c.Label, c.Section)
		}
	}
}

func TestPassagesAndIndexAndVersion(t *testing.T) {
	dir := t.TempDir()
	code, stdout, _ := run(t, dir, "passages", "--json")
	var ps struct {
		Sections []string
		Passages []struct{ ID, Label, Section, Kind string }
	}
	if err := json.Unmarshal([]byte(stdout), &ps); code != exitOK || err != nil || len(ps.Passages) < 20 || len(ps.Sections) < 4 {
		t.Fatalf("passages --json: exit %d, %v, %d passages", code, err, len(ps.Passages))
	}
	code, stdout, _ = run(t, dir, "index")
	if code != exitOK || !strings.HasPrefix(stdout, "built the store") {
		t.Errorf("first index: exit %d, %q", code, stdout)
	}
	code, stdout, _ = run(t, dir, "index", "--json")
	var st struct {
		Built    bool
		Passages int
	}
	if err := json.Unmarshal([]byte(stdout), &st); code != exitOK || err != nil || st.Built || st.Passages != len(ps.Passages) {
		t.Errorf("second index should reuse the store: exit %d, %v, %+v", code, err, st)
	}
	code, stdout, _ = run(t, dir, "index", "--rebuild")
	if code != exitOK || !strings.HasPrefix(stdout, "built the store") {
		t.Errorf("index --rebuild: exit %d, %q", code, stdout)
	}
	code, stdout, _ = run(t, dir, "version")
	if code != exitOK || !strings.HasPrefix(stdout, "leviathan ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
}

func TestPermute(t *testing.T) {
	m := &Main{}
	var k int
	var j bool
	extra := func(fs *flag.FlagSet) { fs.IntVar(&k, "k", 5, ""); fs.BoolVar(&j, "json", false, "") }
	got := m.permute("search", []string{"Big", "Tech", "-k", "3", "--json", "--", "-x"}, extra)
	want := "-k 3 --json -- Big Tech -x"
	if strings.Join(got, " ") != want {
		t.Errorf("permute = %q, want %q", got, want)
	}
	// A flag missing its value is left last, for the flag package to report.
	if got := m.permute("search", []string{"Big", "-k"}, extra); strings.Join(got, " ") != "-k" {
		t.Errorf("permute with -k last = %q, want [-k]", got)
	}
}

func TestCommandFirst(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ask x", "ask x"},
		{"--data-dir d ask x", "ask --data-dir d x"},
		{"--json --data-dir=d ask x", "ask --json --data-dir=d x"},
		{"--data-dir ask ask x", "ask --data-dir ask x"},
		{"-h ask", "-h ask"},
		{"--data-dir", "--data-dir"},
		{"--data-dir d", "--data-dir d"},
	}
	for _, tt := range tests {
		if got := strings.Join(commandFirst(strings.Fields(tt.in)), " "); got != tt.want {
			t.Errorf("commandFirst(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAskStreamsWithLLM(t *testing.T) {
	srv := llmtest.New(t)
	srv.Respond = func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Text: "Der Autor nennt es Technofeudalismus [1]."}
	}
	env := []string{"OPENAI_BASE_URL=" + srv.BaseURL(), "OPENAI_API_KEY=test"}
	code, stdout, stderr := runWith(t, "", env, "ask", "Was versteht der Autor unter Technofeudalismus?")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "Der Autor nennt es Technofeudalismus [1].\n") || strings.Contains(stdout, "―――") {
		t.Errorf("streamed answer printed wrongly:\n%s", stdout)
	}
	if !strings.Contains(stdout, "Quellen:\n[1] ¶") {
		t.Errorf("no sources after the streamed answer:\n%s", stdout)
	}

	code, stdout, _ = runWith(t, "", env, "ask", "--json", "Was versteht der Autor unter Technofeudalismus?")
	if a := decodeAsk(t, stdout); code != exitOK || a.Mode != "llm" || len(a.Citations) != 1 {
		t.Errorf("ask --json with an LLM: exit %d, %+v", code, a)
	}
}

func TestAskStreamRevised(t *testing.T) {
	srv := llmtest.New(t)
	// A stream cut mid-answer falls back to the extractive answer, so the
	// final text differs from what was streamed.
	srv.Respond = func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Text: "Technofeudalismus ist ein Begriff, den der Autor geprägt hat [1].", CutAfter: 3}
	}
	env := []string{"OPENAI_BASE_URL=" + srv.BaseURL(), "OPENAI_API_KEY=test"}
	code, stdout, stderr := runWith(t, "", env, "ask", "Was versteht der Autor unter Technofeudalismus?")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	streamed, final, ok := strings.Cut(stdout, "――― geprüfte Antwort ―――\n")
	if !ok || !strings.HasPrefix(streamed, "Technofeudalismus ist") || strings.Contains(final, "geprägt") || !strings.Contains(final, "¶7") {
		t.Errorf("want the streamed start, a separator and the extractive answer:\n%s\n%s", stdout, stderr)
	}
}

// TestUnusableDataDir: ask answers from a store in memory when the data
// directory is a file; index, whose job is the store on disk, fails.
func TestUnusableDataDir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runWith(t, f, []string{"LEVIATHAN_LOG_LEVEL=info"}, "ask", "Was ist DOGE?")
	if code != exitOK || !strings.Contains(stdout, "DOGE") || !strings.Contains(stderr, "in memory") {
		t.Errorf("ask: exit %d, stdout %q, stderr %q; want an answer and a warning", code, stdout, stderr)
	}
	code, _, stderr = run(t, f, "index")
	if code != exitError || !strings.Contains(stderr, "couldn't build the store") {
		t.Errorf("index: exit %d, stderr %q; want exit 1", code, stderr)
	}
}
