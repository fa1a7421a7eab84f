package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/leviathan-bot/leviathan/content"
)

// fakeEmbeddings speaks /v1/embeddings like an OpenAI-compatible server:
// it returns unnormalized vectors (some servers do) in reverse order with
// their indices, and fails as configured with an OpenAI error body.
type fakeEmbeddings struct {
	mu       sync.Mutex
	requests [][]string
	failWith int // HTTP status to fail with, 0 for none
	dims     int
}

func (f *fakeEmbeddings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/embeddings" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	var req struct {
		Input []string `json:"input"`
		Model string   `json:"model"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad json","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, req.Input)
	fail := f.failWith
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if fail != 0 {
		w.WriteHeader(fail)
		w.Write([]byte(`{"error":{"message":"model overloaded","type":"server_error","code":"overloaded"}}`))
		return
	}
	type item struct {
		Object    string    `json:"object"`
		Embedding []float32 `json:"embedding"`
		Index     int       `json:"index"`
	}
	var data []item
	for i := len(req.Input) - 1; i >= 0; i-- {
		v := make([]float32, f.dims)
		for j := range v {
			v[j] = float32(len(req.Input[i])%7+j) + 1 // deterministic, not unit length
		}
		data = append(data, item{Object: "embedding", Embedding: v, Index: i})
	}
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": 1, "total_tokens": 1}})
}

func (f *fakeEmbeddings) calls() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]string(nil), f.requests...)
}

func newFakeClient(t *testing.T, f *fakeEmbeddings) *openai.Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = srv.URL + "/v1"
	return openai.NewClientWithConfig(cfg)
}

func TestOpenAIEmbedderBatchesAndNormalizes(t *testing.T) {
	f := &fakeEmbeddings{dims: 8}
	e := NewOpenAIEmbedder(newFakeClient(t, f), "nomic-embed-text")
	if e.Dimensions() != 0 || e.Name() != "openai:nomic-embed-text" {
		t.Fatalf("before the first call: %q, %d dimensions", e.Name(), e.Dimensions())
	}
	texts := make([]string, 130)
	for i := range texts {
		texts[i] = strings.Repeat("x", i)
	}
	vecs, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.calls()); got != 3 {
		t.Errorf("%d requests for 130 texts, want 3 batches", got)
	}
	if len(vecs) != len(texts) || e.Dimensions() != 8 {
		t.Fatalf("%d vectors, %d dimensions", len(vecs), e.Dimensions())
	}
	for i, v := range vecs {
		if n := math.Sqrt(dot(v, v)); math.Abs(n-1) > 1e-5 {
			t.Fatalf("vector %d has norm %v", i, n)
		}
		// The fake answers in reverse order; the embedder must follow the
		// indices: vector i must be the one made for texts[i].
		if want := float32(len(texts[i])%7 + 1); math.Abs(float64(v[0]/v[1]-want/(want+1))) > 1e-5 {
			t.Fatalf("vector %d belongs to another text", i)
		}
	}
}

func TestOpenAIEmbedderErrors(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusTooManyRequests, http.StatusUnauthorized} {
		f := &fakeEmbeddings{dims: 4, failWith: status}
		e := NewOpenAIEmbedder(newFakeClient(t, f), "m")
		_, err := e.Embed(context.Background(), []string{"a"})
		var apiErr *openai.APIError
		if err == nil || !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != status {
			t.Errorf("status %d: err %v, want an *openai.APIError with that status", status, err)
		}
		// Open surfaces the failure instead of building a store of nothing.
		if _, err := Open(context.Background(), content.Load(), Options{Dir: t.TempDir(), Embedder: e}); err == nil {
			t.Errorf("status %d: Open succeeded", status)
		}
	}
}

func TestOpenAIWarmStartEmbedsOnlyTheQuery(t *testing.T) {
	essay := content.Load()
	dir := t.TempDir()
	f := &fakeEmbeddings{dims: 16}
	client := newFakeClient(t, f)
	ix, err := Open(context.Background(), essay, Options{Dir: dir, Embedder: NewOpenAIEmbedder(client, "m1")})
	if err != nil || !ix.Stats().Built {
		t.Fatalf("cold start: %v, %+v", err, ix.Stats())
	}
	cold := len(f.calls())

	// A restart: a new embedder that does not know its dimensions yet.
	ix, err = Open(context.Background(), essay, Options{Dir: dir, Embedder: NewOpenAIEmbedder(client, "m1")})
	if err != nil || ix.Stats().Built {
		t.Fatalf("warm start: %v, %+v", err, ix.Stats())
	}
	if got := len(f.calls()); got != cold {
		t.Fatalf("warm start made %d embedding calls", got-cold)
	}
	if _, err := ix.Search(context.Background(), "Technofeudalismus", 3); err != nil {
		t.Fatal(err)
	}
	calls := f.calls()
	if len(calls) != cold+1 || len(calls[len(calls)-1]) != 1 {
		t.Fatalf("a search made %d calls, want one for the query", len(calls)-cold)
	}

	// Another model rebuilds.
	ix, err = Open(context.Background(), essay, Options{Dir: dir, Embedder: NewOpenAIEmbedder(client, "m2")})
	if err != nil || !ix.Stats().Built {
		t.Fatalf("model change: %v, %+v", err, ix.Stats())
	}
}
