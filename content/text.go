package content

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// Format says which parser read a text.
type Format string

// The formats a library reads.
const (
	FormatBuiltin  Format = "builtin" // the essay compiled into the binary
	FormatMarkdown Format = "markdown"
	FormatText     Format = "text"
	FormatHTML     Format = "html"
	FormatEPUB     Format = "epub"
)

// Text is one text of a library: the built-in essay or a file the operator
// brought. It embeds Essay, so every method the essay has (Lookup, Section,
// BodySections, LabelRange, ByID) works on any text, and code written for
// the one essay keeps working for each text of a library.
//
// Passage IDs and labels are unique within a text, not across a library:
// a passage is named by the pair (Text.ID, Passage.ID).
type Text struct {
	// ID is what people type to choose the text: the file name without
	// its extension, lower case, or BuiltinID for the built-in essay.
	ID string
	// File is the path the text was read from ("" for the built-in essay).
	File   string
	Format Format
	// Essay holds the metadata, passages and sections. For a text read from
	// a file, Source is the file's text ("" for an EPUB) and Hash is the hex
	// SHA-256 of the metadata and passages as read: whatever changes what a
	// store holds (the file, the parser, the passage limit) changes it. The
	// built-in essay keeps the hash of its source, so existing stores stay
	// current.
	Essay
}

// Title is the text's title, or its ID when its metadata has none.
func (t *Text) Title() string {
	if t.Meta.Title != "" {
		return t.Meta.Title
	}
	return t.ID
}

// builder turns the blocks a format parser finds into passages, so that all
// formats label, split and order passages the same way:
//   - every paragraph, block quote or list item of the body is "¶n", counted
//     per text from 1;
//   - a paragraph longer than the passage limit is split at sentence
//     boundaries into "¶na", "¶nb", … (n stays the paragraph's number in the
//     source, so a citation still says which paragraph; Lookup("¶n") finds
//     the first part);
//   - footnotes are "Fn1", "Fn2", … (the number the source gives when it is
//     a number) and stand in a notes section after the body.
type builder struct {
	e       Essay
	max     int
	para    int
	section string
	notes   []Passage
	noteNum map[string]bool
}

func newBuilder(maxChars int) *builder {
	if maxChars <= 0 {
		maxChars = DefaultMaxPassageChars
	}
	return &builder{e: Essay{byLabel: map[string]int{}}, max: maxChars, noteNum: map[string]bool{}}
}

// heading starts a section. Sections are listed when their first passage
// arrives, so that headings with nothing under them (a table of contents, a
// chapter title page) do not become empty sections.
func (b *builder) heading(s string) {
	if s = collapseSpace(s); s != "" {
		b.section = s
	}
}

// paragraph adds one block of the body, split if it is long.
func (b *builder) paragraph(kind Kind, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	b.para++
	n := strconv.Itoa(b.para)
	parts := splitPassage(text, b.max)
	for i, part := range parts {
		suffix := ""
		if len(parts) > 1 {
			suffix = partSuffix(i)
		}
		b.add(Passage{ID: "p" + n + suffix, Label: "¶" + n + suffix, Section: b.section, Kind: kind, Text: part})
	}
}

// footnote keeps a note for the notes section; ref is the source's own
// name for it ("3" for [^3]), used as its number when it is one.
func (b *builder) footnote(ref, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	ref = strings.TrimLeft(ref, "0")
	if !isDigits(ref) || b.noteNum[ref] {
		for i := len(b.notes) + 1; ; i++ {
			if ref = strconv.Itoa(i); !b.noteNum[ref] {
				break
			}
		}
	}
	b.noteNum[ref] = true
	b.notes = append(b.notes, Passage{ID: "fn" + ref, Label: "Fn" + ref, Kind: KindFootnote, Text: text})
}

func (b *builder) add(p Passage) {
	if p.Section != "" && (len(b.e.Sections) == 0 || b.e.Sections[len(b.e.Sections)-1] != p.Section) {
		if !containsString(b.e.Sections, p.Section) {
			b.e.Sections = append(b.e.Sections, p.Section)
		}
	}
	p.Order = len(b.e.Passages)
	b.e.byLabel[normLabel(p.Label)] = p.Order
	b.e.Passages = append(b.e.Passages, p)
}

// finish appends the notes (under a heading in the text's language) and
// returns the text's passages, sections and lookup table.
func (b *builder) finish(language string) Essay {
	notes := "Notes"
	if language == "de" {
		notes = NotesSection
	}
	for _, p := range b.notes {
		p.Section = notes
		b.add(p)
	}
	b.notes = nil
	return b.e
}

// partSuffix names the i-th part of a split paragraph: a…z, then aa, ab, ….
func partSuffix(i int) string {
	s := ""
	for {
		s = string(rune('a'+i%26)) + s
		i = i/26 - 1
		if i < 0 {
			return s
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// collapseSpace turns every run of white space into one space and trims the
// ends: line breaks inside a paragraph are layout, not content.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// textHash identifies a text as read: metadata, then every passage field,
// each value followed by a NUL (which no field contains) so that no two
// different texts hash alike by shifting text between fields.
func textHash(m Meta, passages []Passage) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, s := range []string{m.Title, m.OriginalTitle, m.Author, m.Translators, m.OriginalPublication, m.Language, m.Published, m.Source} {
		field(s)
	}
	for _, p := range passages {
		for _, s := range []string{p.ID, p.Label, p.Section, string(p.Kind), p.Text} {
			field(s)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
