package retrieval

import (
	"math"

	"github.com/leviathan-bot/leviathan/content"
)

// Read reads the given passages against a query without ranking them: each
// comes back as a Hit with its sentences scored, its evidence and the
// relevance verdict, in the order given. It serves questions that name
// their passage ("Was sagt ¶14 über den Krieg?") and the notes that answer
// questions about the publication. Passages the index does not hold are
// skipped.
func (ix *Index) Read(query string, passages []content.Passage) []Hit {
	q := ix.lex.newQuery(query, ix.dict, ix.lang)
	out := make([]Hit, 0, len(passages))
	for _, p := range passages {
		if !ix.holds(p) {
			continue
		}
		h := Hit{Passage: ix.passages[p.Order], Score: 1, dense: -1}
		ix.annotate(&h, q)
		out = append(out, h)
	}
	return out
}

// holds reports whether p is one of the index's passages.
func (ix *Index) holds(p content.Passage) bool {
	return p.Order >= 0 && p.Order < len(ix.passages) && ix.passages[p.Order].ID == p.ID
}

// Central scores every sentence of the given passages by how central it is
// to them as a whole: the cosine between the sentence's stems and the
// frequencies of stems over all the passages together. The sentence that shares most of
// what the passages keep talking about is the one an overview should quote.
// The result has one slice per passage, in the order given (nil for a
// passage the index does not hold).
//
// focus, if not empty, is text that states what the passages are about (a
// title): its words join the centroid with half its weight, so that the
// sentences that echo it count as more central.
func (ix *Index) Central(passages []content.Passage, focus string) [][]ScoredSentence {
	out := make([][]ScoredSentence, len(passages))
	centroid := map[string]float64{}
	vecs := make([][]map[string]float64, len(passages))
	for i, p := range passages {
		if !ix.holds(p) {
			continue
		}
		d := &ix.lex.docs[p.Order]
		vecs[i] = make([]map[string]float64, len(d.sentences))
		for j := range d.sentences {
			v := ix.lex.vector(d.sentences[j].tokens)
			vecs[i][j] = v
			for k, w := range v {
				centroid[k] += w
			}
		}
	}
	if fv := ix.lex.vector(Analyze(focus)); len(fv) > 0 {
		scale := 0.5 * norm(centroid) / norm(fv)
		for k, w := range fv {
			centroid[k] += scale * w
		}
	}
	cn := norm(centroid)
	for i, p := range passages {
		if !ix.holds(p) {
			continue
		}
		d := &ix.lex.docs[p.Order]
		out[i] = make([]ScoredSentence, len(d.sentences))
		for j, s := range d.sentences {
			v := vecs[i][j]
			dot := 0.0
			for k, w := range v {
				dot += w * centroid[k]
			}
			score := 0.0
			if n := norm(v); n > 0 && cn > 0 {
				score = dot / (n * cn)
			}
			out[i][j] = ScoredSentence{Sentence: s.Sentence, Score: score, Defines: s.defines, RefersBack: s.refers}
		}
	}
	return out
}

// vector is a sentence's stems, each word counting once, split between its
// stems. Centrality wants the words a text keeps coming back to, so they
// are not weighted by rarity: summed over the passages, the vectors give
// each word its frequency.
func (lx *lexicon) vector(toks []Token) map[string]float64 {
	v := map[string]float64{}
	for _, t := range toks {
		for _, s := range t.Stems {
			v[s] = 1 / float64(len(t.Stems))
		}
	}
	return v
}

func norm(v map[string]float64) float64 {
	sum := 0.0
	for _, w := range v {
		sum += w * w
	}
	return math.Sqrt(sum)
}
