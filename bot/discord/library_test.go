package discord

import (
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
	"github.com/leviathan-bot/leviathan/content"
)

// libraryEngine is a fake engine over a library of two texts: the built-in
// essay and content's small Markdown book "gut" ("Ein kleines Buch").
func libraryEngine(t *testing.T) *fakeEngine {
	t.Helper()
	gut, err := content.LoadFile("../../content/testdata/library/gut.md", content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &fakeEngine{texts: []*content.Text{content.Builtin(), gut}}
}

func commandNamed(r *rig, name string) *discordgo.ApplicationCommand {
	r.t.Helper()
	cmds := r.srv.Commands(discordtest.DefaultGuildID)
	if cmds == nil {
		cmds = r.srv.Commands("")
	}
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
	}
	r.t.Fatalf("no command %q registered", name)
	return nil
}

func optionNamed(c *discordgo.ApplicationCommand, name string) *discordgo.ApplicationCommandOption {
	for _, o := range c.Options {
		if o.Name == name {
			return o
		}
	}
	return nil
}

func TestTextOptionOnlyWithALibrary(t *testing.T) {
	t.Parallel()
	one := newRig(t, Config{}, &fakeEngine{texts: []*content.Text{content.Builtin()}})
	lib := newRig(t, Config{}, libraryEngine(t))
	for _, name := range []string{"ask", "summary", "quote"} {
		if o := optionNamed(commandNamed(one, name), "text"); o != nil {
			t.Errorf("/%s has a text option with one text", name)
		}
		o := optionNamed(commandNamed(lib, name), "text")
		if o == nil || !o.Autocomplete || o.Required {
			t.Errorf("/%s text option = %+v, want an optional one with autocomplete", name, o)
		}
	}
	// The sections depend on the text: suggested, not fixed choices.
	if o := optionNamed(commandNamed(lib, "summary"), "section"); len(o.Choices) != 0 || !o.Autocomplete {
		t.Errorf("summary section with a library: %d choices, autocomplete %v", len(o.Choices), o.Autocomplete)
	}
	if o := optionNamed(commandNamed(one, "summary"), "section"); len(o.Choices) == 0 {
		t.Error("summary section with one text lost its choices")
	}
}

func TestTextOptionChoosesTheText(t *testing.T) {
	t.Parallel()
	eng := libraryEngine(t)
	r := newRig(t, Config{}, eng)
	send := func(name string, opts ...discordtest.CommandOption) discordtest.InteractionRef {
		return r.srv.SendInteraction(discordtest.Interaction{Name: name, Options: opts})
	}
	r.final(send("ask", discordtest.Str("question", "Worum geht es?"), discordtest.Str("text", "Gut")), "Antwort auf")
	r.final(send("ask", discordtest.Str("question", "Und sonst?")), "Antwort auf")
	// The book's labels and sections count, not the essay's.
	r.final(send("quote", discordtest.Str("topic", "¶1"), discordtest.Str("text", "gut")), "**¶4**")
	r.final(send("summary", discordtest.Str("section", "Erstes Kapitel"), discordtest.Str("text", "gut")), "Zusammenfassung von Erstes Kapitel")
	want := []string{"ask gut", "ask ", "quote gut", "summary gut"}
	if got := eng.choices(); !slices.Equal(got, want) {
		t.Errorf("the engine got texts %q, want %q", got, want)
	}
	// An unknown text, or a section of another text, is refused to the
	// asker alone before the engine sees it.
	got := r.ephemeral(send("ask", discordtest.Str("question", "Worum geht es?"), discordtest.Str("text", "kochbuch")))
	for _, w := range []string{"„kochbuch“ gibt es nicht", "`essay`", "`gut` (Ein kleines Buch)"} {
		if !strings.Contains(got, w) {
			t.Errorf("unknown text: %q lacks %q", got, w)
		}
	}
	got = r.ephemeral(send("summary", discordtest.Str("section", "Tech-Oligarchen an der Macht"), discordtest.Str("text", "gut")))
	if !strings.Contains(got, "„Erstes Kapitel“") {
		t.Errorf("a section of the essay asked of the book: %q", got)
	}
	if got := eng.choices(); len(got) != len(want) {
		t.Errorf("refused requests reached the engine: %q", got[len(want):])
	}
}

func TestTextAutocomplete(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{}, libraryEngine(t))
	complete := func(name string, opts ...discordtest.CommandOption) []string {
		ac := r.srv.SendInteraction(discordtest.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete, Name: name, Options: opts})
		r.wait("choices", func() bool { return r.srv.Choices(ac.Token) != nil })
		var vs []string
		for _, c := range r.srv.Choices(ac.Token) {
			v, _ := c.Value.(string)
			vs = append(vs, v)
		}
		return vs
	}
	focused := func(o discordtest.CommandOption) discordtest.CommandOption { o.Focused = true; return o }
	if got := complete("ask", discordtest.Str("question", "x"), focused(discordtest.Str("text", "KLEIN"))); !slices.Equal(got, []string{"gut"}) {
		t.Errorf("texts for „KLEIN“ (in the title) = %q, want [gut]", got)
	}
	if got := complete("quote", focused(discordtest.Str("text", ""))); !slices.Equal(got, []string{"essay", "gut"}) {
		t.Errorf("texts for nothing typed = %q, want all", got)
	}
	if got := complete("summary", discordtest.Str("text", "gut"), focused(discordtest.Str("section", "kapitel"))); len(got) == 0 || !slices.Contains(got, "Erstes Kapitel") || slices.Contains(got, "Einleitung") {
		t.Errorf("the book's sections = %q", got)
	}
	if got := complete("summary", focused(discordtest.Str("section", "tech"))); !slices.Equal(got, []string{"Tech-Oligarchen an der Macht"}) {
		t.Errorf("the default text's sections = %q", got)
	}
}

// In a channel with a text of its own, questions that name none go to it,
// by slash command or by mention; a text named wins.
func TestChannelText(t *testing.T) {
	t.Parallel()
	eng := libraryEngine(t)
	r := newRig(t, Config{MessageContent: true, ChannelTexts: map[string]string{discordtest.DefaultChannelID: "gut"}}, eng)
	ask := func(opts ...discordtest.CommandOption) {
		r.final(r.srv.SendInteraction(discordtest.Interaction{Name: "ask", Options: opts}), "Antwort auf")
	}
	ask(discordtest.Str("question", "Worum geht es?"))
	ask(discordtest.Str("question", "Und im Essay?"), discordtest.Str("text", "essay"))
	r.srv.SendMessageCreate(discordtest.Message{Content: r.srv.BotMention() + " Und sonst?"})
	r.wait("the reply", func() bool { return len(eng.choices()) == 3 })
	r.final(r.srv.SendInteraction(discordtest.Interaction{Name: "quote", Options: []discordtest.CommandOption{discordtest.Str("topic", "Zitat")}}), "**¶4**")
	// A thread in the channel keeps the channel's text.
	th := &discordgo.Channel{ID: "800000000000000042", GuildID: discordtest.DefaultGuildID, ParentID: discordtest.DefaultChannelID,
		Type: discordgo.ChannelTypeGuildPublicThread, Name: "Worum geht es?", ThreadMetadata: &discordgo.ThreadMetadata{AutoArchiveDuration: 1440}}
	r.srv.AddChannel(th)
	r.final(r.srv.SendInteraction(discordtest.Interaction{Name: "ask", ChannelID: th.ID,
		Options: []discordtest.CommandOption{discordtest.Str("question", "Im Faden?")}}), "Antwort auf")
	want := []string{"ask gut", "ask essay", "ask gut", "quote gut", "ask gut"}
	if got := eng.choices(); !slices.Equal(got, want) {
		t.Errorf("the engine got texts %q, want %q", got, want)
	}
}

func TestTexts(t *testing.T) {
	t.Parallel()
	one := newRig(t, Config{}, nil)
	for _, c := range one.srv.Commands(discordtest.DefaultGuildID) {
		if c.Name == "texts" {
			t.Error("/texts registered with one text")
		}
	}
	r := newRig(t, Config{ChannelTexts: map[string]string{discordtest.DefaultChannelID: "gut"}}, libraryEngine(t))
	commandNamed(r, "texts")
	got := r.ephemeral(r.srv.SendInteraction(discordtest.Interaction{Name: "texts"}))
	for _, want := range []string{
		"• `essay` · " + content.Builtin().Title() + " — " + content.Builtin().Meta.Author,
		"• `gut` · Ein kleines Buch — Anna Autorin (de) · *Text dieses Kanals",
		"Option `text`",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/texts lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "Text dieses Kanals") != 1 {
		t.Errorf("not exactly one text marked as the channel's:\n%s", got)
	}
	r.wait("texts counted", func() bool { return slices.Contains(r.metrics.snapshot().questions, "texts/ok") })
}

// With a library, /help and the command descriptions come from the texts'
// metadata, not from the built-in essay's words.
func TestLibraryHelpAndDescriptions(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{}, libraryEngine(t))
	help := r.ephemeral(r.srv.SendInteraction(discordtest.Interaction{Name: "help"}))
	for _, want := range []string{"2 Texten („Zerbrechlicher Leviathan“, „Ein kleines Buch“)", "`/texts`", "`/summary` „Zerbrechlicher Leviathan“"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	if strings.Contains(help, "DOGE") {
		t.Errorf("the library's help has the essay's examples:\n%s", help)
	}
	if d := commandNamed(r, "ask").Description; !strings.HasPrefix(d, "Frage zu den Texten stellen") {
		t.Errorf("/ask description %q", d)
	}
	if d := commandNamed(r, "summary").Description; !strings.HasPrefix(d, "„Zerbrechlicher Leviathan“ oder einen Abschnitt") {
		t.Errorf("/summary description %q", d)
	}
	// One text that is not the built-in essay: named by its title.
	gut := libraryEngine(t).texts[1]
	one := newRig(t, Config{}, &fakeEngine{texts: []*content.Text{gut}, essay: &gut.Essay})
	if d := commandNamed(one, "ask").Description; !strings.HasPrefix(d, "Frage zu „Ein kleines Buch“ stellen") {
		t.Errorf("/ask description with one text %q", d)
	}
	help = one.ephemeral(one.srv.SendInteraction(discordtest.Interaction{Name: "help"}))
	if !strings.Contains(help, "Fragen zu „Ein kleines Buch“ von Anna Autorin") || strings.Contains(help, "/texts") {
		t.Errorf("help with one text:\n%s", help)
	}
}
