package command

import "strings"

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
