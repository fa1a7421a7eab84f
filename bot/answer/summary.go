package answer

import (
	"context"
	"fmt"
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
		later, isLater := e.later(section)
		switch {
		case isLater:
			return bot.Answer{}, &bot.InputError{Msg: e.laterPart(section, later).Text}
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

// summaryExtractive is the summary without a model: the overview of the
// argument for the whole text, the most central sentences of a section.
func (e *Engine) summaryExtractive(heading string, groups []sectionPassages) bot.Answer {
	if heading == "" {
		a := e.overview("")
		a.Question = ""
		return a
	}
	var ps []content.Passage
	for _, g := range groups {
		ps = append(ps, g.passages...)
	}
	return e.sectionSummary(heading, ps)
}
