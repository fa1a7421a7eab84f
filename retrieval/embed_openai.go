package retrieval

import (
	"context"
	"fmt"
	"sync"

	openai "github.com/sashabaranov/go-openai"
)

// EmbeddingsClient is the part of *openai.Client the remote embedder uses,
// so tests and other callers can pass their own.
type EmbeddingsClient interface {
	CreateEmbeddings(ctx context.Context, conv openai.EmbeddingRequestConverter) (openai.EmbeddingResponse, error)
}

var _ EmbeddingsClient = (*openai.Client)(nil)

// openaiBatch is how many texts go into one /v1/embeddings request: the
// essay's passages fit in one, and servers that cap the batch (llama.cpp,
// some vLLM set-ups) accept 64.
const openaiBatch = 64

type openaiEmbedder struct {
	client EmbeddingsClient
	model  string

	mu   sync.Mutex
	dims int // learnt from the first response
}

// NewOpenAIEmbedder embeds through an OpenAI-compatible /v1/embeddings
// endpoint. Vectors are normalized here, since servers do not all return
// unit vectors and the store scores by dot product. Dimensions is 0 until
// the first response; the store records the real value after building.
func NewOpenAIEmbedder(client EmbeddingsClient, model string) Embedder {
	return &openaiEmbedder{client: client, model: model}
}

func (e *openaiEmbedder) Name() string { return "openai:" + e.model }

func (e *openaiEmbedder) Dimensions() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.dims
}

func (e *openaiEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += openaiBatch {
		batch := texts[start:min(start+openaiBatch, len(texts))]
		vecs, err := e.embedBatch(ctx, batch)
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
	}
	return out, nil
}

func (e *openaiEmbedder) embedBatch(ctx context.Context, batch []string) ([][]float32, error) {
	resp, err := e.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
		Input: batch,
		Model: openai.EmbeddingModel(e.model),
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't get embeddings from model %s: %w", e.model, err)
	}
	if len(resp.Data) != len(batch) {
		return nil, fmt.Errorf("couldn't get embeddings from model %s: %d vectors for %d texts", e.model, len(resp.Data), len(batch))
	}
	vecs := make([][]float32, len(batch))
	for _, d := range resp.Data {
		// The API returns an index per vector; servers may reorder.
		if d.Index < 0 || d.Index >= len(batch) || vecs[d.Index] != nil {
			return nil, fmt.Errorf("couldn't get embeddings from model %s: bad or repeated index %d", e.model, d.Index)
		}
		if len(d.Embedding) == 0 {
			return nil, fmt.Errorf("couldn't get embeddings from model %s: empty vector", e.model)
		}
		v := append([]float32(nil), d.Embedding...)
		normalize(v)
		vecs[d.Index] = v
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, v := range vecs {
		if e.dims == 0 {
			e.dims = len(v)
		}
		if len(v) != e.dims {
			return nil, fmt.Errorf("couldn't get embeddings from model %s: %d dimensions, earlier %d", e.model, len(v), e.dims)
		}
	}
	return vecs, nil
}
