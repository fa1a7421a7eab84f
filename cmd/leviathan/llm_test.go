package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot/llm/llmtest"
	"github.com/leviathan-bot/leviathan/bot/nettest"
	"github.com/leviathan-bot/leviathan/content"
)

// runEnv runs the program in-process with the given environment added to a
// fresh data directory (unless LEVIATHAN_DATA_DIR is among env).
func runEnv(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Environ: append([]string{"LEVIATHAN_DATA_DIR=" + t.TempDir(), "LEVIATHAN_LOG_LEVEL=info"}, env...),
	}
	code = m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

const llmQuestion = "Was versteht der Autor unter Technofeudalismus?"

type llmAskJSON struct {
	Question  string `json:"question"`
	Answer    string `json:"answer"`
	Mode      string `json:"mode"`
	Notice    string `json:"notice"`
	Citations []struct {
		N     int    `json:"n"`
		Label string `json:"label"`
		Text  string `json:"text"`
	} `json:"citations"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
}

func decodeLLMAsk(t *testing.T, stdout string) llmAskJSON {
	t.Helper()
	var a llmAskJSON
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, stdout)
	}
	return a
}

func TestLLMAskJSON(t *testing.T) {
	fake := llmtest.New(t)
	fake.Push(llmtest.Reply{Text: "Er beschreibt eine Ordnung der Abhängigkeit von Plattformen [2] [7]."})
	code, stdout, stderr := runEnv(t, []string{"OPENAI_BASE_URL=" + fake.BaseURL(), "OPENAI_API_KEY=sk-secret-test"}, "ask", "--json", llmQuestion)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	a := decodeLLMAsk(t, stdout)
	if a.Mode != "llm" || a.Answer != "Er beschreibt eine Ordnung der Abhängigkeit von Plattformen [2]." || a.Notice != "" {
		t.Errorf("got %+v", a)
	}
	if len(a.Citations) != 1 || a.Citations[0].N != 2 || a.Citations[0].Text == "" {
		t.Errorf("citations = %+v", a.Citations)
	}
	if a.Usage == nil || a.Usage.PromptTokens == 0 || a.Usage.TotalTokens != a.Usage.PromptTokens+a.Usage.CompletionTokens {
		t.Errorf("usage = %+v", a.Usage)
	}
	chats := fake.ChatRequests()
	if len(chats) != 1 {
		t.Fatalf("%d model calls", len(chats))
	}
	user := chats[0].Messages[len(chats[0].Messages)-1].Content
	if !strings.Contains(user, "<question>"+llmQuestion+"</question>") || !strings.Contains(user, a.Citations[0].Text) {
		t.Errorf("the prompt lacks the question or the cited passage:\n%s", user)
	}
	if chats[0].Model != "gpt-4o-mini" {
		t.Errorf("model = %q, want the default", chats[0].Model)
	}
	if !strings.Contains(stderr, "llm answer") || !strings.Contains(stderr, "prompt_tokens=") {
		t.Errorf("the log lacks the tokens used:\n%s", stderr)
	}
	if strings.Contains(stderr, "sk-secret-test") {
		t.Error("the API key reached the log")
	}
}

func TestLLMAskStreamsToStdout(t *testing.T) {
	fake := llmtest.New(t)
	fake.Push(llmtest.Reply{Text: "Gemeint ist die Abhängigkeit [1] von den Plattformen [9]."})
	code, stdout, stderr := runEnv(t, []string{"OPENAI_BASE_URL=" + fake.BaseURL(), "LEVIATHAN_MODEL=llama3.2"}, "ask", llmQuestion)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Gemeint ist die Abhängigkeit [1] von den Plattformen.") || strings.Contains(stdout, "[9]") {
		t.Errorf("stdout:\n%s", stdout)
	}
	if c := fake.ChatRequests(); len(c) != 1 || !c[0].Stream || c[0].Model != "llama3.2" {
		t.Errorf("want one streamed request to llama3.2")
	}
}

func TestLLMAskFallsBackAndExitsZero(t *testing.T) {
	closed := "http://" + nettest.RefusedAddr(t) + "/v1"
	fake := llmtest.New(t)
	fake.Respond = func(llmtest.Request) llmtest.Reply { return llmtest.Reply{Status: 503, RetryAfter: "0"} }

	tests := []struct {
		name, baseURL, reason string
		calls                 int
	}{
		{"backend down", closed, "unreachable", 0},
		{"backend failing", fake.BaseURL(), "server_error", 2}, // one try, one retry
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(fake.ChatRequests())
			code, stdout, stderr := runEnv(t, []string{"OPENAI_BASE_URL=" + tc.baseURL, "LEVIATHAN_LLM_RETRIES=1"}, "ask", "--json", llmQuestion)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			a := decodeLLMAsk(t, stdout)
			if a.Mode != "extractive" || a.Notice == "" || a.Answer == "" || len(a.Citations) == 0 {
				t.Errorf("got %+v", a)
			}
			if !strings.Contains(stderr, "reason="+tc.reason) {
				t.Errorf("the log does not say what happened:\n%s", stderr)
			}
			if n := len(fake.ChatRequests()) - before; tc.baseURL == fake.BaseURL() && n != tc.calls {
				t.Errorf("%d calls, want %d", n, tc.calls)
			}
		})
	}
}

func TestLLMMalformedBaseURL(t *testing.T) {
	for _, u := range []string{"localhost:11434", "http://localhost:11434/api"} {
		code, _, stderr := runEnv(t, []string{"OPENAI_BASE_URL=" + u}, "ask", llmQuestion)
		if code != exitUsage || !strings.Contains(stderr, "OPENAI_BASE_URL") {
			t.Errorf("%s: exit %d, stderr %q", u, code, stderr)
		}
	}
}

func TestBackendRemoteEmbeddingsWarmStart(t *testing.T) {
	fake := llmtest.New(t)
	dir := t.TempDir()
	env := []string{"LEVIATHAN_DATA_DIR=" + dir, "OPENAI_BASE_URL=" + fake.BaseURL(), "LEVIATHAN_EMBEDDER=openai",
		"LEVIATHAN_EMBEDDING_MODEL=fake-embed"}

	code, _, stderr := runEnv(t, env, "ask", "--json", llmQuestion)
	if code != exitOK {
		t.Fatalf("cold run: exit %d: %s", code, stderr)
	}
	embedded := 0
	for _, in := range fake.EmbeddingInputs() {
		embedded += len(in)
	}
	if n := len(content.Load().Passages); embedded < n+1 {
		t.Errorf("cold run embedded %d texts, want the %d passages and the query", embedded, n)
	}
	for _, r := range fake.Requests() {
		if r.Embeddings != nil && r.Embeddings.Model != "fake-embed" {
			t.Errorf("embedding model %q", r.Embeddings.Model)
		}
	}

	cold := len(fake.EmbeddingInputs())
	code, _, stderr = runEnv(t, env, "ask", "--json", llmQuestion)
	if code != exitOK {
		t.Fatalf("warm run: exit %d: %s", code, stderr)
	}
	warm := fake.EmbeddingInputs()[cold:]
	if len(warm) != 1 || len(warm[0]) != 1 || warm[0][0] != llmQuestion {
		t.Errorf("warm run made embedding calls %q, want one for the query", warm)
	}
}

func TestLLMSummaryCitesLabels(t *testing.T) {
	fake := llmtest.New(t)
	fake.Push(llmtest.Reply{Text: "Die Tech-Oligarchen sitzen an der Macht [1] und bauen den Staat um [2] [30]."})
	code, stdout, stderr := runEnv(t, []string{"OPENAI_BASE_URL=" + fake.BaseURL()}, "summary", "--json", "Tech-Oligarchen")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	a := decodeLLMAsk(t, stdout)
	heading, ps := content.Load().Section("Tech-Oligarchen")
	if a.Mode != "llm" || strings.Contains(a.Answer, "[30]") || len(a.Citations) != 2 ||
		a.Citations[0].Label != ps[0].Label || a.Citations[1].Label != ps[1].Label {
		t.Errorf("got %+v", a)
	}
	user := fake.ChatRequests()[0].Messages[1].Content
	if !strings.Contains(user, heading) || strings.Count(user, "<passage n=") != len(ps) {
		t.Errorf("the summary prompt does not hold the section's %d passages:\n%s", len(ps), user)
	}
}
