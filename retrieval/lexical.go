package retrieval

import "math"

// BM25 parameters, the usual defaults.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// lexicon is the lexical side of the index: BM25 over the stems and
// concepts of each passage, and what is needed to tell whether a passage
// carries evidence for a query (see coverage). It is computed from the
// essay at every start; that takes well under a millisecond and embeds
// nothing.
type lexicon struct {
	tf     []map[string]float64
	docLen []float64
	avgLen float64
	df     map[string]int
	// grams maps, per passage, a trigram to the distinct words that
	// contain it.
	grams   []map[string][]int
	n       int
	idfNone float64 // the idf of a term no passage contains
}

// terms are the lexical terms of a token: its stems and its concepts.
func (t token) terms() []string {
	out := make([]string, 0, len(t.stems)+len(t.concepts))
	for _, s := range t.stems {
		out = append(out, "s:"+s)
	}
	for _, c := range t.concepts {
		out = append(out, "c:"+c)
	}
	return out
}

func newLexicon(texts []string) *lexicon {
	lx := &lexicon{df: map[string]int{}, n: len(texts)}
	var total float64
	for _, text := range texts {
		tf := map[string]float64{}
		grams := map[string][]int{}
		wordID := map[string]int{}
		toks := tokenize(text)
		for _, t := range toks {
			for _, term := range t.terms() {
				tf[term]++
			}
			if _, ok := wordID[t.phon]; ok {
				continue
			}
			id := len(wordID)
			wordID[t.phon] = id
			trigrams(t.phon, func(g string) {
				if ws := grams[g]; len(ws) == 0 || ws[len(ws)-1] != id {
					grams[g] = append(ws, id)
				}
			})
		}
		for term := range tf {
			lx.df[term]++
		}
		lx.tf = append(lx.tf, tf)
		lx.grams = append(lx.grams, grams)
		lx.docLen = append(lx.docLen, float64(len(toks)))
		total += float64(len(toks))
	}
	if lx.n > 0 {
		lx.avgLen = total / float64(lx.n)
	}
	lx.idfNone = lx.idf("")
	return lx
}

// idf is BM25's inverse document frequency (the variant that stays
// positive).
func (lx *lexicon) idf(term string) float64 {
	df := float64(lx.df[term])
	return math.Log(1 + (float64(lx.n)-df+0.5)/(df+0.5))
}

// bm25 scores every passage for the query tokens.
func (lx *lexicon) bm25(q []token) []float64 {
	scores := make([]float64, lx.n)
	seen := map[string]bool{}
	for _, t := range q {
		for _, term := range t.terms() {
			if seen[term] || lx.df[term] == 0 {
				continue
			}
			seen[term] = true
			idf := lx.idf(term)
			for i, tf := range lx.tf {
				f := tf[term]
				if f == 0 {
					continue
				}
				norm := bm25K1 * (1 - bm25B + bm25B*lx.docLen[i]/lx.avgLen)
				scores[i] += idf * f * (bm25K1 + 1) / (f + norm)
			}
		}
	}
	return scores
}

// coverage says how much of the query passage i accounts for: the
// idf-weighted share of the query's content words that the passage
// contains, by stem, by concept, or by
// most of their character trigrams (for words of seven letters or more), which catches cognates and compound
// parts ("technofeudalism" in "Technofeudalismus", "Richtlinie" in
// "Kartellrichtlinien"). A word no passage contains weighs the most, so a
// question about football or recipes is poorly covered by every passage
// however many function words it shares with the essay.
//
// strong is the share covered by stems and concepts alone: a trigram match
// is a weaker likeness, which can also be chance.
func (lx *lexicon) coverage(q []token, i int) (share, strong float64) {
	var have, haveStrong, want float64
	seen := map[string]bool{}
	for _, t := range q {
		if seen[t.folded] {
			continue
		}
		seen[t.folded] = true
		w := lx.idfNone
		matched := false
		for _, term := range t.terms() {
			if lx.df[term] > 0 {
				w = math.Min(w, lx.idf(term))
				if lx.tf[i][term] > 0 {
					matched = true
				}
			}
		}
		strongMatch := matched
		if !matched && len(t.phon) >= 7 && lx.gramShare(t.phon, i) >= 0.8 {
			matched = true
		}
		want += w
		if matched {
			have += w
		}
		if strongMatch {
			haveStrong += w
		}
	}
	if want == 0 {
		return 0, 0
	}
	return have / want, haveStrong / want
}

// gramShare is the largest share of a word's trigrams that one word of
// passage i contains.
func (lx *lexicon) gramShare(phon string, i int) float64 {
	n := 0
	hits := map[int]int{}
	trigrams(phon, func(g string) {
		n++
		for _, w := range lx.grams[i][g] {
			hits[w]++
		}
	})
	best := 0
	for _, h := range hits {
		best = max(best, h)
	}
	if n == 0 {
		return 0
	}
	return float64(best) / float64(n)
}

// trigrams yields a word's character trigrams, without boundary marks so
// that a word found inside a compound counts.
func trigrams(phon string, yield func(string)) {
	for i := 0; i+3 <= len(phon); i++ {
		yield(phon[i : i+3])
	}
}
