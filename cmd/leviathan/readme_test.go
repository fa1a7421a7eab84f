package main

import (
	"os"
	"strings"
	"testing"
)

// The README's settings table is what operators read; it must name every
// setting the binary reads, with its flag and its default, so that it
// cannot drift from the code.
func TestREADMEListsEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "| `") {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
			rows[name] = line
		}
	}
	for _, s := range settings {
		row, ok := rows[s.Env]
		if !ok {
			t.Errorf("README has no row for %s", s.Env)
			continue
		}
		if !strings.Contains(row, "`--"+s.Flag+"`") {
			t.Errorf("README row for %s does not name the flag --%s", s.Env, s.Flag)
		}
		if s.Default != "" && !strings.Contains(row, "`"+s.Default+"`") {
			t.Errorf("README row for %s does not give the default %q", s.Env, s.Default)
		}
	}
	for _, cmd := range subcommands {
		if !strings.Contains(string(b), "leviathan "+cmd.name) {
			t.Errorf("README never shows `leviathan %s`", cmd.name)
		}
	}
}
