package answer

import (
	"strings"
	"unicode"
)

// germanHints and englishHints are frequent function words that tell the
// two languages apart. Questions are short, so a guess from these (plus
// umlauts) is right far more often than any letter statistics would be.
var (
	germanHints = setOf("der", "die", "das", "und", "ist", "sind", "was", "wie", "warum", "wer", "wo", "wann",
		"welche", "welcher", "welches", "ein", "eine", "einen", "nicht", "mit", "von", "zu", "zum", "zur", "den",
		"dem", "des", "im", "auf", "für", "über", "unter", "sich", "er", "sie", "es", "auch", "noch", "oder", "aber",
		"meint", "sagt", "versteht", "gibt", "hat", "haben", "wird", "werden", "kann", "können", "ich", "du",
		"wir", "ihr", "mir", "mich", "dir", "dich", "bitte", "zitiere", "zitat", "erkläre", "erklär", "fasse",
		"zusammen", "autor", "welchen", "wieso", "weshalb", "worum", "woher", "geht", "steht", "ob", "dass", "als")
	englishHints = setOf("the", "and", "is", "are", "what", "how", "why", "who", "where", "when", "which", "a",
		"an", "not", "with", "of", "to", "in", "on", "for", "about", "does", "do", "did", "he", "she", "it", "they",
		"this", "that", "these", "mean", "means", "say", "says", "author", "essay", "can", "could", "would",
		"should", "has", "have", "was", "were", "by", "from", "please", "explain", "summarize", "quote", "i",
		"you", "we", "his", "her", "their", "think", "argue", "argues")
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// isGerman guesses whether text is German rather than English. Ties go to
// German, the essay's language, so that a lone keyword ("Technofeudalismus")
// is answered in German.
func isGerman(text string) bool {
	de, en := 0, 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	}) {
		if strings.ContainsAny(w, "äöüß") {
			de += 2
		}
		if germanHints[w] {
			de++
		}
		if englishHints[w] {
			en++
		}
	}
	return de >= en
}

// IsGerman guesses whether text is German rather than English (ties go to
// German, the essay's language). Front ends use it to label sources and
// notes in the language of the question.
func IsGerman(text string) bool { return isGerman(text) }
