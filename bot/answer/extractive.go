package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// How an extractive answer is put together: sentences come from the best
// few relevant passages only (later hits are mostly noise), and an answer
// quotes two to four of them.
const (
	answerPassages     = 5
	minAnswerSentences = 2
	maxAnswerSentences = 4
)

// notCovered is the answer when nothing in the essay is relevant: it says
// so plainly, in the question's language, and cites nothing, rather than
// quoting the nearest noise.
func (e *Engine) notCovered(q string) bot.Answer {
	text := "Dazu steht nichts im Essay. Er handelt von Trump, Big Tech und dem „Technofeudalismus“ – frag mich etwas dazu, zum Beispiel: Was versteht der Autor unter Technofeudalismus?"
	if !isGerman(q) {
		text = "The essay doesn't cover that. It is about Trump, Big Tech and \"technofeudalism\" – ask me something about those, for example: what does the author mean by technofeudalism?"
	}
	return bot.Answer{Mode: bot.ModeExtractive, Text: text, Citations: []bot.Citation{}}
}

// A question that asks what something is or means is best answered by the
// sentence that names or defines it ("… den ich … als »Technofeudalismus«
// bezeichnet habe").
var (
	definitionQuestion = regexp.MustCompile(`(?i)\b(was (ist|sind|heißt|bedeutet|bezeichnet|versteht|meint)|worum geht|definition|defin|what (is|are|does|do)\b.*\b(mean|means|meant)\b|what (is|are)\b|what's)`)
	definingSentence   = regexp.MustCompile(`(?i)\b(bezeichn\w*|versteh\w*|nenn\w*|nannte|genannt|definier\w*|bedeutet|das heißt|gemeint)\b`)
)

// leadsIn reports whether a sentence only introduces what follows
// ("Am Beispiel der chinesischen Kolonialkriege erklärte Mao:"): quoted
// alone it says nothing.
func leadsIn(s string) bool { return strings.HasSuffix(s, ":") }

// candidate is a sentence considered for an answer.
type candidate struct {
	analyzed
	score float64
}

// answerExtractive quotes the sentences of the top relevant passages that
// best match the question, in essay order, each cited by passage.
func (e *Engine) answerExtractive(q string, hits []retrieval.Hit) bot.Answer {
	ix := indexOf(e.essay)
	qry := ix.query(q)
	definition := definitionQuestion.MatchString(q)
	var cands []candidate
	used := 0
	for _, h := range hits {
		if !h.Relevant || used == answerPassages {
			continue
		}
		// Later passages count for a little less: retrieval ranked them
		// lower, but the sentence that answers best may still be there.
		rank := 1 - 0.08*float64(used)
		used++
		prev := 0.0
		for _, s := range ix.sentences(h.Passage) {
			own := ix.score(qry, s)
			if definition && s.Defines {
				own *= 1.5
			}
			// A sentence right after a matching one often explains it
			// ("… den ich als »Technofeudalismus« bezeichnet habe. Indem
			// große Unternehmen …"), so it inherits some of its score.
			prev, own = own, rank*(own+0.4*prev)
			if leadsIn(s.Text) {
				continue
			}
			cands = append(cands, candidate{analyzed: s, score: own})
		}
	}
	// Retrieval can call a passage relevant on a faint likeness (a
	// character n-gram, a vague vector); if not one sentence shares a word
	// with the question, quoting would be quoting noise.
	if !slices.ContainsFunc(cands, func(c candidate) bool { return c.score > 0 }) {
		// An English question meets the German sentences only through
		// look-alike words, but retrieval also knows the essay's terms in
		// English ("published" / "erschien"). Where it found evidence the
		// sentence scorer cannot see, the opening of the best passage
		// answers; a German question has no such excuse.
		if isGerman(q) || len(cands) == 0 {
			return e.notCovered(q)
		}
		cands[0].score = 1
		if len(cands) > 1 && cands[1].Passage.ID == cands[0].Passage.ID {
			cands[1].score = 0.5
		}
	}
	picked := pickSentences(cands)
	var b strings.Builder
	if !isGerman(q) {
		b.WriteString("From the essay (German original):\n")
	}
	cites := newCiter()
	for i, c := range picked {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.Text)
		if i+1 < len(picked) && runsOn(c.analyzed, picked[i+1].analyzed) {
			continue
		}
		fmt.Fprintf(&b, " [%d]", cites.number(c.Passage))
	}
	return bot.Answer{Mode: bot.ModeExtractive, Text: b.String(), Citations: cites.list, Covered: true}
}

// pickSentences chooses two to four sentences: the best (which must score
// above 0), the others that score at least 40% of it, and — if that leaves
// one — the next best or, when nothing else matches, its neighbour. They
// are returned in essay order.
func pickSentences(cands []candidate) []candidate {
	order := slices.Clone(cands)
	slices.SortStableFunc(order, func(a, b candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	best := order[0].score
	var picked []candidate
	for _, c := range order {
		if len(picked) == maxAnswerSentences {
			break
		}
		if len(picked) < minAnswerSentences && c.score > 0 || best > 0 && c.score >= 0.4*best {
			picked = append(picked, c)
		}
	}
	if len(picked) < minAnswerSentences {
		// Only one sentence matches: its neighbour gives it context.
		if n, ok := neighbour(cands, picked[0]); ok {
			picked = append(picked, n)
		}
	}
	slices.SortFunc(picked, func(a, b candidate) int {
		if a.Passage.Order != b.Passage.Order {
			return a.Passage.Order - b.Passage.Order
		}
		return a.Index - b.Index
	})
	return picked
}

// neighbour returns the sentence after c in its passage, or the one before.
func neighbour(cands []candidate, c candidate) (candidate, bool) {
	var before *candidate
	for i := range cands {
		o := cands[i]
		if o.Passage.ID != c.Passage.ID {
			continue
		}
		if o.Index == c.Index+1 {
			return o, true
		}
		if o.Index == c.Index-1 {
			before = &cands[i]
		}
	}
	if before != nil {
		return *before, true
	}
	return candidate{}, false
}

// citer numbers passages in the order an answer first cites them.
type citer struct {
	byID map[string]int
	list []bot.Citation
}

func newCiter() *citer { return &citer{byID: map[string]int{}, list: []bot.Citation{}} }

func (c *citer) number(p content.Passage) int {
	if n, ok := c.byID[p.ID]; ok {
		return n
	}
	n := len(c.list) + 1
	c.byID[p.ID] = n
	c.list = append(c.list, bot.Citation{N: n, ID: p.ID, Label: p.Label, Section: p.Section, Kind: p.Kind, Text: p.Text})
	return n
}

// runsOn reports whether b follows a directly in the same passage, so that
// "a b" is itself a verbatim quote and one citation after b serves both:
// "[1] … [1] … [1]" after every sentence of one paragraph reads badly.
func runsOn(a, b analyzed) bool {
	return a.Passage.ID == b.Passage.ID && strings.Contains(a.Passage.Text, a.Text+" "+b.Text)
}
