package command

import (
	"fmt"
	"strings"

	"github.com/leviathan-bot/leviathan/content"
)

// helpText lists what the bot can do, in German and English, with examples.
const helpText = `**Leviathan** beantwortet Fragen zu Cédric Durands Essay „Zerbrechlicher Leviathan“ (Trump, Big Tech, Technofeudalismus) und belegt jede Aussage mit [n], das auf die zitierte Stelle zeigt.

• ` + "`/ask`" + ` eine Frage – z. B. ` + "`/ask Was ist DOGE?`" + ` oder ` + "`/ask Warum spricht Durand von Technofeudalismus?`" + `
• ` + "`/summary`" + ` den ganzen Essay oder einen Abschnitt zusammenfassen – z. B. ` + "`/summary Tech-Oligarchen an der Macht`" + `
• ` + "`/quote`" + ` wörtlich zitieren, zu einem Thema oder einer Stelle – z. B. ` + "`/quote Libra`" + ` oder ` + "`/quote ¶12`" + `
• Erwähne mich mit einer Frage (` + "`@Leviathan was meint Durand mit blockfreier Digitalpolitik?`" + `) und antworte auf meine Antwort, um nachzufragen.

**In English:** ask about the essay in English or German; answers cite the passages they rest on.
• ` + "`/ask What does Durand mean by technofeudalism?`" + `
• ` + "`/summary`" + ` – the whole essay, or one section
• ` + "`/quote Mao`" + ` or ` + "`/quote Fn1`" + ` – verbatim passages
• Mention me with a question, and reply to my answer to follow up.`

// HelpReply is the reply to /help.
func HelpReply() Reply {
	return Reply{Command: Help, Text: helpText, Ephemeral: true, Outcome: OutcomeOK}
}

// HelpFor is the reply to a Help command: the help, with a note first when
// the user typed a command that does not exist (Parse turns those into
// Help), so a typo is named rather than answered with a bare help text.
func HelpFor(cmd Command) Reply {
	r := HelpReply()
	switch w := strings.ToLower(cmd.Arg); w {
	case "", "help", "hilfe", "h", "?":
	default:
		r.Notice = "Den Befehl /" + Excerpt(cmd.Arg, 30) + " kenne ich nicht. (Unknown command.)"
	}
	return r
}

// BuiltinOnly reports whether the engine answers about the built-in essay
// alone, which the written-out help and command descriptions describe;
// otherwise they are made from the library's metadata.
func (h *Handler) BuiltinOnly() bool {
	return len(h.Texts()) <= 1 && h.eng.Essay().Meta == content.Load().Meta
}

// DefaultTitle is the title of the default text (what /summary without a
// text summarizes), „quoted“, or "dem Text" when it has none.
func (h *Handler) DefaultTitle() string {
	if t := h.eng.Essay().Meta.Title; t != "" {
		return "„" + Excerpt(t, 60) + "“"
	}
	return "dem Text"
}

// HelpFor is HelpFor for this handler's library: the written-out help for
// the built-in essay, else one that names the texts from their metadata.
func (h *Handler) HelpFor(cmd Command) Reply {
	r := HelpFor(cmd)
	if !h.BuiltinOnly() {
		r.Text = h.libraryHelp()
	}
	return r
}

// HelpReply is the reply to /help for this handler's library.
func (h *Handler) HelpReply() Reply { return h.HelpFor(Command{Name: Help}) }

func (h *Handler) libraryHelp() string {
	subject, subjectEN := h.DefaultTitle(), h.DefaultTitle()
	if m := h.eng.Essay().Meta; m.Author != "" && len(h.Texts()) <= 1 {
		subject += " von " + m.Author
		subjectEN += " by " + m.Author
	}
	texts := h.Texts()
	if len(texts) > 1 {
		titles := make([]string, len(texts))
		for i, t := range texts {
			titles[i] = "„" + Excerpt(t.Title(), 60) + "“"
		}
		subject = fmt.Sprintf("%d Texten (%s)", len(texts), Excerpt(strings.Join(titles, ", "), 300))
		subjectEN = fmt.Sprintf("%d texts", len(texts))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**Leviathan** beantwortet Fragen zu %s und belegt jede Aussage mit [n], das auf die zitierte Stelle zeigt.\n\n", subject)
	b.WriteString("• `/ask` eine Frage – z. B. `/ask Worum geht es?`\n")
	fmt.Fprintf(&b, "• `/summary` %s oder einen Abschnitt zusammenfassen\n", h.DefaultTitle())
	b.WriteString("• `/quote` wörtlich zitieren, zu einem Thema oder einer Stelle – z. B. `/quote ¶1`\n")
	if len(texts) > 1 {
		b.WriteString("• `/texts` zeigt die Texte; die Option `text` von /ask, /summary und /quote wählt einen.\n")
	}
	b.WriteString("• Erwähne mich mit einer Frage und antworte auf meine Antwort, um nachzufragen.\n\n")
	fmt.Fprintf(&b, "**In English:** ask about %s in English or German; answers cite the passages they rest on.\n", subjectEN)
	b.WriteString("• `/ask What is it about?` · `/summary` – a whole text, or one section · `/quote ¶1` – verbatim passages\n")
	if len(texts) > 1 {
		b.WriteString("• `/texts` lists the texts; the `text` option picks one.\n")
	}
	b.WriteString("• Mention me with a question, and reply to my answer to follow up.")
	return b.String()
}
