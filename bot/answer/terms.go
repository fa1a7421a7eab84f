package answer

import (
	"math"
	"strings"
	"sync"
	"unicode"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/german"

	"github.com/leviathan-bot/leviathan/content"
)

// The extractive engine picks sentences by the words they share with the
// question, weighted by how rare each word is in the essay. Words are
// compared by their German Snowball stem, and, because questions are often
// English while the essay is German, also by spelling: a long common prefix
// ("technofeudalism" / "Technofeudalismus", "oligarchs" / "Oligarchen") or
// one word inside another (German compounds: "Unternehmen" in
// "Technologieunternehmen") counts as a weaker match.

// stopwords carry no topic: function words of both languages and the words
// every question about the essay uses ("author", "meint", "Essay").
var stopwords = func() map[string]bool {
	m := setOf("einer", "eines", "einem", "diese", "dieser", "dieses", "diesen", "diesem", "durch", "bei", "nach",
		"aus", "um", "wenn", "dann", "so", "nur", "sein", "seine", "seiner", "seinen", "seinem", "ihre", "ihren",
		"ihrem", "ihrer", "sowie", "man", "mehr", "sehr", "alle", "allen", "damit", "daß", "dabei", "dazu", "davon",
		"darüber", "denn", "doch", "schon", "immer", "kein", "keine", "keinen", "zwischen", "gegen", "ohne", "wird",
		"wurde", "wurden", "war", "waren", "hier", "da", "sind", "ins", "am", "vom", "beim", "jetzt", "nun", "also",
		"meint", "meinen", "versteht", "verstehen", "sagt", "sagen", "schreibt", "denkt", "beschreibt", "erklärt",
		"autor", "autors", "essay", "essays", "text", "durand", "durands", "cédric", "artikel", "beitrag",
		"any", "some", "there", "than", "then", "its", "into", "or", "but", "if", "so", "such", "as", "at", "be",
		"been", "being", "will", "my", "me", "your", "our", "him", "them", "what's", "whats", "tell", "described",
		"describe", "describes", "said", "written", "writes", "write", "meant", "understand", "understands",
		"by", "article", "according", "main", "point", "points", "rolle", "spielt", "spielen", "bedeutung", "role",
		"play", "plays", "idea", "idee", "genau", "eigentlich", "überhaupt", "heißt", "bedeutet")
	for w := range germanHints {
		m[w] = true
	}
	for w := range englishHints {
		m[w] = true
	}
	return m
}()

// term is one content word: its stem for exact matches and its folded
// spelling for the cross-language ones.
type term struct {
	stem, fold string
}

// terms returns the content words of text, in order.
func terms(text string) []term {
	var out []term
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len([]rune(w)) < 2 || stopwords[w] {
			continue
		}
		out = append(out, term{stem: stem(w), fold: fold(w)})
	}
	return out
}

func stem(w string) string {
	env := snowball.NewEnv(w)
	german.Stem(env)
	return env.Current()
}

// fold spells a word the way both languages could: umlauts dropped, c as k.
var folder = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss", "c", "k", "é", "e", "œ", "oe")

func fold(w string) string { return folder.Replace(w) }

// match says how well question term q matches essay term t: 1 for the same
// stem, less for a cognate or a compound part, 0 for none.
func match(q, t term) float64 {
	if q.stem == t.stem {
		return 1
	}
	a, b := q.fold, t.fold
	if len(a) < 5 || len(b) < 5 {
		return 0
	}
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	if p >= 5 && float64(p) >= 0.75*float64(min(len(a), len(b))) {
		return 0.8
	}
	if strings.Contains(b, a) || strings.Contains(a, b) {
		return 0.6
	}
	return 0
}

// analyzed is a sentence ready for scoring.
type analyzed struct {
	sentence
	Passage content.Passage
	Terms   []term
	// Defines reports whether the sentence names or defines something
	// (see definingSentence); computed once, as the regexp is the
	// costliest part of scoring.
	Defines bool
}

func analyze(s sentence, p content.Passage) analyzed {
	return analyzed{sentence: s, Passage: p, Terms: terms(s.Text), Defines: definingSentence.MatchString(s.Text)}
}

// essayIndex holds the essay's sentences and word statistics, computed once
// per essay.
type essayIndex struct {
	byPassage map[string][]analyzed
	idf       map[string]float64
	maxIDF    float64
	avgLen    float64
}

var indexes sync.Map // *content.Essay → *essayIndex

func indexOf(e *content.Essay) *essayIndex {
	if ix, ok := indexes.Load(e); ok {
		return ix.(*essayIndex)
	}
	ix := &essayIndex{byPassage: map[string][]analyzed{}, idf: map[string]float64{}}
	df := map[string]int{}
	n, words := 0, 0
	for _, p := range e.Passages {
		for _, s := range splitSentences(p.Text) {
			a := analyze(s, p)
			ix.byPassage[p.ID] = append(ix.byPassage[p.ID], a)
			n++
			words += len(a.Terms)
			seen := map[string]bool{}
			for _, t := range a.Terms {
				if !seen[t.stem] {
					seen[t.stem] = true
					df[t.stem]++
				}
			}
		}
	}
	for s, d := range df {
		ix.idf[s] = math.Log(1 + float64(n)/float64(d))
	}
	ix.maxIDF = math.Log(1 + float64(n))
	ix.avgLen = float64(words) / float64(max(n, 1))
	actual, _ := indexes.LoadOrStore(e, ix)
	return actual.(*essayIndex)
}

// sentences returns the analyzed sentences of a passage; a passage that is
// not in the essay (a fake store in tests) is analyzed on the spot.
func (ix *essayIndex) sentences(p content.Passage) []analyzed {
	if s, ok := ix.byPassage[p.ID]; ok && len(s) > 0 && s[0].Passage.Text == p.Text {
		return s
	}
	var out []analyzed
	for _, s := range splitSentences(p.Text) {
		out = append(out, analyze(s, p))
	}
	return out
}

// weight is how much a question word counts: rare words in the essay
// count most; words the essay never uses verbatim (English ones, matched
// only as cognates) count as rare.
func (ix *essayIndex) weight(t term) float64 {
	if w, ok := ix.idf[t.stem]; ok {
		return w
	}
	return ix.maxIDF
}

// query is a question's distinct content words with their weights.
type query struct {
	terms   []term
	weights []float64
}

func (ix *essayIndex) query(q string) query {
	var out query
	seen := map[string]bool{}
	for _, t := range terms(q) {
		if seen[t.stem] {
			continue
		}
		seen[t.stem] = true
		out.terms = append(out.terms, t)
		out.weights = append(out.weights, ix.weight(t))
	}
	return out
}

// score is how well a sentence answers the query: the weights of the
// question words it contains, each counted once at its best match, with
// long sentences discounted so that they don't win by sheer size.
func (ix *essayIndex) score(q query, s analyzed) float64 {
	if len(s.Terms) == 0 {
		return 0
	}
	total := 0.0
	for i, qt := range q.terms {
		best := 0.0
		for _, t := range s.Terms {
			if m := match(qt, t); m > best {
				best = m
				if m == 1 {
					break
				}
			}
		}
		total += best * q.weights[i]
	}
	return total / (0.5 + 0.5*float64(len(s.Terms))/ix.avgLen)
}
