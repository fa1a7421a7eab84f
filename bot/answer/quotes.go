package answer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/leviathan-bot/leviathan/content"
)

// Language models invent quotations, and a quotation in the bot's answer
// reads as the essay's own words. Every quotation of at least
// minQuoteWords words in a model's answer is therefore looked up in the
// essay; one that is not there word for word is marked as such.

// minQuoteWords is the shortest quotation checked: shorter ones are terms
// ("Technofeudalismus", "digitale Rente") or titles, which the model may
// put in quotation marks in any inflection.
const minQuoteWords = 4

// quotation matches a quotation in the marks German and English texts use,
// within a paragraph (a single line break may stand inside). Each pair has
// its own group; the inside may hold other marks (»…„x“…«).
var quotation = regexp.MustCompile(`»((?:[^»«\n]|\n[^»«\n])+)«|«((?:[^»«\n]|\n[^»«\n])+)»|„((?:[^„“”\n]|\n[^„“”\n])+)[“”]|“((?:[^“”„\n]|\n[^“”„\n])+)”|"((?:[^"\n]|\n[^"\n])+)"|‚((?:[^‚‘’\n]|\n[^‚‘’\n])+)[‘’]|›((?:[^›‹\n]|\n[^›‹\n])+)‹|‹((?:[^›‹\n]|\n[^›‹\n])+)›`)

// ellipsis splits a quotation into the verbatim pieces it joins: "…",
// "...", and editorial insertions "[…]", "(…)", "[die Plattformen]".
var ellipsis = regexp.MustCompile(`\[[^\]]*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.\.\.`)

// translationGap is what may stand between a quotation and its translation
// in brackets: „…“ (“…”), „…“ [engl.: "…"].
var translationGap = regexp.MustCompile(`^\s*[(\[]\s*(?:[^()\[\]"“”„«»\n]{0,30}:\s*)?$`)

// quoteChecker holds the essay in the normalized form quotations are
// compared in.
type quoteChecker struct {
	texts []string // normalized passages, titles
}

func newQuoteChecker(e *content.Essay) *quoteChecker {
	q := &quoteChecker{}
	for _, p := range e.Passages {
		q.texts = append(q.texts, normQuote(p.Text))
	}
	for _, t := range []string{e.Meta.Title, e.Meta.OriginalTitle} {
		if t != "" {
			q.texts = append(q.texts, normQuote(t))
		}
	}
	return q
}

// mark wraps each quotation that is not in the essay as
// "*[nicht im Text: …]*" ("*[not in the text: …]*") and returns how many
// it marked. A quotation of the question, and one in brackets right after
// another quotation (its translation), are not claims about the essay and
// are left alone.
// seen caches verbatim's answers (nil: no cache).
func (q *quoteChecker) mark(s, question string, german bool, seen map[string]bool) (string, int) {
	s, n := q.markInline(s, question, german, seen)
	s, m := q.markBlocks(s, german, seen)
	return s, n + m
}

func markLabel(german bool) string {
	if german {
		return "nicht im Text: "
	}
	return "not in the text: "
}

// trailingCites are the citations at the end of a block quote's line.
var trailingCites = regexp.MustCompile(`(?:\s*\[[\d, ]+\])+\s*$`)

// markBlocks checks markdown block quotes ("> …", ">>> …"), which claim to
// be quotations as much as quotation marks do, line by line.
func (q *quoteChecker) markBlocks(s string, german bool, seen map[string]bool) (string, int) {
	if !strings.Contains(s, ">") {
		return s, 0
	}
	lines := strings.Split(s, "\n")
	n := 0
	for i, l := range lines {
		body, ok := strings.CutPrefix(strings.TrimLeft(l, " "), ">")
		if !ok || strings.Contains(l, "*["+markLabel(german)) {
			continue
		}
		body = strings.TrimSpace(strings.TrimLeft(body, "> "))
		cites := trailingCites.FindString(body)
		text := strings.TrimSpace(body[:len(body)-len(cites)])
		if wordCount(text) < minQuoteWords || q.verbatimCached(text, seen) {
			continue
		}
		n++
		lines[i] = "> *[" + markLabel(german) + escapeMarkdown(text) + "]*" + cites
	}
	if n == 0 {
		return s, 0
	}
	return strings.Join(lines, "\n"), n
}

func (q *quoteChecker) markInline(s, question string, german bool, seen map[string]bool) (string, int) {
	if !strings.ContainsAny(s, "»«„“”\"‚‘›‹") {
		return s, 0
	}
	s = closeOpenQuotes(s)
	nq := strings.ToLower(normQuote(question))
	var b strings.Builder
	n, last, prevEnd := 0, 0, -1
	for _, loc := range quotation.FindAllStringSubmatchIndex(s, -1) {
		start, end := loc[0], loc[1]
		inner := ""
		for g := 2; g < len(loc); g += 2 {
			if loc[g] >= 0 {
				inner = s[loc[g]:loc[g+1]]
				break
			}
		}
		translation := prevEnd >= 0 && translationGap.MatchString(s[prevEnd:start])
		prevEnd = end
		if translation || wordCount(inner) < minQuoteWords || q.verbatimCached(inner, seen) ||
			(nq != "" && strings.Contains(nq, strings.ToLower(strings.Trim(normQuote(inner), " .,;:!?")))) {
			continue
		}
		n++
		b.WriteString(s[last:start])
		b.WriteString("*[" + markLabel(german) + escapeMarkdown(strings.Join(strings.Fields(inner), " ")) + "]*")
		last = end
	}
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), n
}

func (q *quoteChecker) verbatimCached(quote string, seen map[string]bool) bool {
	if ok, hit := seen[quote]; hit {
		return ok
	}
	ok := q.verbatim(quote)
	if seen != nil {
		seen[quote] = ok
	}
	return ok
}

// verbatim reports whether a quotation is in one passage word for word:
// each piece between ellipses in order, with whitespace, quotation marks
// and dashes normalized and the first letter of each piece in either case
// (a quotation may begin mid-sentence). Sentence punctuation at a piece's
// ends is the quoting writer's, not the essay's.
func (q *quoteChecker) verbatim(quote string) bool {
	var pieces []string
	for _, p := range ellipsis.Split(normQuote(quote), -1) {
		if p = strings.Trim(p, " .,;:!?"); p != "" {
			pieces = append(pieces, p)
		}
	}
	if len(pieces) == 0 {
		return true
	}
	for _, t := range q.texts {
		at, ok := 0, true
		for _, p := range pieces {
			i := indexFirstFolded(t[at:], p)
			if i < 0 {
				ok = false
				break
			}
			at += i + len(p)
		}
		if ok {
			return true
		}
	}
	return false
}

// indexFirstFolded finds p in t with p's first letter in either case.
func indexFirstFolded(t, p string) int {
	r, size := utf8.DecodeRuneInString(p)
	best := -1
	for _, v := range []rune{unicode.ToLower(r), unicode.ToUpper(r)} {
		if i := strings.Index(t, string(v)+p[size:]); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// normQuote maps the ways the same words can be typed to one: characters
// are composed (a model may write "ü" as "u" plus a combining diaeresis),
// quotation marks and apostrophes are dropped (a model may nest » inside „
// where the essay has „ inside »), dashes become "-", "..." becomes "…",
// soft hyphens go and white space collapses to one space.
func normQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFC.String(strings.ReplaceAll(s, "...", "…")) {
		switch {
		case strings.ContainsRune(`»«„“”"‚‘’‹›'`+"`", r), r == '\u00ad':
			continue
		case r == '–' || r == '—' || r == '‒' || r == '−':
			r = '-'
		case unicode.IsSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func wordCount(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
}

// escapeMarkdown keeps a marked quotation's own asterisks from ending the
// mark early; its square brackets become round ones, so that nothing in
// it reads as a citation ("[2]") or ends the mark.
func escapeMarkdown(s string) string {
	return strings.NewReplacer("*", `\*`, "_", `\_`, "[", "(", "]", ")").Replace(s)
}

// closers are the marks that close a quotation opened by the key.
var closers = map[rune]string{'»': "«", '«': "»", '„': "“”", '“': "”", '‚': "‘’", '›': "‹", '"': `"`}

// openQuote finds a quotation left open in a paragraph: the position of its
// opening mark and the marks that would close it, or -1. A mark opens a
// quotation only at the start or after a space or bracket, so that the “
// closing a German „…“ is not taken for an English opening mark.
func openQuote(p string) (int, string) {
	open, want, prev := -1, "", ' '
	for j, r := range p {
		switch {
		case open >= 0:
			if strings.ContainsRune(want, r) {
				open = -1
			}
		case unicode.IsSpace(prev) || strings.ContainsRune("([{/–—-", prev):
			if c, ok := closers[r]; ok {
				open, want = j, c
			}
		}
		prev = r
	}
	return open, want
}

// closeOpenQuotes closes a quotation left open at the end of a paragraph
// („… without “), so that it is checked like any other: a model that
// forgets the closing mark must not get an invented quotation past the
// check. An open ASCII quote is left alone; it is too often something else.
func closeOpenQuotes(s string) string {
	paras := strings.Split(s, "\n\n")
	changed := false
	for i, p := range paras {
		if open, want := openQuote(p); open >= 0 && want != `"` {
			c, _ := utf8.DecodeRuneInString(want)
			paras[i] = strings.TrimRight(p, " \n") + string(c)
			changed = true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(paras, "\n\n")
}

// holdBackOpenQuote cuts a quotation still being written, so that a
// streamed preview never shows an invented quotation before it can be
// checked: the last paragraph is held back from an opening mark that has
// not been closed.
func holdBackOpenQuote(s string) string {
	start := strings.LastIndex(s, "\n\n") + 1
	if start > 0 {
		start++
	}
	open, _ := openQuote(s[start:])
	if open < 0 {
		return s
	}
	return strings.TrimRight(s[:start+open], " ")
}
