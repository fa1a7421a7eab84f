package discord

import (
	"context"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// TestMentionDuringShutdownIsTold: a slash command sent while the bot shuts
// down hears that it restarts; a mention sent then must hear it too, not
// silence. In a channel the bot does not serve it stays silent, as ever.
// onMessage is called directly, so that what it sends has been sent when
// it returns.
func TestMentionDuringShutdownIsTold(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	eng := &fakeEngine{ask: func(ctx context.Context, r bot.Request) (bot.Answer, error) {
		started <- struct{}{}
		<-release
		return citing("Fertig [1]."), nil
	}}
	const served = "100000000000000077"
	r := newRig(t, Config{AllowedChannels: []string{served}}, eng)
	ref := r.srv.SendInteraction(discordtest.Interaction{Name: "ask", ChannelID: served,
		Options: []discordtest.CommandOption{discordtest.Str("question", "Langsame Frage")}})
	<-started
	r.cancel()
	r.wait("not ready while shutting down", func() bool { _, why := r.bot.Ready(); return why == "shutting down" })

	alice := &discordgo.User{ID: discordtest.DefaultUserID, Username: "alice"}
	botUser := &discordgo.User{ID: discordtest.BotID, Username: discordtest.BotName, Bot: true}
	// replies returns the bot's replies to a mention.
	mention := func(channel string) (replies func() []string) {
		m := r.srv.AddMessage(&discordgo.Message{ChannelID: channel, GuildID: discordtest.DefaultGuildID, Author: alice,
			Member: &discordgo.Member{}, Mentions: []*discordgo.User{botUser}, Content: r.srv.BotMention() + " Was ist DOGE?"})
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
	r.final(ref, "Fertig")
}
