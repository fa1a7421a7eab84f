package main

import (
	"context"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/bot/console"
	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
)

// runChatLLM runs `leviathan chat` in-process on the given input, with the
// model at fake.
func runChatLLM(t *testing.T, fake *llmtest.Server, input string) (stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	m := &Main{
		Stdin: strings.NewReader(input), Stdout: &out, Stderr: &errOut,
		Environ: []string{"LEVIATHAN_DATA_DIR=" + t.TempDir(), "LEVIATHAN_LOG_LEVEL=warn",
			"OPENAI_BASE_URL=" + fake.BaseURL(), "OPENAI_API_KEY=test", "LEVIATHAN_LLM_RETRIES=0"},
	}
	if code := m.Run(context.Background(), []string{"chat"}); code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
	}
	return out.String(), errOut.String()
}

func TestChatStreamsTheAnswer(t *testing.T) {
	fake := llmtest.New(t)
	const answer = "Gemeint ist die Abhängigkeit von den Plattformen [1]."
	fake.Push(llmtest.Reply{Text: answer})
	out, stderr := runChatLLM(t, fake, llmQuestion+"\n")
	if c := fake.ChatRequests(); len(c) != 1 || !c[0].Stream {
		t.Fatalf("want one streamed model call, got %d:\n%s", len(c), stderr)
	}
	// The echoed question, the answer once, then its sources and buttons.
	_, reply, _ := strings.Cut(out, "> "+llmQuestion+"\n")
	if !strings.HasPrefix(reply, answer+"\n\n"+command.SourcesHeading+"\n[1] ¶") {
		t.Errorf("want the streamed answer, then the sources:\n%s", out)
	}
	if n := strings.Count(out, answer); n != 1 || strings.Contains(out, console.Revised) || !strings.Contains(reply, "[👍] [👎]") {
		t.Errorf("answer printed %d times:\n%s", n, out)
	}
}

func TestChatStreamCutShowsTheFallback(t *testing.T) {
	fake := llmtest.New(t)
	fake.Push(llmtest.Reply{Text: "Technofeudalismus ist ein Begriff, den der Autor geprägt hat [1].", CutAfter: 3})
	out, stderr := runChatLLM(t, fake, llmQuestion+"\n")
	_, reply, _ := strings.Cut(out, "> "+llmQuestion+"\n")
	streamed, final, ok := strings.Cut(reply, console.Revised+"\n")
	if !ok || !strings.HasPrefix(streamed, "Technofeudalismus ist") || strings.Contains(streamed, command.SourcesHeading) {
		t.Fatalf("want the streamed start, then the separator:\n%s\n%s", out, stderr)
	}
	// The extractive fallback, with its notice and sources.
	if strings.Contains(final, "geprägt") || !strings.Contains(final, "¶7") || !strings.Contains(final, command.SourcesHeading) ||
		!strings.HasPrefix(final, "*") {
		t.Errorf("want the extractive answer with a notice after the separator:\n%s", final)
	}
}
