package retrieval

import (
	"strings"
	"unicode"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/german"
	"github.com/kljensen/snowball/english"
)

// token is one content word of a text, prepared for both the dense and the
// lexical side: the essay is German and questions come in German and
// English, so every word carries both a German and an English stem and no
// language detection is needed (applied to passages and queries alike, the
// extra stem costs nothing in agreement).
type token struct {
	folded string   // lower case, umlauts and ß folded
	stems  []string // German and English Snowball stems (deduplicated)
	// concepts are the bilingual concept IDs the word belongs to, from
	// the small essay vocabulary in concepts.go.
	concepts []string
	// phon is the folded word with spelling differences between German and
	// English cognates levelled (c/k/z, ph/f, th/t, y/i), the input for
	// character n-grams.
	phon string
}

// words splits text into lower-case words. Hyphens and gender stars split
// compounds ("Tech-Oligarch*innen" gives "tech", "oligarch", "innen"),
// which is what a reader asking about "Oligarchen" wants.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// tokenize returns the content words of text, stopwords removed.
func tokenize(text string) []token {
	ws := words(text)
	out := make([]token, 0, len(ws))
	for _, w := range ws {
		if len([]rune(w)) < 2 || isStopword(w) {
			continue
		}
		f := fold(w)
		if isStopword(f) {
			continue
		}
		t := token{folded: f, phon: phonetic(f)}
		de := stemGerman(w)
		en := english.Stem(f, true)
		// A German stem cut from an English word (or the reverse) can
		// collide with an unrelated short stem ("site" gives "sit"): a
		// stem shorter than four letters counts only if it is the word.
		for _, s := range []string{de, en} {
			if (len(s) >= 4 || s == f) && !containsString(t.stems, s) {
				t.stems = append(t.stems, s)
			}
		}
		t.concepts = conceptsOf(f)
		out = append(out, t)
	}
	return out
}

func stemGerman(w string) string {
	env := snowballstem.NewEnv(w)
	german.Stem(env)
	return fold(env.Current())
}

// fold lower-cases and removes the German special letters, so that
// "Ökonom", "Oekonom" and "Okonom" meet, and English spellings of German
// words ("Zizek", "Thiessen") find the passage.
func fold(w string) string {
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range strings.ToLower(w) {
		switch r {
		case 'ä', 'à', 'á', 'â':
			b.WriteByte('a')
		case 'ö', 'ô', 'ó', 'œ':
			b.WriteByte('o')
		case 'ü', 'ù', 'ú', 'û':
			b.WriteByte('u')
		case 'ß':
			b.WriteString("ss")
		case 'é', 'è', 'ê', 'ë':
			b.WriteByte('e')
		case 'ž':
			b.WriteByte('z')
		case 'ç':
			b.WriteByte('c')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// phonetic levels the spelling differences between German words and their
// English cognates: "kritisch"/"critical", "Zentralbank"/"central bank",
// "Philosophin"/"philosopher", "Konzentration"/"concentration".
func phonetic(f string) string {
	var b strings.Builder
	b.Grow(len(f))
	for i := 0; i < len(f); i++ {
		c := f[i]
		var next byte
		if i+1 < len(f) {
			next = f[i+1]
		}
		switch {
		case c == 'p' && next == 'h':
			b.WriteByte('f')
			i++
		case c == 't' && next == 'h':
			b.WriteByte('t')
			i++
		case c == 'c' && next == 'k':
			b.WriteByte('k')
			i++
		case c == 'c' && next == 'h':
			b.WriteString("ch")
			i++
		case c == 'c' && (next == 'e' || next == 'i' || next == 'y'):
			b.WriteByte('s')
		case c == 'c':
			b.WriteByte('k')
		case c == 'z':
			b.WriteByte('s')
		case c == 'y':
			b.WriteByte('i')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// ngrams returns the character n-grams (3 to 5) of a word with boundary
// marks, the part of the representation that survives compounding
// ("Kryptowährungsprojekt") and language ("technofeudalism").
func ngrams(phon string, yield func(string)) {
	s := "^" + phon + "$"
	for n := 3; n <= 5; n++ {
		for i := 0; i+n <= len(s); i++ {
			yield(s[i : i+n])
		}
	}
}
