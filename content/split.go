package content

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultMaxPassageChars is the longest passage, in characters, that a
// paragraph read from a file becomes before it is split: about what a reader
// takes in at a glance and what an embedder weighs as one topic. Paragraphs of
// books and articles are often longer (a page-long paragraph would blur into
// one vector and one citation).
const DefaultMaxPassageChars = 1200

// splitPassage cuts text into parts of at most max characters, at sentence
// boundaries where it can, else between words, else anywhere. Every part is
// a verbatim substring of text, trimmed.
func splitPassage(text string, max int) []string {
	if utf8.RuneCountInString(text) <= max {
		return []string{text}
	}
	var parts []string
	chunk, chunkLen := "", 0
	flush := func() {
		if c := strings.TrimSpace(chunk); c != "" {
			parts = append(parts, c)
		}
		chunk, chunkLen = "", 0
	}
	for _, s := range sentences(text) {
		n := utf8.RuneCountInString(strings.TrimSpace(s))
		if chunkLen > 0 && utf8.RuneCountInString(strings.TrimSpace(chunk+s)) > max {
			flush()
		}
		if n > max {
			flush()
			parts = append(parts, splitWords(s, max)...)
			continue
		}
		chunk += s
		chunkLen = utf8.RuneCountInString(strings.TrimSpace(chunk))
	}
	flush()
	return parts
}

// sentences cuts text after sentence-ending punctuation that is followed by
// white space and a capital, digit or opening quote. Each sentence keeps the
// white space after it, so the sentences concatenate back to text.
func sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if !strings.ContainsRune(".!?…", r) {
			continue
		}
		j := i + utf8.RuneLen(r)
		for j < len(text) {
			c, size := utf8.DecodeRuneInString(text[j:])
			if !strings.ContainsRune(`"'»«“”’)]`, c) {
				break
			}
			j += size
		}
		k := j
		for k < len(text) {
			c, size := utf8.DecodeRuneInString(text[k:])
			if !unicode.IsSpace(c) {
				break
			}
			k += size
		}
		if k == j || k >= len(text) {
			continue
		}
		next, _ := utf8.DecodeRuneInString(text[k:])
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && !strings.ContainsRune(`"'»«„“‚(`, next) {
			continue
		}
		if r == '.' && abbreviation(text[start:i]) {
			continue
		}
		out = append(out, text[start:k])
		start = k
	}
	return append(out, text[start:])
}

// abbreviation reports whether the word before a full stop is more likely an
// abbreviation or an ordinal ("z.", "Dr.", "3. Oktober") than a sentence end.
func abbreviation(before string) bool {
	word := before
	if i := strings.LastIndexFunc(before, unicode.IsSpace); i >= 0 {
		word = before[i+1:]
	}
	word = strings.TrimLeft(word, `("'»„“‚`)
	if n := utf8.RuneCountInString(word); n == 1 || (n <= 2 && isDigits(word)) {
		return true
	}
	switch strings.ToLower(word) {
	case "dr", "prof", "nr", "bzw", "vgl", "ca", "usw", "etc", "abb", "bd", "hrsg", "jh", "st", "mr", "mrs", "ms", "vs", "e.g", "i.e", "z.b", "d.h", "u.a", "s", "ff":
		return true
	}
	return false
}

// splitWords cuts one over-long sentence between words into parts of at most
// max characters; a word longer than max is cut where it must be.
func splitWords(s string, max int) []string {
	var parts []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if utf8.RuneCountInString(s) <= max {
			return append(parts, s)
		}
		cut := len(s)
		n := 0
		for i := range s {
			if n == max {
				cut = i
				break
			}
			n++
		}
		if sp := strings.LastIndexFunc(s[:cut], unicode.IsSpace); sp > 0 {
			cut = sp
		}
		parts = append(parts, strings.TrimSpace(s[:cut]))
		s = s[cut:]
	}
	return parts
}
