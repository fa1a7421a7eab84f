package llmtest

import (
	"errors"
	"math"
	"testing"

	openai "github.com/sashabaranov/go-openai"
)

// The fake must fail the way real backends do, or tests of the client
// prove nothing: go-openai must see its own error types.
func TestErrorsLookLikeOpenAIs(t *testing.T) {
	s := New(t)
	s.Push(Reply{Status: 429, RetryAfter: "2"}, Reply{Status: 500, Body: "<html>oops</html>"})
	cfg := openai.DefaultConfig("k")
	cfg.BaseURL = s.BaseURL()
	c := openai.NewClientWithConfig(cfg)
	req := openai.ChatCompletionRequest{Model: "m", Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}}}

	_, err := c.CreateChatCompletion(t.Context(), req)
	var api *openai.APIError
	if !errors.As(err, &api) || api.HTTPStatusCode != 429 || api.Type != "rate_limit_error" {
		t.Errorf("429: %#v", err)
	}
	_, err = c.CreateChatCompletion(t.Context(), req)
	var re *openai.RequestError
	if !errors.As(err, &re) || re.HTTPStatusCode != 500 {
		t.Errorf("500 with HTML: %#v", err)
	}
	if got := s.Requests(); len(got) != 2 || got[0].Chat == nil || got[0].Chat.Messages[0].Content != "hi" {
		t.Errorf("requests not recorded: %+v", got)
	}
}

func TestEmbeddings(t *testing.T) {
	s := New(t)
	s.Dimensions = 16
	cfg := openai.DefaultConfig("k")
	cfg.BaseURL = s.BaseURL()
	c := openai.NewClientWithConfig(cfg)
	resp, err := c.CreateEmbeddings(t.Context(), openai.EmbeddingRequestStrings{Input: []string{"Technofeudalismus heute", "Technofeudalismus", "Apfelstrudel"}, Model: "e"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Data) != 3 || resp.Data[2].Index != 2 || len(resp.Data[0].Embedding) != 16 {
		t.Fatalf("resp = %+v", resp)
	}
	dot := func(a, b []float32) (d float64) {
		for i := range a {
			d += float64(a[i] * b[i])
		}
		return
	}
	v := resp.Data
	if math.Abs(dot(v[0].Embedding, v[0].Embedding)-1) > 1e-5 {
		t.Error("not normalized")
	}
	if dot(v[0].Embedding, v[1].Embedding) <= dot(v[0].Embedding, v[2].Embedding) {
		t.Error("texts sharing a word are not nearer than unrelated ones")
	}
	if in := s.EmbeddingInputs(); len(in) != 1 || len(in[0]) != 3 {
		t.Errorf("inputs = %q", in)
	}
}
