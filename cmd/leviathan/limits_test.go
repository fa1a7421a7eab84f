package main

import (
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
)

// questionOf returns a German question of exactly n characters.
func questionOf(n int) string {
	q := "Was ist DOGE?"
	for len([]rune(q)) < n {
		q += " Und wer leitet es?"
	}
	return string([]rune(q)[:n-1]) + "?"
}

// TestQuestionLimitIsOneValue: the front end's limit (DISCORD_MAX_QUESTION)
// is the engine's at most, so a question the front end lets through is
// never cut by the engine: exactly at the limit it is answered whole, one
// character more is refused, and a larger setting is a usage error.
func TestQuestionLimitIsOneValue(t *testing.T) {
	at, over := questionOf(bot.MaxQuestionRunes), questionOf(bot.MaxQuestionRunes+1)
	var out strings.Builder
	m := &Main{Stdin: strings.NewReader(at + "\n" + over + "\n"), Stdout: &out, Stderr: &out,
		Environ: []string{"LEVIATHAN_DATA_DIR=" + t.TempDir(), "LEVIATHAN_LOG_LEVEL=warn"}}
	if code := m.Run(t.Context(), []string{"chat"}); code != exitOK {
		t.Fatalf("chat: exit %d: %s", code, out.String())
	}
	first, second, ok := strings.Cut(out.String(), "> "+over)
	if !ok {
		t.Fatalf("the second question was not read:\n%s", out.String())
	}
	if strings.Contains(first, "länger als") || strings.Contains(first, "zu lang") || !strings.Contains(first, "DOGE") {
		t.Errorf("a question at the limit (%d) was refused or cut:\n%s", bot.MaxQuestionRunes, first)
	}
	if !strings.Contains(second, "zu lang") {
		t.Errorf("a question over the limit was not refused:\n%s", second)
	}

	code, _, stderr := runWith(t, "", []string{"DISCORD_MAX_QUESTION=2000"}, "chat")
	if code != exitUsage || !strings.Contains(stderr, "DISCORD_MAX_QUESTION") {
		t.Errorf("DISCORD_MAX_QUESTION=2000: exit %d, stderr %q; want a usage error", code, stderr)
	}
}

// TestConversationMemoryIsOneValue: the console keeps bot.MaxTurns turns
// and the engine sends all of them to the model.
func TestConversationMemoryIsOneValue(t *testing.T) {
	fake := llmtest.New(t)
	input := strings.Repeat("Was ist DOGE und wer leitet es?\n", bot.MaxTurns+3)
	runChatLLM(t, fake, input)
	reqs := fake.ChatRequests()
	if len(reqs) != bot.MaxTurns+3 {
		t.Fatalf("%d model calls, want %d", len(reqs), bot.MaxTurns+3)
	}
	// The system prompt, MaxTurns earlier turns (question and answer), the question.
	if got := len(reqs[len(reqs)-1].Messages); got != 1+2*bot.MaxTurns+1 {
		t.Errorf("the last question carried %d messages, want %d (%d turns)", got, 1+2*bot.MaxTurns+1, bot.MaxTurns)
	}
}
