package console

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/content"
)

// The one-shot commands (`leviathan ask`, `summary`, `search`, `quote`,
// `passages`) print plain text for a terminal or a script, not what Discord
// would show; it lives here, beside the console's rendering, so that both
// are changed together. testdata/*.golden hold what each prints.

// ExcerptRunes is how much of a passage the source lists show.
const ExcerptRunes = 110

// echoRunes is how much of the user's input a message repeats.
const echoRunes = 80

// WriteAnswer writes an answer of `ask` or `summary`: its text (or, when a
// model's text was streamed already, what is still missing), its sources
// and its notice, labelled in German or English.
func WriteAnswer(w io.Writer, a bot.Answer, streamed string, german bool) {
	switch {
	case streamed == "":
		fmt.Fprintln(w, a.Text)
	case streamed == a.Text:
		fmt.Fprintln(w)
	default:
		// The checked answer differs from what was streamed (a citation
		// was removed, or the model failed and this is the fallback).
		fmt.Fprintf(w, "\n\n――― %s ―――\n%s\n", pick(german, "geprüfte Antwort", "checked answer"), a.Text)
	}
	if len(a.Citations) > 0 {
		fmt.Fprintf(w, "\n%s\n", pick(german, "Quellen:", "Sources:"))
		for _, c := range a.Citations {
			fmt.Fprintf(w, "[%d] %s — %s\n    %s\n", c.N, textLabel(c.TextID, c.Label), c.Section, Excerpt(shown(c.Evidence, c.Text)))
		}
	}
	if a.Notice != "" {
		// The engine's notices about the model already say "Hinweis:" or
		// "Note:" (Discord shows them as they are); others get the label here.
		label := pick(german, "Hinweis:", "Note:")
		if strings.HasPrefix(a.Notice, "Hinweis:") || strings.HasPrefix(a.Notice, "Note:") {
			label = ""
		}
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(label+" "+a.Notice))
	}
}

// WriteHits writes the passages `search` found, numbered, with scores; a
// hit without evidence for the query is marked.
func WriteHits(w io.Writer, hits []bot.Hit) {
	for i, h := range hits {
		mark := ""
		if !h.Relevant {
			mark = "  (weak match)"
		}
		fmt.Fprintf(w, "%d. %s — %s  [score %.3f]%s\n   %s\n", i+1, textLabel(h.TextID, h.Passage.Label), h.Passage.Section, h.Score, mark, Excerpt(shown(h.Evidence, h.Passage.Text)))
	}
}

// WriteQuotes writes what `quote` found for topic, or says that nothing
// matched.
func WriteQuotes(w io.Writer, topic string, quotes []bot.Quote) {
	if len(quotes) == 0 {
		fmt.Fprintf(w, "Nothing in the text matches %q. 'leviathan passages' lists what there is.\n", clip(topic, echoRunes))
		return
	}
	for i, q := range quotes {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s — %s\n%s\n", textLabel(q.TextID, q.Passage.Label), q.Passage.Section, q.Text)
	}
}

// WritePassages writes the essay's passages by section, as `passages`
// lists them.
func WritePassages(w io.Writer, essay *content.Essay) {
	fmt.Fprintf(w, "%s — %s (%d passages)\n", essay.Meta.Title, essay.Meta.Author, len(essay.Passages))
	section := ""
	for _, p := range essay.Passages {
		if p.Section != section {
			section = p.Section
			fmt.Fprintf(w, "\n%s\n", section)
		}
		fmt.Fprintf(w, "  %-9s %s\n", p.Label, Excerpt(p.Text))
	}
}

func pick(german bool, de, en string) string {
	if german {
		return de
	}
	return en
}

// textLabel names a passage by its text and label when the library has
// several texts (labels repeat across texts), by its label otherwise (the
// caller leaves textID empty then).
func textLabel(textID, label string) string {
	if textID == "" {
		return label
	}
	return textID + " " + label
}

// shown is what a source line quotes: the sentences that matched, else the
// passage's start.
func shown(evidence []string, text string) string {
	if len(evidence) > 0 {
		return strings.Join(evidence, " … ")
	}
	return text
}

// Excerpt shortens a passage to its start, at a word boundary.
func Excerpt(s string) string {
	if utf8.RuneCountInString(s) <= ExcerptRunes {
		return s
	}
	cut := string([]rune(s)[:ExcerptRunes])
	if i := strings.LastIndexByte(cut, ' '); i > ExcerptRunes/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + " …"
}

// clip shortens s to n runes, with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
