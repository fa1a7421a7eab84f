package discord

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

var _ command.Reading = (*fakeEngine)(nil)

func (f *fakeEngine) SummaryUpTo(ctx context.Context, textID, section, upTo string, onText func(string)) (bot.Answer, error) {
	f.mu.Lock()
	f.upTo = append(f.upTo, "summary "+upTo)
	f.mu.Unlock()
	return f.SummaryOf(ctx, textID, section, onText)
}

func (f *fakeEngine) QuoteUpTo(ctx context.Context, textID, topic string, n int, upTo string) ([]bot.Quote, error) {
	f.mu.Lock()
	f.upTo = append(f.upTo, "quote "+upTo)
	f.mu.Unlock()
	return f.QuoteFrom(ctx, textID, topic, n)
}

func (f *fakeEngine) readTo() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.upTo)
}

// A moderator sets where the group has read to; every question, quote
// and summary in the channel keeps to it, and a restarted bot still
// does. Others may not set it.
func TestReading(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "reading.json")
	eng := &fakeEngine{}
	cfg := Config{MessageContent: true, ReadingFile: file}
	r := newRig(t, cfg, eng)
	c := commandNamed(r, readingName)
	if c.Contexts == nil || !slices.Equal(*c.Contexts, []discordgo.InteractionContextType{discordgo.InteractionContextGuild}) {
		t.Errorf("/reading: contexts %v; want servers only", c.Contexts)
	}
	set := func(perms int64, section string) discordtest.InteractionRef {
		return r.srv.SendInteraction(discordtest.Interaction{Name: readingName, Permissions: perms,
			Options: []discordtest.CommandOption{discordtest.Str("section", section)}})
	}
	// Not a moderator: refused, privately, and nothing changes.
	if got := r.ephemeral(set(0, "tech")); !strings.Contains(got, "nur Moderator*innen") {
		t.Errorf("a member without Manage Messages: %q", got)
	}
	if got := r.ephemeral(set(discordgo.PermissionManageMessages, "Kapitel 9")); !strings.Contains(got, "„Einleitung“") {
		t.Errorf("an unknown section: %q", got)
	}
	r.final(set(discordgo.PermissionAdministrator, "Einleitung"), "„Einleitung“")
	r.final(set(discordgo.PermissionManageMessages, "tech"), "„Tech-Oligarchen an der Macht“")
	r.final(r.ask("Was ist DOGE?", ""), "Antwort auf")
	r.final(r.srv.SendInteraction(discordtest.Interaction{Name: "quote", Options: []discordtest.CommandOption{discordtest.Str("topic", "DOGE")}}), "**¶4**")
	r.final(r.srv.SendInteraction(discordtest.Interaction{Name: "summary"}), "Zusammenfassung")
	r.srv.SendMessageCreate(discordtest.Message{Content: r.srv.BotMention() + " Und sonst?"})
	want := []string{"ask Tech-Oligarchen an der Macht", "quote Tech-Oligarchen an der Macht", "summary Tech-Oligarchen an der Macht", "ask Tech-Oligarchen an der Macht"}
	r.wait("the mention's answer", func() bool { return len(eng.readTo()) == len(want) })
	if got := eng.readTo(); !slices.Equal(got, want) {
		t.Errorf("the engine got reading positions %q, want %q", got, want)
	}
	// Another channel is not limited.
	other := &discordgo.Channel{ID: "800000000000000077", GuildID: discordtest.DefaultGuildID, Type: discordgo.ChannelTypeGuildText, Name: "anderswo"}
	r.srv.AddChannel(other)
	r.final(r.srv.SendInteraction(discordtest.Interaction{Name: "ask", ChannelID: other.ID,
		Options: []discordtest.CommandOption{discordtest.Str("question", "Woanders?")}}), "Antwort auf")
	if got := eng.readTo(); len(got) != len(want) {
		t.Errorf("a question in another channel was limited: %q", got[len(want):])
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}

	// A new bot over the same file keeps the position, over a setting.
	eng2 := &fakeEngine{}
	cfg.Reading = map[string]string{discordtest.DefaultChannelID: "Einleitung"}
	r2 := newRig(t, cfg, eng2)
	r2.final(r2.ask("Was ist DOGE?", ""), "Antwort auf")
	if got := eng2.readTo(); !slices.Equal(got, []string{"ask Tech-Oligarchen an der Macht"}) {
		t.Errorf("after a restart: %q", got)
	}
	// Cleared, it stays cleared after another restart, the setting
	// notwithstanding.
	r2.final(r2.srv.SendInteraction(discordtest.Interaction{Name: readingName, Permissions: discordgo.PermissionManageMessages}), "Keine Leseposition mehr")
	if err := r2.stop(); err != nil {
		t.Fatal(err)
	}
	eng3 := &fakeEngine{}
	r3 := newRig(t, cfg, eng3)
	r3.final(r3.ask("Was ist DOGE?", ""), "Antwort auf")
	if got := eng3.readTo(); len(got) != 0 {
		t.Errorf("a cleared position came back: %q", got)
	}
	if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), `"channels"`) {
		t.Errorf("the file: %s, %v", b, err)
	}
}

// The setting alone limits a channel.
func TestReadingSetting(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{Reading: map[string]string{discordtest.DefaultChannelID: "Einleitung"}}, eng)
	r.final(r.ask("Was ist DOGE?", ""), "Antwort auf")
	if got := eng.readTo(); !slices.Equal(got, []string{"ask Einleitung"}) {
		t.Errorf("the engine got %q", got)
	}
}

func TestReadingAutocomplete(t *testing.T) {
	t.Parallel()
	r := newRig(t, Config{}, nil)
	ac := r.srv.SendInteraction(discordtest.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete, Name: readingName,
		Options: []discordtest.CommandOption{{Name: "section", Type: discordgo.ApplicationCommandOptionString, Value: "", Focused: true}}})
	r.wait("choices", func() bool { return r.srv.Choices(ac.Token) != nil })
	var vs []string
	for _, c := range r.srv.Choices(ac.Token) {
		v, _ := c.Value.(string)
		vs = append(vs, v)
	}
	if len(vs) < 2 || vs[0] != clearReading || !slices.Contains(vs, "Tech-Oligarchen an der Macht") || slices.Contains(vs, "Anmerkungen") {
		t.Errorf("choices %q", vs)
	}
}
