// Package retrieval finds the passages of the essay that answer a question.
//
// It embeds passages with an Embedder (an offline, pure-Go default, or any
// OpenAI-compatible /v1/embeddings backend), keeps them in a persistent
// chromem-go store in a data directory, and searches it. The store remembers
// what built it (content hash, embedder name and dimensions), so a warm start
// embeds nothing and a changed essay or embedder rebuilds it.
package retrieval

import (
	"context"
	"log/slog"

	"github.com/leviathan-bot/leviathan/content"
)

// Embedder turns texts into vectors. Implementations return normalized
// vectors (chromem-go scores by dot product and does not normalize what an
// embedding function returns).
type Embedder interface {
	// Name identifies the model and its version; a store built by another
	// name is rebuilt.
	Name() string
	// Dimensions is the length of every vector Embed returns.
	Dimensions() int
	// Embed embeds a batch of texts, one vector per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Hit is one retrieved passage.
type Hit struct {
	Passage content.Passage
	// Score ranks hits; higher is better. Its scale depends on the embedder.
	Score float64
	// Relevant reports whether the hit carries real evidence for the query,
	// rather than being merely the nearest of unrelated passages. Off-topic
	// questions get hits with Relevant false.
	Relevant bool
}

// Options configure Open.
type Options struct {
	// Dir is the data directory that holds the store. Empty means an
	// in-memory store (tests, and a read-only disk).
	Dir      string
	Embedder Embedder
	Logger   *slog.Logger
	// Rebuild forces the store to be rebuilt even if it is current.
	Rebuild bool
}

// Stats says what Open did.
type Stats struct {
	Passages int
	Built    bool // the store was (re)built rather than reused
	Memory   bool // the store lives in memory only (no Dir, or Dir unusable)
	Reason   string
}
