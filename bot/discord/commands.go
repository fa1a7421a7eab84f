package discord

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/content"
)

// Discord's limits on command definitions and choices.
const (
	maxChoices     = 25
	maxChoiceName  = 100
	maxDescription = 100
)

// commandDefs returns the slash commands, with the summary's section choices
// taken from the essay.
func (b *Bot) commandDefs() []*discordgo.ApplicationCommand {
	// The notes are not offered: they are quoted, not summarized.
	var sections []*discordgo.ApplicationCommandOptionChoice
	for _, s := range b.h.Sections() {
		if len(sections) == maxChoices {
			break
		}
		name := clip(s, maxChoiceName)
		sections = append(sections, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: name})
	}
	maxQ := b.cfg.MaxQuestion
	if maxQ <= 0 || maxQ > bot.MaxQuestionRunes {
		maxQ = bot.MaxQuestionRunes
	}
	dm := b.cfg.AllowDMs
	cmds := []*discordgo.ApplicationCommand{
		{
			Name: "ask", Description: "Frage zum Essay stellen, Antwort mit Belegen · Ask about the essay, answered with citations",
			DMPermission: &dm,
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "question", Required: true,
				Description: "Deine Frage, z. B. „Was ist DOGE?“ · Your question", MaxLength: maxQ,
			}},
		},
		{
			Name: "summary", Description: "Den Essay oder einen Abschnitt zusammenfassen · Summarize the essay or a section",
			DMPermission: &dm,
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "section",
				Description: "Abschnitt (leer: der ganze Essay) · Section (empty: the whole essay)", Choices: sections,
			}},
		},
		{
			Name: "quote", Description: "Wörtlich zitieren: ein Thema oder eine Stelle wie ¶12 · Quote verbatim",
			DMPermission: &dm,
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "topic", Required: true, Autocomplete: true,
				Description: "Thema oder Stelle, z. B. Libra oder ¶12 · Topic or label", MaxLength: 200,
			}},
		},
		{
			Name: "help", Description: "Was Leviathan kann, mit Beispielen · What Leviathan can do, with examples",
			DMPermission: &dm,
		},
	}
	if !b.h.BuiltinOnly() {
		// Not the built-in essay alone: the descriptions name the default
		// text from its metadata, or the library.
		about := b.h.DefaultTitle()
		if len(b.h.Texts()) > 1 {
			about = "den Texten"
		}
		cmds[0].Description = clip("Frage zu "+about+" stellen, Antwort mit Belegen · Ask a question, answered with citations", maxDescription)
		cmds[0].Options[0].Description = "Deine Frage · Your question"
		cmds[1].Description = clip(b.h.DefaultTitle()+" oder einen Abschnitt zusammenfassen · Summarize a text or a section", maxDescription)
		cmds[1].Options[0].Description = "Abschnitt (leer: der ganze Text) · Section (empty: the whole text)"
	}
	// Where the group has read to is set by moderators, in servers only;
	// onReading checks the member's permissions. (The command is not
	// hidden with default_member_permissions: discordgo sends it as a
	// string, which Discord's OpenAPI schema, and so the test server,
	// refuses.)
	cmds = append(cmds, &discordgo.ApplicationCommand{
		Name: readingName, Description: "Moderation: bis wohin die Gruppe gelesen hat · Where the group has read to",
		Contexts: &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "section", Autocomplete: true,
			Description: "Letzter gelesener Abschnitt (clear/leer: aufheben) · Last section read (clear/empty: remove)",
		}},
	})
	if len(b.h.Texts()) > 1 {
		// A library: each question may name its text, and the sections
		// depend on the text chosen, so they are suggested as the asker
		// types instead of being fixed choices.
		for _, c := range cmds[:3] {
			c.Options = append(c.Options, &discordgo.ApplicationCommandOption{
				Type: discordgo.ApplicationCommandOptionString, Name: textOption, Autocomplete: true,
				Description: "Welcher Text (leer: der passende) · Which text (empty: the best match)",
			})
		}
		sec := cmds[1].Options[0]
		sec.Choices, sec.Autocomplete = nil, true
		texts := *cmds[3] // like /help: no options, the same DM setting
		texts.Name, texts.Description = command.TextsName, "Die Texte, zu denen ich antworte · The texts I answer about"
		cmds = append(cmds, &texts)
	}
	return cmds
}

// textOption is the option of /ask, /summary and /quote that names a text.
const textOption = "text"

// textChoices suggests the texts whose ID or title contains what the user
// typed.
func textChoices(texts []*content.Text, typed string) []*discordgo.ApplicationCommandOptionChoice {
	lower := strings.ToLower(strings.TrimSpace(typed))
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, t := range texts {
		if len(out) == maxChoices {
			break
		}
		if !strings.Contains(t.ID, lower) && !strings.Contains(strings.ToLower(t.Title()), lower) {
			continue
		}
		name := t.Title()
		if name != t.ID {
			name = t.ID + " · " + name
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(name, maxChoiceName), Value: t.ID})
	}
	return out
}

// sectionChoices suggests the sections of essay (without the notes) that
// contain what the user typed.
func sectionChoices(essay *content.Essay, typed string) []*discordgo.ApplicationCommandOptionChoice {
	lower := strings.ToLower(strings.TrimSpace(typed))
	out := []*discordgo.ApplicationCommandOptionChoice{}
	for _, s := range essay.BodySections() {
		if len(out) == maxChoices {
			break
		}
		if strings.Contains(strings.ToLower(s), lower) {
			name := clip(s, maxChoiceName)
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: name})
		}
	}
	return out
}

// register replaces the application's commands with one bulk overwrite.
func (b *Bot) register(ctx context.Context) error {
	appID := b.selfID()
	if st := b.s.State; st != nil {
		st.RLock()
		if st.Application != nil && st.Application.ID != "" {
			appID = st.Application.ID
		}
		st.RUnlock()
	}
	cmds, err := b.s.ApplicationCommandBulkOverwrite(appID, b.cfg.GuildID, b.commandDefs(), discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("couldn't register the slash commands: %w", err)
	}
	where := "globally (may take a while to appear)"
	if b.cfg.GuildID != "" {
		where = "on guild " + b.cfg.GuildID
	}
	b.log.Info("registered slash commands "+where, "commands", len(cmds))
	return nil
}

// labelChoices suggests passage labels for what the user typed into
// /quote topic: labels starting with it, or passages containing it (then
// the typed text itself comes first, so a topic search stays possible).
func labelChoices(essay *content.Essay, typed string) []*discordgo.ApplicationCommandOptionChoice {
	typed = strings.TrimSpace(typed)
	var out []*discordgo.ApplicationCommandOptionChoice
	add := func(name, value string) {
		if len(out) < maxChoices {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(name, maxChoiceName), Value: clip(value, maxChoiceName)})
		}
	}
	lower := strings.ToLower(typed)
	labelish := typed == "" || content.LooksLikeLabel(typed) || strings.HasPrefix(typed, "¶")
	if !labelish {
		add(typed, typed)
	}
	norm := strings.TrimPrefix(lower, "¶")
	for _, p := range essay.Passages {
		l := strings.ToLower(p.Label)
		switch {
		case labelish && (strings.HasPrefix(strings.TrimPrefix(l, "¶"), norm) || strings.HasPrefix(l, lower)):
		case !labelish && strings.Contains(strings.ToLower(p.Text), lower):
		default:
			continue
		}
		add(p.Label+" · "+p.Section+" — "+p.Text, p.Label)
	}
	return out
}

// clip cuts s to at most n runes, with "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
