package answer

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leviathan-bot/leviathan/bot"
)

// CleanQuestion validates and normalizes user text before it reaches
// retrieval or a model. Invalid UTF-8 bytes become spaces; line breaks,
// tabs and other white space become single spaces; other control and
// format characters (NUL, escape sequences, zero-width and bidi marks) are
// dropped, so nothing invisible steers the search or a prompt. Text with no
// letter or digit left is an *InputError that says what to do. Text longer
// than MaxQuestionRunes is cut at a word boundary and notice says so, in
// the question's language.
func CleanQuestion(s string) (q, notice string, err error) {
	var b strings.Builder
	b.Grow(min(len(s), 4*bot.MaxQuestionRunes+8))
	runes, words := 0, false
	space := true // drops leading space and runs of space
	truncated := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			r = ' ' // an invalid byte: a gap, not a word
		case unicode.IsSpace(r):
			r = ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		if r == ' ' {
			if !space {
				b.WriteByte(' ')
				runes++
				space = true
			}
		} else {
			if runes >= bot.MaxQuestionRunes {
				truncated = true
				break
			}
			b.WriteRune(r)
			runes++
			space = false
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				words = true
			}
		}
	}
	q = b.String()
	if truncated && !space {
		q = dropPartialWord(q)
	}
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		return "", "", &bot.InputError{Msg: "The question is empty: ask something about the essay, for example \"Was versteht der Autor unter Technofeudalismus?\""}
	case !words:
		return "", "", &bot.InputError{Msg: "The question has no words in it: ask something about the essay, for example \"Was versteht der Autor unter Technofeudalismus?\""}
	}
	if truncated {
		if isGerman(q) {
			notice = fmt.Sprintf("Die Frage war länger als %d Zeichen; ich habe nur ihren Anfang verwendet.", bot.MaxQuestionRunes)
		} else {
			notice = fmt.Sprintf("The question was longer than %d characters; only its beginning was used.", bot.MaxQuestionRunes)
		}
	}
	return q, notice, nil
}

// dropPartialWord removes the word that the length limit cut in two, unless
// it is most of the text (one giant "word" is cut where it must be).
func dropPartialWord(s string) string {
	if sp := strings.LastIndexByte(s, ' '); sp > len(s)/2 {
		return s[:sp]
	}
	return s
}
