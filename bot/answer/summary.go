package answer

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

// Summary summarizes the whole essay (section "") or one section (matched as
// content.Essay.Section matches it). With an LLM it streams through onText
// (may be nil) and falls back to the extractive summary on failure. An
// unknown section is an *InputError naming the sections there are. The
// notes (colophon, footnotes) are publication details, not argument, and
// are not summarized.
func (e *Engine) Summary(ctx context.Context, section string, onText func(textSoFar string)) (bot.Answer, error) {
	section = strings.TrimSpace(section)
	var groups []sectionPassages
	heading := ""
	if section == "" {
		for _, s := range e.essay.BodySections() {
			_, ps := e.essay.Section(s)
			groups = append(groups, sectionPassages{s, ps})
		}
	} else {
		h, ps := e.essay.Section(section)
		switch {
		case h == "":
			return bot.Answer{}, &bot.InputError{Msg: fmt.Sprintf("There is no section %q. The sections are: %s (or leave it out to summarize the whole essay).", section, e.sectionList())}
		case h == content.NotesSection:
			return bot.Answer{}, &bot.InputError{Msg: fmt.Sprintf("The notes are not summarized; quote them instead (\"Kolophon\", \"Fn1\"). The sections are: %s.", e.sectionList())}
		}
		heading = h
		groups = []sectionPassages{{h, ps}}
	}
	if e.llm != nil {
		var all []content.Passage
		for _, g := range groups {
			all = append(all, g.passages...)
		}
		a, err := e.summarizeLLM(ctx, heading, all, onText)
		if err == nil {
			a.Question = heading
			if a.Citations == nil {
				a.Citations = []bot.Citation{}
			}
			return a, nil
		}
		if ctx.Err() != nil {
			return bot.Answer{}, fmt.Errorf("couldn't summarize: %w", ctx.Err())
		}
		e.log.WarnContext(ctx, "LLM summary failed; summarizing extractively", "section", heading, "err", err)
		a = e.summaryExtractive(heading, groups)
		a.Fallback = fallbackReason(err)
		// The summary is of a German essay and is asked for by section name,
		// so the notice is German, naming the real reason.
		a.Notice = fallbackNotice("Zusammenfassung", a.Fallback)
		return a, nil
	}
	return e.summaryExtractive(heading, groups), nil
}

type sectionPassages struct {
	heading  string
	passages []content.Passage
}

func (e *Engine) sectionList() string {
	return "\"" + strings.Join(e.essay.BodySections(), "\", \"") + "\""
}

// summaryExtractive picks the key sentences of each section: those closest
// to what the section as a whole is about (the centroid of its sentences'
// word weights), with a small bonus for a paragraph's opening sentence
// (where essays state their point) and a penalty for repeating a sentence
// already picked. Block quotes are someone else's words and are skipped.
func (e *Engine) summaryExtractive(heading string, groups []sectionPassages) bot.Answer {
	ix := indexOf(e.essay)
	cites := newCiter()
	var b strings.Builder
	for gi, g := range groups {
		var body []content.Passage
		for _, p := range g.passages {
			if p.Kind == content.KindBody {
				body = append(body, p)
			}
		}
		k := 2
		if len(body) >= 5 {
			k = 3
		}
		if len(groups) == 1 {
			k = min(max(len(body)+1, 3), 6)
		}
		picked := ix.central(body, k)
		if len(picked) == 0 {
			continue
		}
		// The heading says what is summarized, also for one section:
		// "/summary Tech" should show which section "Tech" matched.
		if gi > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString("**" + g.heading + "**\n")
		for i, s := range picked {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s.Text)
			if i+1 < len(picked) && runsOn(s, picked[i+1]) {
				continue
			}
			fmt.Fprintf(&b, " [%d]", cites.number(s.Passage))
		}
	}
	return bot.Answer{Question: heading, Mode: bot.ModeExtractive, Text: b.String(), Citations: cites.list, Covered: true}
}

// vec is a sparse word-weight vector.
type vec map[string]float64

func (ix *essayIndex) vector(s analyzed) vec {
	v := vec{}
	for _, t := range s.Terms {
		v[t.stem] += ix.weight(t)
	}
	norm := 0.0
	for _, w := range v {
		norm += w * w
	}
	norm = math.Sqrt(norm)
	for k := range v {
		v[k] /= norm
	}
	return v
}

func (a vec) dot(b vec) float64 {
	if len(b) < len(a) {
		a, b = b, a
	}
	s := 0.0
	for k, w := range a {
		s += w * b[k]
	}
	return s
}

// central returns up to k sentences of the passages, in essay order,
// chosen greedily by closeness to the centroid minus redundancy with the
// sentences already chosen (maximal marginal relevance).
func (ix *essayIndex) central(passages []content.Passage, k int) []analyzed {
	type cand struct {
		analyzed
		v     vec
		score float64
	}
	var cands []cand
	centroid := vec{}
	for _, p := range passages {
		for _, s := range ix.sentences(p) {
			// Very short sentences ("Gehen wir von der zweiten Hypothese
			// aus.") and lead-ins to a quote lose their point out of
			// context.
			if len(s.Terms) < 5 || leadsIn(s.Text) {
				continue
			}
			c := cand{analyzed: s, v: ix.vector(s)}
			for t, w := range c.v {
				centroid[t] += w
			}
			cands = append(cands, c)
		}
	}
	norm := 0.0
	for _, w := range centroid {
		norm += w * w
	}
	norm = math.Sqrt(norm)
	for i := range cands {
		cands[i].score = cands[i].v.dot(centroid) / norm
		if cands[i].Index == 0 {
			cands[i].score += 0.05
		}
	}
	var picked []cand
	taken := make([]bool, len(cands))
	for len(picked) < k {
		best, bestScore := -1, math.Inf(-1)
		for i, c := range cands {
			if taken[i] {
				continue
			}
			redundancy := 0.0
			for _, p := range picked {
				redundancy = max(redundancy, c.v.dot(p.v))
			}
			if s := c.score - 0.5*redundancy; s > bestScore {
				best, bestScore = i, s
			}
		}
		if best < 0 {
			break
		}
		taken[best] = true
		picked = append(picked, cands[best])
	}
	var out []analyzed
	for i, c := range cands {
		if taken[i] {
			out = append(out, c.analyzed)
		}
	}
	return out
}
