package answer

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// answerMetadata answers a question about the publication from the text's
// front matter, and quotes the note (colophon, footnote) that says the same
// where there is one, cited. It never refuses: a field the front matter
// lacks is said to be missing.
func (e *Engine) answerMetadata(q string, u Understanding) bot.Answer {
	m := e.essay.Meta
	german := isGerman(q)
	var value, labelDE, labelEN string
	switch u.Field {
	case FieldAuthor:
		value, labelDE, labelEN = m.Author, "Autor", "Author"
	case FieldTranslators:
		value, labelDE, labelEN = m.Translators, "Übersetzung", "Translated by"
	case FieldPublished:
		value, labelDE, labelEN = m.OriginalPublication, "Erschienen", "Published"
	case FieldLanguage:
		value, labelDE, labelEN = languageName(m.Language, german), "Sprache", "Language"
		if m.OriginalPublication != "" {
			value += "; Original: " + m.OriginalPublication
		}
	default:
		value, labelDE, labelEN = m.Title, "Titel", "Title"
		if m.OriginalTitle != "" && m.OriginalTitle != m.Title {
			value += fmt.Sprintf(" (Original: %s)", m.OriginalTitle)
		}
	}
	var b strings.Builder
	label := labelDE
	if !german {
		label = labelEN
	}
	if value == "" {
		if german {
			value = "in den Angaben zum Text nicht genannt"
		} else {
			value = "not given in the text's details"
		}
	}
	fmt.Fprintf(&b, "**%s:** %s", label, value)
	if m.Title != "" && u.Field != FieldTitle {
		fmt.Fprintf(&b, " (»%s«", m.Title)
		if m.Author != "" && u.Field != FieldAuthor {
			b.WriteString(", " + m.Author)
		}
		b.WriteString(")")
	}
	a := bot.Answer{Mode: bot.ModeExtractive, Citations: []bot.Citation{}, Covered: true}
	// The notes that say the same, read against the question and the
	// value; where no note names it (the author is often only in the front
	// matter), the passage where the text itself does ("… (Broder/Durand
	// 2024)"). The best is quoted; a second only when it is nearly as good
	// (the translators are named in the colophon and in a footnote).
	var best []retrieval.Hit
	top := 0.0
	for _, ps := range [][]content.Passage{notePassages(e.essay), e.essay.Passages} {
		for _, h := range e.retriever.Read(q+" "+value, ps) {
			if h.Relevant && len(h.Evidence) > 0 && mentions(h, value) {
				best = append(best, h)
				top = max(top, hitScore(h))
			}
		}
		if len(best) > 0 {
			break
		}
	}
	slices.SortStableFunc(best, func(a, b retrieval.Hit) int { return cmp.Compare(hitScore(b), hitScore(a)) })
	cites := newCiter()
	for i, h := range best {
		if i == 2 || hitScore(h) < secondPassageShare*top {
			break
		}
		n := cites.number(h.Passage)
		cites.list[n-1].Evidence = h.Evidence
		fmt.Fprintf(&b, "\n> %s [%d]", strings.Join(h.Evidence, " "), n)
	}
	a.Text = b.String()
	a.Citations = cites.list
	return a
}

// mentions reports whether a hit's evidence holds a word of the value
// (a name, a place), so that the quoted note says what the answer says.
func mentions(h retrieval.Hit, value string) bool {
	words := map[string]bool{}
	for _, t := range retrieval.Analyze(value) {
		words[t.Folded] = true
	}
	for _, ev := range h.Evidence {
		for _, t := range retrieval.Analyze(ev) {
			if words[t.Folded] {
				return true
			}
		}
	}
	return false
}

// notePassages are the publication's notes: colophon and footnotes.
func notePassages(essay *content.Essay) []content.Passage {
	var notes []content.Passage
	for _, p := range essay.Passages {
		if p.Kind == content.KindColophon || p.Kind == content.KindFootnote {
			notes = append(notes, p)
		}
	}
	return notes
}

// hitScore is the score of a hit's best sentence.
func hitScore(h retrieval.Hit) float64 {
	best := 0.0
	for _, s := range h.Sentences {
		best = max(best, s.Score)
	}
	return best
}

func languageName(code string, german bool) string {
	names := map[string][2]string{"de": {"Deutsch", "German"}, "en": {"Englisch", "English"}, "fr": {"Französisch", "French"}}
	n, ok := names[strings.ToLower(code)]
	switch {
	case !ok:
		return code
	case german:
		return n[0]
	}
	return n[1]
}

// answerPassage answers a question that names a passage or a section: with
// a topic left in the question ("Was sagt ¶14 über den Krieg?") the best
// evidence of those passages; otherwise the passage itself, quoted whole
// when short, else its most central sentences; a section is summarized.
func (e *Engine) answerPassage(q string, u Understanding) bot.Answer {
	if u.Topic != "" {
		hits := e.retriever.Read(u.Topic, u.Passages)
		if a := e.answerExtractive(q, u, hits, nil); a.Covered {
			return a
		}
	}
	if u.Section != "" {
		return e.sectionSummary(u.Section, u.Passages)
	}
	p := u.Passages[0]
	central := e.retriever.Central([]content.Passage{p}, "")[0]
	ss := central
	if len(strings.Fields(p.Text)) > maxAnswerWords {
		// The most central sentence, grown into a readable excerpt.
		best := 0
		for i, s := range central {
			if standalone(s) && s.Score > central[best].Score {
				best = i
			}
		}
		x := expand(retrieval.Hit{Passage: p, Sentences: central}, best, Understanding{}, func(string) bool { return false })
		ss = x.sentences
	}
	return e.render(q, []excerpt{{passage: p, sentences: ss}})
}
