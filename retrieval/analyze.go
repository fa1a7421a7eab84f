package retrieval

import (
	"strings"
	"unicode"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/german"
)

// This file is Leviathan's one text analyzer. Indexing, search, the
// relevance verdict, sentence evidence and the answering engine's reading of
// a question all see text through it, so that they agree on what a word is.
//
// Texts are German or English and questions come in either language, so
// every word carries both its German and its English Snowball stem: no
// language detection is needed to compare a question with a passage, and
// the extra stem costs nothing in agreement because passages and questions
// get the same treatment.

// Token is one content word of a text.
type Token struct {
	// Word is the word as written, lower-cased.
	Word string
	// Folded is Word with umlauts, ß and accents folded ("Ökonom",
	// "Oekonom" and "Okonom" meet; so do "Žižek" and "Zizek").
	Folded string
	// Stems are the word's German and English Snowball stems, folded and
	// distinct. Two words match when they share a stem.
	Stems []string
	// Phon is Folded with the spelling differences between German words
	// and their English cognates levelled (c/k/z, ph/f, th/t, y/i); its
	// character n-grams join cognates and compound parts.
	Phon string
}

// Words splits text into lower-case words. Anything that is not a letter or
// a digit separates words, so hyphens and gender stars split compounds
// ("Tech-Oligarch*innen" gives "tech", "oligarch", "innen"), which is what a
// reader asking about "Oligarchen" wants.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// Analyze returns the content words of text, in order: words of two
// letters or more that are not stopwords.
func Analyze(text string) []Token {
	ws := Words(text)
	out := make([]Token, 0, len(ws))
	for _, w := range ws {
		if t, ok := analyzeWord(w); ok {
			out = append(out, t)
		}
	}
	return out
}

func analyzeWord(w string) (Token, bool) {
	if len([]rune(w)) < 2 || isStopword(w) {
		return Token{}, false
	}
	f := fold(w)
	if isStopword(f) {
		return Token{}, false
	}
	t := Token{Word: w, Folded: f, Phon: phonetic(f)}
	// A stem cut by the other language's rules can collide with an
	// unrelated short stem (English rules cut "site" to "sit"): a stem
	// shorter than four letters counts only if it is the word itself.
	for _, s := range []string{GermanKey(w), EnglishKey(w)} {
		if (len(s) >= 4 || s == f) && !containsString(t.Stems, s) {
			t.Stems = append(t.Stems, s)
		}
	}
	if len(t.Stems) == 0 {
		// Both stems were too short to trust ("0abs"): the word is its
		// own key.
		t.Stems = []string{f}
	}
	return t, true
}

// GermanKey is a word's German Snowball stem, folded: the key German words
// are compared by (and the dictionary is keyed by on its German side).
func GermanKey(w string) string {
	env := snowballstem.NewEnv(strings.ToLower(w))
	german.Stem(env)
	return fold(env.Current())
}

// EnglishKey is a word's English Snowball stem, folded.
func EnglishKey(w string) string {
	env := snowballstem.NewEnv(fold(strings.ToLower(w)))
	english.Stem(env)
	return env.Current()
}

// Language guesses whether text is German ("de") or English ("en") from
// the share of each language's stopwords in it (and German's special
// letters); "" when it cannot tell, as with a lone keyword.
func Language(text string) string {
	de, en := 0, 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\'' && r != '’'
	}) {
		w = strings.ReplaceAll(w, "’", "'")
		if strings.ContainsAny(w, "äöüß") {
			de += 2
		}
		if germanStopwords[w] {
			de++
		}
		if englishStopwords[w] {
			en++
		}
	}
	switch {
	case de > en:
		return "de"
	case en > de:
		return "en"
	}
	return ""
}

var folder = strings.NewReplacer(
	"ä", "a", "à", "a", "á", "a", "â", "a",
	"ö", "o", "ô", "o", "ó", "o", "œ", "o",
	"ü", "u", "ù", "u", "ú", "u", "û", "u",
	"ß", "ss", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"ž", "z", "ç", "c", "č", "c", "š", "s", "í", "i", "ï", "i", "ñ", "n",
)

// fold lower-cases and removes the German special letters and accents, so
// that English spellings of German words ("Zizek", "Thiessen") find them.
func fold(w string) string { return folder.Replace(strings.ToLower(w)) }

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

// ngrams yields the character n-grams (3 to 5) of a word with boundary
// marks, the part of the dense representation that survives compounding
// ("Kryptowährungsprojekt") and language ("technofeudalism").
func ngrams(phon string, yield func(string)) {
	s := "^" + phon + "$"
	for n := 3; n <= 5; n++ {
		for i := 0; i+n <= len(s); i++ {
			yield(s[i : i+n])
		}
	}
}

// trigrams yields a word's character trigrams without boundary marks, so
// that a word found inside a compound counts.
func trigrams(phon string, yield func(string)) {
	for i := 0; i+3 <= len(phon); i++ {
		yield(phon[i : i+3])
	}
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
