// Package content holds the texts Leviathan answers about and turns them into
// passages: the unit that is embedded, retrieved, quoted and cited.
//
// # The built-in essay
//
// The essay is embedded in the binary (essay.md, Markdown with front matter),
// so every build answers about exactly the text it was built with and needs no
// files at run time. Passages are verbatim slices of that text: whatever the bot
// quotes or cites can be found character for character in the essay. Load
// returns it; Builtin returns it as a Text of a library (ID BuiltinID, "essay").
//
// The source format is small and fixed, so its parser (Parse) is too:
//   - "## Heading" starts a section;
//   - "> text" is a block quote inside the argument (its own passage);
//   - "<aside>…</aside>" is a pull quote, layout that repeats a sentence of the
//     body, never a passage of its own;
//   - "[^n]: text" is a footnote; in the body "[^n]" marks where it is cited
//     (the web edition writes "[n]", which would collide with the bot's own
//     [n] citations);
//   - the first paragraph of the "Anmerkungen" section is the colophon;
//   - "<!-- … -->" comments are editorial notes and are dropped.
//
// # A library of texts
//
// LoadLibrary reads a folder the operator fills: every supported file is a
// Text whose ID is its file name without extension, lower case, beside the
// built-in essay (unless Options.NoBuiltin). Each format is read with a
// library made for it:
//   - Markdown (.md, .markdown) with goldmark (CommonMark) and optional YAML
//     front matter (title, author, translators, language, published,
//     source); headings are sections, [^n] footnotes are note passages;
//   - plain text (.txt, .text): paragraphs separated by blank lines;
//   - HTML (.html, .htm, .xhtml) with golang.org/x/net/html: headings,
//     paragraphs, block quotes, list items; navigation, headers, footers,
//     asides, scripts, styles and forms are dropped;
//   - EPUB (.epub): the package document's metadata and spine order, each
//     chapter read as HTML; an EPUB with DRM is refused.
//
// PDF is refused with how to convert it (the pure-Go reader tried ran the
// words of a real book together). A text's language comes from its metadata or is
// detected (DetectLanguage: German or English). Paragraphs are "¶n", counted
// per text; one longer than Options.MaxPassageChars is split at sentence
// boundaries into "¶na", "¶nb", …, and Lookup("¶n") finds its first part. A
// file that cannot be read (unparsable, empty, a duplicate ID, too large, not
// UTF-8, DRM, an unknown extension) becomes a line in Library.Skipped, and
// the other files still load.
package content

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

//go:embed essay.md
var essaySource string

// Kind says what a passage is, so that answers can tell the argument apart
// from the publication's notes.
type Kind string

// The kinds of passage.
const (
	KindBody     Kind = "body"
	KindQuote    Kind = "quote"    // a block quote inside the argument
	KindFootnote Kind = "footnote" // a numbered note
	KindColophon Kind = "colophon" // where it appeared, who translated it
)

// NotesSection is the heading under which the colophon and footnotes stand.
const NotesSection = "Anmerkungen"

// Passage is one citable unit of the essay.
type Passage struct {
	// ID is stable across builds as long as the essay keeps its shape:
	// "p1".."pN" for the body, "fn1".. for footnotes, "colophon".
	ID string `json:"id"`
	// Label is what people type and see: "¶12", "Fn1", "Kolophon".
	Label string `json:"label"`
	// Section is the heading the passage stands under.
	Section string `json:"section"`
	Kind    Kind   `json:"kind"`
	// Text is verbatim from the essay source.
	Text string `json:"text"`
	// Order is the passage's position in reading order, from 0.
	Order int `json:"order"`
}

// Meta is the essay's front matter.
type Meta struct {
	Title               string `json:"title"`
	OriginalTitle       string `json:"original_title"`
	Author              string `json:"author"`
	Translators         string `json:"translators"`
	OriginalPublication string `json:"original_publication"`
	Language            string `json:"language"`
	// Published says when (and where) the text appeared; Source where this
	// copy comes from. Both are free text, shown to people, never parsed.
	Published string `json:"published,omitempty"`
	Source    string `json:"source,omitempty"`
}

// Essay is the parsed essay.
type Essay struct {
	Meta     Meta
	Passages []Passage
	// Sections in reading order, the notes section last.
	Sections []string
	// Source is the whole Markdown source, front matter included.
	Source string
	// Hash identifies the exact text (hex SHA-256 of Source), so stores built
	// from another version of the essay can be recognised.
	Hash string

	byLabel map[string]int
}

var (
	once   sync.Once
	loaded *Essay
	errLd  error
)

// Load returns the embedded essay, parsed once. It panics only if the
// embedded source is malformed, which the package tests rule out.
func Load() *Essay {
	once.Do(func() { loaded, errLd = Parse(essaySource) })
	if errLd != nil {
		panic(fmt.Sprintf("content: embedded essay does not parse: %v", errLd))
	}
	return loaded
}

var (
	footnoteLine = regexp.MustCompile(`^\[\^(\d+)\]:\s*(.+)$`)
	asideLine    = regexp.MustCompile(`^<aside>.*</aside>$`)
)

// Parse turns essay Markdown into passages.
func Parse(src string) (*Essay, error) {
	e := &Essay{Source: src, byLabel: map[string]int{}}
	sum := sha256.Sum256([]byte(src))
	e.Hash = hex.EncodeToString(sum[:])

	body := src
	if strings.HasPrefix(src, "---\n") {
		end := strings.Index(src[4:], "\n---\n")
		if end < 0 {
			return nil, fmt.Errorf("couldn't find the end of the front matter")
		}
		parseMeta(&e.Meta, src[4:4+end])
		body = src[4+end+5:]
	}

	section := ""
	para := 0
	for _, block := range strings.Split(body, "\n\n") {
		block = strings.TrimSpace(block)
		for strings.HasPrefix(block, "<!--") {
			end := strings.Index(block, "-->")
			if end < 0 {
				return nil, fmt.Errorf("unterminated comment: %.40q", block)
			}
			block = strings.TrimSpace(block[end+3:])
		}
		switch {
		case block == "":
			continue
		case strings.HasPrefix(block, "## "):
			section = strings.TrimSpace(block[3:])
			e.Sections = append(e.Sections, section)
			continue
		case asideLine.MatchString(block):
			continue // pull quote: layout only
		}
		if strings.Contains(block, "\n") {
			return nil, fmt.Errorf("paragraph spans several lines (one paragraph a line): %.40q", block)
		}
		if section == "" {
			return nil, fmt.Errorf("text before the first heading: %.40q", block)
		}
		p := Passage{Section: section, Kind: KindBody, Text: block}
		switch m := footnoteLine.FindStringSubmatch(block); {
		case m != nil:
			p.Kind, p.ID, p.Label, p.Text = KindFootnote, "fn"+m[1], "Fn"+m[1], m[2]
		case section == NotesSection:
			if _, dup := e.byLabel[normLabel("Kolophon")]; dup {
				return nil, fmt.Errorf("second colophon paragraph: %.40q", block)
			}
			p.Kind, p.ID, p.Label = KindColophon, "colophon", "Kolophon"
		default:
			if strings.HasPrefix(block, "> ") {
				p.Kind, p.Text = KindQuote, strings.TrimPrefix(block, "> ")
			}
			para++
			p.ID, p.Label = "p"+strconv.Itoa(para), "¶"+strconv.Itoa(para)
		}
		if _, dup := e.byLabel[normLabel(p.Label)]; dup {
			return nil, fmt.Errorf("duplicate passage label %s", p.Label)
		}
		p.Order = len(e.Passages)
		e.byLabel[normLabel(p.Label)] = p.Order
		e.Passages = append(e.Passages, p)
	}
	if len(e.Passages) == 0 {
		return nil, fmt.Errorf("no passages")
	}
	return e, nil
}

func parseMeta(m *Meta, fm string) {
	for _, line := range strings.Split(fm, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "title":
			m.Title = v
		case "original_title":
			m.OriginalTitle = v
		case "author":
			m.Author = v
		case "translators":
			m.Translators = v
		case "original_publication":
			m.OriginalPublication = v
		case "language":
			m.Language = v
		case "published":
			m.Published = v
		case "source":
			m.Source = v
		}
	}
}

// normLabel folds the ways people write a label: "¶12", "12", "p12", "§12",
// "#12", "Absatz 12", "fn 1", "Fußnote 1", "[1]", "kolophon".
func normLabel(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '.' {
			return -1
		}
		return r
	}, s)
	// A paragraph number may carry a part letter ("¶12b"): texts read from
	// files split long paragraphs.
	for _, pre := range []string{"¶", "§", "#", "absatz", "paragraph", "para", "p"} {
		if rest, ok := strings.CutPrefix(s, pre); ok && isParaNum(rest) {
			return "p" + number(rest)
		}
	}
	if isParaNum(s) {
		return "p" + number(s)
	}
	for _, pre := range []string{"fußnote", "fussnote", "footnote", "anm", "note", "fn"} {
		if rest, ok := strings.CutPrefix(s, pre); ok && isDigits(rest) {
			return "fn" + number(rest)
		}
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if inner := strings.Trim(s, "[]^"); isDigits(inner) {
			return "fn" + number(inner)
		}
	}
	if s == "colophon" || s == "impressum" {
		return "kolophon"
	}
	return s
}

// isParaNum reports whether s is a paragraph number with an optional part
// suffix: "12", "12b", "12aa".
func isParaNum(s string) bool {
	digits := strings.TrimRightFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' })
	// At most two letters: "31m und Titel" (normalized "31mundtitel") is
	// a number followed by words, not a label.
	return isDigits(digits) && len(s)-len(digits) <= 2
}

// number drops a number's leading zeros but keeps a zero: "¶0" must stay
// a label (one that names no passage), not become the bare prefix "p".
func number(digits string) string {
	if n := strings.TrimLeft(digits, "0"); n != "" {
		return n
	}
	return "0"
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Lookup finds a passage by its label, written any of the usual ways
// ("¶12", "12", "p12", "Fn1", "Fußnote 1", "Kolophon") or by its ID.
func (e *Essay) Lookup(label string) (Passage, bool) {
	n := normLabel(label)
	if i, ok := e.byLabel[n]; ok {
		return e.Passages[i], true
	}
	// "¶12" names the whole paragraph; when it was split, its first part.
	if i, ok := e.byLabel[n+"a"]; ok && strings.HasPrefix(n, "p") && isDigits(n[1:]) {
		return e.Passages[i], true
	}
	for _, p := range e.Passages {
		if p.ID == strings.TrimSpace(label) {
			return p, true
		}
	}
	return Passage{}, false
}

// LooksLikeLabel reports whether s is written like a passage label, so
// that callers can tell "quote ¶12" from "quote Technofeudalismus".
func LooksLikeLabel(s string) bool {
	n := normLabel(s)
	return strings.HasPrefix(n, "p") && isParaNum(n[1:]) ||
		strings.HasPrefix(n, "fn") && isDigits(n[2:]) || n == "kolophon"
}

// Section returns the passages under a heading, matched without regard to
// case or surrounding space, and the heading as written in the essay.
// A prefix of the heading is enough ("Tech-Oligarchen").
func (e *Essay) Section(name string) (string, []Passage) {
	want := strings.ToLower(strings.TrimSpace(name))
	if want == "" {
		return "", nil
	}
	heading := ""
	for _, s := range e.Sections {
		if strings.ToLower(s) == want {
			heading = s
			break
		}
	}
	if heading == "" {
		for _, s := range e.Sections {
			if strings.HasPrefix(strings.ToLower(s), want) {
				heading = s
				break
			}
		}
	}
	if heading == "" {
		return "", nil
	}
	var out []Passage
	for _, p := range e.Passages {
		if p.Section == heading {
			out = append(out, p)
		}
	}
	return heading, out
}

// BodySections lists the sections of the argument, without the notes
// section (or, in a text read from a file, any section of notes only): what
// can be summarized (notes are quoted, not summarized).
func (e *Essay) BodySections() []string {
	body := map[string]bool{}
	for _, p := range e.Passages {
		if p.Kind == KindBody || p.Kind == KindQuote {
			body[p.Section] = true
		}
	}
	var out []string
	for _, s := range e.Sections {
		if s != NotesSection && body[s] {
			out = append(out, s)
		}
	}
	return out
}

// LabelRange describes the labels there are, for messages that tell a user
// what to type: "¶1–¶17, Fn1–Fn3, Kolophon".
func (e *Essay) LabelRange() string {
	var body, notes, other []string
	for _, p := range e.Passages {
		switch {
		case strings.HasPrefix(p.Label, "¶"):
			body = append(body, p.Label)
		case p.Kind == KindFootnote:
			notes = append(notes, p.Label)
		default:
			other = append(other, p.Label)
		}
	}
	var parts []string
	for _, g := range [][]string{body, notes} {
		switch len(g) {
		case 0:
		case 1:
			parts = append(parts, g[0])
		default:
			parts = append(parts, g[0]+"–"+g[len(g)-1])
		}
	}
	return strings.Join(append(parts, other...), ", ")
}

// Through returns the essay as far as a group has read: the passages up to
// the last one of the section named (matched as Section matches it), and
// the colophon, which says where the text appeared rather than what it
// says. The footnotes after that point are left out with the rest. heading
// is the section as written, "" (and a nil essay) when there is none of
// that name. The result shares nothing that the caller could change.
func (e *Essay) Through(section string) (limited *Essay, heading string) {
	heading, ps := e.Section(section)
	if heading == "" || heading == NotesSection || len(ps) == 0 {
		return nil, ""
	}
	last := ps[len(ps)-1].Order
	l := &Essay{Meta: e.Meta, Source: e.Source, Hash: e.Hash + "@" + heading, byLabel: map[string]int{}}
	for _, p := range e.Passages {
		if p.Order > last && p.Kind != KindColophon {
			continue
		}
		l.byLabel[normLabel(p.Label)] = len(l.Passages)
		l.Passages = append(l.Passages, p)
	}
	for _, s := range e.Sections {
		for _, p := range l.Passages {
			if p.Section == s {
				l.Sections = append(l.Sections, s)
				break
			}
		}
	}
	return l, heading
}
