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

// An overview states a text's argument in its own words: the thesis, the
// key definition, one main step per section and the conclusion, each a
// quoted, cited sentence. The sentences are chosen by a general method,
// position plus centrality: the thesis is the most central sentence of the
// opening, the definition the most central sentence that names something,
// a step the most central sentence of its section, the conclusion the most
// central sentence of the closing passages. Centrality (retrieval.Central)
// is closeness to what the whole text keeps talking about.
const (
	// openingShare and closingPassages say where a thesis and a
	// conclusion are looked for.
	openingShare    = 0.3
	closingPassages = 2
	// minOverviewWords: shorter sentences ("Gehen wir von der zweiten
	// Hypothese aus.") lose their point out of context.
	minOverviewWords = 8
)

// overviewPart is one line of an overview.
type overviewPart struct {
	labelDE, labelEN string
	parts            []excerpt
	// heading writes the label on a line of its own (a section summary),
	// not as the line's lead.
	heading bool
}

// sentenceRef is one sentence of a body passage with its centrality.
type sentenceRef struct {
	passage content.Passage
	pos     int // the passage's position among the body passages
	all     []retrieval.ScoredSentence
	i       int
}

func (r sentenceRef) s() retrieval.ScoredSentence { return r.all[r.i] }

// bodyPassages are the passages that carry the argument: not block quotes
// (someone else's words) and not notes.
func bodyPassages(ps []content.Passage) []content.Passage {
	var out []content.Passage
	for _, p := range ps {
		if p.Kind == content.KindBody {
			out = append(out, p)
		}
	}
	return out
}

// standalone reports whether a sentence can be quoted on its own in an
// overview.
func standalone(s retrieval.ScoredSentence) bool {
	return !s.RefersBack && quotable(s)
}

// quotable reports whether a sentence says something in an overview: not
// a lead-in, not a question, not a fragment. One that refers back is
// quoted with the sentence before it (see one).
func quotable(s retrieval.ScoredSentence) bool {
	return !leadsIn(s.Text) && !asks(s.Text) && len(strings.Fields(s.Text)) >= minOverviewWords
}

// overview answers a question about the whole text, and /summary without a
// section. It never refuses: every text has an opening and a close.
func (e *Engine) overview(q string) bot.Answer {
	body := bodyPassages(e.essay.Passages)
	central := e.retriever.Central(body, e.essay.Meta.Title)
	var refs []sentenceRef
	for pi, p := range body {
		for i := range central[pi] {
			refs = append(refs, sentenceRef{passage: p, pos: pi, all: central[pi], i: i})
		}
	}
	used := map[string]bool{}
	pick := func(ok func(sentenceRef) bool) (sentenceRef, bool) {
		var best sentenceRef
		found := false
		for _, r := range refs {
			if used[r.s().Text] || !quotable(r.s()) || r.s().RefersBack && r.i == 0 || !ok(r) {
				continue
			}
			if !found || r.s().Score > best.s().Score {
				best, found = r, true
			}
		}
		if found {
			used[best.s().Text] = true
		}
		return best, found
	}
	var lines []overviewPart
	// The opening is the first section when the text has several, else
	// its first passages.
	opening := max(1, int(openingShare*float64(len(body))+0.5))
	if sections := e.essay.BodySections(); len(sections) > 1 {
		n := 0
		for _, p := range body {
			if p.Section == sections[0] {
				n++
			}
		}
		opening = max(1, min(n, opening))
	}
	if r, ok := pick(func(r sentenceRef) bool { return r.pos < opening }); ok {
		lines = append(lines, overviewPart{labelDE: "These", labelEN: "Thesis", parts: []excerpt{one(r)}})
	}
	// The key term is one the text names in quotation marks where it
	// defines it ("… als »Technofeudalismus« bezeichnet") and then keeps
	// using: its sentence's centrality counts more the more passages
	// speak of the term.
	terms := map[string]float64{}
	for _, r := range refs {
		if r.s().Defines {
			for _, term := range quotedTerms(r.s().Text) {
				if _, ok := terms[term]; !ok {
					n := 0
					for _, h := range e.retriever.Read(term, body) {
						if len(h.Evidence) > 0 {
							n++
						}
					}
					terms[term] = float64(n)
				}
			}
		}
	}
	var termRefs []sentenceRef
	for _, r := range refs {
		best := 0.0
		for _, term := range quotedTerms(r.s().Text) {
			best = max(best, terms[term])
		}
		if r.s().Defines && best > 0 {
			r.all = slices.Clone(r.all)
			r.all[r.i].Score *= best
			termRefs = append(termRefs, r)
		}
	}
	saved := refs
	refs = termRefs
	r, ok := pick(func(sentenceRef) bool { return true })
	refs = saved
	if ok {
		x := one(r)
		// A sentence that names a term is explained by the next one.
		if r.i+1 < len(r.all) {
			x.sentences = r.all[x.from : r.i+2]
			used[r.all[r.i+1].Text] = true
		}
		lines = append(lines, overviewPart{labelDE: "Begriff", labelEN: "Key term", parts: []excerpt{x}})
	}
	// The conclusion is in the closing passages; the last one weighs
	// most, where texts put their final word.
	closing := len(body) - closingPassages
	for i := range refs {
		if refs[i].pos == len(body)-1 {
			refs[i].all[refs[i].i].Score *= closingBoost
		}
	}
	conclusion, hasConclusion := pick(func(r sentenceRef) bool { return r.pos >= closing })
	var steps []excerpt
	for _, section := range e.essay.BodySections() {
		if r, ok := pick(func(r sentenceRef) bool {
			return r.passage.Section == section && r.pos >= opening && r.pos < closing
		}); ok {
			steps = append(steps, one(r))
		}
	}
	if len(steps) > 0 {
		lines = append(lines, overviewPart{labelDE: "Argument", labelEN: "Argument", parts: steps})
	}
	if hasConclusion {
		lines = append(lines, overviewPart{labelDE: "Schluss", labelEN: "Conclusion", parts: []excerpt{one(conclusion)}})
	}
	return e.renderOverview(q, "", lines)
}

// closingBoost favours the last passage for the conclusion.
const closingBoost = 1.3

// maxTermWords: a quotation longer than this is a quote, not a term.
const maxTermWords = 4

// quotedTerms returns the short spans a sentence sets in quotation marks
// (»…«, „…“, "…"): the terms it names.
func quotedTerms(s string) []string {
	var out []string
	for _, pair := range [][2]string{{"»", "«"}, {"„", "“"}, {"“", "”"}, {"\"", "\""}} {
		rest := s
		for {
			i := strings.Index(rest, pair[0])
			if i < 0 {
				break
			}
			rest = rest[i+len(pair[0]):]
			j := strings.Index(rest, pair[1])
			if j < 0 {
				break
			}
			if term := strings.TrimSpace(rest[:j]); term != "" && len(strings.Fields(term)) <= maxTermWords {
				out = append(out, term)
			}
			rest = rest[j+len(pair[1]):]
		}
	}
	return out
}

// one quotes a sentence, with the one before it when it refers back.
func one(r sentenceRef) excerpt {
	from := r.i
	if r.s().RefersBack && r.i > 0 {
		from--
	}
	return excerpt{passage: r.passage, sentences: r.all[from : r.i+1], from: from}
}

// sectionSummary quotes the most central sentences of one section, in
// reading order, one per passage at most, so that the summary walks
// through the section.
func (e *Engine) sectionSummary(heading string, passages []content.Passage) bot.Answer {
	body := bodyPassages(passages)
	central := e.retriever.Central(body, heading)
	// Three to five sentences: one per passage, two from each when the
	// section has fewer than three passages.
	k := min(max(len(body), sectionMinSentences), sectionMaxSentences)
	perPassage := 1
	if len(body) < sectionMinSentences {
		perPassage = 2
	}
	type ref struct {
		pi, i int
		score float64
	}
	var cands []ref
	for pi := range body {
		var mine []ref
		for i, s := range central[pi] {
			if standalone(s) {
				mine = append(mine, ref{pi, i, s.Score})
			}
		}
		slices.SortStableFunc(mine, func(a, b ref) int { return cmp.Compare(b.score, a.score) })
		cands = append(cands, mine[:min(perPassage, len(mine))]...)
	}
	slices.SortStableFunc(cands, func(a, b ref) int { return cmp.Compare(b.score, a.score) })
	cands = cands[:min(k, len(cands))]
	slices.SortFunc(cands, func(a, b ref) int {
		if a.pi != b.pi {
			return a.pi - b.pi
		}
		return a.i - b.i
	})
	var parts []excerpt
	for _, r := range cands {
		// Consecutive sentences of one passage are one excerpt.
		if n := len(parts); n > 0 && parts[n-1].passage.ID == body[r.pi].ID && parts[n-1].from+len(parts[n-1].sentences) == r.i {
			parts[n-1].sentences = central[r.pi][parts[n-1].from : r.i+1]
			continue
		}
		parts = append(parts, excerpt{passage: body[r.pi], sentences: central[r.pi][r.i : r.i+1], from: r.i})
	}
	return e.renderOverview("", heading, []overviewPart{{heading, heading, parts, true}})
}

// A section summary quotes this many sentences.
const (
	sectionMinSentences = 3
	sectionMaxSentences = 5
)

// renderOverview writes an overview: a bold label per line, each excerpt
// quoted and cited.
func (e *Engine) renderOverview(q, heading string, lines []overviewPart) bot.Answer {
	german := q == "" || isGerman(q)
	var b strings.Builder
	if !german && e.essay.Meta.Language == "de" {
		b.WriteString("The text's argument in its own words (German original):\n")
	}
	cites := newCiter()
	for li, l := range lines {
		if li > 0 {
			b.WriteString("\n")
		}
		label := l.labelDE
		if !german {
			label = l.labelEN
		}
		if l.heading {
			b.WriteString("**" + label + "**\n")
		} else {
			b.WriteString("**" + label + ":** ")
		}
		for i, x := range l.parts {
			if i > 0 {
				b.WriteByte(' ')
			}
			for j, s := range x.sentences {
				if j > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(s.Text)
			}
			fmt.Fprintf(&b, " [%d]", cites.quoting(x))
		}
	}
	return bot.Answer{Question: heading, Mode: bot.ModeExtractive, Text: b.String(), Citations: cites.list, Covered: true}
}
