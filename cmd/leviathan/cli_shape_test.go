package main

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

// keysOf returns the sorted keys of a JSON object.
func keysOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, raw)
	}
	return slices.Sorted(maps.Keys(m))
}

// The JSON shapes are an interface other tools rely on: the keys are
// pinned here, so that a renamed or dropped field fails a test rather
// than a user's script. ("kind" in citations is an addition to the
// issue's shape, documented in the README.)
func TestJSONShapes(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := run(t, dir, "ask", "--json", "Was versteht der Autor unter Technofeudalismus?")
	if code != exitOK {
		t.Fatalf("ask: exit %d: %s", code, stderr)
	}
	var ask struct {
		Citations []json.RawMessage `json:"citations"`
	}
	if err := json.Unmarshal([]byte(stdout), &ask); err != nil || len(ask.Citations) == 0 {
		t.Fatalf("ask: %v, %d citations", err, len(ask.Citations))
	}
	if got, want := keysOf(t, json.RawMessage(stdout)), []string{"answer", "citations", "mode", "question", "unverified_quotes"}; !slices.Equal(got, want) {
		t.Errorf("ask keys %q, want %q", got, want)
	}
	if got, want := keysOf(t, ask.Citations[0]), []string{"evidence", "id", "kind", "label", "n", "section", "text"}; !slices.Equal(got, want) {
		t.Errorf("citation keys %q, want %q", got, want)
	}

	// Not covered: citations is an empty list, not null or missing.
	code, stdout, _ = run(t, dir, "ask", "--json", "Give me a recipe for lasagna.")
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); code != exitOK || err != nil {
		t.Fatalf("ask off-topic: exit %d, %v", code, err)
	}
	if string(raw["citations"]) != "[]" || string(raw["mode"]) != `"extractive"` {
		t.Errorf("off-topic: citations %s, mode %s", raw["citations"], raw["mode"])
	}

	code, stdout, _ = run(t, dir, "search", "--json", "-k", "2", "Musk")
	var search struct {
		Passages []json.RawMessage `json:"passages"`
	}
	if err := json.Unmarshal([]byte(stdout), &search); code != exitOK || err != nil || len(search.Passages) != 2 {
		t.Fatalf("search: exit %d, %v, %d passages", code, err, len(search.Passages))
	}
	if got, want := keysOf(t, json.RawMessage(stdout)), []string{"passages", "query"}; !slices.Equal(got, want) {
		t.Errorf("search keys %q, want %q", got, want)
	}
	if got, want := keysOf(t, search.Passages[0]), []string{"evidence", "id", "kind", "label", "score", "section", "text", "text_id", "text_title"}; !slices.Equal(got, want) {
		t.Errorf("search passage keys %q, want %q", got, want)
	}
}

// Every command that prints results takes --json and prints one valid
// JSON value on stdout, and every command takes -h.
func TestEveryCommandJSONAndHelp(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"ask", "Was ist DOGE?"}, {"search", "Musk"}, {"quote", "Technofeudalismus"}, {"quote", "¶12"},
		{"summary"}, {"summary", "Tech-Oligarchen"}, {"passages"}, {"index"}, {"version"},
	} {
		code, stdout, stderr := run(t, dir, append(args, "--json")...)
		if code != exitOK || !json.Valid([]byte(stdout)) {
			t.Errorf("%s --json: exit %d, stdout %.200q, stderr %.200q", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	for _, c := range subcommands {
		code, stdout, stderr := run(t, dir, c.name, "-h")
		if code != exitOK || stdout != "" || !strings.Contains(stderr, "Usage: leviathan "+c.name) {
			t.Errorf("%s -h: exit %d, stdout %q, stderr %.100q", c.name, code, stdout, stderr)
		}
	}
}

// Invalid UTF-8 and control characters on the command line are cleaned,
// not passed on and not fatal.
func TestAskCleansBadBytes(t *testing.T) {
	code, stdout, stderr := run(t, "", "ask", "--json", "Was ist \xff\xfe DOGE\x1b[2J\x00?")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	a := decodeAsk(t, stdout)
	if a.Question != "Was ist DOGE[2J?" || len(a.Citations) == 0 {
		t.Errorf("question %q, %d citations", a.Question, len(a.Citations))
	}
}
