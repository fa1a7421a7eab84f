package command

import (
	"fmt"
	"strings"

	"github.com/leviathan-bot/leviathan/content"
)

// TextsName is the command that lists the library (Discord's /texts).
const TextsName = "texts"

// TextsReply lists the library's texts: ID, title, author and language,
// marking the text current (a channel's own text; "" for none) so that
// askers know what a question without a text goes to.
func (h *Handler) TextsReply(current string) Reply {
	texts := h.Texts()
	if len(texts) == 0 {
		texts = []*content.Text{{ID: content.BuiltinID, Essay: *h.eng.Essay()}}
	}
	var b strings.Builder
	b.WriteString("**Texte · Texts**\n")
	for _, t := range texts {
		fmt.Fprintf(&b, "• `%s` · %s", t.ID, Excerpt(t.Title(), 80))
		if a := t.Meta.Author; a != "" {
			b.WriteString(" — " + a)
		}
		if l := t.Meta.Language; l != "" {
			b.WriteString(" (" + l + ")")
		}
		if t.ID == current {
			b.WriteString(" · *Text dieses Kanals · this channel's text*")
		}
		b.WriteByte('\n')
	}
	if len(texts) > 1 {
		b.WriteString("\nWähle einen mit der Option `text` von /ask, /quote und /summary; ohne sie suche ich den passenden. " +
			"(Pick one with the `text` option; without it, I find the text that fits.)")
	}
	return Reply{Command: TextsName, Text: strings.TrimSpace(b.String()), Ephemeral: true, Outcome: OutcomeOK}
}
