package answer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leviathan-bot/leviathan/content"
)

// The model's text reaches users as if the bot wrote it, so everything in it
// that the bot vouches for is checked or removed before it is shown:
// citations must point to passages the model was given, links must not be
// clickable (a citation that opens a phishing page looks like the bot's
// own), source lists are the bot's to write, invisible characters may hide
// text, an unclosed code fence would swallow the source list the bot
// appends, and quotations must be in the essay (quotes.go).

// outputChecker checks one model answer against what the model was given.
type outputChecker struct {
	// ps are the passages of the prompt; [n] cites ps[n-1].
	ps []content.Passage
	// essay tells a label that exists but was not given ("¶7" named in
	// prose, kept) from one that points nowhere ("¶42", removed). May be nil.
	essay *content.Essay
	// quotes checks quotations; nil leaves them alone.
	quotes *quoteChecker
	// question is the user's: quoting it back is not quoting the essay.
	question string
	// german chooses the language of the marks the checker writes.
	german bool
	// seen remembers quotations already looked up: a streamed answer is
	// checked again as it grows, and its quotations with it.
	seen map[string]bool
}

// checked is a model answer after the checks.
type checked struct {
	Text       string
	Cited      []int // passage numbers cited, ascending, each once
	Unverified int   // quotations not found in the essay, marked as such
}

// check runs every check on a complete answer.
func (c *outputChecker) check(text string) checked {
	text = cleanOutput(text)
	text = dropLinks(text)
	text = dropSourceLists(text)
	text = c.normalizeCitations(text)
	text, cited := checkCitations(text, len(c.ps))
	n := 0
	if c.quotes != nil {
		if c.seen == nil {
			c.seen = map[string]bool{}
		}
		text, n = c.quotes.mark(text, c.question, c.german, c.seen)
	}
	// Normalizing citations can put "[1]" before a "(", which would be a
	// link again; the second pass is cheap and makes sure.
	text = dropLinks(text)
	text = closeFences(text)
	return checked{Text: strings.TrimSpace(text), Cited: cited, Unverified: n}
}

// partial checks text that is still being written: what cannot be judged
// yet (a citation or link being written, a quotation not yet closed) is
// held back, so that nothing unchecked is shown, not even for a moment.
func (c *outputChecker) partial(text string) string {
	text = holdBackOpenCite(text)
	text = holdBackOpenQuote(text)
	text = holdBackOpenLink(text)
	return c.check(text).Text
}

// holdBackOpenCite cuts a citation still being streamed ("… [4"), which is
// held back until it is complete and can be checked.
func holdBackOpenCite(s string) string {
	tail := s[max(len(s)-160, 0):]
	i := strings.LastIndexAny(tail, "[［【")
	if i < 0 || strings.ContainsAny(tail[i:], "]］】\n") || utf8.RuneCountInString(tail[i:]) > 41 {
		return s
	}
	return strings.TrimSuffix(s[:len(s)-len(tail)+i], " ")
}

// holdBackOpenLink cuts a markdown link still being written: "[x](http…".
func holdBackOpenLink(s string) string {
	i := strings.LastIndex(s, "](")
	if i >= 0 && !strings.Contains(s[i:], ")") {
		if j := strings.LastIndexByte(s[:i], '['); j >= 0 {
			return s[:j]
		}
	}
	return s
}

// cleanOutput drops what a model may write that no reader should get:
// control characters other than line breaks and tabs (an escape sequence
// printed by `ask` or the console would drive the user's terminal:
// colours, the window title, worse), the bidi overrides that make text read
// differently from what it is, and invisible characters that can hide text
// from a reader or smuggle it past a check: zero-width spaces and joiners,
// word joiners, the byte-order mark and Unicode tag characters. A
// zero-width joiner between two emoji stays: it builds one emoji of them.
// Carriage returns go too, so "\r\n" becomes "\n".
func cleanOutput(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unwantedRune(r) || r == '\u200d' }) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prev := rune(0)
	for i, r := range s {
		switch {
		case r == '\u200d':
			next, _ := utf8.DecodeRuneInString(s[i+len(string(r)):])
			if !isEmoji(prev) || !isEmoji(next) {
				continue
			}
		case unwantedRune(r):
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func unwantedRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case unicode.IsControl(r):
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069': // bidi
		return true
	case r == '\u200b', r == '\u200c', r == '\u200e', r == '\u200f', r == '\u180e', r == '\ufeff',
		r >= '\u2060' && r <= '\u2064': // zero-width and invisible
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tags
		return true
	}
	return false
}

func isEmoji(r rune) bool {
	return r >= 0x1f000 && r <= 0x1faff || r >= 0x2600 && r <= 0x27bf || r == '\ufe0f'
}

var (
	// mdLink is a markdown link or image, "[text](url)", its text allowed
	// one level of brackets ("[[1]](url)") and its URL one of parentheses.
	mdLink = regexp.MustCompile(`!?\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(([^()\n]*(?:\([^()\n]*\)[^()\n]*)*)\)`)
	// refDef is a reference-style link's definition line: "[1]: https://…".
	refDef = regexp.MustCompile(`(?m)^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$\n?`)
	// autolink is "<https://…>" or "<mailto:…>".
	autolink = regexp.MustCompile(`<((?i:[a-z][a-z0-9+.\-]*://|mailto:)[^<>\s]*)>`)
	// scheme is what makes a URL a link on Discord: "https://", "mailto:".
	// Letters before it belong to the match (leftmost first), so removing
	// it cannot join "ht" and "tp://" into a new one.
	scheme = regexp.MustCompile(`(?i:[a-z][a-z0-9+.\-]*://|mailto:)`)
	// citeLike is link text that is a citation: "[1](…)" keeps "[1]".
	citeLike = regexp.MustCompile(`^\s*[\[［]?[\d０-９\s,;–—\-]+[\]］]?\s*$`)
)

// dropLinks keeps a markdown link's text and drops its URL, and takes the
// scheme off autolinks and bare URLs ("https://phish.example/x" becomes
// "phish.example/x"), which Discord then does not make clickable: a model's
// "[1](https://phish.example)" must not become a citation that opens
// somebody's page.
func dropLinks(s string) string {
	for range 4 { // nested links unfold one level a pass
		if !strings.Contains(s, "](") {
			break
		}
		t := mdLink.ReplaceAllStringFunc(s, func(m string) string {
			inner := mdLink.FindStringSubmatch(m)[1]
			if in := strings.TrimSpace(inner); !strings.HasPrefix(in, "[") &&
				(citeLike.MatchString(in) || numberList.MatchString(in) || content.LooksLikeLabel(in)) {
				return "[" + in + "]"
			}
			return inner
		})
		if t == s {
			break
		}
		s = t
	}
	if strings.Contains(s, "]:") {
		s = refDef.ReplaceAllString(s, "")
	}
	if !mayHaveURL(s) {
		return s
	}
	s = autolink.ReplaceAllString(s, "$1")
	return scheme.ReplaceAllString(s, "")
}

// mayHaveURL is a quick test for what scheme matches ("://", "mailto:" in
// any case), so that most text skips the regexps.
func mayHaveURL(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	for i := strings.IndexByte(s, ':'); i >= 0; {
		if i >= 6 && strings.EqualFold(s[i-6:i], "mailto") {
			return true
		}
		j := strings.IndexByte(s[i+1:], ':')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}

var (
	// sourceHeading is a line that opens a source list: "**Quellen:**",
	// "Sources:", "## References", "Quellen: [1], ¶7".
	sourceHeading = regexp.MustCompile(`(?i)^[ \t]*(?:#{1,6}[ \t]*)?[*_]{0,3}[ \t]*(?:quellen(?:angaben|verzeichnis|liste)?|quelle|belege|nachweise|literatur(?:verzeichnis)?|referenzen|verweise|zitierte (?:passagen|stellen)|sources?|references?|citations?|cited (?:passages|sources)|bibliogra(?:phy|fie))[ \t]*[*_]{0,3}[ \t]*:?[ \t]*[*_]{0,3}[ \t]*(.*)$`)
	// listLine is a line of a list: "- ¶7 — …", "1. …", "[2] …", "¶7 …".
	listLine = regexp.MustCompile(`^[ \t]*(?:[-*•+–]|\d{1,3}[.)]|\[|［|【|¶|(?i:fn\.?[ \t]?\d)|(?i:kolophon))`)
	// listRest is what may follow a source heading on its line.
	listRest = regexp.MustCompile(`^(?:[\[［【¶\d\-–*•(]|(?i:fn|kolophon)|$)`)
)

// dropSourceLists removes source lists the model writes: the bot appends
// the one list that is checked, and a second one, perhaps with an invented
// "¶99", would look just like it.
func dropSourceLists(s string) string {
	if !strings.ContainsAny(s, "QqSsRrBbLlNnZzCcVv") {
		return s
	}
	lines := strings.Split(s, "\n")
	out := lines[:0]
	inList := false
	for _, l := range lines {
		if m := sourceHeading.FindStringSubmatch(l); m != nil && listRest.MatchString(strings.TrimSpace(m[1])) {
			inList = true
			continue
		}
		if inList {
			if strings.TrimSpace(l) == "" || listLine.MatchString(l) {
				continue
			}
			inList = false
		}
		out = append(out, l)
	}
	return strings.TrimRight(strings.Join(out, "\n"), " \t\n")
}

var (
	// bracketed is a bracketed citation candidate in any of the forms
	// models write: "[1-3]", "[2–42]", "[１２]", "[Quelle 7]", "[source 3]",
	// "[Fn9]", "[¶4]", "【4†source】", "[^2]".
	bracketed = regexp.MustCompile(` ?[\[［【]([^\[\]［］【】\n]{1,40})[\]］】]`)
	// numberList is the inside of a bracket that cites by number.
	numberList  = regexp.MustCompile(`(?i)^(?:(?:quellen?|sources?|passagen?|passages?|abs(?:atz|\.)|abschnitt|ref\.?|nr\.?|no\.?|n°|#|\^)\s*)?(\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:\s*(?:[,;]|und|and|&)\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*)(?:†[^\]］】]*)?$`)
	numberRange = regexp.MustCompile(`(\d+)(?:\s*[-–—]\s*(\d+))?`)
	// superscripts are footnote-style citations: "¹", "¹²", "¹,³".
	superscripts = regexp.MustCompile(` ?[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,;]\s?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)*`)
	// proseLabel is a passage label written in prose: "¶42", "¶ 7", "Fn9".
	proseLabel = regexp.MustCompile(` ?(?:¶\s?\d{1,4}|\b(?i:fn|fußnote|fussnote|footnote)\.?\s?\d{1,3}\b)`)
)

// normalizeCitations rewrites the citation forms a model uses besides
// "[n]" and "[n, m]" into those, so that checkCitations can check them:
// ranges and lists by number, full-width digits, superscripts, "[Quelle 7]",
// and passage labels ("¶7", "Fn1") of passages the model was given. A label
// of a passage that exists but was not given stays as written (it is true,
// and the reader can look it up); one that points nowhere goes.
func (c *outputChecker) normalizeCitations(s string) string {
	if strings.ContainsAny(s, "[［【") {
		s = c.normalizeBrackets(s)
	}
	if strings.ContainsAny(s, "⁰¹²³⁴⁵⁶⁷⁸⁹") {
		s = replaceApart(superscripts, s, func(m string) string {
			_, m = cutSpace(m)
			return withLead(" ", c.numbers(unsuperscript(m)))
		})
	}
	if !strings.Contains(s, "¶") && !containsFold(s, "fn") && !containsFold(s, "fußnote") &&
		!containsFold(s, "fussnote") && !containsFold(s, "footnote") {
		return s
	}
	return replaceApart(proseLabel, s, func(m string) string {
		lead, m := cutSpace(m)
		return withLead(lead, c.label(m))
	})
}

func (c *outputChecker) normalizeBrackets(s string) string {
	return replaceApart(bracketed, s, func(m string) string {
		lead, m := cutSpace(m)
		_, first := utf8.DecodeRuneInString(m)
		_, last := utf8.DecodeLastRuneInString(m)
		inner := strings.TrimSpace(foldWidth(m[first : len(m)-last]))
		if sub := numberList.FindStringSubmatch(inner); sub != nil {
			return withLead(lead, c.numbers(sub[1]))
		}
		if content.LooksLikeLabel(inner) && !c.strayPart(inner) {
			return withLead(lead, c.label(inner))
		}
		return lead + m
	})
}

// partLabel is a paragraph number with a part letter and no ¶ ("12b").
var partLabel = regexp.MustCompile(`^\d+[a-zA-Z]{1,2}$`)

// strayPart reports a bracketed number with a letter that names no passage
// ("[2J]", the rest of a terminal escape): texts with split paragraphs
// have labels such as ¶12b, but a model that cites one writes it as it
// was given; anything else of that shape is left as text.
func (c *outputChecker) strayPart(inner string) bool {
	if !partLabel.MatchString(inner) {
		return false
	}
	_, ok := c.essay.Lookup(inner)
	return !ok
}

// replaceApart is ReplaceAllStringFunc, except that where a match is
// removed between two characters that are not space or punctuation, a
// no-break space keeps them apart: removing "[000]" from "[0[000]00]" must
// not join the rest into a new citation, "[000]". (A plain space would not
// do: "[ 00]" is a citation too.)
func replaceApart(re *regexp.Regexp, s string, f func(string) string) string {
	locs := re.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, l := range locs {
		b.WriteString(s[last:l[0]])
		r := f(s[l[0]:l[1]])
		if r == "" && b.Len() > 0 && l[1] < len(s) {
			before, after := b.String(), s[l[1]:]
			prev, _ := utf8.DecodeLastRuneInString(before)
			next, _ := utf8.DecodeRuneInString(after)
			// Citations allow white space inside, so the characters
			// that matter are the nearest ones that are not space.
			p, _ := utf8.DecodeLastRuneInString(strings.TrimRightFunc(before, unicode.IsSpace))
			n, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(after, unicode.IsSpace))
			words := !unicode.IsSpace(prev) && !unicode.IsSpace(next) && !unicode.IsPunct(next)
			cite := (strings.ContainsRune("[［【", p) || unicode.IsDigit(p)) && (strings.ContainsRune("]］】,;", n) || unicode.IsDigit(n))
			if words || cite {
				r = "\u00a0"
			}
		}
		b.WriteString(r)
		last = l[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// containsFold reports whether s contains the lower-case word w in any case.
func containsFold(s, w string) bool {
	first, _ := utf8.DecodeRuneInString(w)
	upper := string(unicode.ToUpper(first))
	for i := 0; i < len(s); {
		j := strings.IndexAny(s[i:], string(first)+upper)
		if j < 0 {
			return false
		}
		i += j
		if len(s)-i >= len(w) && strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
		i++
	}
	return false
}

func cutSpace(m string) (string, string) {
	if strings.HasPrefix(m, " ") {
		return " ", m[1:]
	}
	return "", m
}

// withLead keeps the space before a citation, unless the citation went.
func withLead(lead, s string) string {
	if s == "" {
		return ""
	}
	return lead + s
}

// numbers turns "1-3, 5" into "[1, 2, 3, 5]", keeping only numbers of
// given passages ("" if none is). A range is expanded when both its ends
// are given passages; otherwise only its ends are considered.
func (c *outputChecker) numbers(list string) string {
	var keep []string
	seen := map[int]bool{}
	add := func(k int) {
		if k >= 1 && k <= len(c.ps) && !seen[k] {
			seen[k] = true
			keep = append(keep, strconv.Itoa(k))
		}
	}
	for _, m := range numberRange.FindAllStringSubmatch(list, -1) {
		lo, _ := strconv.Atoi(m[1])
		if m[2] == "" {
			add(lo)
			continue
		}
		hi, _ := strconv.Atoi(m[2])
		if lo >= 1 && lo <= hi && hi <= len(c.ps) {
			for k := lo; k <= hi; k++ {
				add(k)
			}
			continue
		}
		add(lo)
		add(hi)
	}
	if len(keep) == 0 {
		return ""
	}
	return "[" + strings.Join(keep, ", ") + "]"
}

// label resolves a passage label: given → "[n]"; in the essay but not
// given → as written (without brackets, so it is not taken for a number);
// nowhere → "".
func (c *outputChecker) label(l string) string {
	var p content.Passage
	found := false
	if c.essay != nil {
		p, found = c.essay.Lookup(strings.TrimSpace(l))
	}
	if !found {
		return ""
	}
	for i, g := range c.ps {
		if g.ID == p.ID {
			return "[" + strconv.Itoa(i+1) + "]"
		}
	}
	return p.Label
}

// foldWidth turns full-width digits and separators into ASCII.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '，' || r == '、':
			return ','
		case r == '；':
			return ';'
		case r == '－':
			return '-'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

func unsuperscript(s string) string {
	const sup = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	return strings.Map(func(r rune) rune {
		if i := strings.IndexRune(sup, r); i >= 0 {
			return '0' + rune(utf8.RuneCountInString(sup[:i]))
		}
		return r
	}, s)
}

// closeFences closes a code block the model left open: it would turn the
// source list the bot appends into code. Discord opens and closes code
// blocks at every "```", wherever it stands, so an odd count is an open one.
func closeFences(s string) string {
	if strings.Count(s, "```")%2 == 0 {
		return s
	}
	return strings.TrimRight(s, "\n") + "\n```"
}
