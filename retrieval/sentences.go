package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end in a period that does not end a sentence. Single
// letters ("d.", "z.", "B.", initials) are handled apart.
var abbreviations = listSet(`anm. üb. bzw. usw. vgl. ca. dr. nr. etc. prof. st. jh. ggf. evtl. inkl. chr. sog. bspw.
z.b. d.h. u.a. o.ä. u.ä. e.g. i.e. mr. mrs. ms. vs. hrsg. übers. jr. sen. abs. bd. s.o. s.u.`)

// Sentence is a verbatim slice of a passage's text.
type Sentence struct {
	Text string `json:"text"`
	// Index is the sentence's position in its passage, from 0.
	Index int `json:"index"`
}

// SplitSentences cuts a passage into sentences. Every sentence is a
// verbatim substring of text (only the white space between sentences is
// dropped), so a quoted sentence can be found in the essay character for
// character. It does not cut inside German quotation marks (»…«, „…“, ›…‹)
// when they are balanced, after abbreviations ("z.B.", "Anm. d. Üb."), or
// where the next word starts in lower case.
func SplitSentences(text string) []Sentence {
	quotes := quotesBalanced(text)
	low := strings.ContainsRune(text, '„')
	var out []Sentence
	depth := 0
	start := 0
	prev := rune(0)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		last := prev
		prev = r
		candidate := false
		switch d := quoteDelta(r, low); {
		case quotes && d != 0:
			depth += d
			// »…?« ends a sentence at the closing mark.
			candidate = d < 0 && depth == 0 && strings.ContainsRune(".!?…", last)
		case depth == 0 || !quotes:
			candidate = strings.ContainsRune(".!?…", r)
		}
		if !candidate {
			continue
		}
		end := skipClosers(text, i)
		next, nsize := utf8.DecodeRuneInString(text[end:])
		if end >= len(text) || !unicode.IsSpace(next) {
			continue
		}
		after := end + nsize
		for after < len(text) {
			c, s := utf8.DecodeRuneInString(text[after:])
			if !unicode.IsSpace(c) {
				break
			}
			after += s
		}
		if after >= len(text) {
			break
		}
		first, _ := utf8.DecodeRuneInString(text[after:])
		if !unicode.IsUpper(first) && !unicode.IsDigit(first) && !strings.ContainsRune("»„“\"(›‚'", first) {
			continue
		}
		if r == '.' && isAbbreviation(text[start:i]) {
			continue
		}
		out = appendSentence(out, text[start:end])
		start = after
		i = after
		prev = 0
	}
	return appendSentence(out, text[start:])
}

// quoteDelta is +1 for an opening quotation mark, -1 for a closing one and
// 0 otherwise. In German low-high quotes („…“) “ closes; in English ones
// (“…”) it opens.
func quoteDelta(r rune, low bool) int {
	switch r {
	case '»', '›', '„':
		return 1
	case '«', '‹', '”':
		return -1
	case '“':
		if low {
			return -1
		}
		return 1
	}
	return 0
}

func appendSentence(out []Sentence, s string) []Sentence {
	if s = strings.TrimSpace(s); s != "" {
		out = append(out, Sentence{Text: s, Index: len(out)})
	}
	return out
}

// quotesBalanced reports whether every quotation mark in text is closed,
// so that quote-aware splitting is safe; a stray mark would otherwise glue
// the rest of the passage into one sentence.
func quotesBalanced(text string) bool {
	low := strings.ContainsRune(text, '„')
	depth := 0
	for _, r := range text {
		depth += quoteDelta(r, low)
		if depth < 0 {
			return false
		}
	}
	return depth == 0
}

// skipClosers moves past closing quotes, brackets and footnote markers
// ("[^2]") that belong to the sentence just ended.
func skipClosers(text string, i int) int {
	for i < len(text) {
		if strings.HasPrefix(text[i:], "[^") {
			if j := strings.IndexByte(text[i:], ']'); j > 0 {
				i += j + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if !strings.ContainsRune("«“”\"')]‹’", r) {
			break
		}
		i += size
	}
	return i
}

// isAbbreviation reports whether the text before a period ends in an
// abbreviation or a single letter (an initial, "d." in "Anm. d. Üb.").
func isAbbreviation(before string) bool {
	word := before
	if sp := strings.LastIndexFunc(before, unicode.IsSpace); sp >= 0 {
		word = before[sp+1:]
	}
	word = strings.TrimLeft(word, "(»„\"'")
	if abbreviations[strings.ToLower(word)] {
		return true
	}
	letters := strings.TrimSuffix(word, ".")
	return utf8.RuneCountInString(letters) == 1 && unicode.IsLetter([]rune(letters)[0])
}
