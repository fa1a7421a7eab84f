package retrieval

import (
	"math"
	"regexp"
	"strings"

	"github.com/leviathan-bot/leviathan/content"
)

// BM25 parameters, the usual defaults.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// How strongly a question word matches a word of the text. The same stem
// is the word itself; a dictionary translation is nearly as good (it can
// be the wrong sense), and so is the head of a German compound; a likeness of spelling (a cognate, a compound part)
// is weaker, and can be chance.
const (
	matchStem       = 1.0
	matchTranslated = 0.9
	matchCompound   = 0.9
	matchCognate    = 0.85
	matchLikeness   = 0.6
)

// cognate reports whether two folded words share a beginning of at least
// seven letters that is most of the shorter one. Spelled differently from
// the start ("capital"/"Kapital") they are only a likeness (see match).
func cognate(a, b string) bool {
	n := min(len(a), len(b))
	if n < 7 {
		return false
	}
	p := 0
	for p < n && a[p] == b[p] {
		p++
	}
	return p >= 7 && p*5 >= n*4
}

// translatedWeight is how much the i-th translation of a word counts: the
// dictionary lists the usual senses first, and a word with many
// translations ("front": Front, Vorderseite, Fassade, …) is ambiguous, so
// its later translations are weaker evidence.
func translatedWeight(i int) float64 {
	return matchTranslated * max(0.4, 1-0.1*float64(i))
}

// lexicon is the lexical side of the index: BM25 over the stems of each
// passage, and each passage's sentences analyzed once, for evidence. It is
// computed from the texts at every start; that takes milliseconds and
// embeds nothing.
type lexicon struct {
	docs []lexDoc
	df   map[string]int
	// postings lists, for each term, the passages that contain it, so
	// that BM25 visits those alone and not every passage of a book.
	postings map[string][]int32
	n        int
	avgLen   float64
	idfNone  float64 // the idf of a term no passage contains
	// avgSentence is the mean number of content words of a sentence.
	avgSentence float64
	// vocab holds the German stems of the text's words, for splitting
	// compounds (see head).
	vocab map[string]bool
}

type lexDoc struct {
	tf     map[string]float64
	length float64
	// heading holds the content words of the section heading, which
	// count as evidence for the passage but are never quoted.
	heading   []Token
	sentences []lexSentence
}

type lexSentence struct {
	Sentence
	tokens  []Token
	defines bool
	refers  bool
}

// definingSentence matches the words by which a text names or defines
// something (»…« bezeichnet, nennt, versteht unter; is called, means,
// refers to): a question "what is X" is answered best by such a sentence.
var definingSentence = regexp.MustCompile(`(?i)\b(bezeichn\w*|versteh\w* \w+ unter|nenn\w*|nannte|genannt|definier\w*|das hei(ß|ss)t|(is|are) called|defined as|refers? to|known as|we call|I call)\b`)

// referringStart matches a sentence that begins by pointing back at the one
// before it (a demonstrative, a personal pronoun, an ordinal): quoted alone
// it lacks its subject. The words are German's and English's closed classes
// of such words, not a choice of this project's texts.
var referringStart = regexp.MustCompile(`^(?i)(dies\w*|das|dabei|damit|dadurch|daher|deshalb|darin|davon|dazu|daraus|somit|so|er|sie|es|ihr\w*|sein\w*|mit (dem|der|den) (ersten|zweiten|dritten|letzteren?|anderen)|der|die|(der|die|das) (erste|zweite|dritte|letztere?)|solche\w*|jene\w*|this|that|these|those|it|its|he|his|she|her|they|their|such|thus|hence|the (first|second|third|former|latter))\b`)

func newLexicon(passages []content.Passage) *lexicon {
	lx := &lexicon{df: map[string]int{}, postings: map[string][]int32{}, n: len(passages)}
	var total, sentences, sentenceWords float64
	// The vocabulary, for splitting compounds: a word's German stem that
	// ends in another word of the text is, for search, also that word
	// ("Kartellrichtlinien" is also "Richtlinien").
	type analyzed struct {
		heading   []Token
		sentences []Sentence
		tokens    [][]Token
	}
	pre := make([]analyzed, len(passages))
	lx.vocab = map[string]bool{}
	for i, p := range passages {
		a := analyzed{heading: Analyze(p.Section), sentences: SplitSentences(p.Text)}
		for _, s := range a.sentences {
			a.tokens = append(a.tokens, Analyze(s.Text))
		}
		for _, toks := range append(a.tokens, a.heading) {
			for _, t := range toks {
				if len(t.Stems) > 0 {
					lx.vocab[t.Stems[0]] = true
				}
			}
		}
		pre[i] = a
	}
	for pi := range passages {
		d := lexDoc{tf: map[string]float64{}, heading: pre[pi].heading}
		count := func(toks []Token) {
			for _, t := range toks {
				for _, s := range t.Stems {
					d.tf[s]++
				}
				if h := lx.head(t); h != "" {
					d.tf[h] += compoundHeadWeight
				}
				d.length++
			}
		}
		count(d.heading)
		for si, s := range pre[pi].sentences {
			ls := lexSentence{
				Sentence: s,
				tokens:   pre[pi].tokens[si],
				defines:  definingSentence.MatchString(s.Text),
				refers:   referringStart.MatchString(strings.TrimLeft(s.Text, "»„\"'(")),
			}
			count(ls.tokens)
			sentences++
			sentenceWords += float64(len(ls.tokens))
			d.sentences = append(d.sentences, ls)
		}
		for term := range d.tf {
			lx.df[term]++
			lx.postings[term] = append(lx.postings[term], int32(len(lx.docs)))
		}
		total += d.length
		lx.docs = append(lx.docs, d)
	}
	if lx.n > 0 {
		lx.avgLen = total / float64(lx.n)
	}
	lx.avgSentence = max(1, sentenceWords/max(1, sentences))
	lx.idfNone = lx.idf("")
	return lx
}

// compoundHeadWeight is how much a compound's head counts for search,
// against 1 for the word itself.
const compoundHeadWeight = 0.5

// head returns the longest word of the text's vocabulary, of five letters
// or more, that ends a longer word's German stem: the compound's head
// ("richtlini" in "kartellrichtlini"); "" when there is none.
func (lx *lexicon) head(t Token) string {
	if len(t.Stems) == 0 {
		return ""
	}
	st := t.Stems[0]
	for i := 3; i+5 <= len(st); i++ {
		if lx.vocab[st[i:]] {
			return st[i:]
		}
	}
	return ""
}

// idf is BM25's inverse document frequency (the variant that stays
// positive).
func (lx *lexicon) idf(term string) float64 {
	df := float64(lx.df[term])
	return math.Log(1 + (float64(lx.n)-df+0.5)/(df+0.5))
}

// queryTerm is one distinct content word of a question, with its
// dictionary translations and its weight.
type queryTerm struct {
	Token
	// alts are the stems of the word's translations (see Dictionary).
	alts []string
	// weight is the idf of the word's rarest form in the texts; a word
	// the texts never contain weighs the most, so that a question about
	// football is poorly covered however many words it shares with them.
	weight float64
	grams  map[string]bool
}

// query is an analyzed question.
type query struct {
	terms []queryTerm
}

// newQuery analyzes a question once for everything search does with it.
func (lx *lexicon) newQuery(text string, dict *Dictionary, lang string) query {
	var q query
	// A question in the texts' own language needs no translation; its
	// words looked up as the other language's would only add accidents
	// ("rot" is English for Fäulnis).
	if lang != "" && Language(text) == lang {
		dict = nil
	}
	seen := map[string]bool{}
	for _, t := range Analyze(text) {
		if seen[t.Folded] {
			continue
		}
		seen[t.Folded] = true
		qt := queryTerm{Token: t, alts: dict.translate(t, lang)}
		w := lx.idfNone
		for _, s := range append(append([]string(nil), t.Stems...), qt.alts...) {
			if lx.df[s] > 0 {
				w = math.Min(w, lx.idf(s))
			}
		}
		qt.weight = w
		if len(t.Phon) >= 7 {
			qt.grams = map[string]bool{}
			trigrams(t.Phon, func(g string) { qt.grams[g] = true })
		}
		q.terms = append(q.terms, qt)
	}
	return q
}

// match says how well the question word matches a word of the text (see
// the match constants); 0 for not at all.
func (qt *queryTerm) match(t *Token) float64 {
	for _, s := range qt.Stems {
		if containsString(t.Stems, s) {
			return matchStem
		}
	}
	for i, a := range qt.alts {
		if containsString(t.Stems, a) {
			return translatedWeight(i)
		}
	}
	// A German compound is a kind of its last part: "Kartellrichtlinien"
	// are Richtlinien, a "Nationalstaat" is a Staat. The question word's
	// stem ending the text word's counts as the word itself.
	if len(qt.Stems) > 0 && len(qt.Stems[0]) >= 5 && len(t.Stems) > 0 && len(t.Stems[0]) > len(qt.Stems[0])+2 &&
		strings.HasSuffix(t.Stems[0], qt.Stems[0]) {
		return matchCompound
	}
	// A long shared beginning is the same word in the other language or
	// spelling ("technofeudalism"/"Technofeudalismus",
	// "oligarchs"/"Oligarchen"): as good as a translation.
	if cognate(qt.Folded, t.Folded) {
		return matchCognate
	}
	// German derivations share their stem's beginning where Snowball
	// leaves them apart ("leitet"/"Leitung", "fordern"/"Forderung"): a
	// stem that begins the other counts as a likeness.
	if len(qt.Stems) > 0 && len(t.Stems) > 0 && len(qt.Stems[0]) >= 4 && len(t.Stems[0]) >= 4 &&
		(strings.HasPrefix(t.Stems[0], qt.Stems[0]) || strings.HasPrefix(qt.Stems[0], t.Stems[0])) {
		return matchLikeness
	}
	if qt.grams != nil && len(t.Phon) >= 5 {
		// Most of the word's trigrams in one word of the text: a cognate
		// ("technofeudalism"/"Technofeudalismus") or a compound part
		// ("Richtlinie" in "Kartellrichtlinien").
		hit := 0
		trigrams(t.Phon, func(g string) {
			if qt.grams[g] {
				hit++
			}
		})
		if hit > 0 && float64(hit) >= 0.8*float64(len(qt.grams)) {
			return matchLikeness
		}
	}
	return 0
}

// bm25 scores every passage for the query.
func (lx *lexicon) bm25(q query) []float64 { return lx.bm25With(q, lx.idf) }

// bm25With scores every passage with the given inverse document frequency:
// a Library passes one computed over all its texts, so that a word rare in
// the library weighs the same in every text, whatever the text's size.
func (lx *lexicon) bm25With(q query, idfOf func(string) float64) []float64 {
	scores := make([]float64, lx.n)
	seen := map[string]bool{}
	for _, qt := range q.terms {
		terms := append(append([]string(nil), qt.Stems...), qt.alts...)
		if h := lx.head(qt.Token); h != "" {
			terms = append(terms, h)
		}
		for i, term := range terms {
			if seen[term] || lx.df[term] == 0 {
				continue
			}
			seen[term] = true
			boost := 1.0
			switch {
			case i >= len(qt.Stems)+len(qt.alts):
				boost = compoundHeadWeight
			case i >= len(qt.Stems):
				boost = translatedWeight(i - len(qt.Stems))
			}
			idf := idfOf(term)
			for _, d := range lx.postings[term] {
				f := lx.docs[d].tf[term]
				norm := bm25K1 * (1 - bm25B + bm25B*lx.docs[d].length/lx.avgLen)
				scores[d] += boost * idf * f * (bm25K1 + 1) / (f + norm)
			}
		}
	}
	return scores
}

// evidence is what passage i holds for the query.
type evidence struct {
	// share is the idf-weighted share of the question's words the passage
	// contains in any way; strong counts only stems and translations.
	share, strong float64
	// scores holds each sentence's score (see sentenceScore).
	scores []float64
}

// evidence reads passage i against the query: which question words it
// holds, and how well each of its sentences answers.
func (lx *lexicon) evidence(q query, i int) evidence {
	d := &lx.docs[i]
	ev := evidence{scores: make([]float64, len(d.sentences))}
	best := make([]float64, len(q.terms)) // per question word, over the passage
	var want float64
	for j := range q.terms {
		want += q.terms[j].weight
	}
	for si := range d.sentences {
		s := &d.sentences[si]
		total := 0.0
		for j := range q.terms {
			m := 0.0
			for k := range s.tokens {
				if x := q.terms[j].match(&s.tokens[k]); x > m {
					m = x
					if m == matchStem {
						break
					}
				}
			}
			total += m * q.terms[j].weight
			best[j] = max(best[j], m)
		}
		// Long sentences are discounted so that they don't win by sheer
		// size.
		ev.scores[si] = total / (0.5 + 0.5*float64(len(s.tokens))/lx.avgSentence)
	}
	for j := range q.terms {
		for k := range d.heading {
			best[j] = max(best[j], q.terms[j].match(&d.heading[k]))
		}
	}
	if want == 0 {
		return ev
	}
	for j, m := range best {
		if m > 0 {
			ev.share += q.terms[j].weight / want
		}
		if m > matchLikeness {
			ev.strong += q.terms[j].weight / want
		}
	}
	return ev
}
