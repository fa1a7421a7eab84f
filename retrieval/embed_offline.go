package retrieval

import (
	"context"
	"hash/fnv"
	"math"
	"strconv"
)

// offlineVersion changes whenever the offline algorithm (analyzer,
// stopwords, weights, dimensions) changes, so that stores built by
// an older version are rebuilt rather than searched with vectors that no
// longer agree with the query's.
const (
	offlineVersion    = 3
	offlineDimensions = 2048
)

// Feature weights of the offline embedder. Whole-word evidence (a stem)
// counts most; the n-grams of one word together weigh less than
// the word, enough to join cognates and compounds without letting shared
// suffixes ("-ung", "-ismus") decide.
const (
	weightStem   = 1.0
	weightNgrams = 0.7 // L2 norm of all n-grams of one word together
)

// offline is the built-in embedder: a sparse bag of stems and character
// n-grams, hashed into a fixed number of dimensions
// (the "hashing trick") with a sign bit so that collisions cancel out
// instead of piling up.
type offline struct{}

// NewOffline returns the built-in embedder: pure Go, deterministic, no
// network, aware of German and English (Snowball stemming in both
// languages, character n-grams for compounds and cognates). Vectors are
// L2-normalized.
func NewOffline() Embedder { return offline{} }

func (offline) Name() string {
	return "offline-hash-v" + strconv.Itoa(offlineVersion) + "-d" + strconv.Itoa(offlineDimensions)
}

func (offline) Dimensions() int { return offlineDimensions }

func (o offline) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[i] = embedOffline(t)
	}
	return out, nil
}

// embedOffline builds the vector of one text: feature counts are damped
// (1+ln tf) so that a word repeated in a long passage does not drown the
// others, then hashed and normalized.
func embedOffline(text string) []float32 {
	counts := map[string]float64{}
	for _, t := range Analyze(text) {
		for _, s := range t.Stems {
			counts["s:"+s] += weightStem / float64(len(t.Stems))
		}
		n := 0
		ngrams(t.Phon, func(string) { n++ })
		if n > 0 {
			w := weightNgrams / math.Sqrt(float64(n))
			ngrams(t.Phon, func(g string) { counts["g:"+g] += w })
		}
	}
	v := make([]float32, offlineDimensions)
	for f, c := range counts {
		h := fnv.New64a()
		h.Write([]byte(f))
		x := h.Sum64()
		idx := int(x % offlineDimensions)
		w := c
		if c > 1 {
			w = 1 + math.Log(c)
		}
		if x>>63 == 1 {
			w = -w
		}
		v[idx] += float32(w)
	}
	normalize(v)
	return v
}

// normalize scales v to unit length in place; the zero vector (a text with
// no content words) stays zero, which scores 0 against everything.
func normalize(v []float32) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
}
