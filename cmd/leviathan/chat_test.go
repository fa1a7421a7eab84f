package main

import (
	"context"
	"strings"
	"testing"
)

// TestChatEndToEnd runs the console over the real engine and the offline
// store, the way someone without a token tries the bot.
func TestChatEndToEnd(t *testing.T) {
	var out, errOut strings.Builder
	m := &Main{
		Stdin:   strings.NewReader("Was ist DOGE?\n/quote ¶3\n/help\n/quit\n"),
		Stdout:  &out,
		Stderr:  &errOut,
		Environ: []string{"LEVIATHAN_DATA_DIR=" + t.TempDir(), "LEVIATHAN_LOG_LEVEL=warn"},
	}
	if code := m.Run(context.Background(), []string{"chat"}); code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
	}
	for _, want := range []string{"DOGE", "[1]", "**Quellen / Sources**", "**¶3** · Einleitung", "/summary", "[👍] [👎]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestChatBadConfig(t *testing.T) {
	var errOut strings.Builder
	m := &Main{Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &errOut,
		Environ: []string{"DISCORD_MAX_QUESTION=3"}}
	if code := m.Run(context.Background(), []string{"chat"}); code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut.String(), "DISCORD_MAX_QUESTION") {
		t.Errorf("stderr does not name the bad setting:\n%s", errOut.String())
	}
}
