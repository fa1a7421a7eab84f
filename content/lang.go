package content

import (
	"strings"
	"unicode"
)

// stopwords are the most frequent function words of each language, taken
// from the Snowball stopword lists (snowballstem.org), without the words the
// two languages share ("in", "an", "so", "am", "die", "will", …). Function
// words make up a third or more of running text in either language and say
// nothing about the topic, so their shares tell the languages apart on any
// subject.
var stopwords = map[string]map[string]bool{
	"de": set("der", "und", "den", "von", "zu", "das", "mit", "sich", "des", "auf", "für", "ist", "im", "dem",
		"nicht", "ein", "eine", "als", "auch", "es", "werden", "aus", "er", "hat", "dass", "daß", "sie", "nach",
		"wird", "bei", "einer", "um", "sind", "noch", "wie", "einem", "über", "einen", "zum", "haben", "nur",
		"oder", "aber", "vor", "zur", "bis", "mehr", "durch", "man", "sein", "wurde", "sei", "ich", "wir", "ihr",
		"auch", "kann", "können", "diese", "dieser", "wenn", "doch", "schon", "nach", "zwischen", "sehr"),
	"en": set("the", "of", "and", "to", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on",
		"not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "had", "they", "you",
		"were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "would",
		"who", "what", "its", "into", "than", "them", "these", "only", "other", "also", "after", "such"),
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// detectSample is how much text language detection reads: a few thousand
// words decide it, and a book need not be read twice.
const detectSample = 20000

// DetectLanguage guesses whether text is German ("de") or English ("en")
// from the share of each language's function words, and returns "" when
// the text is too short or neither language clearly leads.
func DetectLanguage(text string) string {
	if len(text) > detectSample {
		text = text[:detectSample]
	}
	hits := map[string]int{}
	words := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		words++
		for lang, sw := range stopwords {
			if sw[w] {
				hits[lang]++
			}
		}
	}
	best, second, lang := 0, 0, ""
	for l, n := range hits {
		switch {
		case n > best || n == best && l < lang:
			best, second, lang = n, best, l
		case n > second:
			second = n
		}
	}
	// At least a few function words, and clearly more of one language: a
	// German text quoting an English title must stay German.
	if best < 3 || best*10 < words || best < 2*second {
		return ""
	}
	return lang
}

// normLanguage reduces a language tag to its primary subtag, lower case
// ("de-DE" → "de"), which is what the rest of the program compares.
func normLanguage(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	return s
}
