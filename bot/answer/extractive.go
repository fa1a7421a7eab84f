package answer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// How an extractive answer is put together. It quotes the text verbatim,
// built around the one sentence that answers best: its passage's
// neighbouring sentences come before a sentence from another passage,
// because a run of one paragraph reads as an answer and a scatter of four
// does not.
const (
	// answerPassages is how many of the top relevant passages are
	// considered; later hits are mostly noise.
	answerPassages = 5
	// maxAnswerWords bounds an answer (the anchor sentence is always
	// quoted whole, however long).
	maxAnswerWords = 120
	// minAnswerWords: a shorter answer gets its neighbour for context.
	minAnswerWords = 25
	// secondPassageShare: another passage joins only when its best
	// sentence scores at least this share of the anchor's.
	secondPassageShare = 0.8
	// neighbourShare: a neighbouring sentence joins when it scores at
	// least this share of the anchor.
	neighbourShare = 0.5
	// definitionBoost favours, for "what is X", the sentences that name
	// or define something.
	definitionBoost = 1.5
	// seenPenalty weighs a sentence the previous answer quoted.
	seenPenalty = 0.4
)

// excerpt is a run of consecutive sentences of one passage.
type excerpt struct {
	passage   content.Passage
	sentences []retrieval.ScoredSentence
	// from is the index of the first sentence in its passage.
	from int
}

// notCovered is the answer when nothing in the text is relevant: it says
// so plainly, in the question's language, names what the text is about
// (from its metadata and headings) and cites nothing, rather than quoting
// the nearest noise.
func (e *Engine) notCovered(q string) bot.Answer {
	m := e.essay.Meta
	sections := e.essay.BodySections()
	var about string
	if len(sections) > 0 {
		about = strings.Join(sections, "; ")
	}
	var text string
	if isGerman(q) {
		text = fmt.Sprintf("Dazu steht nichts in »%s«", m.Title)
		if m.Author != "" {
			text += " von " + m.Author
		}
		text += "."
		if about != "" {
			text += " Der Text behandelt: " + about + "."
		}
		text += " Frag mich etwas dazu, oder frag, worum es im Text geht."
	} else {
		text = fmt.Sprintf("%q", m.Title)
		if m.Author != "" {
			text += " by " + m.Author
		}
		text += " doesn't cover that."
		if about != "" {
			text += " Its sections: " + about + "."
		}
		text += " Ask me about those, or ask what the text is about."
	}
	return bot.Answer{Mode: bot.ModeExtractive, Text: text, Citations: []bot.Citation{}}
}

// answerExtractive quotes the sentences that answer the question best.
// exclude, if set, reports sentences already quoted (by the previous
// answer, for a follow-up): they count for less, so that the answer says
// something new, and are not added as context; but one that still answers
// best is quoted again rather than a worse one.
func (e *Engine) answerExtractive(q string, u Understanding, hits []retrieval.Hit, exclude func(string) bool) bot.Answer {
	if exclude == nil {
		exclude = func(string) bool { return false }
	}
	type candidate struct {
		hit   retrieval.Hit
		best  int
		score float64
	}
	var cands []candidate
	for _, h := range hits {
		if !h.Relevant || len(cands) == answerPassages {
			continue
		}
		// Later passages count for a little less: retrieval ranked them
		// lower, but the sentence that answers best may still be there.
		rank := 1 - 0.08*float64(len(cands))
		c := candidate{hit: h, best: -1}
		for i, s := range h.Sentences {
			if leadsIn(s.Text) {
				continue
			}
			sc := s.Score
			if exclude(s.Text) {
				sc *= seenPenalty
			}
			if u.Intent == IntentDefinition && s.Defines {
				sc *= definitionBoost
			}
			if sc*rank > c.score {
				c.best, c.score = i, sc*rank
			}
		}
		cands = append(cands, c)
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	if len(cands) == 0 || cands[0].best < 0 {
		return e.notCovered(q)
	}
	anchor := cands[0]
	parts := []excerpt{expand(anchor.hit, anchor.best, u, exclude)}
	words := excerptWords(parts[0])
	if len(cands) > 1 && cands[1].best >= 0 && cands[1].score >= secondPassageShare*anchor.score {
		second := expand(cands[1].hit, cands[1].best, Understanding{}, exclude)
		if words+excerptWords(second) <= maxAnswerWords {
			parts = append(parts, second)
		}
	}
	slices.SortFunc(parts, func(a, b excerpt) int { return a.passage.Order - b.passage.Order })
	return e.render(q, parts)
}

// expand grows the anchor sentence into a readable excerpt of its passage:
// a sentence that refers back brings the one it refers to, a question or a
// lead-in brings its answer, a definition brings the sentence that explains
// it, and neighbours that also answer join while the answer stays short.
func expand(h retrieval.Hit, anchor int, u Understanding, exclude func(string) bool) excerpt {
	ss := h.Sentences
	lo, hi := anchor, anchor
	words := func() int {
		n := 0
		for _, s := range ss[lo : hi+1] {
			n += len(strings.Fields(s.Text))
		}
		return n
	}
	fits := func(i int) bool { return words()+len(strings.Fields(ss[i].Text)) <= maxAnswerWords }
	// "Dies …", "Mit dem ersten …": quote the sentence they point to (one:
	// a longer chain is a paragraph, not an answer, and would spend the
	// answer's length on context).
	if lo > 0 && (ss[lo].RefersBack || leadsIn(ss[lo-1].Text)) && !exclude(ss[lo-1].Text) && fits(lo-1) {
		lo--
	}
	// A question the text asks, or a lead-in, is answered by what follows;
	// a sentence that names a term is explained by the next one.
	if hi+1 < len(ss) && (asks(ss[hi].Text) || leadsIn(ss[hi].Text) || u.Intent == IntentDefinition && ss[hi].Defines) && !exclude(ss[hi+1].Text) && fits(hi+1) {
		hi++
	}
	// Then the neighbours that answer too, the better one first, while the
	// answer stays short; a short answer takes its next sentence for
	// context.
	best := ss[anchor].Score
	joins := func(i int) bool {
		return i >= 0 && i < len(ss) && !exclude(ss[i].Text) && fits(i) &&
			(ss[i].Score >= neighbourShare*best || i == hi+1 && ss[i].RefersBack && ss[i].Score > 0)
	}
	short := func(i int) bool {
		return words() < minAnswerWords && i >= 0 && i < len(ss) && !exclude(ss[i].Text) && fits(i)
	}
	for grew := true; grew; {
		next, prev := hi+1, lo-1
		switch grew = true; {
		case joins(next) && (!joins(prev) || ss[next].Score >= ss[prev].Score):
			hi = next
		case joins(prev):
			lo = prev
		case short(next):
			hi = next
		case short(prev):
			lo = prev
		default:
			grew = false
		}
	}
	// A run never ends on a lead-in whose continuation it does not quote
	// ("… erklärte Mao:" before the quote in the next passage).
	for hi > anchor && leadsIn(ss[hi].Text) {
		hi--
	}
	return excerpt{passage: h.Passage, sentences: ss[lo : hi+1]}
}

// render writes excerpts as one answer: each run of consecutive sentences is
// quoted verbatim and cited once.
func (e *Engine) render(q string, parts []excerpt) bot.Answer {
	var b strings.Builder
	if !isGerman(q) && e.essay.Meta.Language == "de" {
		b.WriteString("From the text (German original):\n")
	}
	cites := newCiter()
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(' ')
		}
		for j, s := range p.sentences {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s.Text)
		}
		fmt.Fprintf(&b, " [%d]", cites.quoting(p))
	}
	return bot.Answer{Mode: bot.ModeExtractive, Text: b.String(), Citations: cites.list, Covered: true}
}

func excerptWords(x excerpt) int {
	n := 0
	for _, s := range x.sentences {
		n += len(strings.Fields(s.Text))
	}
	return n
}

// leadsIn reports whether a sentence only introduces what follows ("Am
// Beispiel der chinesischen Kolonialkriege erklärte Mao:"): quoted alone it
// says nothing.
func leadsIn(s string) bool { return strings.HasSuffix(strings.TrimSpace(s), ":") }

// asks reports whether a sentence of the text is itself a question, which
// the text answers next.
func asks(s string) bool {
	return strings.HasSuffix(strings.TrimRight(strings.TrimSpace(s), "»«\"“”'"), "?")
}

// citer numbers passages in the order an answer first cites them.
type citer struct {
	byID map[string]int
	list []bot.Citation
}

func newCiter() *citer { return &citer{byID: map[string]int{}, list: []bot.Citation{}} }

// quoting numbers an excerpt's passage and records the quoted sentences as
// the citation's evidence.
func (c *citer) quoting(x excerpt) int {
	n := c.number(x.passage)
	for _, s := range x.sentences {
		c.list[n-1].Evidence = append(c.list[n-1].Evidence, s.Text)
	}
	return n
}

func (c *citer) number(p content.Passage) int {
	if n, ok := c.byID[p.ID]; ok {
		return n
	}
	n := len(c.list) + 1
	c.byID[p.ID] = n
	c.list = append(c.list, bot.Citation{N: n, ID: p.ID, Label: p.Label, Section: p.Section, Kind: p.Kind, Text: p.Text})
	return n
}
