package discord

import (
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// TestClicksDuringShutdownAreAnswered: while the bot shuts down (answers
// in flight still finishing), a click on 👍/👎 and an autocomplete ask
// nothing of the engine; they must not end in Discord's "This interaction
// failed" / "Loading options failed".
func TestClicksDuringShutdownAreAnswered(t *testing.T) {
	t.Parallel()
	eng, started, release := slowEngine("Langsam")
	r := newRig(t, Config{}, eng)
	m := r.final(r.ask("Schnell", ""), "Antwort auf Schnell")
	<-started
	slow := r.ask("Langsam", "")
	<-started
	r.cancel()
	r.wait("not ready while shutting down", func() bool { _, why := r.bot.Ready(); return why == "shutting down" })

	click := r.srv.SendInteraction(discordtest.Interaction{Type: discordgo.InteractionMessageComponent, CustomID: buttons(m)[0], MessageID: m.ID})
	if got := r.ephemeral(click); got != feedbackThanks {
		t.Errorf("a click during shutdown got %q", got)
	}
	r.wait("the vote counted", func() bool { return slices.Equal(r.metrics.snapshot().feedback, []string{"up"}) })
	typed := discordtest.Str("topic", "¶1")
	typed.Focused = true
	ac := r.srv.SendInteraction(discordtest.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete, Name: "quote",
		Options: []discordtest.CommandOption{typed}})
	r.wait("choices", func() bool { return len(r.srv.Choices(ac.Token)) > 0 })

	close(release)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r.final(slow, "Antwort auf Langsam")
}

// TestMentionDuringShutdownIsTold: a slash command sent while the bot shuts
// down hears that it restarts; a mention sent then must hear it too, not
// silence. In a channel the bot does not serve it stays silent, as ever.
// onMessage is called directly, so that what it sends has been sent when
// it returns.
func TestMentionDuringShutdownIsTold(t *testing.T) {
	t.Parallel()
	eng, started, release := slowEngine("Langsame Frage")
	const served = "100000000000000077"
	r := newRig(t, Config{AllowedChannels: []string{served}}, eng)
	ref := r.srv.SendInteraction(discordtest.Interaction{Name: "ask", ChannelID: served,
		Options: []discordtest.CommandOption{discordtest.Str("question", "Langsame Frage")}})
	<-started
	r.cancel()
	r.wait("not ready while shutting down", func() bool { _, why := r.bot.Ready(); return why == "shutting down" })

	// replies returns the bot's replies to a mention.
	mention := func(channel string) (replies func() []string) {
		m := r.srv.AddMessage(&discordgo.Message{ChannelID: channel, GuildID: discordtest.DefaultGuildID, Author: alice(),
			Member: &discordgo.Member{}, Mentions: []*discordgo.User{botUser()}, Content: r.srv.BotMention() + " Was ist DOGE?"})
		r.bot.onMessage(r.bot.s, &discordgo.MessageCreate{Message: m})
		return func() []string {
			var out []string
			for _, c := range r.srv.Messages(channel) {
				if c.Author != nil && c.Author.ID == discordtest.BotID && c.MessageReference != nil && c.MessageReference.MessageID == m.ID {
					out = append(out, c.Content)
				}
			}
			return out
		}
	}
	if told := mention(served)(); len(told) != 1 || told[0] != restartingText {
		t.Errorf("a mention during shutdown got %q, want the restart note", told)
	}
	if told := mention(discordtest.DefaultChannelID)(); len(told) != 0 {
		t.Errorf("the bot spoke in a channel it does not serve: %q", told)
	}
	close(release)
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r.final(ref, "Antwort auf Langsame Frage")
}
