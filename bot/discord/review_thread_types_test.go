package discord

import (
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/discord/discordtest"
)

// TestAdoptedThreadSkipsOtherMessageTypes: reading an adopted thread back,
// only people's messages and the bot's answers to them count. The answer
// to a slash command used in the thread (type CHAT_INPUT_COMMAND) answers
// no message of the thread, and a rename (CHANNEL_NAME_CHANGE, the new
// name as content) is no question.
func TestAdoptedThreadSkipsOtherMessageTypes(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{}
	r := newRig(t, Config{Threads: true, MessageContent: true}, eng)
	botUser := &discordgo.User{ID: discordtest.BotID, Username: discordtest.BotName, Bot: true}
	alice := &discordgo.User{ID: discordtest.DefaultUserID, Username: "alice"}
	answer := func(text string) *discordgo.Message {
		return &discordgo.Message{Author: botUser, Content: text, Components: feedbackButtons("0123456789ab")}
	}
	slash := answer("Zusammenfassung des Essays [1].")
	slash.Type = discordgo.MessageTypeChatInputCommand
	thread := r.oldThread(discordtest.BotID,
		answer("Ein Amt unter Musk [1]."),
		slash,
		&discordgo.Message{Author: alice, Content: "und wer leitet es?"},
		&discordgo.Message{Author: alice, Content: "DOGE-Fragen", Type: discordgo.MessageTypeChannelNameChange},
		answer("Elon Musk [1]."),
	)
	r.srv.SendMessageCreate(discordtest.Message{ChannelID: thread, Content: "und seit wann?"})
	r.answerIn(thread, "Antwort auf „und seit wann?“")
	want := []bot.Turn{
		{Question: "Was ist DOGE?", Answer: "Ein Amt unter Musk [1]."},
		{Question: "und wer leitet es?", Answer: "Elon Musk [1]."},
	}
	if h := eng.history(0); !slices.Equal(h, want) {
		t.Errorf("history = %q,\nwant %q", h, want)
	}
}
