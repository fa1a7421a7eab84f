// Package retrieval finds the passages of a text that answer a question,
// and the sentences in them that do.
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
	// TextID and TextTitle name the text the passage is from: passage IDs
	// are unique only within a text. TextID is empty for an Index opened
	// with Open (one text, no library).
	TextID, TextTitle string
	// Score ranks hits; higher is better. Its scale depends on the embedder.
	Score float64
	// Relevant reports whether the hit carries real evidence for the query,
	// rather than being merely the nearest of unrelated passages. Off-topic
	// questions get hits with Relevant false.
	Relevant bool
	// Evidence holds the passage's sentences that best match the query,
	// verbatim and in passage order; empty when none shares a word with it.
	Evidence []string
	// Sentences scores every sentence of the passage for the query, in
	// passage order, so that the answering engine can choose and extend the
	// evidence without analyzing the text again.
	Sentences []ScoredSentence
	// dense is the passage's cosine similarity to the query in the
	// embedder's space, for the relevance verdict; -1 when not computed.
	dense float64
}

// ScoredSentence is one sentence of a hit's passage, read against the
// query.
type ScoredSentence struct {
	Sentence
	// Score is how well the sentence answers the query: the idf-weighted
	// question words it contains, discounted for length; 0 when it shares
	// no word with the question.
	Score float64 `json:"score"`
	// Defines reports that the sentence names or defines something
	// ("… als »Technofeudalismus« bezeichnet", "is called").
	Defines bool `json:"defines,omitempty"`
	// RefersBack reports that the sentence begins by pointing at the one
	// before it ("Dies …", "Mit dem ersten …", "It …"), so that quoted
	// alone it would lack its subject.
	RefersBack bool `json:"refers_back,omitempty"`
}

// Options configure Open.
type Options struct {
	// Dir is the data directory that holds the store. Empty means an
	// in-memory store (tests, and a read-only disk).
	Dir      string
	Embedder Embedder
	Logger   *slog.Logger
	// Dictionary, if set, translates question words between German and
	// English, so that a question in one language finds a text in the
	// other (see Dictionary).
	Dictionary *Dictionary
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
