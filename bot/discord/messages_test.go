package discord

import (
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// botPosts returns the bot's messages in a channel.
func (r *rig) botPosts(channel string) []string {
	var out []string
	for _, m := range r.srv.Messages(channel) {
		if m.Author != nil && m.Author.ID == discordtest.BotID {
			out = append(out, m.Content)
		}
	}
	return out
}

// TestSystemMessagesAreNotQuestions: Discord posts system messages into
// threads, authored by the user who caused them. Renaming the bot's thread
// posts CHANNEL_NAME_CHANGE with the new name as content; mentioning the bot
// in a thread it is not in adds it, which posts RECIPIENT_ADD mentioning
// the bot (next to the user's own message, which is answered). Neither is a
// question: the bot must not answer the thread's name, nor send its help in
// addition to the answer. onMessage is called directly, so that everything
// it would send has been sent when it returns.
func TestSystemMessagesAreNotQuestions(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{Threads: true, MessageContent: true}, eng)
	g := discordtest.DefaultGuildID

	own := r.oldThread(discordtest.BotID)
	r.bot.onMessage(r.bot.s, &discordgo.MessageCreate{Message: &discordgo.Message{
		ID: "700000000000000001", ChannelID: own, GuildID: g, Author: alice(), Member: &discordgo.Member{},
		Type: discordgo.MessageTypeChannelNameChange, Content: "DOGE und Musk",
	}})
	if p := r.botPosts(own); len(p) != 0 {
		t.Errorf("the bot answered the rename of its thread: %q", p)
	}

	others := r.oldThread(discordtest.DefaultUserID)
	r.bot.onMessage(r.bot.s, &discordgo.MessageCreate{Message: &discordgo.Message{
		ID: "700000000000000002", ChannelID: others, GuildID: g, Author: alice(), Member: &discordgo.Member{},
		Type: discordgo.MessageTypeRecipientAdd, Mentions: []*discordgo.User{botUser()},
	}})
	if p := r.botPosts(others); len(p) != 0 {
		t.Errorf("the bot answered being added to a thread: %q", p)
	}
	if q := r.metrics.snapshot().questions; len(q) != 0 {
		t.Errorf("system messages were counted as questions: %q", q)
	}
}
